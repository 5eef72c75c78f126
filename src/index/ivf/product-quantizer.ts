import { type FloatMetric, Metric } from '../../vector/metric.ts'
import { pickKernel } from '../../vector/scan-blocks.ts'
import type { VectorArena } from '../../vector/vector-arena.ts'
import { nearest, trainKMeans } from './kmeans.ts'
import { sampleRows } from './sample-rows.ts'

/**
 * Product quantisation of IVF residuals: a row's residual r = x − c (c its list's centroid) is cut into
 * `m` sub-vectors of `dsub` = dim/m floats, each replaced by the index of its nearest of `ksub`
 * (2^nbits, capped at the training rows) codewords of its sub-space, trained by k-means (L2, as Faiss
 * does for every metric). Residuals quantise far better than raw rows on clustered data.
 */
export interface ProductQuantizer {
  readonly m: number
  readonly ksub: number
  readonly dsub: number
  /** m × ksub × dsub floats: codeword c of sub-space s at `(s * ksub + c) * dsub`. */
  readonly codebooks: Float32Array
}

/** Training rows per codeword (Faiss warns below 39). */
export const pqTrainingRowsPerCode = 32

/** Where each row's residual is taken from: the centroids and the list of each row. */
export interface Residuals {
  readonly centroids: Float32Array
  readonly listOfRow: Int32Array
}

/** Trains the codebooks on the residuals of a sample of rows 0..rowCount-1 of `source`. */
export function trainProductQuantizer(
  arena: VectorArena,
  source: Float32Array,
  residuals: Residuals,
  rowCount: number,
  dim: number,
  m: number,
  nbits: number,
): ProductQuantizer {
  const dsub = dim / m
  const sample = sampleRows(rowCount, (1 << nbits) * pqTrainingRowsPerCode)
  const ksub = Math.min(1 << nbits, sample.length)
  const codebooks = new Float32Array(m * ksub * dsub)
  if (ksub === 0) return { m, ksub, dsub, codebooks }
  const points = arena.allocFloat32(sample.length * dsub)
  try {
    for (let s = 0; s < m; s++) {
      for (let i = 0; i < sample.length; i++) {
        const row = sample[i]!
        const at = row * dim + s * dsub
        const ct = residuals.listOfRow[row]! * dim + s * dsub
        for (let j = 0; j < dsub; j++) points[i * dsub + j] = source[at + j]! - residuals.centroids[ct + j]!
      }
      const centroids = trainKMeans({ arena, points, pointCount: sample.length, dim: dsub, clusterCount: ksub, spherical: false })
      codebooks.set(centroids, s * ksub * dsub)
    }
  } finally {
    arena.free(points)
  }
  return { m, ksub, dsub, codebooks }
}

/** The codes of the residuals of rows `order[0 ..]` of `source`, m per row in that order. */
export function encodeProduct(arena: VectorArena, pq: ProductQuantizer, source: Float32Array, residuals: Residuals, order: Int32Array): Uint8Array | Uint16Array {
  const { m, ksub, dsub } = pq
  const dim = m * dsub
  const codes = ksub <= 256 ? new Uint8Array(order.length * m) : new Uint16Array(order.length * m)
  const books = arena.allocFloat32(pq.codebooks.length)
  const scratch = arena.allocFloat32(Math.max(1, ksub) + dim)
  try {
    books.set(pq.codebooks)
    const scores = scratch.subarray(0, Math.max(1, ksub))
    const residual = scratch.subarray(scores.length)
    const kernel = pickKernel(arena.kernels, Metric.L2)
    for (let i = 0; i < order.length; i++) {
      const row = order[i]!
      const ct = residuals.listOfRow[row]! * dim
      for (let j = 0; j < dim; j++) residual[j] = source[row * dim + j]! - residuals.centroids[ct + j]!
      for (let s = 0; s < m; s++) {
        const book = books.subarray(s * ksub * dsub)
        codes[i * m + s] = nearest(kernel, residual.byteOffset + s * dsub * 4, book, ksub, dsub, scores, false)
      }
    }
  } finally {
    arena.free(scratch)
    arena.free(books)
  }
  return codes
}

/**
 * Asymmetric distances (ADC) from one query to coded rows with one lookup table per query, whatever
 * the list: T[s][c] = q_s · codeword(s, c) (by the SIMD kernel). With x̂ = c + r̂ (list centroid plus
 * decoded residual) and Σ = Σ_s T[s][code_s] = q · r̂:
 * - L2: ‖q − x̂‖² = ‖q − c‖² + (‖r̂‖² + 2 c·r̂) − 2Σ, the middle term precomputed per row;
 * - IP: q · x̂ = q · c + Σ;  COSINE: (q · c + Σ) / ‖x̂‖ (‖q‖ is the same for every row).
 * The per-list terms (‖q − c‖² or q · c) are computed for the probed lists only. Similarities are negated.
 */
export class ProductDistances {
  private readonly arena: VectorArena
  private readonly pq: ProductQuantizer
  private readonly metric: FloatMetric
  private readonly codes: Uint8Array | Uint16Array
  private readonly centroids: Float32Array
  /** Per coded row: ‖r̂‖² + 2 c·r̂ (L2), 1 / ‖x̂‖ (COSINE), unused (IP). */
  private readonly rowTerms: Float32Array
  /** Per list: ‖q − c‖² (L2) or q · c, valid for the lists given to `setLists`. */
  private readonly listTerms: Float32Array
  private block: Float32Array | null
  private readonly query: Float32Array
  private readonly table: Float32Array
  private readonly books: Float32Array

  constructor(arena: VectorArena, pq: ProductQuantizer, metric: FloatMetric, codes: Uint8Array | Uint16Array, centroids: Float32Array, listOfPosition: Int32Array) {
    this.arena = arena
    this.pq = pq
    this.metric = metric
    this.codes = codes
    this.centroids = centroids
    const dim = pq.m * pq.dsub
    const dimSlot = Math.ceil(dim / 16) * 16
    const tableSlot = Math.ceil((pq.m * pq.ksub) / 16) * 16
    const block = arena.allocFloat32(dimSlot + tableSlot + pq.codebooks.length)
    this.block = block
    this.query = block.subarray(0, dim)
    this.table = block.subarray(dimSlot, dimSlot + pq.m * pq.ksub)
    this.books = block.subarray(dimSlot + tableSlot)
    this.books.set(pq.codebooks)
    this.listTerms = new Float32Array(centroids.length / dim)
    this.rowTerms = metric === Metric.IP ? new Float32Array(0) : rowTermsOf(pq, codes, centroids, listOfPosition, metric)
  }

  /** Builds the query's table. */
  setQuery(query: Float32Array): void {
    const { m, ksub, dsub } = this.pq
    this.query.set(query)
    const ip = pickKernel(this.arena.kernels, Metric.IP)
    for (let s = 0; s < m; s++) {
      ip(this.query.byteOffset + s * dsub * 4, this.books.byteOffset + s * ksub * dsub * 4, ksub, dsub, this.table.byteOffset + s * ksub * 4)
    }
  }

  /** Computes the per-list terms of `lists[0 .. count)` for the query set last. */
  setLists(lists: Int32Array, count: number): void {
    const dim = this.query.length
    const l2 = this.metric === Metric.L2
    for (let i = 0; i < count; i++) {
      const at = lists[i]! * dim
      let sum = 0
      for (let j = 0; j < dim; j++) {
        const q = this.query[j]!
        const c = this.centroids[at + j]!
        sum += l2 ? (q - c) * (q - c) : q * c
      }
      this.listTerms[lists[i]!] = sum
    }
  }

  /** Distances of coded rows [from, from + count) of list `list` into `out`. */
  score(list: number, from: number, count: number, out: Float32Array): void {
    const { m, ksub } = this.pq
    const { codes, table, rowTerms } = this
    const listTerm = this.listTerms[list]!
    const metric = this.metric
    for (let i = 0; i < count; i++) {
      let sum = 0
      for (let s = 0, at = (from + i) * m; s < m; s++, at++) sum += table[s * ksub + codes[at]!]!
      if (metric === Metric.L2) out[i] = listTerm + rowTerms[from + i]! - 2 * sum
      else if (metric === Metric.IP) out[i] = -(listTerm + sum)
      else out[i] = -(listTerm + sum) * rowTerms[from + i]!
    }
  }

  release(): void {
    if (this.block === null) return
    this.arena.free(this.block)
    this.block = null
  }
}

/** The per-row terms of `ProductDistances` (L2: ‖r̂‖² + 2 c·r̂; COSINE: 1/‖c + r̂‖, 0 for a zero row). */
function rowTermsOf(pq: ProductQuantizer, codes: Uint8Array | Uint16Array, centroids: Float32Array, listOfPosition: Int32Array, metric: FloatMetric): Float32Array {
  const { m, ksub, dsub, codebooks } = pq
  const dim = m * dsub
  const squares = new Float32Array(m * ksub)
  for (let c = 0; c < m * ksub; c++) {
    let sum = 0
    for (let j = 0; j < dsub; j++) sum += codebooks[c * dsub + j]! ** 2
    squares[c] = sum
  }
  const terms = new Float32Array(listOfPosition.length)
  const dots = new Float32Array(m * ksub)
  let list = -1
  let centroidSquare = 0
  for (let i = 0; i < listOfPosition.length; i++) {
    if (listOfPosition[i] !== list) {
      list = listOfPosition[i]!
      centroidSquare = centroidDots(centroids, list * dim, codebooks, m, ksub, dsub, dots)
    }
    let sum = 0
    for (let s = 0; s < m; s++) {
      const c = s * ksub + codes[i * m + s]!
      sum += squares[c]! + 2 * dots[c]!
    }
    if (metric === Metric.L2) terms[i] = sum
    else {
      const square = centroidSquare + sum
      terms[i] = square > 0 ? 1 / Math.sqrt(square) : 0
    }
  }
  return terms
}

/** c_s · codeword(s, k) for every (s, k) into `out`; returns ‖c‖². */
function centroidDots(centroids: Float32Array, at: number, codebooks: Float32Array, m: number, ksub: number, dsub: number, out: Float32Array): number {
  let square = 0
  for (let j = 0; j < m * dsub; j++) square += centroids[at + j]! ** 2
  for (let s = 0; s < m; s++) {
    for (let k = 0; k < ksub; k++) {
      let dot = 0
      for (let j = 0; j < dsub; j++) dot += centroids[at + s * dsub + j]! * codebooks[(s * ksub + k) * dsub + j]!
      out[s * ksub + k] = dot
    }
  }
  return square
}
