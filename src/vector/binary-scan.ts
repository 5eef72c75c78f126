import { assert, assertNever } from '../common/assert.ts'
import { type BinaryMetric, Metric } from './metric.ts'

/**
 * Scores a binary `query` against rows 0..n-1 of `base` (dim bits = dim/8 bytes per row, row i at
 * byte `i*dim/8`) into `out[0..n)`: HAMMING = differing bits; JACCARD = 1 − |a∧b| / |a∨b|, 0 when
 * both rows are all zeros. Rows are read as 32-bit words when the row size and the base are
 * 4-byte aligned (popcount on words), otherwise byte by byte through a popcount table.
 */
export function scanBinary(
  metric: BinaryMetric,
  query: Uint8Array,
  base: Uint8Array,
  n: number,
  dim: number,
  out: Float32Array,
): void {
  assert(Number.isInteger(dim) && dim > 0 && dim % 8 === 0, `scanBinary: dim ${dim} is not a positive multiple of 8`)
  const rowBytes = dim >>> 3
  assert(Number.isInteger(n) && n >= 0, `scanBinary: bad row count ${n}`)
  assert(query.length >= rowBytes, `scanBinary: query has ${query.length} bytes, need ${rowBytes}`)
  assert(base.length >= n * rowBytes, `scanBinary: base has ${base.length} bytes, need ${n * rowBytes}`)
  assert(out.length >= n, `scanBinary: out holds ${out.length} scores, need ${n}`)
  if (n === 0) return
  if (rowBytes % 4 === 0 && base.byteOffset % 4 === 0) {
    const words = rowBytes >>> 2
    const baseWords = new Uint32Array(base.buffer, base.byteOffset, n * words)
    const queryWords = wordsOf(query, rowBytes)
    if (metric === Metric.HAMMING) hammingWords(queryWords, baseWords, n, words, out)
    else if (metric === Metric.JACCARD) jaccardWords(queryWords, baseWords, n, words, out)
    else assertNever(metric, 'binary metric')
  } else if (metric === Metric.HAMMING) hammingBytes(query, base, n, rowBytes, out)
  else if (metric === Metric.JACCARD) jaccardBytes(query, base, n, rowBytes, out)
  else assertNever(metric, 'binary metric')
}

/** Bits set in a 32-bit word (SWAR). */
export function popcount32(v: number): number {
  v -= (v >>> 1) & 0x55555555
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24
}

/** The query's first `rowBytes` bytes as words: a view when aligned, else a copy. */
function wordsOf(query: Uint8Array, rowBytes: number): Uint32Array {
  if (query.byteOffset % 4 === 0) return new Uint32Array(query.buffer, query.byteOffset, rowBytes >>> 2)
  const copy = new Uint32Array(rowBytes >>> 2)
  new Uint8Array(copy.buffer).set(query.subarray(0, rowBytes))
  return copy
}

function hammingWords(q: Uint32Array, x: Uint32Array, n: number, words: number, out: Float32Array): void {
  for (let row = 0, at = 0; row < n; row++) {
    let bits = 0
    for (let w = 0; w < words; w++, at++) bits += popcount32(q[w]! ^ x[at]!)
    out[row] = bits
  }
}

function jaccardWords(q: Uint32Array, x: Uint32Array, n: number, words: number, out: Float32Array): void {
  for (let row = 0, at = 0; row < n; row++) {
    let both = 0
    let either = 0
    for (let w = 0; w < words; w++, at++) {
      const a = q[w]!
      const b = x[at]!
      both += popcount32(a & b)
      either += popcount32(a | b)
    }
    out[row] = either === 0 ? 0 : 1 - both / either
  }
}

/** Bits set in each byte value. */
const bitsInByte: Uint8Array = (() => {
  const t = new Uint8Array(256)
  for (let i = 1; i < 256; i++) t[i] = (i & 1) + t[i >>> 1]!
  return t
})()

function hammingBytes(q: Uint8Array, x: Uint8Array, n: number, rowBytes: number, out: Float32Array): void {
  for (let row = 0, at = 0; row < n; row++) {
    let bits = 0
    for (let b = 0; b < rowBytes; b++, at++) bits += bitsInByte[q[b]! ^ x[at]!]!
    out[row] = bits
  }
}

function jaccardBytes(q: Uint8Array, x: Uint8Array, n: number, rowBytes: number, out: Float32Array): void {
  for (let row = 0, at = 0; row < n; row++) {
    let both = 0
    let either = 0
    for (let b = 0; b < rowBytes; b++, at++) {
      both += bitsInByte[q[b]! & x[at]!]!
      either += bitsInByte[q[b]! | x[at]!]!
    }
    out[row] = either === 0 ? 0 : 1 - both / either
  }
}
