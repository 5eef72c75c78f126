import { errors } from '../errors/errors.ts'
import { isBinaryMetric, isFloatMetric, Metric, parseMetric } from '../vector/metric.ts'
import { IndexType, isBinaryIndexType, isSparseIndexType } from './index-type.ts'
import { validateSparseIndexSpec, validateSparseSearchParams } from './sparse/sparse-index-spec.ts'

/** What `createIndex` stored, validated, with every build parameter present (defaults filled in). */
export interface IndexSpec {
  readonly indexType: IndexType
  readonly metric: Metric
  readonly dim: number
  /** Build parameters by Milvus's names: `M`, `efConstruction`, `nlist`, `m`, `nbits`. */
  readonly params: Readonly<Record<string, number>>
}

/** Search-time parameters, already validated (`validateSearchParams`); absent ones take the index's default. */
export interface SearchParams {
  readonly ef?: number | undefined
  readonly nprobe?: number | undefined
  /** Sparse indexes: the share of the query's smallest values left out, in [0, 1). */
  readonly dropRatioSearch?: number | undefined
  /** Sparse indexes (DAAT): the factor on each dimension's upper bound, in [0.5, 1.3]; below 1 is approximate. */
  readonly dimMaxScoreRatio?: number | undefined
  /** Sparse indexes with `dropRatioSearch` > 0: candidates re-scored exactly = k × this (1 = none). */
  readonly refineFactor?: number | undefined
}

/** The kind of vector field an index is created on. */
export type VectorFieldKind = 'float' | 'binary' | 'float16' | 'bfloat16' | 'int8' | 'sparse'

export interface RawIndexSpec {
  readonly indexType: unknown
  readonly metric: unknown
  readonly params: Readonly<Record<string, unknown>>
  readonly dim: number
  readonly fieldKind: VectorFieldKind
  /** The field is a BM25 function's output: metric BM25 (and `bm25_k1` / `bm25_b`) allowed. */
  readonly bm25Output?: boolean
}

/** An integer parameter: its range (inclusive) and default (undefined = required). */
interface ParamRule {
  readonly min: number
  readonly max: number
  readonly fallback: number | undefined
}

const int32Max = 2147483647
/** Knowhere's ranges and defaults (knowhere `BaseHnswConfig`, `IvfConfig`, `IvfPqConfig`); nbits per Milvus's checker. */
const M: ParamRule = { min: 2, max: 2048, fallback: 30 }
const efConstruction: ParamRule = { min: 1, max: int32Max, fallback: 360 }
const nlist: ParamRule = { min: 1, max: 65536, fallback: 128 }
const pqM: ParamRule = { min: 1, max: 65536, fallback: undefined }
const nbits: ParamRule = { min: 1, max: 16, fallback: 8 }

/** The build parameters of each index type. */
const buildRules: Readonly<Record<IndexType, Readonly<Record<string, ParamRule>>>> = {
  FLAT: {},
  BIN_FLAT: {},
  IVF_FLAT: { nlist },
  IVF_SQ8: { nlist },
  IVF_PQ: { nlist, m: pqM, nbits },
  BIN_IVF_FLAT: { nlist },
  HNSW: { M, efConstruction },
  // Sparse indexes are checked by `validateSparseIndexSpec` (ratio and name parameters).
  SPARSE_INVERTED_INDEX: {},
  SPARSE_WAND: {},
}

/** `ef` (HNSW) and `nprobe` (IVF) at search time. */
export const efRange = { min: 1, max: int32Max } as const
export const nprobeRange = { min: 1, max: 65536 } as const
/** Knowhere's default `ef` is max(k, 16); `nprobe` defaults to 8. */
export const efDefaultMin = 16
export const nprobeDefault = 8

/** What AUTOINDEX becomes (Milvus's `autoIndex.params.build` defaults). */
const autoIndexFloat = { indexType: IndexType.HNSW, params: { M: 18, efConstruction: 240 } } as const
const autoIndexBinary = { indexType: IndexType.BIN_IVF_FLAT, params: { nlist: 1024 } } as const

const floatMetrics = [Metric.L2, Metric.IP, Metric.COSINE]
/**
 * Index types Int8Vector fields accept: knowhere registers int8 data only for the HNSW family
 * (HNSW, HNSW_SQ/PQ/PRQ); of those Quiver has HNSW. FLAT and the IVF types are float-only there.
 */
const int8IndexTypes: readonly IndexType[] = [IndexType.HNSW]
const binaryMetrics = [Metric.HAMMING, Metric.JACCARD]

/** Milvus 2.6 vector index types Quiver does not build (a clear refusal instead of "invalid index type"). */
const MILVUS_ONLY_INDEX_TYPES: ReadonlySet<string> = new Set([
  'DISKANN', 'SCANN', 'HNSW_SQ', 'HNSW_PQ', 'HNSW_PRQ', 'IVF_RABITQ', 'IVF_HNSW', 'GPU_CAGRA', 'GPU_IVF_FLAT', 'GPU_IVF_PQ', 'GPU_BRUTE_FORCE', 'MINHASH_LSH', 'AISAQ',
])

/**
 * Checks an index request against Milvus's names and ranges and fills in defaults. Every problem is a
 * MilvusError 1100 naming the parameter and the allowed range. Unknown parameters are ignored, as
 * Milvus does. A missing metric is COSINE for float fields and HAMMING for binary ones (Milvus ≥ 2.4).
 */
export function validateIndexSpec(raw: RawIndexSpec): IndexSpec {
  const binaryField = raw.fieldKind === 'binary'
  if (raw.fieldKind === 'sparse') return validateSparseIndexSpec(raw)
  const typeName = typeof raw.indexType === 'string' ? raw.indexType.toUpperCase() : raw.indexType
  const params: Record<string, unknown> = { ...raw.params }
  let indexType: IndexType
  if (typeName === 'AUTOINDEX' || typeName === undefined || typeName === '') {
    const auto = binaryField ? autoIndexBinary : autoIndexFloat
    indexType = auto.indexType
    for (const [k, v] of Object.entries(auto.params)) params[k] ??= v
  } else if (typeof typeName === 'string' && Object.hasOwn(IndexType, typeName)) {
    indexType = typeName as IndexType
  } else if (typeof typeName === 'string' && MILVUS_ONLY_INDEX_TYPES.has(typeName)) {
    // Refused, never aliased to another family: recall, memory and disk behaviour would differ from what was asked.
    throw errors.invalid(
      `invalid index type: ${typeName} is a Milvus index type that Quiver does not implement; for float vectors use HNSW, IVF_FLAT, IVF_SQ8, IVF_PQ, FLAT or AUTOINDEX (docs/indexes.md)`,
    )
  } else {
    throw errors.invalid(`invalid index type: ${String(raw.indexType)}`)
  }
  if (isBinaryIndexType(indexType) !== binaryField || isSparseIndexType(indexType) || (raw.fieldKind === 'int8' && !int8IndexTypes.includes(indexType))) {
    throw errors.invalid(`data type ${fieldTypeName(raw.fieldKind)} can't build with this index ${indexType}`)
  }
  const metric = checkMetric(raw.metric, binaryField)
  return { indexType, metric, dim: raw.dim, params: checkBuildParams(indexType, params, raw.dim) }
}

function fieldTypeName(kind: VectorFieldKind): string {
  const names: Record<VectorFieldKind, string> = {
    float: 'FloatVector',
    binary: 'BinaryVector',
    float16: 'Float16Vector',
    bfloat16: 'BFloat16Vector',
    int8: 'Int8Vector',
    sparse: 'SparseFloatVector',
  }
  return names[kind]
}

function checkMetric(raw: unknown, binaryField: boolean): Metric {
  if (raw === undefined || raw === null || raw === '') return binaryField ? Metric.HAMMING : Metric.COSINE
  const metric = parseMetric(raw)
  const ok = metric !== undefined && (binaryField ? isBinaryMetric(metric) : isFloatMetric(metric))
  if (!ok) {
    const supported = (binaryField ? binaryMetrics : floatMetrics).join(' ')
    throw errors.invalid(`metric type ${String(raw)} not found or not supported, supported: [${supported}]`)
  }
  return metric
}

function checkBuildParams(indexType: IndexType, raw: Readonly<Record<string, unknown>>, dim: number): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [name, rule] of Object.entries(buildRules[indexType])) {
    const value = raw[name]
    if (value === undefined || value === null || value === '') {
      if (rule.fallback === undefined) throw errors.invalid(`param '${name}' is required for index type ${indexType}`)
      out[name] = rule.fallback
    } else {
      out[name] = checkIntParam(name, value, rule.min, rule.max)
    }
  }
  if (indexType === IndexType.IVF_PQ && dim % out.m! !== 0) {
    throw errors.invalid(
      `The dimension of a vector (dim) should be a multiple of the number of subquantizers (m). Dimension: ${dim}, m: ${out.m}`,
    )
  }
  return out
}

/** An integer (or integer string, as the SDKs send) within [min, max], else a 1100 error naming it. */
export function checkIntParam(name: string, value: unknown, min: number, max: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN
  if (!Number.isInteger(n)) throw errors.invalid(`param '${name}' (${String(value)}) should be an integer`)
  if (n < min || n > max) throw errors.invalid(`Out of range in json: param '${name}' (${n}) should be in range [${min}, ${max}]`)
  return n
}

/**
 * Search parameters for an index of `spec`, for a top-`k` search: `ef` (HNSW) in [1, 2^31-1] and ≥ k;
 * `nprobe` (IVF types) in [1, nlist]. Parameters the index type does not use are ignored.
 */
export function validateSearchParams(spec: IndexSpec, k: number, raw: Readonly<Record<string, unknown>>): SearchParams {
  if (isSparseIndexType(spec.indexType)) return validateSparseSearchParams(raw)
  if (spec.indexType === IndexType.HNSW && raw.ef !== undefined && raw.ef !== null) {
    const ef = checkIntParam('ef', raw.ef, efRange.min, efRange.max)
    if (ef < k) throw errors.invalid(`ef(${ef}) should be larger than k(${k})`)
    return { ef }
  }
  const nlistValue = spec.params.nlist
  if (nlistValue !== undefined && raw.nprobe !== undefined && raw.nprobe !== null) {
    return { nprobe: checkIntParam('nprobe', raw.nprobe, nprobeRange.min, Math.min(nprobeRange.max, nlistValue)) }
  }
  return {}
}
