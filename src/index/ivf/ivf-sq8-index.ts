import type { Bitset } from '../../common/bitset.ts'
import { type FloatMetric, largerIsBetter } from '../../vector/metric.ts'
import type { VectorArena } from '../../vector/vector-arena.ts'
import { countAllowed, preferExactScan } from '../allowed-rows.ts'
import { withBuildRows } from '../build-rows.ts'
import { checkQuery } from '../check-query.ts'
import { DistanceHeap } from '../distance-heap.ts'
import { exactSearch } from '../exact-search.ts'
import { encodeIndexPayload, type IndexPayload, SectionReader } from '../index-codec.ts'
import { type IndexSpec, nprobeDefault, type SearchParams } from '../index-spec.ts'
import { emptyResult, rerankExact } from '../search-result.ts'
import type { IndexSearchResult, VectorIndex } from '../vector-index.ts'
import { createVectorRows, type VectorRows } from '../vector-rows.ts'
import { FloatCentroids, trainFloatIvf } from './float-centroids.ts'
import { checkLists, type InvertedLists } from './inverted-lists.ts'
import { type ListScorer, scanProbedLists } from './probe-lists.ts'
import { encodeScalar, ScalarDistances, type ScalarQuantizer, trainScalarQuantizer } from './scalar-quantizer.ts'

/** Candidates re-ranked exactly per result: the best `k × 4 + 16` by the 8-bit codes (chosen by measurement, design doc 0005). */
export const sq8RerankPerResult = 4
export const sq8RerankExtra = 16

/**
 * IVF_SQ8: the IVF_FLAT partition with each row stored as 8-bit codes per dimension (a quarter of the
 * float size, persisted in list order). Probed lists are scored on the codes in JS, then the best
 * candidates are re-ranked with exact distances from the segment's column.
 */
export class IvfSq8Index implements VectorIndex {
  readonly spec: IndexSpec
  readonly rowCount: number
  private readonly centroids: FloatCentroids
  private readonly lists: InvertedLists
  private readonly sq: ScalarQuantizer
  private readonly codes: Uint8Array
  private readonly coded: ScalarDistances
  private readonly rows: VectorRows
  private readonly larger: boolean
  private readonly probed: Int32Array
  private readonly heap = new DistanceHeap(64)
  private readonly scoreList: ListScorer = (_list, from, count, out) => this.coded.score(from, count, out)

  static build(spec: IndexSpec, vectors: Float32Array | Uint8Array, rowCount: number, arena: VectorArena): IvfSq8Index {
    const metric = spec.metric as FloatMetric
    const { centroids, lists } = withBuildRows(arena, metric, vectors, rowCount, spec.dim, (_rows, source) =>
      trainFloatIvf(arena, metric, source as Float32Array, rowCount, spec.dim, spec.params.nlist!),
    )
    const sq = trainScalarQuantizer(vectors as Float32Array, rowCount, spec.dim)
    const codes = encodeScalar(sq, vectors as Float32Array, lists.rows, spec.dim)
    return new IvfSq8Index(spec, centroids, lists, sq, codes, vectors, rowCount, arena)
  }

  static decode(payload: IndexPayload, vectors: Float32Array | Uint8Array, arena: VectorArena): IvfSq8Index {
    const { spec, rowCount } = payload
    const dim = spec.dim
    const listCount = Math.min(spec.params.nlist!, rowCount)
    const reader = new SectionReader(payload)
    const values = reader.float32(listCount * dim)
    const lists = { offsets: reader.int32(listCount + 1), rows: reader.int32(rowCount) }
    const sq = { vmin: reader.float32(dim), step: reader.float32(dim) }
    const codes = reader.uint8(rowCount * dim)
    reader.done()
    checkLists(lists, listCount, rowCount)
    const centroids = new FloatCentroids(arena, spec.metric as FloatMetric, values, listCount, dim)
    return new IvfSq8Index(spec, centroids, lists, sq, codes, vectors, rowCount, arena)
  }

  private constructor(
    spec: IndexSpec,
    centroids: FloatCentroids,
    lists: InvertedLists,
    sq: ScalarQuantizer,
    codes: Uint8Array,
    vectors: Float32Array | Uint8Array,
    rowCount: number,
    arena: VectorArena,
  ) {
    this.spec = spec
    this.rowCount = rowCount
    this.centroids = centroids
    this.lists = lists
    this.sq = sq
    this.codes = codes
    this.coded = new ScalarDistances(sq, spec.metric as FloatMetric, codes, spec.dim)
    this.rows = createVectorRows(arena, spec.metric, vectors, rowCount, spec.dim)
    this.larger = largerIsBetter(spec.metric)
    this.probed = new Int32Array(centroids.count)
  }

  search(query: Float32Array | Uint8Array, k: number, allowedBits: Bitset | null, params: SearchParams, knownCount?: number): IndexSearchResult {
    checkQuery(this.spec, query, k)
    const allowedCount = knownCount ?? countAllowed(allowedBits, this.rowCount)
    if (k === 0 || allowedCount === 0) return emptyResult
    this.rows.setQuery(query)
    if (allowedBits !== null && preferExactScan(allowedCount, this.rowCount, k)) {
      return exactSearch(this.rows, k, allowedBits, allowedCount, this.larger)
    }
    const probedCount = this.centroids.probe(query as Float32Array, params.nprobe ?? nprobeDefault, this.probed)
    this.coded.setQuery(query as Float32Array)
    const words = allowedBits === null ? null : allowedBits.words
    const keep = k * sq8RerankPerResult + sq8RerankExtra
    scanProbedLists(this.lists, this.probed, probedCount, this.scoreList, words, keep, this.heap)
    if (this.heap.size < Math.min(k, allowedCount)) return exactSearch(this.rows, k, allowedBits, allowedCount, this.larger)
    return rerankExact(this.rows, this.heap, k, this.larger)
  }

  encode(): Uint8Array[] {
    const sections = [this.centroids.values, this.lists.offsets, this.lists.rows, this.sq.vmin, this.sq.step, this.codes]
    return encodeIndexPayload({ spec: this.spec, rowCount: this.rowCount, meta: {}, sections })
  }

  release(): void {
    this.rows.release()
    this.centroids.release()
  }
}
