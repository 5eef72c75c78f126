import type { Bitset } from '../../common/bitset.ts'
import { largerIsBetter, type FloatMetric } from '../../vector/metric.ts'
import type { VectorArena } from '../../vector/vector-arena.ts'
import { ErrorCode, MilvusError } from '../../errors/errors.ts'
import { checkQuery } from '../check-query.ts'
import { corrupt, encodeIndexPayload, type IndexPayload, SectionReader } from '../index-codec.ts'
import { efDefaultMin, type IndexSpec, type SearchParams } from '../index-spec.ts'
import { emptyResult } from '../search-result.ts'
import type { IndexSearchResult, VectorIndex } from '../vector-index.ts'
import { createVectorRows, scoreOf, type VectorRows } from '../vector-rows.ts'
import { createNativeHnsw, createNativeHnswAsync, decodeNativeHnsw, type NativeBuildOptions, type NativeHnsw, type NativeHnswParams } from './native-hnsw.ts'

/** `meta.core` of an HNSW index file whose graph is the native addon's (absent: the JS graph). */
export const nativeCore = 1
/** Graph construction seed: one-thread builds are deterministic, so a worker build equals an in-thread one. */
const buildSeed = 100

/**
 * HNSW as a `VectorIndex` over the native core (`NativeHnsw`: hnswlib's graph with SIMD kernels and the
 * allowed-rows bitset checked in C++). The graph reads the segment's own column in place (no copy of
 * the vectors), so the column must outlive the index (`Segment.release()` releases indexes first).
 * The graph finds the rows; their scores are then recomputed from the column by the WASM kernels, so
 * scores equal FLAT's bit for bit and ties order by row, as every other index.
 * The file holds the graph only (one section, no vectors); reopen decodes it over the reloaded column.
 */
export class NativeHnswIndex implements VectorIndex {
  readonly spec: IndexSpec
  readonly rowCount: number
  private readonly native: NativeHnsw
  private readonly rows: VectorRows
  private readonly larger: boolean
  private released = false

  static build(spec: IndexSpec, vectors: Float32Array | Uint8Array, rowCount: number, arena: VectorArena): NativeHnswIndex {
    return new NativeHnswIndex(spec, createNativeHnsw(paramsOf(spec), vectors as Float32Array, rowCount), vectors, rowCount, arena)
  }

  /** `build` on native threads off the JavaScript thread (`createNativeHnswAsync`). */
  static async buildAsync(spec: IndexSpec, vectors: Float32Array, rowCount: number, arena: VectorArena, options: NativeBuildOptions): Promise<NativeHnswIndex> {
    const native = await createNativeHnswAsync(paramsOf(spec), vectors, rowCount, options)
    return new NativeHnswIndex(spec, native, vectors, rowCount, arena)
  }

  static decode(payload: IndexPayload, vectors: Float32Array | Uint8Array, arena: VectorArena): NativeHnswIndex {
    const reader = new SectionReader(payload)
    const bytes = reader.uint8(-1)
    reader.done()
    const native = decodeNativeHnsw(bytes, payload.spec.metric as FloatMetric, payload.spec.dim, vectors as Float32Array)
    if (native.rowCount !== payload.rowCount) {
      native.release()
      throw corrupt(`the HNSW graph holds ${native.rowCount} rows, the file header ${payload.rowCount}`)
    }
    return new NativeHnswIndex(payload.spec, native, vectors, payload.rowCount, arena)
  }

  private constructor(spec: IndexSpec, native: NativeHnsw, vectors: Float32Array | Uint8Array, rowCount: number, arena: VectorArena) {
    this.spec = spec
    this.rowCount = rowCount
    this.native = native
    this.rows = createVectorRows(arena, spec.metric, vectors, rowCount, spec.dim)
    this.larger = largerIsBetter(spec.metric)
  }

  search(query: Float32Array | Uint8Array, k: number, allowedBits: Bitset | null, params: SearchParams, allowedCount?: number): IndexSearchResult {
    checkQuery(this.spec, query, k)
    if (k === 0 || this.rowCount === 0) return emptyResult
    const ef = Math.max(k, params.ef ?? Math.max(k, efDefaultMin))
    const found = this.native.search(query as Float32Array, k, allowedBits, ef, allowedCount)
    return this.rescore(query, found.rows)
  }

  /** `search` with the graph walk on a libuv pool thread (`NativeHnsw.searchAsync`); the rescore stays here. */
  async searchAsync(query: Float32Array | Uint8Array, k: number, allowedBits: Bitset | null, params: SearchParams, allowedCount?: number): Promise<IndexSearchResult> {
    checkQuery(this.spec, query, k)
    if (k === 0 || this.rowCount === 0) return emptyResult
    const ef = Math.max(k, params.ef ?? Math.max(k, efDefaultMin))
    const found = await this.native.searchAsync(query as Float32Array, k, allowedBits, ef, allowedCount)
    // Readers hold the read gate, so a segment's index is not released under them; should that ever
    // fail, the rescore must not read a column given back meanwhile.
    if (this.released) throw new MilvusError(ErrorCode.NotReady, 'the HNSW index was released while it was searched')
    return this.rescore(query, found.rows)
  }

  encode(): Uint8Array[] {
    return encodeIndexPayload({ spec: this.spec, rowCount: this.rowCount, meta: { core: nativeCore }, sections: [this.native.encode()] })
  }

  release(): void {
    this.released = true
    this.native.release()
    this.rows.release()
  }

  /** `found` ordered by exact distance from the query (ties by row), with Milvus scores. */
  private rescore(query: Float32Array | Uint8Array, found: Int32Array): IndexSearchResult {
    const n = found.length
    const distances = new Float32Array(n)
    this.rows.setQuery(query)
    this.rows.distances(found, n, distances)
    const order = orderByDistance(distances, found)
    const scores = new Float32Array(n)
    const rows = new Int32Array(n)
    for (let i = 0; i < n; i++) {
      const j = order[i]!
      rows[i] = found[j]!
      scores[i] = scoreOf(distances[j]!, this.larger)
    }
    return { scores, rows }
  }
}

function paramsOf(spec: IndexSpec): NativeHnswParams {
  return { metric: spec.metric as FloatMetric, dim: spec.dim, M: spec.params.M!, efConstruction: spec.params.efConstruction!, seed: buildSeed }
}

/** Above this many hits the order comes from a comparison sort instead of an insertion sort. */
const insertionSortMax = 64

/** Positions 0..n-1 ordered by distance, ties by row; for the usual small k an insertion sort (no closure, no boxed array). */
function orderByDistance(distances: Float32Array, rows: Int32Array): Int32Array {
  const n = distances.length
  if (n > insertionSortMax) return Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => distances[a]! - distances[b]! || rows[a]! - rows[b]!)
  const order = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const d = distances[i]!
    const r = rows[i]!
    let j = i - 1
    while (j >= 0) {
      const o = order[j]!
      const od = distances[o]!
      // Both comparisons every time (no short circuit): the tie test, rarely true, otherwise first runs
      // after V8 has optimised the search around this loop and costs a deoptimisation there.
      const tieBefore = rows[o]! < r
      if (od < d || (od === d && tieBefore)) break
      order[j + 1] = o
      j--
    }
    order[j + 1] = i
  }
  return order
}
