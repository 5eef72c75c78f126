import { assert } from '../common/assert.ts'
import { popcount32 } from '../common/bitset.ts'
import { scanBinary } from '../vector/binary-scan.ts'
import { type BinaryMetric, Metric } from '../vector/metric.ts'
import type { VectorRows } from './vector-rows.ts'

/**
 * Binary rows (dim bits = dim/8 bytes each) scored in JS: HAMMING = differing bits, JACCARD =
 * 1 − |a∧b| / |a∨b| (0 when both are all zeros), both smaller-is-better, the same numbers `scanBinary`
 * gives. Rows are read as 32-bit words when the row size and the base are 4-byte aligned, else bytes.
 */
export class BinaryRows implements VectorRows {
  readonly metric: BinaryMetric
  readonly dim: number
  readonly rowCount: number
  private readonly vectors: Uint8Array
  private readonly rowBytes: number
  /** Words per row, or 0 when rows are read byte by byte. */
  private readonly words: number
  private readonly vectorWords: Uint32Array
  private readonly query: Uint8Array
  private readonly queryWords: Uint32Array

  constructor(metric: BinaryMetric, vectors: Uint8Array, rowCount: number, dim: number) {
    assert(Number.isInteger(dim) && dim > 0 && dim % 8 === 0, `BinaryRows: dim ${dim} is not a positive multiple of 8`)
    this.rowBytes = dim >>> 3
    assert(vectors.length >= rowCount * this.rowBytes, `BinaryRows: ${vectors.length} bytes hold fewer than ${rowCount} rows`)
    this.metric = metric
    this.dim = dim
    this.rowCount = rowCount
    this.vectors = vectors
    const aligned = this.rowBytes % 4 === 0 && vectors.byteOffset % 4 === 0
    this.words = aligned ? this.rowBytes >>> 2 : 0
    this.vectorWords = aligned ? new Uint32Array(vectors.buffer, vectors.byteOffset, rowCount * this.words) : new Uint32Array(0)
    this.queryWords = new Uint32Array(Math.ceil(this.rowBytes / 4))
    this.query = new Uint8Array(this.queryWords.buffer, 0, this.rowBytes)
  }

  setQuery(query: Float32Array | Uint8Array): void {
    assert(query instanceof Uint8Array && query.length === this.rowBytes, `query must be a Uint8Array of ${this.rowBytes} bytes`)
    this.query.set(query)
  }

  setQueryRow(row: number): void {
    const at = row * this.rowBytes
    for (let b = 0; b < this.rowBytes; b++) this.query[b] = this.vectors[at + b]!
  }

  distance(row: number): number {
    if (this.words > 0) return this.wordDistance(this.queryWords, 0, row * this.words)
    return this.byteDistance(this.query, 0, row * this.rowBytes)
  }

  distances(ids: Int32Array, count: number, out: Float32Array): void {
    for (let i = 0; i < count; i++) out[i] = this.distance(ids[i]!)
  }

  distanceBetween(a: number, b: number): number {
    if (this.words > 0) return this.wordDistance(this.vectorWords, a * this.words, b * this.words)
    return this.byteDistance(this.vectors, a * this.rowBytes, b * this.rowBytes)
  }

  distanceRange(from: number, count: number, out: Float32Array): void {
    const rows = this.vectors.subarray(from * this.rowBytes, (from + count) * this.rowBytes)
    scanBinary(this.metric, this.query, rows, count, this.dim, out)
  }

  release(): void {}

  private wordDistance(a: Uint32Array, at: number, bt: number): number {
    const x = this.vectorWords
    const n = this.words
    if (this.metric === Metric.HAMMING) {
      let bits = 0
      for (let w = 0; w < n; w++) bits += popcount32(a[at + w]! ^ x[bt + w]!)
      return bits
    }
    let both = 0
    let either = 0
    for (let w = 0; w < n; w++) {
      both += popcount32(a[at + w]! & x[bt + w]!)
      either += popcount32(a[at + w]! | x[bt + w]!)
    }
    return either === 0 ? 0 : Math.fround(1 - both / either)
  }

  private byteDistance(a: Uint8Array, at: number, bt: number): number {
    const x = this.vectors
    const n = this.rowBytes
    let both = 0
    let either = 0
    let differ = 0
    for (let b = 0; b < n; b++) {
      const u = a[at + b]!
      const v = x[bt + b]!
      differ += popcount32(u ^ v)
      both += popcount32(u & v)
      either += popcount32(u | v)
    }
    if (this.metric === Metric.HAMMING) return differ
    return either === 0 ? 0 : Math.fround(1 - both / either)
  }
}
