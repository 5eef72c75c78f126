import type { CollectionData } from '../collection/collection-data.ts'
import type { SparseRow } from '../column/column.ts'
import { forgetJoinedBlock, rememberJoinedBlock } from '../column/sparse-blocks.ts'
import { readSparseCsr } from '../index/sparse/sparse-csr.ts'
import { buildIndexOffThread } from '../index/index-build-async.ts'
import { warmBuildWorker } from '../index/index-builder.ts'
import type { IndexSpec } from '../index/index-spec.ts'
import { SparseInvertedIndex } from '../index/sparse/sparse-inverted-index.ts'
import type { FieldSchema } from '../schema/collection-schema.ts'
import { DataType } from '../schema/data-type.ts'
import type { Segment } from '../segment/segment.ts'
import type { DbState } from './db-state.ts'
import { specOf } from './index-ops.ts'
import { indexInput } from './index-vectors.ts'

/** Sealed segments smaller than this are left to the build at index creation (a few ms there). */
export const PREBUILD_ROWS_MIN = 8_192

/** Prebuilt posting lists held at most (per database) while no index definition takes them. */
const PREBUILDS_HELD_MAX = 16

/** A prebuild: its segment, the build (null when it failed or was cancelled), the input's row map. */
export interface SparsePrebuild {
  readonly segment: Segment
  readonly field: string
  readonly built: Promise<SparseInvertedIndex | null>
  /** Segment row of each index row when null rows were left out (as `IndexInput.rowMap`). */
  readonly rowMap: Int32Array | null
  readonly rowCount: number
}

/**
 * Posting lists of the BM25 function outputs of sealed segments, built in a worker as the segment
 * seals, before any index is defined on the field (`docs/design/0016-sparse-prebuild.md`). Such a
 * field is searched only through a sparse index (Milvus loads a collection only with one), and its
 * lists do not depend on the index's parameters (they choose the search algorithm): so when the
 * definition comes — usually right after the inserts and the flush — its build takes them
 * (`take`, then `SparseInvertedIndex.withSpec`) instead of starting a worker then. One prebuild runs
 * at a time; lists of segments that are gone (compacted, dropped) or that got their index are let go.
 */
export class SparsePrebuilds {
  private readonly state: DbState
  private readonly log: (m: string) => void
  private readonly abort = new AbortController()
  private readonly held = new Map<string, SparsePrebuild>()
  private running: Promise<unknown> | null = null
  private stopped = false
  /** Prebuilds started (tests, benchmarks). */
  startedCount = 0

  constructor(state: DbState, log: (m: string) => void) {
    this.state = state
    this.log = log
  }

  /** Lets go of lists nobody will take, then starts the next prebuild if none runs. */
  schedule(): void {
    if (this.stopped) return
    this.prune()
    if (this.running !== null || this.held.size >= PREBUILDS_HELD_MAX) return
    const next = this.next()
    if (next !== undefined) this.start(next.segment, next.field)
  }

  /** Prebuilt (or building) lists held now (tests). */
  get heldCount(): number {
    return this.held.size
  }

  /** Resolves once no prebuild runs (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.running !== null) await this.running
  }

  /** The prebuild of `segment`'s `field`, handed over (the caller releases what it does not keep), or undefined. */
  take(segment: Segment, field: string): SparsePrebuild | undefined {
    const k = keyOf(segment, field)
    const p = this.held.get(k)
    if (p === undefined || p.segment !== segment) return undefined
    this.held.delete(k)
    return p
  }

  /** Cancels the running prebuild and lets go of every held one. */
  async stop(): Promise<void> {
    this.stopped = true
    this.abort.abort()
    const all = [...this.held.values()]
    this.held.clear()
    await Promise.all(all.map(async (p) => (await p.built)?.release()))
  }

  private next(): { segment: Segment; field: FieldSchema } | undefined {
    for (const data of this.state.data.values()) {
      for (const field of data.schema.fields) {
        if (field.isFunctionOutput !== true || field.dataType !== DataType.SparseFloatVector) continue
        if (data.meta.indexes.some((m) => m.fieldName === field.name)) continue
        for (const segment of data.segmentsOf()) {
          if (segment.state !== 'sealed' || segment.rowCount < PREBUILD_ROWS_MIN || segment.vectorIndexes.has(field.name)) continue
          if (!this.held.has(keyOf(segment, field.name))) return { segment, field }
        }
      }
    }
    return undefined
  }

  private start(segment: Segment, field: FieldSchema): void {
    // The spec the build records is replaced by the definition's (`withSpec`): the lists are the same.
    const spec: IndexSpec = specOf({ indexType: 'SPARSE_INVERTED_INDEX', metricType: 'BM25', params: {} }, field)
    // The worker's thread starts and loads the sparse index while this thread copies the rows for it.
    warmBuildWorker()
    const input = indexInput(segment, field)
    // The segment's file, when the checkpoint after this seal has not written it yet, is written from
    // the same joined rows (`takeJoinedBlock`); the offer ends with the build.
    const rows = segment.fields.get(field.name)!.view().values as SparseRow[]
    const offered = input.rowMap === null && rows.length === input.rowCount && segment.persisted.rowCount !== segment.rowCount
    if (offered) {
      const csr = readSparseCsr(input.vectors as Uint8Array)
      rememberJoinedBlock(rows, { rowStart: csr.rowStart, indices: csr.indices, values: csr.values })
    }
    this.startedCount++
    const built = buildIndexOffThread(spec, input.vectors, input.rowCount, { signal: this.abort.signal }).then(
      (index) => {
        if (index instanceof SparseInvertedIndex) return index
        index.release()
        return null
      },
      (e: unknown) => {
        if (!this.stopped) this.log(`sparse prebuild for segment ${segment.id} field ${field.name} failed: ${String(e)}; the index build makes its own`)
        return null
      },
    )
    this.held.set(keyOf(segment, field.name), { segment, field: field.name, built, rowMap: input.rowMap, rowCount: input.rowCount })
    this.running = built.finally(() => {
      if (offered) forgetJoinedBlock(rows)
      this.running = null
      this.schedule()
    })
  }

  /** Drops held lists whose segment is no longer a sealed segment of its collection, or whose field got an index. */
  private prune(): void {
    for (const [k, p] of this.held) {
      if (this.isLive(p)) continue
      this.held.delete(k)
      void p.built.then((index) => index?.release())
    }
  }

  private isLive(p: SparsePrebuild): boolean {
    for (const data of this.state.data.values() as Iterable<CollectionData>) {
      if (data.segments.get(p.segment.id) !== p.segment) continue
      return !p.segment.vectorIndexes.has(p.field)
    }
    return false
  }
}

function keyOf(segment: Segment, field: string): string {
  return `${segment.id}/${field}`
}
