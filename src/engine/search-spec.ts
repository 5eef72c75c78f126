import { structSearchOf } from './struct-search-spec.ts'
import type { SparseRow } from '../column/column.ts'
import { errors } from '../errors/errors.ts'
import { dimMaxScoreRatioParam, ratioParam, refineFactorParam } from '../index/sparse/sparse-index-spec.ts'
import type { QueryVector } from '../query/vector-scan.ts'
import { type CollectionSchema, type FieldSchema, vectorFields } from '../schema/collection-schema.ts'
import { DataType, dataTypeName } from '../schema/data-type.ts'
import { f16ToF32Array, bf16ToF32Array } from '../common/half-float.ts'
import { isBinaryMetric, Metric, parseMetric } from '../vector/metric.ts'
import type { BoostSpec } from './boost-rerank.ts'
import type { DecaySpec } from './decay-rerank.ts'
import type { ReadScope } from './read-ops.ts'
import { bm25InputOf, resolveBm25Search } from './bm25-search-spec.ts'
import type { Bm25Params } from '../query/bm25-search.ts'

/** Milvus's top-k limit (`quotaAndLimits.limits.topK`). */
export const SEARCH_LIMIT_MAX = 16384
/** Milvus's nq limit (`quotaAndLimits.limits.nq`). */
export const SEARCH_NQ_MAX = 16384
/**
 * Hits one search may ask for: nq × (offset + limit). Quiver's cost limit (Milvus has none): past it
 * the answer alone (ids, scores, output fields) is hundreds of MB built on the server's one thread.
 */
export const SEARCH_RESULTS_MAX = 262_144

export interface SearchSpec extends ReadScope {
  /** One query vector or several (nq). */
  readonly vectors: unknown
  readonly annsField?: string
  readonly metric?: string
  readonly limit?: number
  readonly offset?: number
  readonly outputFields?: readonly string[]
  readonly radius?: number
  readonly rangeFilter?: number
  /** Decimals of the returned scores; -1 = as computed. */
  readonly roundDecimal?: number
  /** Index search parameters. */
  readonly ef?: number
  readonly nprobe?: number
  /** Sparse index search parameters (Milvus 2.6): `drop_ratio_search` in [0, 1), `dim_max_score_ratio` in [0.5, 1.3], `refine_factor` ≥ 1. */
  /** BM25 search on a field with `multi_analyzer_params`: the analyzer for the query texts (Milvus `analyzer_name`; absent: `default`). */
  readonly analyzerName?: string
  readonly dropRatioSearch?: number
  readonly dimMaxScoreRatio?: number
  readonly refineFactor?: number
  /** Grouping search: the best groups by this scalar field (`group_by_field`), `groupSize` hits each (default 1). */
  readonly groupByField?: string
  readonly groupSize?: number
  readonly strictGroupSize?: boolean
  /** Milvus's `order_by_fields` (`price:desc`): the top-k hits re-ordered by these scalar fields. */
  readonly orderBy?: string
  /** Milvus 2.6's decay reranker (`FunctionScore`): the top offset + limit hits re-scored by similarity × decay of a numeric field. */
  readonly decay?: DecaySpec
  /** Milvus 2.6's Boost Ranker (`FunctionScore` of `reranker: boost` functions) over the top offset + limit hits. */
  readonly boost?: BoostSpec
}

export interface ResolvedSearch {
  readonly field: FieldSchema
  readonly metric: Metric
  readonly queries: QueryVector[]
  readonly limit: number
  readonly offset: number
  readonly roundDecimal: number
  readonly radius: number | undefined
  readonly rangeFilter: number | undefined
  readonly indexParams: IndexSearchParams
  /** Struct vector sub-field searched with a MAX_SIM metric: each query is an embedding list. */
  readonly embeddingList?: boolean | undefined
  /** A BM25 function's output field (metric BM25): k1 and b of its index, else Milvus's defaults. */
  readonly bm25?: Bm25Params | undefined
}

/** Index search parameters of a resolved search; each index type reads its own, exact scans none. */
export type IndexSearchParams = { ef?: number | undefined; nprobe?: number | undefined; dropRatioSearch?: number | undefined; dimMaxScoreRatio?: number | undefined; refineFactor?: number | undefined }

/**
 * Checks a search request against the schema: field, metric, vectors, paging. Without a metric, the
 * field's index metric (`indexMetricOf`) is used, else COSINE (HAMMING binary, IP sparse).
 */
export function resolveSearch(
  schema: CollectionSchema,
  s: SearchSpec,
  indexMetricOf: (field: string) => string | undefined = () => undefined,
  indexParamsOf: (field: string) => Readonly<Record<string, string>> | undefined = () => undefined,
): ResolvedSearch {
  const field = pickField(schema, s.annsField)
  const metricName = s.metric === undefined || s.metric === '' ? indexMetricOf(field.name) : s.metric
  // A struct's vector sub-field: embedding lists (MAX_SIM metrics) or element-level vectors.
  const struct = field.dataType === DataType.ArrayOfVector ? structSearchOf(field, s.vectors, metricName) : undefined
  // A BM25 output's metric is checked by resolveBm25Search.
  const metric = struct?.metric ?? (field.isFunctionOutput === true ? Metric.BM25 : pickMetric(field, metricName))
  const limit = s.limit ?? 10
  const offset = s.offset ?? 0
  if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_LIMIT_MAX) {
    throw errors.invalid(`topk [${limit}] is invalid, it should be in range [1, ${SEARCH_LIMIT_MAX}]`)
  }
  if (!Number.isInteger(offset) || offset < 0 || offset + limit > SEARCH_LIMIT_MAX) {
    throw errors.invalid(`offset [${offset}] is invalid, offset + limit should be in range [1, ${SEARCH_LIMIT_MAX}]`)
  }
  const roundDecimal = s.roundDecimal ?? -1
  if (!Number.isInteger(roundDecimal) || roundDecimal < -1 || roundDecimal > 6) {
    throw errors.invalid(`round_decimal ${roundDecimal} is invalid, should be -1 or an integer in [0, 6]`)
  }
  const bm25Input = bm25InputOf(schema, field)
  if (bm25Input !== undefined) return resolveBm25Search({ field, input: bm25Input, spec: s, metricName, indexParams: indexParamsOf(field.name), limit, offset, roundDecimal })
  const split = struct?.queries ?? splitQueries(s.vectors, field)
  checkNq(split.length, offset + limit)
  const queries = struct?.queries ?? split.map((v, i) => toQueryVector(field, v, i))
  return {
    field,
    metric,
    queries,
    embeddingList: struct?.embeddingList,
    limit,
    offset,
    roundDecimal,
    // Every property present (undefined where absent): see RowScope on object shapes.
    radius: s.radius === undefined ? undefined : Number(s.radius),
    rangeFilter: s.rangeFilter === undefined ? undefined : Number(s.rangeFilter),
    indexParams: indexSearchParams(field, s, limit),
  }
}

/** nq in range, and nq × (offset + limit) within `SEARCH_RESULTS_MAX`. */
export function checkNq(nq: number, k: number): void {
  if (nq === 0) throw errors.invalid('search needs at least one query vector')
  if (nq > SEARCH_NQ_MAX) throw errors.invalid(`nq (${nq}) should be in range [1, ${SEARCH_NQ_MAX}]`)
  if (nq * k > SEARCH_RESULTS_MAX) {
    throw errors.invalid(`nq (${nq}) × (offset + limit) (${k}) = ${nq * k} hits, more than one search may return (${SEARCH_RESULTS_MAX}); split the query vectors over several searches`)
  }
}

/** The index parameters of a search; a dense field's are one literal (a spread of `{}` per search cost a slow object clone). */
function indexSearchParams(field: FieldSchema, s: SearchSpec, limit: number): IndexSearchParams {
  const ef = s.ef === undefined ? undefined : checkPositive('ef', s.ef, limit)
  const nprobe = s.nprobe === undefined ? undefined : checkPositive('nprobe', s.nprobe, 1)
  if (field.dataType !== DataType.SparseFloatVector) return { ef, nprobe }
  return { ef, nprobe, ...sparseSearchParams(field, s) }
}

/** A sparse field's `drop_ratio_search` / `dim_max_score_ratio`, checked (1100 out of range); other fields ignore them. */
function sparseSearchParams(field: FieldSchema, s: SearchSpec): { dropRatioSearch?: number; dimMaxScoreRatio?: number; refineFactor?: number } {
  if (field.dataType !== DataType.SparseFloatVector) return {}
  return { dropRatioSearch: ratioParam('drop_ratio_search', s.dropRatioSearch), dimMaxScoreRatio: dimMaxScoreRatioParam(s.dimMaxScoreRatio), refineFactor: refineFactorParam(s.refineFactor) }
}

function checkPositive(name: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min || v > 32768) throw errors.invalid(`${name} (${v}) should be an integer in [${min}, 32768]`)
  return v
}

function pickField(schema: CollectionSchema, name: string | undefined): FieldSchema {
  const vfs = vectorFields(schema)
  if (name === undefined || name === '') {
    if (vfs.length === 1) return vfs[0]!
    throw errors.invalid(`multiple anns_fields exist, please specify a anns_field in search_params (one of ${vfs.map((f) => f.name).join(', ')})`)
  }
  const f = schema.fields.find((x) => x.name === name)
  if (f === undefined) throw errors.invalid(`failed to get field schema by name: fieldName(${name}) not found`, { field: name })
  if (!vfs.includes(f) && f.dataType !== DataType.ArrayOfVector) throw errors.invalid(`field ${name} is not a vector field`, { field: name })
  return f
}

function pickMetric(field: FieldSchema, raw: string | undefined): Metric {
  const binary = field.dataType === DataType.BinaryVector
  const sparse = field.dataType === DataType.SparseFloatVector
  if (raw === undefined || raw === '') return binary ? 'HAMMING' : sparse ? 'IP' : 'COSINE'
  const m = parseMetric(raw)
  if (m === undefined) throw errors.invalid(`metric type ${raw} not found or not supported`)
  if (m === 'BM25') throw errors.invalid('only BM25 Function output field support BM25 metric type')
  if (binary !== isBinaryMetric(m) || (sparse && m !== 'IP')) {
    throw errors.invalid(`metric type ${m} is not supported for ${dataTypeName(field.dataType)} field ${field.name}`)
  }
  return m
}

/** One vector or a list of vectors → a list of single vectors. */
function splitQueries(v: unknown, field: FieldSchema): unknown[] {
  if (field.dataType === DataType.SparseFloatVector) return Array.isArray(v) ? v : [v]
  if (ArrayBuffer.isView(v)) return [v]
  if (!Array.isArray(v)) throw errors.invalid('search vectors must be an array of numbers or an array of vectors')
  if (v.length > 0 && (Array.isArray(v[0]) || ArrayBuffer.isView(v[0]))) return v
  return [v]
}

function toQueryVector(field: FieldSchema, v: unknown, i: number): QueryVector {
  const dim = field.dim ?? 0
  switch (field.dataType) {
    case DataType.BinaryVector: {
      const bytes = v instanceof Uint8Array ? v : Uint8Array.from(v as number[])
      if (bytes.length * 8 !== dim) throw dimError(field, i, bytes.length * 8)
      return { kind: 'binary', values: bytes }
    }
    case DataType.SparseFloatVector:
      return { kind: 'sparse', row: toSparse(v, i) }
    case DataType.Int8Vector:
      return { kind: 'float', values: int8Query(field, v, i) }
    default: {
      let values: Float32Array
      if (v instanceof Uint16Array) {
        values = new Float32Array(v.length)
        if (field.dataType === DataType.BFloat16Vector) bf16ToF32Array(v, values)
        else f16ToF32Array(v, values)
      } else {
        values = v instanceof Float32Array ? v : Float32Array.from(v as number[])
      }
      if (values.length !== dim) throw dimError(field, i, values.length)
      for (let k = 0; k < values.length; k++) {
        if (!Number.isFinite(values[k]!)) throw errors.invalid(`query vector ${i} has a non-finite value at ${k}`)
      }
      return { kind: 'float', values }
    }
  }
}

/** An int8 query (Int8Array, or integers -128..127) as float32, exactly. */
function int8Query(field: FieldSchema, v: unknown, i: number): Float32Array {
  const values = v instanceof Int8Array ? new Float32Array(v) : Float32Array.from(v as ArrayLike<number>)
  if (values.length !== (field.dim ?? 0)) throw dimError(field, i, values.length)
  for (let k = 0; k < values.length; k++) {
    const x = values[k]!
    if (!Number.isInteger(x) || x < -128 || x > 127) {
      throw errors.invalid(`query vector ${i} of Int8Vector field ${field.name} has ${String((v as ArrayLike<unknown>)[k])} at ${k}, expected an integer in [-128, 127]`)
    }
  }
  return values
}

function dimError(field: FieldSchema, i: number, got: number) {
  return errors.invalid(`the dim (${got}) of query vector ${i} is not equal to the dim (${field.dim}) of field ${field.name}`, {
    expected: field.dim ?? 0,
    actual: got,
  })
}

function toSparse(v: unknown, i: number): SparseRow {
  const pairs: [number, number][] = []
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>
    if (Array.isArray(o.indices) && Array.isArray(o.values)) o.indices.forEach((x, k) => pairs.push([Number(x), Number((o.values as unknown[])[k])]))
    else for (const [k, x] of Object.entries(o)) pairs.push([Number(k), Number(x)])
  } else if (Array.isArray(v)) {
    for (const e of v) pairs.push([Number((e as { index: unknown }).index), Number((e as { value: unknown }).value)])
  }
  pairs.sort((a, b) => a[0] - b[0])
  if (pairs.some(([k, x]) => !Number.isInteger(k) || k < 0 || !Number.isFinite(x))) throw errors.invalid(`sparse query vector ${i} is malformed`)
  return { indices: Uint32Array.from(pairs.map((p) => p[0])), values: Float32Array.from(pairs.map((p) => p[1])) }
}
