import { type Timestamp, TimestampOracle } from '../common/hybrid-ts.ts'
import type { WriteOutcome } from '../collection/apply-write.ts'
import { errors, MilvusError } from '../errors/errors.ts'
import { prepareDataDir } from '../storage/data-dir.ts'
import { acquireDirLock, type DirLock } from '../storage/dir-lock.ts'
import { LocalFileStore } from '../storage/local-file-store.ts'
import { FileMetaStore, type MetaStore } from '../storage/meta-store.ts'
import type { FileStore } from '../storage/file-store.ts'
import { VectorArena } from '../vector/vector-arena.ts'
import type { CommandLog, LogReplica, OpenedCommandLog } from '../wal/command-log.ts'
import type { WalRecord } from '../wal/wal-format.ts'
import { Wal } from '../wal/wal.ts'
import { isCheckpointCancelled, planCheckpoint, writeCheckpoint } from './checkpoint.ts'
import { type ApplyResult, DbState } from './db-state.ts'
import type { Manifest } from './manifest.ts'
import { type OpenOptions, type ResolvedOptions, resolveOptions } from './open-options.ts'
import { loadManifest } from './load-manifest.ts'
import { FlushRate } from './flush-rate.ts'
import { openSharedArena } from './arena-setup.ts'
import { Compactions } from './compactions.ts'
import { IndexBuilds } from './index-builds.ts'
import { type CloseStats, msSince, type OpenStats } from './lifecycle-stats.ts'
import { sealPolicy } from './row-bytes.ts'
import { type CommandBody, decodeCommand, encodeCommand, type WalCommand } from './wal-record.ts'
import { CatalogDdl } from './catalog-ddl.ts'
import { applyReplicated } from './replica-apply.ts'
import { openAttempts } from './open-attempts.ts'

/**
 * One Quiver database in a data directory: the state, its WAL and checkpoints; owns the lifecycle. Writes
 * are WAL commands applied in LSN order once durable; reads run on the applied state (`read-ops.ts`,
 * `write-ops.ts`, DDL in `catalog-ddl.ts`, the manifest's loading in `load-manifest.ts`).
 */
export class Database {
  readonly state: DbState
  readonly options: ResolvedOptions
  private readonly store: FileStore
  private readonly meta: MetaStore
  private wal!: CommandLog
  /** Cluster mode's log instead of the local WAL (`OpenOptions.openWal`). */
  private readonly openWal: ((fromLsn: number) => Promise<OpenedCommandLog>) | undefined
  /** A read replica's log (cluster mode): no writes, no checkpoints; the writer's records are applied as they come. */
  private replica: LogReplica | undefined
  private readonly oracle = new TimestampOracle()
  /** LSN and timestamp of the last command applied. */
  appliedLsn = 0
  appliedTs: Timestamp = 0n
  private closed = false
  private checkpointChain: Promise<void> = Promise.resolve()
  /** A checkpoint queued behind the running one and not started yet: later requests share it. */
  private pendingCheckpoint: Promise<void> | undefined
  /** The running checkpoint and the LSN it captured. */
  private runningCheckpoint: { readonly lsn: number; readonly done: Promise<void> } | undefined
  private walBytesAtCheckpoint = 0
  private backgroundError: unknown = undefined
  /** Builds vector indexes of sealed segments in a worker thread. */
  readonly indexBuilds: IndexBuilds
  /** Merges small segments and purges deleted rows. */
  readonly compactions: Compactions
  /** Databases, collections, aliases, partitions, load state (`catalog-ddl.ts`). */
  readonly ddl = new CatalogDdl(this)
  /** Milvus's flush rate limit per collection. */
  private readonly flushRate: FlushRate
  /** True while a checkpoint writes files that reference live vector memory. */
  private checkpointWriting = false
  private readonly deferredFrees: Float32Array[] = []
  /** Commands appended and not yet settled; close() waits for them. */
  private readonly inflight = new Set<Promise<unknown>>()
  /** The one close (later calls share it). */
  private closing: Promise<void> | undefined
  /** `stopBackgroundWork`, once. */
  private backgroundStopped: Promise<void> | undefined
  /** Aborted at close's deadline: a checkpoint still writing stops before its next file or its manifest. */
  private readonly checkpointAbort = new AbortController()
  /** Changes with no WAL record (an index built, a compaction swapped in); `persistedChanges`: as the last checkpoint saw. */
  private unloggedChanges = 0
  private persistedChanges = 0
  /** LSN of the last checkpoint written (or loaded at open). */
  private checkpointedLsn = 0
  /** Where `open` spent its time. */
  openStats: OpenStats | undefined
  /** Where `close` spent its time (set once it finished). */
  closeStats: CloseStats | undefined
  /** This process's hold on the data directory (none with an injected file store). */
  private dirLock: DirLock | undefined

  private constructor(options: OpenOptions, store: FileStore) {
    this.options = resolveOptions(options)
    this.flushRate = new FlushRate(this.options.flushRateMax)
    this.store = store
    this.meta = options.metaStore ?? new FileMetaStore(store)
    this.openWal = options.openWal
    const arena = VectorArena.shared()
    this.state = new DbState(
      {
        allocFloat32: (n, zeroed) => arena.allocFloat32(n, zeroed),
        // A checkpoint being written may still read vectors it captured: frees wait for it.
        free: (v) => (this.checkpointWriting ? this.deferredFrees.push(v) : arena.free(v)),
      },
      (meta) => sealPolicy(this.options, meta.schema),
    )
    this.indexBuilds = new IndexBuilds(this.state, (m) => this.options.log(m), () => {
      this.unloggedChanges++
      this.requestCheckpoint()
    })
    const { timeTravelRetentionMs: retentionMs, autoCompaction: enabled, compactionConcurrencyMax: concurrencyMax } = this.options
    this.compactions = new Compactions(this.state, { retentionMs, enabled, concurrencyMax, readFile: (p) => this.store.readFile(p), log: (m) => this.options.log(m) }, () => {
      this.unloggedChanges++
      this.indexBuilds.schedule()
      this.requestCheckpoint()
    })
  }

  static async open(options: OpenOptions): Promise<Database> {
    if (typeof options.path !== 'string' || options.path === '') throw errors.invalid('path of the data directory is required')
    await openSharedArena()
    // A local directory is checked first, so a bad path fails with one line naming it.
    if (options.fileStore === undefined) await prepareDataDir(options.path)
    const store = options.fileStore ?? new LocalFileStore(options.path)
    await store.mkdirp('.')
    // One process per data directory (an injected store is the caller's business: tests, faults).
    const lock = options.fileStore === undefined ? await acquireDirLock(options.path) : undefined
    let db: Database
    try {
      db = await openAttempts(options.openWal !== undefined, () => new Database(options, store), (d) => d.recover(), (d) => d.state.data.forEach((c) => c.release()))
    } catch (e) {
      await lock?.release()
      throw e
    }
    db.dirLock = lock
    // Work a previous process left undone (or cancelled at its close) resumes: missing indexes, compaction.
    db.indexBuilds.schedule()
    db.compactions.schedule(() => db.latestTs())
    db.replica?.follow((records) => applyReplicated(db, records))
    return db
  }

  /** Manifest + segment files, then WAL replay of everything after the checkpoint. */
  private async recover(): Promise<void> {
    const startMs = performance.now()
    const stats: OpenStats = { manifestMs: 0, segmentsMs: 0, indexesMs: 0, walReadMs: 0, walReplayMs: 0, totalMs: 0, segmentCount: 0, segmentBytes: 0, indexBytes: 0, walBytes: 0, walRecords: 0 }
    if (this.meta instanceof FileMetaStore) await this.meta.removeTemporaries((m) => this.options.log(m))
    const manifest = (await this.meta.load()) as Manifest | undefined
    stats.manifestMs = msSince(startMs)
    if (manifest !== undefined) {
      this.oracle.observe(BigInt(manifest.lastTs))
      this.appliedTs = BigInt(manifest.lastTs)
      await loadManifest(manifest, { state: this.state, store: this.store, log: (m) => this.options.log(m) }, stats)
    }
    const checkpointLsn = manifest?.checkpointLsn ?? 0
    const walStartMs = performance.now()
    const { wal, records, bytesRead, replica }: OpenedCommandLog = this.openWal !== undefined
      ? await this.openWal(checkpointLsn)
      : await Wal.open(this.store, 'wal', { sync: this.options.sync, fileBytesMax: this.options.walFileBytesMax, log: (m) => this.options.log(m), fromLsn: checkpointLsn })
    stats.walReadMs = msSince(walStartMs)
    stats.walBytes = bytesRead
    this.wal = wal
    this.replica = replica
    this.appliedLsn = checkpointLsn
    this.checkpointedLsn = checkpointLsn
    const replayStartMs = performance.now()
    for (const rec of records) {
      if (rec.lsn <= checkpointLsn) continue
      stats.walRecords++
      this.applyLogged(rec)
    }
    this.walBytesAtCheckpoint = 0
    stats.walReplayMs = msSince(replayStartMs)
    stats.totalMs = msSince(startMs)
    this.openStats = stats
  }

  /** Applies one logged command (replay, or a read replica following the writer); rejected ones again reject. */
  applyLogged(rec: WalRecord): void {
    const cmd = decodeCommand(rec.payload)
    this.oracle.observe(cmd.ts)
    this.appliedLsn = rec.lsn
    this.appliedTs = cmd.ts
    try {
      this.state.apply(cmd)
    } catch (e) {
      if (!(e instanceof MilvusError)) throw e
    }
  }

  /** A read replica (cluster mode) waits here until it applied everything the log held; others at once. */
  readBarrier(signal?: AbortSignal): Promise<void> {
    return this.replica === undefined ? Promise.resolve() : this.replica.caughtUp(signal)
  }

  assertOpen(): void {
    if (this.closed) throw errors.closed()
  }

  /**
   * Stamps a command, appends it to the WAL and resolves with what applying it produced, once durable and
   * applied. Stamp and append are one synchronous step (LSN order = timestamp order). `deadlineMs` (epoch
   * ms): if already passed, nothing is written.
   */
  submit(body: CommandBody, deadlineMs?: number): Promise<ApplyResult> {
    this.assertOpen()
    if (this.backgroundError !== undefined) {
      const e = this.backgroundError
      this.backgroundError = undefined
      return Promise.reject(e)
    }
    if (deadlineMs !== undefined && Date.now() > deadlineMs) {
      return Promise.reject(errors.timeout('the request timed out before it was written; nothing was changed'))
    }
    const ts = this.oracle.next()
    const cmd = { ...body, ts } as WalCommand
    const pending = this.wal.append(encodeCommand(cmd), (lsn) => {
      this.appliedLsn = lsn
      this.appliedTs = ts
      const result = this.state.apply(cmd)
      this.maybeCheckpoint()
      return result
    })
    const settled: Promise<unknown> = pending.then(
      () => this.inflight.delete(settled),
      () => this.inflight.delete(settled),
    )
    this.inflight.add(settled)
    return pending
  }

  /** n new autoID keys: hybrid timestamps, unique and increasing across restarts. */
  allocateIds(n: number): BigInt64Array {
    const out = new BigInt64Array(n)
    for (let i = 0; i < n; i++) out[i] = this.oracle.next()
    return out
  }

  /** Timestamp of the newest applied command: reads at it are Strong. */
  latestTs(): Timestamp {
    return this.appliedTs
  }

  private maybeCheckpoint(): void {
    this.indexBuilds.interim.schedule()
    const walGrowth = this.wal.stats.bytesWritten - this.walBytesAtCheckpoint
    const sealed = this.state.sealedSinceCheckpoint > 0
    if (sealed || this.state.indexesChanged > 0) {
      this.state.indexesChanged = 0
      this.indexBuilds.schedule()
    }
    if (sealed || walGrowth > this.options.walCheckpointBytes) this.requestCheckpoint()
  }

  /** Runs a checkpoint in the background (at most one queued). */
  private requestCheckpoint(): void {
    if (this.pendingCheckpoint !== undefined || this.closed || this.replica !== undefined) return
    this.checkpoint().catch((e) => {
      // Cancelled by close: nothing is lost (the WAL holds it) and nobody is left to tell.
      if (isCheckpointCancelled(e)) return
      this.backgroundError = e
      this.options.log(`background checkpoint failed: ${String(e)}`)
    })
  }

  /**
   * Writes changed segments and a new manifest, then drops WAL files the manifest covers. A
   * checkpoint captures the state when it starts, so a call while one is queued and not started
   * shares that one (it covers everything applied before the call).
   */
  checkpoint(): Promise<void> {
    if (this.replica !== undefined) return Promise.resolve() // a read replica writes nothing
    if (this.pendingCheckpoint !== undefined) return this.pendingCheckpoint
    const run: Promise<void> = this.checkpointChain.then(async () => {
      this.pendingCheckpoint = undefined
      const lsn = this.appliedLsn
      this.runningCheckpoint = { lsn, done: run }
      const walBytes = this.wal.stats.bytesWritten
      const changes = this.unloggedChanges
      this.state.sealedSinceCheckpoint = 0
      const plan = planCheckpoint(this.state, lsn, this.oracle.current(), this.options)
      this.checkpointWriting = true
      try {
        await writeCheckpoint(this.store, this.meta, plan, this.checkpointAbort.signal)
        this.checkpointedLsn = lsn
        this.persistedChanges = changes
      } finally {
        this.runningCheckpoint = undefined
        this.checkpointWriting = false
        for (const v of this.deferredFrees.splice(0)) VectorArena.shared().free(v)
      }
      await this.wal.checkpoint(lsn)
      this.walBytesAtCheckpoint = walBytes
      // Everything a failed background checkpoint would have persisted is persisted now.
      this.backgroundError = undefined
      if (!this.closed) this.compactions.schedule(() => this.latestTs())
    })
    this.pendingCheckpoint = run
    this.checkpointChain = run.catch(() => {})
    return run
  }

  /**
   * Seals the growing segments of the collections and makes everything durable in segment files:
   * one checkpoint (the one the seal requested, if it has not started yet).
   */
  async flush(collectionIds: readonly number[]): Promise<void> {
    this.flushRate.check(collectionIds)
    for (const id of collectionIds) await this.submit({ type: 'seal', collectionId: id })
    // The seal requested a checkpoint; if it already started, it captured the seal: wait for that one.
    const running = this.runningCheckpoint
    try {
      await (running !== undefined && running.lsn >= this.appliedLsn ? running.done : this.checkpoint())
    } catch (e) {
      // Reported here: not again to the next write.
      if (this.backgroundError === e) this.backgroundError = undefined
      throw e
    }
  }

  /**
   * Cancels the running index build and compactions and starts no more (`close` does it too): their
   * worker threads are terminated, nothing of their work is kept, and after the next open they run
   * again (the segments are still unindexed / uncompacted). Reads and writes go on meanwhile.
   */
  stopBackgroundWork(): Promise<void> {
    this.backgroundStopped ??= Promise.all([this.indexBuilds.stop(), this.compactions.stop()]).then(() => {})
    return this.backgroundStopped
  }

  /**
   * Closes the database, promptly whatever runs: index builds and compactions are cancelled (they
   * resume after the next open), writes already handed to the WAL finish, then a last checkpoint
   * writes what is not yet in segment files — skipped when nothing is, and stopped (before its
   * manifest) after `closeCheckpointMsMax`: every acknowledged write is in the WAL either way, so the
   * next open replays what the checkpoint did not cover. Later calls share the first one's promise.
   */
  close(): Promise<void> {
    this.closing ??= this.closeOnce()
    return this.closing
  }

  private async closeOnce(): Promise<void> {
    const startMs = performance.now()
    this.closed = true
    const stats: CloseStats = { cancelMs: 0, cancelledBuilds: 0, cancelledCompactions: 0, inflightMs: 0, checkpoint: 'skipped', checkpointMs: 0, releaseMs: 0, totalMs: 0 }
    await Promise.all([
      this.stopBackgroundWork().then(() => (stats.cancelMs = msSince(startMs))),
      Promise.allSettled([...this.inflight]).then(() => (stats.inflightMs = msSince(startMs))),
    ])
    stats.cancelledBuilds = this.indexBuilds.cancelledCount
    stats.cancelledCompactions = this.compactions.cancelledCount
    const checkpointStartMs = performance.now()
    // 0: no time for it at all (every write is left to WAL replay).
    if (this.options.closeCheckpointMsMax <= 0) this.checkpointAbort.abort()
    const deadline = setTimeout(() => this.checkpointAbort.abort(), this.options.closeCheckpointMsMax)
    try {
      await this.checkpointChain
      stats.checkpoint = await this.lastCheckpoint()
    } catch (e) {
      // Disk full or the like: the WAL still holds every acknowledged write; the next open replays it.
      stats.checkpoint = 'failed'
      throw e
    } finally {
      clearTimeout(deadline)
      stats.checkpointMs = msSince(checkpointStartMs)
      const releaseStartMs = performance.now()
      await this.wal.close()
      for (const d of this.state.data.values()) d.release()
      this.state.data.clear()
      await this.dirLock?.release()
      stats.releaseMs = msSince(releaseStartMs)
      stats.totalMs = msSince(startMs)
      this.closeStats = stats
    }
  }

  /** Close's checkpoint: none when the last one covers everything applied, else one bounded by the deadline. */
  private async lastCheckpoint(): Promise<CloseStats['checkpoint']> {
    if (this.replica !== undefined || (this.appliedLsn === this.checkpointedLsn && this.unloggedChanges === this.persistedChanges)) return 'skipped'
    // No time left (0, or a background checkpoint used it up): do not even plan one.
    if (this.checkpointAbort.signal.aborted) return this.lastCheckpointCancelled()
    try {
      await this.checkpoint()
      return 'written'
    } catch (e) {
      if (!isCheckpointCancelled(e)) throw e
      return this.lastCheckpointCancelled()
    }
  }

  private lastCheckpointCancelled(): 'cancelled' {
    this.options.log(`close: no time for the last checkpoint (closeCheckpointMsMax ${this.options.closeCheckpointMsMax} ms); the WAL holds every write since lsn ${this.checkpointedLsn} and the next open replays it`)
    return 'cancelled'
  }

  /** Runs a data command and returns its write outcome. */
  async write(body: CommandBody, deadlineMs?: number): Promise<WriteOutcome> {
    const r = await this.submit(body, deadlineMs)
    if (r.kind !== 'write') throw new Error(`expected a write outcome, got ${r.kind}`)
    return r.outcome
  }
}
