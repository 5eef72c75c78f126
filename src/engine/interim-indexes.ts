import type { CollectionData } from '../collection/collection-data.ts'
import { interimListCount, interimRetrainGrowth, interimRowsMax, interimTrainRowsMin, interimWorkerRowsMin } from '../index/interim/interim-policy.ts'
import { interimTrainOutput, trainInterimInWorker } from '../index/interim/interim-trainer.ts'
import type { FieldSchema } from '../schema/collection-schema.ts'
import { IndexType } from '../index/index-type.ts'
import { DataType } from '../schema/data-type.ts'
import { catchUpInterim, dropInterim, interimParts } from '../segment/interim-catch-up.ts'
import type { Segment } from '../segment/segment.ts'
import type { SegmentInterimIndex } from '../segment/segment-index.ts'
import { type FloatMetric, isFloatMetric } from '../vector/metric.ts'
import type { DbState } from './db-state.ts'
import { specOf } from './index-ops.ts'

/** Main-thread time one background pass may spend adding rows to interim lists before it yields (ms). */
const passSliceMs = 4

/** A float vector field with a vector index: its segments get interim indexes until theirs is built. */
interface Target {
  readonly field: FieldSchema
  readonly metric: FloatMetric
}

/**
 * Keeps the interim indexes of growing segments and of sealed segments still waiting for their vector
 * index (`docs/design/0012-interim-index.md`). `schedule` (after every applied write, and when an index
 * is built) is cheap and synchronous: it creates missing slots, drops those no longer wanted, and
 * starts a worker training — one at a time — when a segment reached `interimTrainRowsMin` rows or
 * doubled since its centroids were trained; then a background pass, in slices of a few ms, adds new
 * rows (`catchUpInterim`, which searches also run). Rows not yet added are scanned exactly.
 */
export class InterimIndexes {
  private readonly state: DbState
  private readonly log: (m: string) => void
  private passDue = false
  private stopped = false
  private training: Promise<void> | null = null
  private readonly abort = new AbortController()
  /** Segment fields whose training failed (`${segmentId}/${field}`): not retried, their quick index stays. */
  private readonly failed = new Set<string>()
  /** Worker trainings finished (tests, benchmarks). */
  trainedCount = 0

  constructor(state: DbState, log: (m: string) => void) {
    this.state = state
    this.log = log
  }

  /** Brings slots and trainings up to date now, and runs a background pass soon. */
  schedule(): void {
    if (this.stopped) return
    for (const data of this.state.data.values()) this.plan(data)
    if (this.passDue) return
    this.passDue = true
    setImmediate(() => {
      this.passDue = false
      if (!this.stopped) this.pass()
    })
  }

  /** Resolves once no pass is due, no training runs and every interim index covers its segment (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.passDue || this.training !== null) {
      if (this.training !== null) await this.training
      else await new Promise<void>((resolve) => setImmediate(resolve))
    }
  }

  /** Starts nothing more and terminates a running training (interim indexes are rebuilt after the next open). */
  async stop(): Promise<void> {
    this.stopped = true
    this.abort.abort()
    await this.training
  }

  /** Slots of one collection: created where wanted, dropped where not; a training started if one is due. */
  private plan(data: CollectionData): void {
    const targets = targetsOf(data)
    for (const segment of data.segmentsOf()) {
      for (const [name, slot] of segment.interimIndexes) {
        const target = targets.find((t) => t.field.name === name)
        if (target === undefined || target.metric !== slot.metric || segment.vectorIndexes.has(name)) dropInterim(segment, name)
      }
      for (const target of targets) {
        const name = target.field.name
        const n = segment.rowCount
        if (segment.vectorIndexes.has(name) || n < interimTrainRowsMin || n > interimRowsMax) continue
        let slot = segment.interimIndexes.get(name)
        if (slot === undefined) {
          slot = { metric: target.metric, index: null, next: null, nextLists: null, indexLists: null, training: null }
          segment.interimIndexes.set(name, slot)
        }
        const trainedRows = slot.next?.trainedRows ?? slot.index?.trainedRows ?? 0
        // Quick centroids (trained on fewer rows than this) are replaced as soon as the segment reaches it.
        const grown = trainedRows < interimWorkerRowsMin || n >= trainedRows * interimRetrainGrowth
        const due = slot.training === null && slot.index !== null && n >= interimWorkerRowsMin && grown
        if (due && this.training === null && !this.failed.has(`${segment.id}/${name}`)) this.train(segment, name, slot)
      }
    }
  }

  /** Catches every slot up, a few ms in all; runs again while work is left. */
  private pass(): void {
    const deadline = performance.now() + passSliceMs
    let more = false
    for (const data of this.state.data.values()) {
      for (const segment of data.segmentsOf()) {
        for (const [name, slot] of segment.interimIndexes) more = catchUpInterim(segment, name, slot, deadline) || more
      }
      this.plan(data)
    }
    if (more) this.schedule()
  }

  private train(segment: Segment, name: string, slot: SegmentInterimIndex): void {
    const store = segment.fields.get(name)!
    const rows = segment.rowCount
    const output = interimTrainOutput(interimListCount(rows), store.dim, rows)
    const run = { rows, output, chunks: store.chunks.slice() }
    slot.training = run
    this.training = trainInterimInWorker(slot.metric, store.dim, interimParts(store, rows), rows, output, this.abort.signal)
      .then(() => {
        this.trainedCount++
      })
      .catch((e: unknown) => {
        if (slot.training === run) slot.training = null
        this.failed.add(`${segment.id}/${name}`)
        if (!this.stopped) this.log(`interim index training failed for segment ${segment.id} field ${name}: ${String(e)}`)
      })
      .finally(() => {
        this.training = null
        this.schedule()
      })
  }
}

/** The float vector fields of a collection that have an approximate vector index (not FLAT), with its metric. */
function targetsOf(data: CollectionData): Target[] {
  const out: Target[] = []
  for (const meta of data.meta.indexes) {
    if (meta.jsonPath !== undefined) continue
    const field = data.schema.fields.find((f) => f.name === meta.fieldName)
    if (field === undefined || field.dataType !== DataType.FloatVector) continue
    try {
      const spec = specOf(meta, field)
      // FLAT promises exact answers: its field is scanned exactly, growing rows too (never an approximate interim index).
      if (spec.indexType === IndexType.FLAT) continue
      if (isFloatMetric(spec.metric)) out.push({ field, metric: spec.metric })
    } catch {
      // An index definition that no longer validates gets no interim index (its build fails and is logged).
    }
  }
  return out
}
