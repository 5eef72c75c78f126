import type { FileStore, StoredFile } from '../storage/file-store.ts'
import type { MetaStore } from '../storage/meta-store.ts'
import { SEGMENTS_DIR } from './checkpoint.ts'
import { withFileGate } from './file-gate.ts'
import { type Manifest, referencedFiles } from './manifest.ts'

/** Options of a `GarbageCollector`, named after Milvus's `dataCoord.gc.*` keys where they map. */
export interface GarbageCollectorOptions {
  /** Between two passes (`dataCoord.gc.interval`; default 3,600,000 ms). */
  readonly intervalMs?: number
  /**
   * An object no saved manifest names is removed only once its modification time (S3 LastModified) is
   * this old (`dataCoord.gc.missingTolerance`; default 86,400,000 ms): what a writer is writing now is
   * young until its manifest names it.
   */
  readonly missingToleranceMs?: number
  /**
   * …and only once passes have seen it unreferenced for this long (`dataCoord.gc.dropTolerance`;
   * default 10,800,000 ms): a node still on the manifest that named it may load it meanwhile.
   */
  readonly dropToleranceMs?: number
  /** Passes delete only while this holds (cluster mode: the node owns the shard). Default: always. */
  readonly mayDelete?: () => boolean
  /** Objects deleted per gated batch (default 100): checkpoints wait at most one batch. */
  readonly deleteBatchMax?: number
  /** Paths listed in the removal log line (default 20). */
  readonly loggedPathsMax?: number
  readonly log?: (message: string) => void
  /** The clock, ms (tests). */
  readonly nowMs?: () => number
}

/** What one pass found and did. */
export interface GcPassReport {
  /** Objects under `segments/`. */
  readonly scannedCount: number
  /** Of them, named by the saved manifest. */
  readonly referencedCount: number
  /** Unreferenced but not yet past both tolerances. */
  readonly waitingCount: number
  readonly removed: readonly StoredFile[]
  readonly removedBytes: number
  /** Why the pass deleted nothing (not the owner, no saved manifest), if it stopped early. */
  readonly skipped?: string
}

export const gcDefaults = {
  intervalMs: 3_600_000,
  missingToleranceMs: 86_400_000,
  dropToleranceMs: 10_800_000,
  deleteBatchMax: 100,
  loggedPathsMax: 20,
} as const

/**
 * Removes segment, delete and index files that no saved manifest names, after a grace period
 * (docs/cluster.md "Garbage collection"). Cluster mode leaves such files behind on purpose: a
 * checkpoint does not remove what its manifest dropped (`removeUnreferencedFiles: false`), because
 * other nodes may still read the previous manifest; a writer that died mid-checkpoint or lost the
 * shard leaves files no manifest will ever name.
 *
 * A file is removed when all hold: the manifest loaded from the `MetaStore` (again, inside the file
 * gate, right before the delete) does not name it; its modification time is `missingToleranceMs` old;
 * this collector has seen it unreferenced for `dropToleranceMs` (sightings live in memory, so a new
 * owner waits a full `dropToleranceMs` again: later, never sooner); and `mayDelete()` holds. Without a
 * saved manifest nothing is removed. Deletes run inside the store's file gate, which a checkpoint
 * holds from its first file to its manifest, so a file about to be named is never deleted.
 */
export class GarbageCollector {
  readonly #store: FileStore
  readonly #meta: MetaStore
  readonly #options: Required<Omit<GarbageCollectorOptions, 'log'>> & { log: (m: string) => void }
  /** Path → when a pass first saw it unreferenced (ms). */
  readonly #sightings = new Map<string, number>()
  #timer: NodeJS.Timeout | undefined
  #running: Promise<GcPassReport> | undefined
  #stopped = false
  /** Totals since construction. */
  readonly totals = { passCount: 0, removedCount: 0, removedBytes: 0, failedPassCount: 0 }
  lastPass: GcPassReport | undefined

  constructor(store: FileStore, meta: MetaStore, options: GarbageCollectorOptions = {}) {
    this.#store = store
    this.#meta = meta
    this.#options = {
      intervalMs: options.intervalMs ?? gcDefaults.intervalMs,
      missingToleranceMs: options.missingToleranceMs ?? gcDefaults.missingToleranceMs,
      dropToleranceMs: options.dropToleranceMs ?? gcDefaults.dropToleranceMs,
      mayDelete: options.mayDelete ?? (() => true),
      deleteBatchMax: options.deleteBatchMax ?? gcDefaults.deleteBatchMax,
      loggedPathsMax: options.loggedPathsMax ?? gcDefaults.loggedPathsMax,
      log: options.log ?? ((m) => console.warn(`[quiver] ${m}`)),
      nowMs: options.nowMs ?? Date.now,
    }
  }

  /** Runs a pass now, then one every `intervalMs` until `stop()`; a failed pass is logged and the next runs on time. */
  start(): void {
    if (this.#timer !== undefined || this.#stopped) return
    const tick = () => {
      void this.runOnce().catch(() => undefined).finally(() => {
        if (!this.#stopped) this.#timer = setTimeout(tick, this.#options.intervalMs).unref()
      })
    }
    this.#timer = setTimeout(tick, 0).unref()
  }

  /** Stops the schedule and waits for a running pass. */
  async stop(): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#timer)
    await this.#running?.catch(() => undefined)
  }

  /** One pass (a pass already running is shared). */
  runOnce(): Promise<GcPassReport> {
    this.#running ??= this.#pass().then(
      (report) => {
        this.#running = undefined
        this.#record(report)
        return report
      },
      (e: unknown) => {
        this.#running = undefined
        this.totals.failedPassCount++
        this.#options.log(`garbage collection failed, nothing more removed this pass: ${String(e)}`)
        throw e
      },
    )
    return this.#running
  }

  async #pass(): Promise<GcPassReport> {
    const empty = { scannedCount: 0, referencedCount: 0, waitingCount: 0, removed: [], removedBytes: 0 }
    if (!this.#options.mayDelete()) return { ...empty, skipped: 'this node does not own the shard' }
    const manifest = (await this.#meta.load()) as Manifest | undefined
    if (manifest === undefined) return { ...empty, skipped: 'no saved manifest' }
    const files = await this.#store.listFiles(SEGMENTS_DIR)
    const referenced = referencedFiles(manifest)
    const candidates = this.#candidates(files, referenced)
    const removed: StoredFile[] = []
    for (let i = 0; i < candidates.length; i += this.#options.deleteBatchMax) {
      const batch = candidates.slice(i, i + this.#options.deleteBatchMax)
      const done = await withFileGate(this.#store, () => this.#deleteBatch(batch))
      removed.push(...done)
      if (done.length < batch.length && !this.#options.mayDelete()) break
    }
    const referencedCount = files.filter((f) => referenced.has(f.path)).length
    return {
      scannedCount: files.length,
      referencedCount,
      waitingCount: files.length - referencedCount - removed.length,
      removed,
      removedBytes: removed.reduce((n, f) => n + f.sizeBytes, 0),
    }
  }

  /** Updates the sightings and picks the unreferenced files past both tolerances. */
  #candidates(files: readonly StoredFile[], referenced: ReadonlySet<string>): StoredFile[] {
    const now = this.#options.nowMs()
    const listed = new Set<string>()
    const out: StoredFile[] = []
    for (const f of files) {
      listed.add(f.path)
      if (referenced.has(f.path)) {
        this.#sightings.delete(f.path)
        continue
      }
      const firstSeenMs = this.#sightings.get(f.path) ?? now
      this.#sightings.set(f.path, firstSeenMs)
      if (now - f.modifiedMs >= this.#options.missingToleranceMs && now - firstSeenMs >= this.#options.dropToleranceMs) out.push(f)
    }
    for (const p of [...this.#sightings.keys()]) if (!listed.has(p)) this.#sightings.delete(p)
    return out
  }

  /** Inside the file gate: the manifest as saved now decides; nothing is deleted once the node may not. */
  async #deleteBatch(batch: readonly StoredFile[]): Promise<StoredFile[]> {
    if (!this.#options.mayDelete()) return []
    const manifest = (await this.#meta.load()) as Manifest | undefined
    if (manifest === undefined) return []
    const referenced = referencedFiles(manifest)
    const done: StoredFile[] = []
    for (const f of batch) {
      if (referenced.has(f.path)) continue
      if (!this.#options.mayDelete()) break
      await this.#store.remove(f.path)
      this.#sightings.delete(f.path)
      done.push(f)
    }
    return done
  }

  #record(report: GcPassReport): void {
    this.lastPass = report
    this.totals.passCount++
    this.totals.removedCount += report.removed.length
    this.totals.removedBytes += report.removedBytes
    if (report.removed.length === 0) return
    const shown = report.removed.slice(0, this.#options.loggedPathsMax).map((f) => f.path)
    const more = report.removed.length - shown.length
    this.#options.log(
      `garbage collection removed ${report.removed.length} objects (${report.removedBytes} bytes) no saved manifest names ` +
        `(unreferenced for ${this.#options.dropToleranceMs} ms, modified over ${this.#options.missingToleranceMs} ms ago): ` +
        `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}; ${report.waitingCount} unreferenced objects wait`,
    )
  }
}
