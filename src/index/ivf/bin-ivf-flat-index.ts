import type { Bitset } from '../../common/bitset.ts'
import type { BinaryMetric } from '../../vector/metric.ts'
import type { VectorArena } from '../../vector/vector-arena.ts'
import { countAllowed, preferExactScan } from '../allowed-rows.ts'
import { checkQuery } from '../check-query.ts'
import { DistanceHeap } from '../distance-heap.ts'
import { exactSearch } from '../exact-search.ts'
import { encodeIndexPayload, type IndexPayload, SectionReader } from '../index-codec.ts'
import { type IndexSpec, nprobeDefault, type SearchParams } from '../index-spec.ts'
import { emptyResult, resultsOfHeap } from '../search-result.ts'
import type { IndexSearchResult, VectorIndex } from '../vector-index.ts'
import { createVectorRows, type VectorRows } from '../vector-rows.ts'
import { BinaryCentroids, trainBinaryIvf } from './binary-centroids.ts'
import { checkLists, gatherInListOrder, type InvertedLists } from './inverted-lists.ts'
import { type ListScorer, scanProbedLists } from './probe-lists.ts'

/**
 * BIN_IVF_FLAT: binary centroids by k-majority and inverted lists of row offsets (persisted); on first
 * search the rows are copied into list order (dim/8 bytes per row) so a probed list is one contiguous
 * popcount scan. HAMMING and JACCARD; scores are exact.
 */
export class BinIvfFlatIndex implements VectorIndex {
  readonly spec: IndexSpec
  readonly rowCount: number
  private readonly arena: VectorArena
  private readonly vectors: Uint8Array
  private readonly centroids: BinaryCentroids
  private readonly lists: InvertedLists
  private readonly rows: VectorRows
  private listRows: VectorRows | null = null
  private readonly probed: Int32Array
  private readonly heap = new DistanceHeap(16)
  private readonly scoreList: ListScorer = (_list, from, count, out) => this.listRows!.distanceRange(from, count, out)

  static build(spec: IndexSpec, vectors: Float32Array | Uint8Array, rowCount: number, arena: VectorArena): BinIvfFlatIndex {
    const bytes = vectors as Uint8Array
    const { centroids, lists } = trainBinaryIvf(spec.metric as BinaryMetric, bytes, rowCount, spec.dim, spec.params.nlist!)
    return new BinIvfFlatIndex(spec, centroids, lists, bytes, rowCount, arena)
  }

  static decode(payload: IndexPayload, vectors: Float32Array | Uint8Array, arena: VectorArena): BinIvfFlatIndex {
    const { spec, rowCount } = payload
    const listCount = Math.min(spec.params.nlist!, rowCount)
    const reader = new SectionReader(payload)
    const values = reader.uint8((listCount * spec.dim) / 8)
    const lists = { offsets: reader.int32(listCount + 1), rows: reader.int32(rowCount) }
    reader.done()
    checkLists(lists, listCount, rowCount)
    const centroids = new BinaryCentroids(spec.metric as BinaryMetric, values, listCount, spec.dim)
    return new BinIvfFlatIndex(spec, centroids, lists, vectors as Uint8Array, rowCount, arena)
  }

  private constructor(spec: IndexSpec, centroids: BinaryCentroids, lists: InvertedLists, vectors: Uint8Array, rowCount: number, arena: VectorArena) {
    this.spec = spec
    this.rowCount = rowCount
    this.arena = arena
    this.vectors = vectors
    this.centroids = centroids
    this.lists = lists
    this.rows = createVectorRows(arena, spec.metric, vectors, rowCount, spec.dim)
    this.probed = new Int32Array(centroids.count)
  }

  search(query: Float32Array | Uint8Array, k: number, allowedBits: Bitset | null, params: SearchParams, knownCount?: number): IndexSearchResult {
    checkQuery(this.spec, query, k)
    const allowedCount = knownCount ?? countAllowed(allowedBits, this.rowCount)
    if (k === 0 || allowedCount === 0) return emptyResult
    this.rows.setQuery(query)
    if (allowedBits !== null && preferExactScan(allowedCount, this.rowCount, k)) return exactSearch(this.rows, k, allowedBits, allowedCount, false)
    const probedCount = this.centroids.probe(query as Uint8Array, params.nprobe ?? nprobeDefault, this.probed)
    this.listOrderRows().setQuery(query)
    const words = allowedBits === null ? null : allowedBits.words
    scanProbedLists(this.lists, this.probed, probedCount, this.scoreList, words, k, this.heap)
    if (this.heap.size < Math.min(k, allowedCount)) return exactSearch(this.rows, k, allowedBits, allowedCount, false)
    return resultsOfHeap(this.heap, k, false)
  }

  encode(): Uint8Array[] {
    const sections = [this.centroids.values, this.lists.offsets, this.lists.rows]
    return encodeIndexPayload({ spec: this.spec, rowCount: this.rowCount, meta: {}, sections })
  }

  release(): void {}

  private listOrderRows(): VectorRows {
    if (this.listRows === null) {
      const rowBytes = this.spec.dim / 8
      const ordered = gatherInListOrder(this.vectors, rowBytes, this.lists, new Uint8Array(this.rowCount * rowBytes))
      this.listRows = createVectorRows(this.arena, this.spec.metric, ordered, this.rowCount, this.spec.dim)
    }
    return this.listRows
  }
}
