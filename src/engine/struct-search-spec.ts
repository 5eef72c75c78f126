import { bf16ToF32Array, f16ToF32Array } from '../common/half-float.ts'
import { errors } from '../errors/errors.ts'
import type { QueryVector } from '../query/vector-scan.ts'
import type { FieldSchema } from '../schema/collection-schema.ts'
import { DataType, dataTypeName } from '../schema/data-type.ts'
import { maxSimBase, parseMaxSimMetric } from '../vector/max-sim.ts'
import { isBinaryMetric, type Metric, parseMetric } from '../vector/metric.ts'

/** A search on a struct's vector sub-field, resolved: the per-vector metric, the mode, the queries. */
export interface StructSearch {
  readonly metric: Metric
  /** true: MAX_SIM over embedding lists (one list per query); false: element-level (one vector per query). */
  readonly embeddingList: boolean
  readonly queries: QueryVector[]
}

/**
 * Milvus 2.6 picks the mode by the metric: a `MAX_SIM*` metric (asked for, else the index's, else
 * `MAX_SIM_COSINE` / `MAX_SIM_HAMMING`) searches embedding lists; a plain metric (COSINE, IP, L2,
 * HAMMING, JACCARD) searches single vectors against every struct element.
 * Embedding lists come as: a list of vectors (one list, the SDKs' `data: [[…], […]]`), a list of such
 * lists (nq lists), or flat typed arrays of whole vectors (one per list, as the gRPC `EmbList*`
 * placeholders carry them). Element-level queries come as one vector or a list of vectors.
 */
export function structSearchOf(field: FieldSchema, vectors: unknown, metricName: string | undefined): StructSearch {
  const binary = field.elementType === DataType.BinaryVector
  const named = metricName === undefined || metricName === '' ? (binary ? 'MAX_SIM_HAMMING' : 'MAX_SIM_COSINE') : metricName
  const maxSim = parseMaxSimMetric(named)
  const metric = maxSim === undefined ? parseMetric(named) : maxSimBase(maxSim)
  if (metric === undefined) throw errors.invalid(`metric type ${named} not found or not supported`)
  if (binary !== isBinaryMetric(metric)) {
    throw errors.invalid(`metric type ${named} is not supported for the ${dataTypeName(field.elementType ?? DataType.None)} elements of struct field ${field.name}`)
  }
  const lists = maxSim === undefined ? singleVectors(vectors) : embeddingLists(vectors)
  const queries = lists.map((v, i) => toQuery(field, v, i, maxSim !== undefined))
  return { metric, embeddingList: maxSim !== undefined, queries }
}

function isVectorLike(v: unknown): boolean {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView))
}

/** Embedding lists, each as one value: a flat typed array, or a list of vectors. */
function embeddingLists(v: unknown): unknown[] {
  if (ArrayBuffer.isView(v)) return [v]
  if (!Array.isArray(v) || v.length === 0) throw errors.invalid('search with an embedding list needs a list of vectors, or a list of such lists')
  if (ArrayBuffer.isView(v[0])) return v
  if (!Array.isArray(v[0])) return [[v]]
  return isVectorLike(v[0][0]) ? v : [v]
}

function singleVectors(v: unknown): unknown[] {
  if (ArrayBuffer.isView(v)) return [v]
  if (!Array.isArray(v)) throw errors.invalid('search vectors must be an array of numbers or an array of vectors')
  return v.length > 0 && isVectorLike(v[0]) ? v : [v]
}

/** One query: its vectors flat (float32, or bytes for binary), checked to be whole vectors of the field's dim. */
function toQuery(field: FieldSchema, v: unknown, i: number, list: boolean): QueryVector {
  const dim = field.dim ?? 0
  const parts = list && Array.isArray(v) && v.length > 0 && isVectorLike(v[0]) ? (v as unknown[]) : [v]
  if (field.elementType === DataType.BinaryVector) {
    const bytes = concatBytes(parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p as number[]))))
    checkWhole(field, i, bytes.length, dim >>> 3, list)
    return { kind: 'binary', values: bytes }
  }
  const floats = concatFloats(parts.map((p) => floatsOf(field, p)))
  checkWhole(field, i, floats.length, dim, list)
  for (let k = 0; k < floats.length; k++) {
    if (!Number.isFinite(floats[k]!)) throw errors.invalid(`query vector ${i} has a non-finite value at ${k}`)
  }
  return { kind: 'float', values: floats }
}

function floatsOf(field: FieldSchema, p: unknown): Float32Array {
  if (p instanceof Uint16Array) {
    const out = new Float32Array(p.length)
    if (field.elementType === DataType.BFloat16Vector) bf16ToF32Array(p, out)
    else f16ToF32Array(p, out)
    return out
  }
  if (p instanceof Float32Array) return p
  if (p instanceof Int8Array) return new Float32Array(p)
  if (!Array.isArray(p) && !ArrayBuffer.isView(p)) throw errors.invalid('a query vector must be an array of numbers')
  return Float32Array.from(p as ArrayLike<number>)
}

function checkWhole(field: FieldSchema, i: number, length: number, width: number, list: boolean): void {
  const ok = width > 0 && length > 0 && (list ? length % width === 0 : length === width)
  if (!ok) {
    throw errors.invalid(`the dim of query ${i} (${length} values) does not match the dim (${field.dim}) of field ${field.name}${list ? ': an embedding list holds whole vectors' : ''}`, {
      expected: field.dim ?? 0,
      actual: length,
    })
  }
}

function concatFloats(parts: readonly Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0]!
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}
