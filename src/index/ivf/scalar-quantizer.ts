import { Metric, type FloatMetric } from '../../vector/metric.ts'

/**
 * 8-bit scalar quantisation per dimension (Faiss's QT_8bit): dimension j maps [min_j, max_j] onto
 * codes 0..255 in steps of (max_j − min_j) / 255; a code c decodes to min_j + c · step_j.
 */
export interface ScalarQuantizer {
  readonly vmin: Float32Array
  readonly step: Float32Array
}

/** Per-dimension ranges of rows 0..rowCount-1. */
export function trainScalarQuantizer(vectors: Float32Array, rowCount: number, dim: number): ScalarQuantizer {
  const vmin = new Float32Array(dim).fill(Number.POSITIVE_INFINITY)
  const vmax = new Float32Array(dim).fill(Number.NEGATIVE_INFINITY)
  for (let row = 0; row < rowCount; row++) {
    for (let j = 0, at = row * dim; j < dim; j++, at++) {
      const v = vectors[at]!
      if (v < vmin[j]!) vmin[j] = v
      if (v > vmax[j]!) vmax[j] = v
    }
  }
  const step = new Float32Array(dim)
  for (let j = 0; j < dim; j++) {
    if (rowCount === 0) vmin[j] = 0
    else step[j] = (vmax[j]! - vmin[j]!) / 255
  }
  return { vmin, step }
}

/** Codes of `vectors`' rows, written in the order of `order` (list order): `dim` bytes per row. */
export function encodeScalar(sq: ScalarQuantizer, vectors: Float32Array, order: Int32Array, dim: number): Uint8Array {
  const codes = new Uint8Array(order.length * dim)
  for (let i = 0; i < order.length; i++) {
    const at = order[i]! * dim
    for (let j = 0; j < dim; j++) {
      const step = sq.step[j]!
      const c = step === 0 ? 0 : Math.round((vectors[at + j]! - sq.vmin[j]!) / step)
      codes[i * dim + j] = c < 0 ? 0 : c > 255 ? 255 : c
    }
  }
  return codes
}

/**
 * Approximate distances from one query to coded rows, by table lookup on the codes (no decoding pass):
 * per query a table T[j·256 + c] of each dimension's contribution for each code — L2: (a_j − c·step_j)²
 * with a_j = q_j − min_j; IP/COSINE: q_j·(min_j + c·step_j) — then per row the sum of dim entries;
 * COSINE divides by the decoded row's norm. Similarities are negated (smaller is better), like VectorRows.
 */
export class ScalarDistances {
  private readonly sq: ScalarQuantizer
  private readonly metric: FloatMetric
  private readonly dim: number
  private readonly codes: Uint8Array
  /** 1 / ‖decoded row‖ per coded row (COSINE only; 0 for a zero row). */
  private readonly inverseNorms: Float32Array
  private readonly table: Float32Array

  constructor(sq: ScalarQuantizer, metric: FloatMetric, codes: Uint8Array, dim: number) {
    this.sq = sq
    this.metric = metric
    this.dim = dim
    this.codes = codes
    this.table = new Float32Array(dim * 256)
    this.inverseNorms = metric === Metric.COSINE ? inverseDecodedNorms(sq, codes, dim) : new Float32Array(0)
  }

  setQuery(query: Float32Array): void {
    const { vmin, step } = this.sq
    const table = this.table
    const l2 = this.metric === Metric.L2
    for (let j = 0; j < this.dim; j++) {
      const q = query[j]!
      for (let c = 0; c < 256; c++) {
        const x = vmin[j]! + c * step[j]!
        table[j * 256 + c] = l2 ? (q - x) * (q - x) : q * x
      }
    }
  }

  /** Distances of coded rows [from, from + count) into `out`. */
  score(from: number, count: number, out: Float32Array): void {
    const { codes, table, dim } = this
    const metric = this.metric
    for (let i = 0; i < count; i++) {
      let sum = 0
      for (let j = 0, at = (from + i) * dim; j < dim; j++, at++) sum += table[(j << 8) | codes[at]!]!
      if (metric === Metric.L2) out[i] = sum
      else if (metric === Metric.IP) out[i] = -sum
      else out[i] = -sum * this.inverseNorms[from + i]!
    }
  }
}

function inverseDecodedNorms(sq: ScalarQuantizer, codes: Uint8Array, dim: number): Float32Array {
  const n = codes.length / dim
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    let sum = 0
    for (let j = 0; j < dim; j++) sum += (sq.vmin[j]! + codes[i * dim + j]! * sq.step[j]!) ** 2
    out[i] = sum > 0 ? 1 / Math.sqrt(sum) : 0
  }
  return out
}
