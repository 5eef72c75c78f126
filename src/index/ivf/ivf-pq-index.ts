import type { Bitset } from '../../common/bitset.ts'
import { type FloatMetric, largerIsBetter } from '../../vector/metric.ts'
import type { VectorArena } from '../../vector/vector-arena.ts'
import { countAllowed, preferExactScan } from '../allowed-rows.ts'
import { withBuildRows } from '../build-rows.ts'
import { checkQuery } from '../check-query.ts'
import { DistanceHeap } from '../distance-heap.ts'
import { exactSearch } from '../exact-search.ts'
import { corrupt, encodeIndexPayload, type IndexPayload, SectionReader } from '../index-codec.ts'
import { type IndexSpec, nprobeDefault, type SearchParams } from '../index-spec.ts'
import { emptyResult, rerankExact } from '../search-result.ts'
import type { IndexSearchResult, VectorIndex } from '../vector-index.ts'
import { createVectorRows, type VectorRows } from '../vector-rows.ts'
import { FloatCentroids, trainFloatIvf } from './float-centroids.ts'
import { checkLists, type InvertedLists, listOfPosition, listOfRow } from './inverted-lists.ts'
import { type ListScorer, scanProbedLists } from './probe-lists.ts'
import { encodeProduct, ProductDistances, type ProductQuantizer, trainProductQuantizer } from './product-quantizer.ts'

/** Candidates re-ranked exactly: the best `k × 10 + 40` by ADC (chosen by measurement, design doc 0005). */
export const pqRerankPerResult = 10
export const pqRerankExtra = 40

/**
 * IVF_PQ: the IVF partition with each row's residual (row − its list centroid) stored as m
 * product-quantisation codes of nbits (persisted in list order). Probed lists are scored by table
 * lookups (ADC), then the best candidates are re-ranked with exact distances from the segment's column.
 */
export class IvfPqIndex implements VectorIndex {
  readonly spec: IndexSpec
  readonly rowCount: number
  private readonly centroids: FloatCentroids
  private readonly lists: InvertedLists
  private readonly pq: ProductQuantizer
  private readonly codes: Uint8Array | Uint16Array
  private readonly coded: ProductDistances
  private readonly rows: VectorRows
  private readonly larger: boolean
  private readonly probed: Int32Array
  private readonly heap = new DistanceHeap(64)
  private readonly scoreList: ListScorer = (list, from, count, out) => this.coded.score(list, from, count, out)

  static build(spec: IndexSpec, vectors: Float32Array | Uint8Array, rowCount: number, arena: VectorArena): IvfPqIndex {
    const metric = spec.metric as FloatMetric
    const { m, nbits, nlist } = spec.params
    const built = withBuildRows(arena, metric, vectors, rowCount, spec.dim, (_rows, source) => {
      const f32 = source as Float32Array
      const { centroids, lists } = trainFloatIvf(arena, metric, f32, rowCount, spec.dim, nlist!)
      const residuals = { centroids: centroids.values, listOfRow: listOfRow(lists) }
      const pq = trainProductQuantizer(arena, f32, residuals, rowCount, spec.dim, m!, nbits!)
      return { centroids, lists, pq, codes: encodeProduct(arena, pq, f32, residuals, lists.rows) }
    })
    return new IvfPqIndex(spec, built.centroids, built.lists, built.pq, built.codes, vectors, rowCount, arena)
  }

  static decode(payload: IndexPayload, vectors: Float32Array | Uint8Array, arena: VectorArena): IvfPqIndex {
    const { spec, rowCount, meta } = payload
    const dim = spec.dim
    const m = spec.params.m!
    const ksub = meta.ksub ?? -1
    if (!(ksub >= 0 && ksub <= 1 << spec.params.nbits!)) throw corrupt('bad PQ codebook size')
    const listCount = Math.min(spec.params.nlist!, rowCount)
    const reader = new SectionReader(payload)
    const values = reader.float32(listCount * dim)
    const lists = { offsets: reader.int32(listCount + 1), rows: reader.int32(rowCount) }
    const codebooks = reader.float32(ksub * dim)
    const codes = ksub <= 256 ? reader.uint8(rowCount * m) : reader.uint16(rowCount * m)
    reader.done()
    checkLists(lists, listCount, rowCount)
    const pq = { m, ksub, dsub: dim / m, codebooks }
    const centroids = new FloatCentroids(arena, spec.metric as FloatMetric, values, listCount, dim)
    return new IvfPqIndex(spec, centroids, lists, pq, codes, vectors, rowCount, arena)
  }

  private constructor(
    spec: IndexSpec,
    centroids: FloatCentroids,
    lists: InvertedLists,
    pq: ProductQuantizer,
    codes: Uint8Array | Uint16Array,
    vectors: Float32Array | Uint8Array,
    rowCount: number,
    arena: VectorArena,
  ) {
    this.spec = spec
    this.rowCount = rowCount
    this.centroids = centroids
    this.lists = lists
    this.pq = pq
    this.codes = codes
    this.coded = new ProductDistances(arena, pq, spec.metric as FloatMetric, codes, centroids.values, listOfPosition(lists))
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
    this.coded.setLists(this.probed, probedCount)
    const words = allowedBits === null ? null : allowedBits.words
    const keep = k * pqRerankPerResult + pqRerankExtra
    scanProbedLists(this.lists, this.probed, probedCount, this.scoreList, words, keep, this.heap)
    if (this.heap.size < Math.min(k, allowedCount)) return exactSearch(this.rows, k, allowedBits, allowedCount, this.larger)
    return rerankExact(this.rows, this.heap, k, this.larger)
  }

  encode(): Uint8Array[] {
    const sections = [this.centroids.values, this.lists.offsets, this.lists.rows, this.pq.codebooks, this.codes]
    return encodeIndexPayload({ spec: this.spec, rowCount: this.rowCount, meta: { ksub: this.pq.ksub }, sections })
  }

  release(): void {
    this.rows.release()
    this.centroids.release()
    this.coded.release()
  }
}
