import { PropertyKey, propertyBool } from '../catalog/properties.ts'
import { composeTs, type Timestamp } from '../common/hybrid-ts.ts'
import type { CollectionData } from '../collection/collection-data.ts'
import { CompactionWorkers } from '../compaction/compaction-workers.ts'
import type { CompactionJobInput, CompactionWorkerHooks } from '../compaction/compaction-job.ts'
import { compactionDefaults, type CompactionPolicy } from '../compaction/compaction-policy.ts'
import { type CompactionPlan, planCompaction } from '../compaction/plan-compaction.ts'
import { survivorCount } from '../compaction/rewrite-segments.ts'
import { swapCompacted } from '../compaction/swap-compacted.ts'
import { decodeSegment } from '../segment/segment-file.ts'
import { Segment, type SegmentId } from '../segment/segment.ts'
import { preEncodedSegments } from './checkpoint.ts'
import type { DbState } from './db-state.ts'

export interface CompactionRecord {
  readonly id: number
  readonly collectionId: number
  readonly merges: { readonly sources: number[]; readonly target: number | undefined }[]
  /** `executing` until every plan finished (swapped, discarded, or failed). */
  state: 'executing' | 'completed'
  /** Plans whose worker failed: nothing changed, they are planned again by a later pass. */
  failedCount: number
}

export interface CompactionsOptions {
  readonly retentionMs: number
  readonly enabled: boolean
  /** Compaction workers running at once (`compactionConcurrencyMax`). */
  readonly concurrencyMax: number
  /** Reads a segment file the last checkpoint wrote (the job's input). */
  readonly readFile: (path: string) => Promise<Uint8Array>
  readonly log: (message: string) => void
}

/** Test hooks: hold the worker (`hold`, `onHeld`) or make it throw or exit (`fault`). */
export type CompactionHooks = CompactionWorkerHooks & { readonly onHeld?: () => void }

/**
 * Runs compaction: in the background after checkpoints and on request (`compact`). A job snapshots
 * its inputs' delete stamps on this thread, reads their segment files, and leaves the rewrite
 * (decode, merge, purge, encode) to a worker thread; only the swap runs here, in one synchronous
 * step, so writes and searches never wait for a rewrite. At most `concurrencyMax` jobs run at once;
 * a segment is in at most one job. The next checkpoint persists the result (reusing the worker's
 * encoded file). Deleted rows older than the time-travel retention are purged; reads `asOf` before
 * the purge horizon are refused (`minReadableTs`). A failed job changes nothing and is logged.
 */
export class Compactions {
  private readonly state: DbState
  private readonly options: CompactionsOptions
  private readonly onChange: () => void
  /** Reads as of an older timestamp may miss purged rows: they are refused. */
  minReadableTs: Timestamp = 0n
  readonly records = new Map<number, CompactionRecord>()
  private nextRecordId = 1
  private scheduled = false
  private stopped = false
  enabled: boolean
  /** Segments in a running job (never planned twice). */
  private readonly busy = new Set<Segment>()
  private readonly running = new Set<Promise<void>>()
  private readonly waiting: (() => void)[] = []
  hooks: CompactionHooks = {}
  private readonly workers = new CompactionWorkers()
  completedCount = 0
  failedCount = 0
  /** Jobs `stop` cancelled: their segments stay as they were and are compacted again after the next open. */
  cancelledCount = 0

  constructor(state: DbState, options: CompactionsOptions, onChange: () => void) {
    this.state = state
    this.options = options
    this.enabled = options.enabled
    this.onChange = onChange
  }

  policyOf(data: CollectionData): CompactionPolicy {
    return { segmentRowsTarget: data.sealPolicy.segmentRowsMax, ...compactionDefaults }
  }

  /** The purge horizon at `latest`: now − retention, never after the newest applied write. */
  horizon(latest: Timestamp): Timestamp {
    const h = composeTs(Math.max(0, Date.now() - this.options.retentionMs), 0)
    return h < latest ? h : latest
  }

  /** Jobs running now. */
  get runningCount(): number {
    return this.running.size
  }

  /** Background pass on the next turn of the event loop (coalesced): starts jobs while slots are free. */
  schedule(latest: () => Timestamp): void {
    if (!this.enabled || this.scheduled || this.stopped) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      for (const data of this.state.data.values()) {
        // `collection.autocompaction.enabled=false`: only manual compaction (compactNow) for it.
        if (propertyBool(data.meta.properties, PropertyKey.autoCompactionEnabled) === false) continue
        for (const plan of this.plan(data, latest())) {
          if (this.running.size + this.waiting.length >= this.options.concurrencyMax && !this.nothingSurvives(plan, latest())) continue
          void this.start(data, plan, latest, undefined)
        }
      }
    })
  }

  /** Resolves once no background pass is pending and no job runs (a finished job may plan another pass: checked again). */
  async idle(): Promise<void> {
    for (;;) {
      if (this.running.size > 0) await Promise.allSettled([...this.running])
      // A pass about to run, or a job between its slot wait and its start (its segments reserved).
      else if (this.scheduled || this.busy.size > 0) await new Promise<void>((resolve) => setImmediate(resolve))
      else return
    }
  }

  /** Compacts one collection now; resolves with the record once every plan finished. */
  async compactNow(data: CollectionData, latest: () => Timestamp): Promise<CompactionRecord> {
    const plans = this.plan(data, latest())
    const record: CompactionRecord = {
      id: this.nextRecordId++,
      collectionId: data.meta.id,
      merges: plans.map((p) => ({ sources: p.inputs.map((s) => s.id), target: undefined })),
      state: 'executing',
      failedCount: 0,
    }
    this.records.set(record.id, record)
    await Promise.all(plans.map((plan, i) => this.start(data, plan, latest, { record, index: i })))
    record.state = 'completed'
    return record
  }

  /**
   * Cancels running jobs (their worker threads are terminated) and starts no more. A cancelled job
   * changes nothing: its input segments stay in place, as they are on disk, and a later pass (after the
   * next open) plans them again.
   */
  async stop(): Promise<void> {
    this.stopped = true
    for (const wake of this.waiting.splice(0)) wake()
    await this.workers.close()
    while (this.running.size > 0) await Promise.allSettled([...this.running])
  }

  private plan(data: CollectionData, latest: Timestamp): CompactionPlan[] {
    if (this.stopped) return []
    const eligible = (seg: Segment) => !this.busy.has(seg) && seg.persisted.dataFile !== undefined && seg.persisted.rowCount === seg.rowCount
    return planCompaction(data, this.policyOf(data), this.horizon(latest), eligible)
  }

  /**
   * Reserves the plan's segments now, waits for a free slot, runs the job. A plan none of whose
   * rows survive (all deleted before the horizon) needs no worker and no slot: its inputs are dropped here.
   */
  private async start(data: CollectionData, plan: CompactionPlan, latest: () => Timestamp, of: { record: CompactionRecord; index: number } | undefined): Promise<void> {
    if (this.dropIfNothingSurvives(data, plan, latest(), of)) return
    for (const seg of plan.inputs) this.busy.add(seg)
    try {
      while (this.running.size >= this.options.concurrencyMax && !this.stopped) await new Promise<void>((wake) => this.waiting.push(wake))
      if (this.stopped) return this.cancelled(plan.inputs.map((seg) => seg.id), of)
      const job = this.runJob(data, plan, latest, of)
      this.running.add(job)
      await job.finally(() => this.running.delete(job))
    } finally {
      for (const seg of plan.inputs) this.busy.delete(seg)
      this.waiting.shift()?.()
    }
  }

  private nothingSurvives(plan: CompactionPlan, latest: Timestamp): boolean {
    const horizon = this.horizon(latest)
    return plan.inputs.every((s) => survivorCount(s.deletes.stampsByRow(s.rowCount), horizon) === 0)
  }

  private dropIfNothingSurvives(data: CollectionData, plan: CompactionPlan, latest: Timestamp, of: { record: CompactionRecord; index: number } | undefined): boolean {
    if (!this.nothingSurvives(plan, latest)) return false
    const horizon = this.horizon(latest)
    const empty = new Segment(this.state.catalog.allocateUnloggedId() as SegmentId, plan.partitionId, data.schema, this.state.allocator)
    if (swapCompacted(data, plan.inputs, empty, new Int32Array(0), new Int32Array(0))) this.swapped(horizon)
    else empty.release()
    if (of !== undefined) of.record.merges[of.index] = { sources: plan.inputs.map((s) => s.id), target: undefined }
    return true
  }

  private async runJob(data: CollectionData, plan: CompactionPlan, latest: () => Timestamp, of: { record: CompactionRecord; index: number } | undefined): Promise<void> {
    // The snapshot: horizon, target id and delete stamps, taken in one synchronous step.
    const horizon = this.horizon(latest())
    const targetId = this.state.catalog.allocateUnloggedId() as SegmentId
    const stamps = plan.inputs.map((s) => s.deletes.stampsByRow(s.rowCount))
    const sources = plan.inputs.map((s) => s.id)
    try {
      const inputs: CompactionJobInput[] = []
      for (const [i, seg] of plan.inputs.entries()) {
        if (this.stopped) return this.cancelled(sources, of)
        const path = seg.persisted.dataFile!
        inputs.push({ fileBytes: ownedCopy(await this.options.readFile(path)), path, deleteStamps: stamps[i]! })
      }
      const { hooks } = this
      const { onHeld, ...workerHooks } = hooks
      const result = await this.workers.run(
        { schema: data.schema, targetId, partitionId: plan.partitionId, horizon, inputs, hooks: workerHooks },
        onHeld,
      )
      if (this.stopped) return this.cancelled(sources, of)
      if (this.state.data.get(data.meta.id) !== data) return
      const output = decodeSegment(result.fileBytes, data.schema, this.state.allocator, `compaction output ${targetId}`)
      if (!swapCompacted(data, plan.inputs, output, result.sourceInput, result.sourceRow)) {
        output.release()
        return
      }
      if (output.rowCount > 0) preEncodedSegments.set(output, { rowCount: output.rowCount, bytes: result.fileBytes })
      if (of !== undefined) of.record.merges[of.index] = { sources, target: output.rowCount > 0 ? output.id : undefined }
      this.swapped(horizon)
    } catch (e) {
      if (this.stopped) return this.cancelled(sources, of)
      this.failedCount++
      if (of !== undefined) of.record.failedCount++
      this.options.log(`compaction of segments [${sources.join(', ')}] failed, nothing changed; planned again after the next checkpoint: ${String(e)}`)
    }
  }

  /** A job `stop` cut short: nothing changed (a manual compaction's record counts the plan as failed). */
  private cancelled(sources: readonly number[], of: { record: CompactionRecord; index: number } | undefined): void {
    this.cancelledCount++
    if (of !== undefined) of.record.failedCount++
    this.options.log(`compaction of segments [${sources.join(', ')}] cancelled by close, nothing changed; compacted again after the next open`)
  }

  private swapped(horizon: Timestamp): void {
    if (horizon > this.minReadableTs) this.minReadableTs = horizon
    this.completedCount++
    this.onChange()
  }
}

/** The bytes in an ArrayBuffer of their own (transferable to the worker without detaching anything shared). */
function ownedCopy(bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes
  return bytes.slice()
}
