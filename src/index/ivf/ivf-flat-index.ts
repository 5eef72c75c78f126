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
import { emptyResult, resultsOfHeap } from '../search-result.ts'
import type { IndexSearchResult, VectorIndex } from '../vector-index.ts'
import { createVectorRows, type VectorRows } from '../vector-rows.ts'
import { FloatCentroids, trainFloatIvf } from './float-centroids.ts'
import { checkLists, gatherInListOrder, type InvertedLists } from './inverted-lists.ts'
import { type ListScorer, scanProbedLists } from './probe-lists.ts'

/**
 * IVF_FLAT: k-means centroids (nlist, capped at the row count) and inverted lists of row offsets. The
 * file holds centroids and lists; on first search the rows are copied into list order inside the arena
 * (one more copy of the column: 4·n·dim bytes) so each probed list is one contiguous SIMD scan.
 */
export class IvfFlatIndex implements VectorIndex {
  readonly spec: IndexSpec
  readonly rowCount: number
  private readonly arena: VectorArena
  private readonly vectors: Float32Array
  private readonly centroids: FloatCentroids
  private readonly lists: InvertedLists
  private readonly rows: VectorRows
  private readonly larger: boolean
  private listVectors: Float32Array | null = null
  private listRows: VectorRows | null = null
  private readonly probed: Int32Array
  private readonly heap = new DistanceHeap(16)
  private readonly scoreList: ListScorer = (_list, from, count, out) => this.listRows!.distanceRange(from, count, out)

  static build(spec: IndexSpec, vectors: Float32Array | Uint8Array, rowCount: number, arena: VectorArena): IvfFlatIndex {
    const metric = spec.metric as FloatMetric
    const { centroids, lists } = withBuildRows(arena, metric, vectors, rowCount, spec.dim, (_rows, source) =>
      trainFloatIvf(arena, metric, source as Float32Array, rowCount, spec.dim, spec.params.nlist!),
    )
    return new IvfFlatIndex(spec, centroids, lists, vectors as Float32Array, rowCount, arena)
  }

  static decode(payload: IndexPayload, vectors: Float32Array | Uint8Array, arena: VectorArena): IvfFlatIndex {
    const { spec, rowCount } = payload
    const listCount = Math.min(spec.params.nlist!, rowCount)
    const reader = new SectionReader(payload)
    const values = reader.float32(listCount * spec.dim)
    const lists = { offsets: reader.int32(listCount + 1), rows: reader.int32(rowCount) }
    reader.done()
    checkLists(lists, listCount, rowCount)
    const centroids = new FloatCentroids(arena, spec.metric as FloatMetric, values, listCount, spec.dim)
    return new IvfFlatIndex(spec, centroids, lists, vectors as Float32Array, rowCount, arena)
  }

  private constructor(spec: IndexSpec, centroids: FloatCentroids, lists: InvertedLists, vectors: Float32Array, rowCount: number, arena: VectorArena) {
    this.spec = spec
    this.rowCount = rowCount
    this.arena = arena
    this.vectors = vectors
    this.centroids = centroids
    this.lists = lists
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
    this.listOrderRows().setQuery(query)
    const words = allowedBits === null ? null : allowedBits.words
    scanProbedLists(this.lists, this.probed, probedCount, this.scoreList, words, k, this.heap)
    if (this.heap.size < Math.min(k, allowedCount)) return exactSearch(this.rows, k, allowedBits, allowedCount, this.larger)
    return resultsOfHeap(this.heap, k, this.larger)
  }

  encode(): Uint8Array[] {
    const sections = [this.centroids.values, this.lists.offsets, this.lists.rows]
    return encodeIndexPayload({ spec: this.spec, rowCount: this.rowCount, meta: {}, sections })
  }

  release(): void {
    this.rows.release()
    this.centroids.release()
    this.listRows?.release()
    this.listRows = null
    if (this.listVectors !== null) this.arena.free(this.listVectors)
    this.listVectors = null
  }

  /** The rows in list order inside the arena, copied on first use. */
  private listOrderRows(): VectorRows {
    if (this.listRows === null) {
      const dim = this.spec.dim
      this.listVectors = gatherInListOrder(this.vectors, dim, this.lists, this.arena.allocFloat32(this.rowCount * dim))
      this.listRows = createVectorRows(this.arena, this.spec.metric, this.listVectors, this.rowCount, dim)
    }
    return this.listRows
  }
}
