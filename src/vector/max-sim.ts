import { bf16ToF32, f16ToF32 } from '../common/half-float.ts'
import { type BinaryMetric, type FloatMetric, isBinaryMetric, largerIsBetter, type Metric } from './metric.ts'
import { referenceBinaryScores, referenceFloatScores } from './reference-distance.ts'

/**
 * Embedding-list metrics (Milvus 2.6 / knowhere `MAX_SIM_*`, ColBERT-style late interaction) over the
 * vectors of an ArrayOfVector row. For a query list Q and a row's vectors D:
 *   score(Q, D) = Σ_{q ∈ Q} best_{d ∈ D} m(q, d)
 * where m is the base metric and "best" its better end: max for COSINE and IP (similarities), min for
 * L2 (squared), HAMMING and JACCARD (distances). `MAX_SIM` is `MAX_SIM_COSINE` (knowhere's alias).
 * A row with no vectors has no score (it is never a hit).
 */
export const MaxSimMetric = {
  MAX_SIM_COSINE: 'MAX_SIM_COSINE',
  MAX_SIM_IP: 'MAX_SIM_IP',
  MAX_SIM_L2: 'MAX_SIM_L2',
  MAX_SIM_HAMMING: 'MAX_SIM_HAMMING',
  MAX_SIM_JACCARD: 'MAX_SIM_JACCARD',
} as const
export type MaxSimMetric = (typeof MaxSimMetric)[keyof typeof MaxSimMetric]

const baseOf: Readonly<Record<MaxSimMetric, Metric>> = {
  MAX_SIM_COSINE: 'COSINE',
  MAX_SIM_IP: 'IP',
  MAX_SIM_L2: 'L2',
  MAX_SIM_HAMMING: 'HAMMING',
  MAX_SIM_JACCARD: 'JACCARD',
}

/** The embedding-list metric named by `x` (case-insensitive; `MAX_SIM` = `MAX_SIM_COSINE`); undefined otherwise. */
export function parseMaxSimMetric(x: unknown): MaxSimMetric | undefined {
  if (typeof x !== 'string') return undefined
  const u = x.toUpperCase()
  if (u === 'MAX_SIM') return MaxSimMetric.MAX_SIM_COSINE
  return Object.hasOwn(baseOf, u) ? (u as MaxSimMetric) : undefined
}

/** The per-vector metric a MAX_SIM metric aggregates. */
export function maxSimBase(m: MaxSimMetric): Metric {
  return baseOf[m]
}

/** The element kinds of an ArrayOfVector row, as stored. */
export type VectorList = Float32Array | Uint16Array | Int8Array | Uint8Array

/** A float-kind row as float32 (float16/bfloat16 patterns and int8 widened exactly); float32 rows as they are. */
export function floatRowsOf(row: VectorList, kind: 'floatVector' | 'float16Vector' | 'bfloat16Vector' | 'int8Vector'): Float32Array {
  if (kind === 'floatVector') return row as Float32Array
  const out = new Float32Array(row.length)
  if (kind === 'int8Vector') out.set(row as Int8Array)
  else if (kind === 'float16Vector') for (let i = 0; i < row.length; i++) out[i] = f16ToF32(row[i]!)
  else for (let i = 0; i < row.length; i++) out[i] = bf16ToF32(row[i]!)
  return out
}

/**
 * Scores of one query vector against each of a row's `count` vectors, into `out[0 .. count)`.
 * `vectors` are float32 (float metrics) or bytes (binary metrics), dim per vector (binary: dim bits).
 */
export function elementScores(metric: Metric, query: Float32Array | Uint8Array, vectors: Float32Array | Uint8Array, count: number, dim: number, out: Float64Array): void {
  if (isBinaryMetric(metric)) referenceBinaryScores(metric as BinaryMetric, query as Uint8Array, vectors as Uint8Array, count, dim, out)
  else referenceFloatScores(metric as FloatMetric, query as Float32Array, vectors as Float32Array, count, dim, out)
}

/**
 * score(Q, D) of one embedding list (`queries`: nQ vectors flat) against one row's `count` vectors;
 * NaN when the row has no vectors. `scratch` holds at least `count` scores.
 */
export function maxSimScore(base: Metric, queries: Float32Array | Uint8Array, nQ: number, vectors: Float32Array | Uint8Array, count: number, dim: number, scratch: Float64Array): number {
  if (count === 0) return Number.NaN
  const stride = isBinaryMetric(base) ? dim >>> 3 : dim
  const larger = largerIsBetter(base)
  let sum = 0
  for (let q = 0; q < nQ; q++) {
    elementScores(base, queries.subarray(q * stride, (q + 1) * stride), vectors, count, dim, scratch)
    let best = scratch[0]!
    for (let j = 1; j < count; j++) {
      const s = scratch[j]!
      if (larger ? s > best : s < best) best = s
    }
    sum += best
  }
  return sum
}
