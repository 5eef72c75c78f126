import { assert } from '../common/assert.ts'
import { scanFloat } from '../vector/float-scan.ts'
import { type FloatMetric, largerIsBetter } from '../vector/metric.ts'
import { pickKernel } from '../vector/scan-blocks.ts'
import type { KernelFn, VectorArena } from '../vector/vector-arena.ts'
import { float32Copy } from './float32-copy.ts'
import { distanceBlockRows, type VectorRows } from './vector-rows.ts'

/**
 * Float rows scored by the WASM kernel one pair at a time (measured 3× faster than a JS loop at dim 128
 * when the rows are in cache, 2× when they are not; see docs/design/0005-vector-indexes.md). Rows inside
 * the arena are read in place; rows elsewhere are copied one at a time into an arena block first.
 * The query, the row copies and a block of scores live in one arena block owned by this object.
 */
export class FloatRows implements VectorRows {
  readonly metric: FloatMetric
  readonly dim: number
  readonly rowCount: number
  private readonly arena: VectorArena
  private readonly kernel: KernelFn
  private readonly vectors: Float32Array
  private readonly inArena: boolean
  private readonly basePtr: number
  private readonly rowBytes: number
  /** -1 for similarities (IP, COSINE), so that smaller distances are better. */
  private readonly sign: number
  private block: Float32Array | null
  private readonly query: Float32Array
  private readonly rowA: Float32Array
  private readonly rowB: Float32Array
  private readonly scores: Float32Array
  private queryPtr: number

  constructor(arena: VectorArena, metric: FloatMetric, vectors: Float32Array, rowCount: number, dim: number) {
    assert(Number.isInteger(dim) && dim > 0, `FloatRows: bad dim ${dim}`)
    assert(vectors.length >= rowCount * dim, `FloatRows: ${vectors.length} floats hold fewer than ${rowCount} rows of ${dim}`)
    this.arena = arena
    this.metric = metric
    this.dim = dim
    this.rowCount = rowCount
    this.kernel = pickKernel(arena.kernels, metric)
    this.vectors = vectors
    this.inArena = arena.contains(vectors)
    this.basePtr = vectors.byteOffset
    this.rowBytes = dim * 4
    this.sign = largerIsBetter(metric) ? -1 : 1
    const stride = Math.ceil(dim / 16) * 16 // 64-byte aligned slots
    const block = arena.allocFloat32(stride * 3 + distanceBlockRows)
    this.block = block
    this.query = block.subarray(0, dim)
    this.rowA = block.subarray(stride, stride + dim)
    this.rowB = block.subarray(stride * 2, stride * 2 + dim)
    this.scores = block.subarray(stride * 3)
    this.queryPtr = this.query.byteOffset
  }

  setQuery(query: Float32Array | Uint8Array): void {
    assert(query instanceof Float32Array && query.length === this.dim, `query must be a Float32Array of dim ${this.dim}`)
    this.query.set(query)
    this.queryPtr = this.query.byteOffset
  }

  setQueryRow(row: number): void {
    if (this.inArena) this.queryPtr = this.basePtr + row * this.rowBytes
    else this.queryPtr = float32Copy(this.vectors, row * this.dim, this.query, this.dim)
  }

  distance(row: number): number {
    const ptr = this.inArena ? this.basePtr + row * this.rowBytes : float32Copy(this.vectors, row * this.dim, this.rowA, this.dim)
    this.kernel(this.queryPtr, ptr, 1, this.dim, this.scores.byteOffset)
    return this.sign * this.scores[0]!
  }

  distances(ids: Int32Array, count: number, out: Float32Array): void {
    const scores = this.scores
    const outPtr = scores.byteOffset
    if (this.inArena) {
      for (let i = 0; i < count; i++) {
        this.kernel(this.queryPtr, this.basePtr + ids[i]! * this.rowBytes, 1, this.dim, outPtr)
        out[i] = this.sign * scores[0]!
      }
      return
    }
    for (let i = 0; i < count; i++) out[i] = this.distance(ids[i]!)
  }

  /** Distance between rows `a` and `b` (the query is untouched). */
  distanceBetween(a: number, b: number): number {
    const pa = this.inArena ? this.basePtr + a * this.rowBytes : float32Copy(this.vectors, a * this.dim, this.rowA, this.dim)
    const pb = this.inArena ? this.basePtr + b * this.rowBytes : float32Copy(this.vectors, b * this.dim, this.rowB, this.dim)
    this.kernel(pa, pb, 1, this.dim, this.scores.byteOffset)
    return this.sign * this.scores[0]!
  }

  distanceRange(from: number, count: number, out: Float32Array): void {
    if (this.inArena) {
      for (let done = 0; done < count; done += distanceBlockRows) {
        const n = Math.min(distanceBlockRows, count - done)
        this.kernel(this.queryPtr, this.basePtr + (from + done) * this.rowBytes, n, this.dim, this.scores.byteOffset)
        for (let i = 0; i < n; i++) out[done + i] = this.sign * this.scores[i]!
      }
      return
    }
    const rows = this.vectors.subarray(from * this.dim, (from + count) * this.dim)
    scanFloat(this.arena, this.metric, this.query, rows, count, this.dim, out)
    if (this.sign < 0) for (let i = 0; i < count; i++) out[i] = -out[i]!
  }

  release(): void {
    if (this.block === null) return
    this.arena.free(this.block)
    this.block = null
  }
}
