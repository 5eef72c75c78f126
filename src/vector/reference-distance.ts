import { assertNever } from '../common/assert.ts'
import { type BinaryMetric, type FloatMetric, Metric } from './metric.ts'

/**
 * Plain-JS oracles for every metric, written for obviousness rather than speed: one row at a time,
 * float sums in double precision, binary metrics bit by bit. Tests compare the kernels against them;
 * the flat-search benchmark uses `referenceFloatScores` as its plain `Float32Array` loop baseline.
 */
export function referenceFloatScores(
  metric: FloatMetric,
  query: Float32Array,
  base: Float32Array,
  n: number,
  dim: number,
  out: Float32Array | Float64Array,
): void {
  switch (metric) {
    case Metric.L2:
      for (let i = 0; i < n; i++) out[i] = referenceL2(query, base, i * dim, dim)
      return
    case Metric.IP:
      for (let i = 0; i < n; i++) out[i] = referenceIp(query, base, i * dim, dim)
      return
    case Metric.COSINE:
      for (let i = 0; i < n; i++) out[i] = referenceCosine(query, base, i * dim, dim)
      return
    default:
      assertNever(metric, 'float metric')
  }
}

/** Squared Euclidean distance between `q` and the row of `x` starting at `at`. */
export function referenceL2(q: Float32Array, x: Float32Array, at: number, dim: number): number {
  let sum = 0
  for (let j = 0; j < dim; j++) {
    const d = q[j]! - x[at + j]!
    sum += d * d
  }
  return sum
}

export function referenceIp(q: Float32Array, x: Float32Array, at: number, dim: number): number {
  let sum = 0
  for (let j = 0; j < dim; j++) sum += q[j]! * x[at + j]!
  return sum
}

/** dot / (|q|·|x|); 0 when either norm is 0. */
export function referenceCosine(q: Float32Array, x: Float32Array, at: number, dim: number): number {
  let dot = 0
  let qq = 0
  let xx = 0
  for (let j = 0; j < dim; j++) {
    dot += q[j]! * x[at + j]!
    qq += q[j]! * q[j]!
    xx += x[at + j]! * x[at + j]!
  }
  return qq === 0 || xx === 0 ? 0 : dot / (Math.sqrt(qq) * Math.sqrt(xx))
}

/** Binary metrics over rows of dim bits (dim/8 bytes, bit j of a row = bit j%8 of byte j/8). */
export function referenceBinaryScores(
  metric: BinaryMetric,
  query: Uint8Array,
  base: Uint8Array,
  n: number,
  dim: number,
  out: Float32Array | Float64Array,
): void {
  const rowBytes = dim >>> 3
  for (let i = 0; i < n; i++) {
    let differ = 0
    let both = 0
    let either = 0
    for (let j = 0; j < dim; j++) {
      const a = (query[j >>> 3]! >>> (j & 7)) & 1
      const b = (base[i * rowBytes + (j >>> 3)]! >>> (j & 7)) & 1
      differ += a ^ b
      both += a & b
      either += a | b
    }
    if (metric === Metric.HAMMING) out[i] = differ
    else if (metric === Metric.JACCARD) out[i] = either === 0 ? 0 : 1 - both / either
    else assertNever(metric, 'binary metric')
  }
}
