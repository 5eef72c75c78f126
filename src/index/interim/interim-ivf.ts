import { assert } from '../../common/assert.ts'
import { countCreated, countReleased } from '../../common/live-objects.ts'
import { type FloatMetric, largerIsBetter } from '../../vector/metric.ts'
import { pickKernel, queryPointer } from '../../vector/scan-blocks.ts'
import type { KernelFn, VectorArena } from '../../vector/vector-arena.ts'
import { DistanceHeap } from '../distance-heap.ts'
import { nearest } from '../ivf/kmeans.ts'
import { emptyResult, resultsOfHeap } from '../search-result.ts'
import type { IndexSearchResult } from '../vector-index.ts'

/**
 * How far a search probes: until `rows` allowed rows were scored in at least `lists` lists; then (L2)
 * lists that may still hold a nearer row, until `rowsMax` rows were scanned.
 */
export interface InterimBudget {
  readonly rows: number
  readonly lists: number
  readonly rowsMax: number
}

/** Rows a list has room for when it first gets one. */
const listCapacityMin = 16
/**
 * A full list grows by this factor: 1.25 keeps the lists' slack near 10 % of the rows' bytes (doubling
 * left 40–65 %: 93 MiB of lists for a 110k × 128 segment's 56 MiB), for ~4 copies of each row's vector
 * over its list's growth instead of ~1.
 */
const listGrowth = 1.25
/** Rows scored per kernel call while scanning a list. */
const scanBlockRows = 1024

/**
 * The interim index of a segment's float vector field (`docs/design/0012-interim-index.md`): an IVF
 * whose centroids are trained once (`interim-trainer.ts`) and whose lists take rows as they arrive,
 * in row order: rows [0, coveredRows) are in the lists, each list holding its rows' numbers and a
 * copy of their vectors (in the arena, contiguous per list). A search scans lists in centroid order
 * until it has scored enough allowed rows in enough lists (`InterimBudget`); scores are the exact kernel's, so hits are exact
 * and only recall is approximate. Scanning every list is an exact search of the covered rows.
 */
export class InterimIvf {
  readonly metric: FloatMetric
  readonly dim: number
  readonly listCount: number
  /** The row count of the training snapshot (the retraining policy reads it). */
  readonly trainedRows: number
  /** Rows [0, coveredRows) of the segment are in the lists. */
  coveredRows = 0
  /** Rows the last search scanned (benchmarks). */
  lastScannedRows = 0
  private readonly arena: VectorArena
  private readonly kernel: KernelFn
  private readonly larger: boolean
  private centroids: Float32Array | null
  private readonly centroidScores: Float32Array
  private readonly blockScores: Float32Array
  private readonly rowScratch: Float32Array
  private readonly listSizes: Int32Array
  /** L2 only (`bounded`): per list, the sum of its rows' squared distances to its centroid. */
  private readonly listSquares: Float64Array
  private readonly bounded: boolean
  private readonly listRows: Int32Array[]
  private readonly listVectors: (Float32Array | null)[]
  private readonly heap = new DistanceHeap(16)
  private readonly probe = new DistanceHeap(16)
  private readonly probeKeys: Float32Array
  private readonly probeLists: Int32Array
  /** Epoch tag per list: `scannedAt[l] === epoch` means list l was scanned by the current search. */
  private readonly scannedAt: Uint32Array
  private epoch = 0

  /** `centroids`: listCount × dim floats (copied into the arena). */
  constructor(arena: VectorArena, metric: FloatMetric, dim: number, centroids: Float32Array, trainedRows: number) {
    assert(dim > 0 && centroids.length > 0 && centroids.length % dim === 0, 'InterimIvf: bad centroids')
    this.arena = arena
    this.metric = metric
    this.dim = dim
    this.listCount = centroids.length / dim
    this.trainedRows = trainedRows
    this.kernel = pickKernel(arena.kernels, metric)
    this.larger = largerIsBetter(metric)
    this.centroids = arena.allocFloat32(centroids.length, false)
    this.centroids.set(centroids)
    this.centroidScores = arena.allocFloat32(this.listCount, false)
    this.blockScores = arena.allocFloat32(scanBlockRows, false)
    this.rowScratch = arena.allocFloat32(dim, false)
    countCreated('interimIndex')
    this.listSizes = new Int32Array(this.listCount)
    this.listSquares = new Float64Array(this.listCount)
    this.bounded = metric === 'L2'
    this.listRows = Array.from({ length: this.listCount }, () => new Int32Array(0))
    this.listVectors = Array.from({ length: this.listCount }, () => null)
    this.probeKeys = new Float32Array(this.listCount)
    this.probeLists = new Int32Array(this.listCount)
    this.scannedAt = new Uint32Array(this.listCount)
  }

  /**
   * Gives each list room for the rows `lists` assigns to it (a training snapshot's assignment, before
   * they are added), so lists filled from a known assignment hold exactly their rows instead of up to
   * twice as many (doubling). Lists only grow here; rows added later double as usual.
   */
  reserve(lists: Int32Array): void {
    const counts = new Int32Array(this.listCount)
    for (let i = 0; i < lists.length; i++) counts[lists[i]!]!++
    for (let l = 0; l < this.listCount; l++) {
      const capacity = this.listSizes[l]! + counts[l]!
      if (capacity > this.listRows[l]!.length) this.resize(l, capacity)
    }
  }

  /**
   * Appends rows [coveredRows, coveredRows + count): row i's vector at `vectors[i * dim]`; `lists[i]`
   * is its list when known (a training snapshot's assignment), else its nearest centroid is found here.
   */
  add(vectors: Float32Array, count: number, lists?: Int32Array): void {
    assert(vectors.length >= count * this.dim && (lists === undefined || lists.length >= count), 'InterimIvf.add: bad rows')
    const dim = this.dim
    const inArena = this.arena.contains(vectors)
    const centroids = this.liveCentroids()
    const scores = this.centroidScores
    for (let i = 0; i < count; i++) {
      const row = vectors.subarray(i * dim, (i + 1) * dim)
      let ptr = vectors.byteOffset + i * dim * 4
      if (!inArena) {
        this.rowScratch.set(row)
        ptr = this.rowScratch.byteOffset
      }
      let list: number
      if (lists !== undefined) {
        list = lists[i]!
        if (this.bounded) this.kernel(ptr, centroids.byteOffset + list * dim * 4, 1, dim, scores.byteOffset + list * 4)
      } else list = nearest(this.kernel, ptr, centroids, this.listCount, dim, scores, this.larger)
      // L2: the list's typical radius (root mean square distance of its rows to the centroid).
      if (this.bounded) this.listSquares[list]! += scores[list]!
      this.append(list, this.coveredRows + i, row)
    }
    this.coveredRows += count
  }

  /**
   * The best `k` allowed rows among the covered ones: lists in order of their centroid's score until
   * `budget.rows` allowed rows were scored in at least `budget.lists` lists; then (L2) the next lists
   * whose radius says they may hold a row nearer than the k-th kept, up to `budget.rowsMax` rows
   * scanned (all lists when fewer rows are allowed: exact). `allowedWords` (1 = may be returned; rows
   * past `allowedRows` are not allowed) or null (every covered row).
   */
  search(query: Float32Array, k: number, allowedWords: Uint32Array | null, allowedRows: number, budget: InterimBudget): IndexSearchResult {
    assert(query.length >= this.dim && k >= 0, 'InterimIvf.search: bad query')
    if (k === 0 || this.coveredRows === 0) return emptyResult
    const queryPtr = queryPointer(this.arena, query, this.dim)
    this.kernel(queryPtr, this.liveCentroids().byteOffset, this.listCount, this.dim, this.centroidScores.byteOffset)
    this.epoch = (this.epoch + 1) >>> 0
    if (this.epoch === 0) {
      this.scannedAt.fill(0)
      this.epoch = 1
    }
    const heap = this.heap
    heap.clear()
    let scored = 0
    let scanned = 0
    let rows = 0
    let want = Math.min(this.listCount, Math.max(2 * budget.lists, Math.ceil((2 * budget.rows * this.listCount) / this.coveredRows)))
    for (let done = false; !done; ) {
      const picked = this.nearestLists(want)
      for (let p = 0; p < picked; p++) {
        const list = this.probeLists[p]!
        if (this.scannedAt[list] === this.epoch) continue
        if (scored >= budget.rows && scanned >= budget.lists) {
          // Past the budget: only lists that may hold a nearer row than the k-th, within the row cap.
          if (!this.bounded || heap.size < k || rows >= budget.rowsMax) {
            done = true
            break
          }
          if (!this.mayHold(list, heap.topKey())) continue
        }
        this.scannedAt[list] = this.epoch
        scored += this.scanList(list, queryPtr, k, allowedWords, allowedRows)
        rows += this.listSizes[list]!
        scanned++
      }
      if (want === this.listCount) break
      want = Math.min(this.listCount, want * 2)
    }
    this.lastScannedRows = rows
    return resultsOfHeap(heap, k, this.larger)
  }

  /**
   * L2: whether list `list` likely holds a row nearer than `kth` (squared distance): ‖q − c‖ − r < √kth
   * with r its rows' root-mean-square distance to the centroid (a typical radius, not the largest: a
   * heuristic, not a bound — the largest radius let almost every list through on clustered data).
   */
  private mayHold(list: number, kth: number): boolean {
    const gap = Math.sqrt(this.centroidScores[list]!) - Math.sqrt(this.listSquares[list]! / this.listSizes[list]!)
    return gap <= 0 || gap * gap < kth
  }

  /** Frees the arena blocks; the index is unusable after. */
  release(): void {
    if (this.centroids === null) return
    countReleased('interimIndex')
    this.arena.free(this.centroids)
    this.centroids = null
    this.arena.free(this.centroidScores)
    this.arena.free(this.blockScores)
    this.arena.free(this.rowScratch)
    for (let l = 0; l < this.listCount; l++) {
      const v = this.listVectors[l]
      if (v !== null && v !== undefined) this.arena.free(v)
      this.listVectors[l] = null
    }
  }

  /** Bytes held in the arena and on the heap by the lists (capacity, not size). */
  sizeBytes(): number {
    let bytes = 0
    for (let l = 0; l < this.listCount; l++) bytes += this.listRows[l]!.byteLength + (this.listVectors[l]?.byteLength ?? 0)
    return bytes + this.listCount * this.dim * 4
  }

  /** The `want` lists of best centroid score into `probeLists[0 .. returned)`, best first. */
  private nearestLists(want: number): number {
    const probe = this.probe
    probe.clear()
    const scores = this.centroidScores
    for (let c = 0; c < this.listCount; c++) {
      if (this.listSizes[c] === 0) continue
      const d = this.larger ? -scores[c]! : scores[c]!
      if (probe.size < want) probe.push(d, c)
      else if (d < probe.topKey()) {
        probe.pop()
        probe.push(d, c)
      }
    }
    return probe.drainAscending(this.probeKeys, this.probeLists)
  }

  /** Scores list `list` into the heap; returns how many allowed rows it scored. */
  private scanList(list: number, queryPtr: number, k: number, allowedWords: Uint32Array | null, allowedRows: number): number {
    const size = this.listSizes[list]!
    const rows = this.listRows[list]!
    const base = this.listVectors[list]!.byteOffset
    const scores = this.blockScores
    const heap = this.heap
    const larger = this.larger
    const rowBytes = this.dim * 4
    let scored = 0
    for (let from = 0; from < size; from += scanBlockRows) {
      const n = Math.min(scanBlockRows, size - from)
      this.kernel(queryPtr, base + from * rowBytes, n, this.dim, scores.byteOffset)
      for (let i = 0; i < n; i++) {
        const row = rows[from + i]!
        if (row >= allowedRows || (allowedWords !== null && ((allowedWords[row >>> 5]! >>> (row & 31)) & 1) === 0)) continue
        scored++
        const d = larger ? -scores[i]! : scores[i]!
        if (heap.size < k) heap.push(d, row)
        else if (d < heap.topKey()) {
          heap.pop()
          heap.push(d, row)
        }
      }
    }
    return scored
  }

  /** Moves list `list` to storage for `capacity` rows (at least its size). */
  private resize(list: number, capacity: number): void {
    const size = this.listSizes[list]!
    const grownRows = new Int32Array(capacity)
    grownRows.set(this.listRows[list]!.subarray(0, size))
    const grownVectors = this.arena.allocFloat32(capacity * this.dim, false)
    const vectors = this.listVectors[list]
    if (vectors !== null && vectors !== undefined) {
      grownVectors.set(vectors.subarray(0, size * this.dim))
      this.arena.free(vectors)
    }
    this.listRows[list] = grownRows
    this.listVectors[list] = grownVectors
  }

  private append(list: number, row: number, vector: Float32Array): void {
    const size = this.listSizes[list]!
    let rows = this.listRows[list]!
    let vectors = this.listVectors[list]!
    if (size === rows.length) {
      this.resize(list, Math.max(listCapacityMin, Math.ceil(size * listGrowth)))
      rows = this.listRows[list]!
      vectors = this.listVectors[list]!
    }
    rows[size] = row
    vectors!.set(vector, size * this.dim)
    this.listSizes[list] = size + 1
  }

  private liveCentroids(): Float32Array {
    assert(this.centroids !== null, 'InterimIvf used after release()')
    return this.centroids
  }
}
