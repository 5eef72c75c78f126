import { composeTs, type Timestamp } from '../common/hybrid-ts.ts'
import type { CollectionData } from '../collection/collection-data.ts'
import { compactionDefaults, type CompactionPolicy } from '../compaction/compaction-policy.ts'
import { type CompactionPlan, planCompaction } from '../compaction/plan-compaction.ts'
import { runCompaction } from '../compaction/run-compaction.ts'
import type { SegmentId } from '../segment/segment.ts'
import type { DbState } from './db-state.ts'

export interface CompactionRecord {
  readonly id: number
  readonly collectionId: number
  readonly merges: { readonly sources: number[]; readonly target: number | undefined }[]
}

/** Plans run per background pass, so a pass never blocks the event loop for long. */
const PLANS_PER_PASS_MAX = 4

/**
 * Runs compaction: in the background after checkpoints (a few plans per pass) and on request
 * (`compact`). Each plan is one synchronous rewrite + swap; the next checkpoint persists it.
 * Deleted rows older than the time-travel retention are purged; reads `asOf` before the purge
 * horizon are refused (`minReadableTs`).
 */
export class Compactions {
  private readonly state: DbState
  private readonly retentionMs: number
  private readonly onChange: () => void
  /** Reads as of an older timestamp may miss purged rows: they are refused. */
  minReadableTs: Timestamp = 0n
  readonly records = new Map<number, CompactionRecord>()
  private nextRecordId = 1
  private scheduled = false
  enabled: boolean

  constructor(state: DbState, options: { retentionMs: number; enabled: boolean }, onChange: () => void) {
    this.state = state
    this.retentionMs = options.retentionMs
    this.enabled = options.enabled
    this.onChange = onChange
  }

  policyOf(data: CollectionData): CompactionPolicy {
    return { segmentRowsTarget: data.sealPolicy.segmentRowsMax, ...compactionDefaults }
  }

  /** The purge horizon at `latest`: now − retention, never after the newest applied write. */
  horizon(latest: Timestamp): Timestamp {
    const h = composeTs(Math.max(0, Date.now() - this.retentionMs), 0)
    return h < latest ? h : latest
  }

  /** Background pass on the next turn of the event loop (coalesced). */
  schedule(latest: () => Timestamp): void {
    if (!this.enabled || this.scheduled) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      let ran = 0
      for (const data of this.state.data.values()) {
        for (const plan of planCompaction(data, this.policyOf(data), this.horizon(latest()))) {
          if (ran++ >= PLANS_PER_PASS_MAX) break
          this.run(data, [plan], latest())
        }
      }
      if (ran > 0) this.onChange()
    })
  }

  /** Compacts one collection now; returns the record of what ran. */
  compactNow(data: CollectionData, latest: Timestamp): CompactionRecord {
    const record = this.run(data, planCompaction(data, this.policyOf(data), this.horizon(latest)), latest)
    if (record.merges.length > 0) this.onChange()
    return record
  }

  private run(data: CollectionData, plans: readonly CompactionPlan[], latest: Timestamp): CompactionRecord {
    const horizon = this.horizon(latest)
    const merges: CompactionRecord['merges'][number][] = []
    for (const plan of plans) {
      const id = this.state.catalog.allocateId() as SegmentId
      const result = runCompaction(data, plan, horizon, id, this.state.allocator)
      merges.push({ sources: plan.inputs.map((s) => s.id), target: result.output?.id })
    }
    if (merges.length > 0 && horizon > this.minReadableTs) this.minReadableTs = horizon
    const record = { id: this.nextRecordId++, collectionId: data.meta.id, merges }
    this.records.set(record.id, record)
    return record
  }
}

