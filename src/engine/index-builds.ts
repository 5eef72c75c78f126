import { awaitTurn } from '../common/loop-turns.ts'
import { type IndexJsonPath, type IndexMeta, indexSlotOf } from '../catalog/index-meta.ts'
import type { CollectionData } from '../collection/collection-data.ts'
import { buildScalarIndex } from '../expr/scalar-index/scalar-index.ts'
import { JsonPathIndex } from '../expr/scalar-index/json-path-index.ts'
import { jsonIndexSpecOf, scalarIndexSpecOf } from '../expr/scalar-index/scalar-index-rules.ts'
import { buildIndexOffThread } from '../index/index-build-async.ts'
import type { FieldSchema } from '../schema/collection-schema.ts'
import { DataType, isVectorType } from '../schema/data-type.ts'
import type { Segment } from '../segment/segment.ts'
import type { DbState } from './db-state.ts'
import { specOf } from './index-ops.ts'
import { InterimIndexes } from './interim-indexes.ts'
import { warmTextIndexes } from './text-index-warm.ts'
import { type IndexInput, indexInput, segmentIndexOf } from './index-vectors.ts'
import { type SparsePrebuild, SparsePrebuilds } from './sparse-prebuilds.ts'
import type { IndexSpec } from '../index/index-spec.ts'
import type { VectorIndex } from '../index/vector-index.ts'

/** Test hooks: hold a vector build's worker before it builds (`hold`, as `BuildOptions`); `onStart` runs as one starts. */
export interface IndexBuildHooks {
  readonly hold?: Int32Array
  readonly holdMs?: number
  readonly onStart?: () => void
}

/** Vector builds that take at least this long are logged with their rows and time. */
const logBuildMsMin = 1_000

interface BuildJob {
  readonly collectionId: number
  readonly segment: Segment
  readonly meta: IndexMeta
  /** Undefined for an index on a dynamic key (a JSON path index over `$meta`). */
  readonly field: FieldSchema | undefined
}

/**
 * Builds the missing index of every sealed segment, one at a time: vector indexes off the JavaScript
 * thread (`buildIndexOffThread`: native HNSW on one native thread per core at a lower priority, the
 * others in a worker thread), so writes and searches never wait for them; scalar indexes in this thread (a radix sort
 * or a hash pass, ~0.1–0.4 s per million rows), each after yielding to the event loop. A finished
 * build is attached only if its segment and its index definition still exist; until then the
 * segment is searched exactly and its filters scan columns.
 */
export class IndexBuilds {
  private readonly state: DbState
  private readonly log: (m: string) => void
  private readonly onBuilt: () => void
  private running: Promise<void> | null = null
  private stopped = false
  /** Aborted by `stop`: terminates the running build's worker. */
  private readonly abort = new AbortController()
  /** Builds that failed, by `${segmentId}/${indexId}`, so they are not retried in a loop. */
  readonly failures = new Map<string, string>()
  builtCount = 0
  /** Builds `stop` cancelled (their segments stay unindexed and are built again after the next open). */
  cancelledCount = 0
  hooks: IndexBuildHooks = {}
  /** The interim indexes of segments whose vector index is not built yet (scheduled after every write). */
  readonly interim: InterimIndexes
  /** Posting lists of BM25 outputs built as their segment seals, for the sparse index defined later. */
  readonly prebuilds: SparsePrebuilds

  constructor(state: DbState, log: (m: string) => void, onBuilt: () => void) {
    this.state = state
    this.log = log
    this.onBuilt = onBuilt
    this.interim = new InterimIndexes(state, log)
    this.prebuilds = new SparsePrebuilds(state, log)
  }

  /** Starts building whatever is missing (no-op when a pass is already running). */
  schedule(): void {
    this.interim.schedule()
    this.prebuilds.schedule()
    if (this.stopped || this.running !== null) return
    this.running = this.pump().finally(() => {
      this.running = null
    })
  }

  /** Resolves once nothing is left to build. */
  async idle(): Promise<void> {
    while (this.running !== null) await this.running
  }

  /**
   * Starts no more builds and cancels the running one (its threads stop, or its worker is terminated;
   * nothing of it is kept): its segment stays unindexed — searched exactly — and is built again after the next open.
   */
  async stop(): Promise<void> {
    this.stopped = true
    this.abort.abort()
    await Promise.all([this.idle(), this.interim.stop(), this.prebuilds.stop()])
  }

  /**
   * Drops the scalar indexes of segments whose definition no longer exists (its index was dropped;
   * applying the drop forgets only vector indexes).
   */
  forgetDropped(): void {
    for (const data of this.state.data.values()) {
      const live = new Set(data.meta.indexes.map((i) => i.id))
      for (const seg of data.segments.values()) {
        for (const [field, si] of seg.scalarIndexes) if (!live.has(si.indexId)) seg.scalarIndexes.delete(field)
      }
    }
  }

  private async pump(): Promise<void> {
    this.forgetDropped()
    for (let job = this.nextJob(); job !== undefined && !this.stopped; job = this.nextJob()) {
      const key = `${job.segment.id}/${job.meta.id}`
      try {
        await this.build(job)
      } catch (e) {
        if (this.stopped) {
          this.cancelledCount++
          this.log(`index build for segment ${job.segment.id} field ${job.meta.fieldName} cancelled by close; it is built again after the next open`)
          return
        }
        this.failures.set(key, String(e))
        this.log(`index build failed for segment ${job.segment.id} field ${job.meta.fieldName}: ${String(e)}`)
      }
    }
    // Then the text indexes of enable_match fields (no index definition: every sealed segment has one).
    await warmTextIndexes(this.state, () => this.stopped)
  }

  private nextJob(): BuildJob | undefined {
    for (const data of this.state.data.values()) {
      for (const meta of data.meta.indexes) {
        const field = data.schema.fields.find((f) => f.name === meta.fieldName)
        // Struct vector sub-fields keep their index definition only: their searches are exact.
        if (field?.dataType === DataType.ArrayOfVector) continue
        const slot = indexSlotOf(meta)
        for (const segment of data.segmentsOf()) {
          if (segment.state !== 'sealed' || segment.rowCount === 0) continue
          if (segment.vectorIndexes.get(slot)?.indexId === meta.id) continue
          if (segment.scalarIndexes.get(slot)?.indexId === meta.id) continue
          if (this.failures.has(`${segment.id}/${meta.id}`)) continue
          return { collectionId: data.meta.id, segment, meta, field }
        }
      }
    }
    return undefined
  }

  private async build(job: BuildJob): Promise<void> {
    if (job.meta.jsonPath !== undefined) return this.buildJsonPath(job, job.meta.jsonPath)
    if (job.field === undefined) throw new Error(`index ${job.meta.name} names no field of the schema (${job.meta.fieldName})`)
    if (!isVectorType(job.field.dataType)) return this.buildScalar(job, job.field)
    const spec = specOf(job.meta, job.field)
    const startedMs = performance.now()
    const { built, input } = (await this.adoptPrebuild(job.segment, job.field, spec)) ?? (await this.buildNow(job.segment, job.field, spec))
    const ms = performance.now() - startedMs
    if (ms >= logBuildMsMin) this.log(`index ${job.meta.indexType} of segment ${job.segment.id} field ${job.meta.fieldName}: ${input.rowCount} rows built in ${Math.round(ms)} ms`)
    if (!this.stillWanted(job)) {
      built.release()
      return
    }
    const index = segmentIndexOf(built, input)
    // `file` present from the start: the checkpoint that writes the index sets it, and an entry that
    // changed shape then would deoptimise every search V8 had optimised around it.
    job.segment.vectorIndexes.set(job.field.name, { indexId: job.meta.id, index, file: undefined })
    this.builtCount++
    this.interim.schedule()
    this.onBuilt()
  }

  /** A fresh off-thread build of `field` in `segment`. */
  private async buildNow(segment: Segment, field: FieldSchema, spec: IndexSpec): Promise<{ built: VectorIndex; input: IndexInput }> {
    const input = indexInput(segment, field)
    const { onStart, ...hold } = this.hooks
    const building = buildIndexOffThread(spec, input.vectors, input.rowCount, { signal: this.abort.signal, ...hold })
    onStart?.()
    return { built: await building, input }
  }

  /** The posting lists prebuilt at the seal (`SparsePrebuilds`) under the definition's spec; undefined when there are none or they failed. */
  private async adoptPrebuild(segment: Segment, field: FieldSchema, spec: IndexSpec): Promise<{ built: VectorIndex; input: IndexInput } | undefined> {
    if (spec.indexType !== 'SPARSE_INVERTED_INDEX' && spec.indexType !== 'SPARSE_WAND') return undefined
    if (this.hooks.hold !== undefined) return undefined
    const pre: SparsePrebuild | undefined = this.prebuilds.take(segment, field.name)
    const lists = pre === undefined ? null : await pre.built
    if (pre === undefined || lists === null) return undefined
    this.hooks.onStart?.()
    // Only the row map is read from the input (`segmentIndexOf`): the vectors went to the prebuild.
    return { built: lists.withSpec(spec), input: { vectors: new Uint8Array(0), rowCount: pre.rowCount, rowMap: pre.rowMap } }
  }

  private async buildScalar(job: BuildJob, field: FieldSchema): Promise<void> {
    await awaitTurn()
    if (this.stopped || !this.stillWanted(job)) return
    const spec = scalarIndexSpecOf(job.meta.indexType, field)
    const column = job.segment.column(field.name)
    if (column === undefined) throw new Error(`segment ${job.segment.id} has no column ${field.name}`)
    const index = buildScalarIndex(spec, column, job.segment.rowCount)
    job.segment.scalarIndexes.set(field.name, { indexId: job.meta.id, index })
    this.builtCount++
    this.onBuilt()
  }

  /** A JSON path index: the cast column of the values at the path, indexed (`JsonPathIndex`). */
  private async buildJsonPath(job: BuildJob, target: IndexJsonPath): Promise<void> {
    await awaitTurn()
    if (this.stopped || !this.stillWanted(job)) return
    const { spec, castType } = jsonIndexSpecOf(job.meta.indexType, target.castType, job.meta.fieldName)
    const column = job.segment.column(target.column)
    if (column?.kind !== 'json') throw new Error(`segment ${job.segment.id} has no JSON column ${target.column}`)
    const index = JsonPathIndex.build(spec, column, { column: target.column, path: target.path, castType }, job.segment.rowCount)
    job.segment.scalarIndexes.set(indexSlotOf(job.meta), { indexId: job.meta.id, index, jsonPath: { column: target.column, path: target.path } })
    this.builtCount++
    this.onBuilt()
  }

  private stillWanted(job: BuildJob): boolean {
    const data: CollectionData | undefined = this.state.data.get(job.collectionId)
    return (
      data !== undefined &&
      data.segments.get(job.segment.id) === job.segment &&
      data.meta.indexes.some((i) => i.id === job.meta.id)
    )
  }
}
