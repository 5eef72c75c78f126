import { errors } from '../../errors/errors.ts'
import { Metric, parseMetric } from '../../vector/metric.ts'
import type { IndexSpec, RawIndexSpec, SearchParams } from '../index-spec.ts'
import { IndexType, isSparseIndexType } from '../index-type.ts'

/** `inverted_index_algo` values Milvus 2.6 accepts, stored in the spec as their position. */
export const sparseIndexAlgos = ['TAAT_NAIVE', 'DAAT_WAND', 'DAAT_MAXSCORE'] as const
export type SparseIndexAlgo = (typeof sparseIndexAlgos)[number]

/** knowhere's `dim_max_score_ratio`: default and range (inclusive). Below 1 the DAAT walks prune harder (approximate). */
export const DIM_MAX_SCORE_RATIO_DEFAULT = 1.05
export const dimMaxScoreRatioRange = { min: 0.5, max: 1.3 } as const

/**
 * An index request on a SparseFloatVector field, checked as Milvus 2.6 does (knowhere's
 * SparseInvertedIndexConfig): SPARSE_INVERTED_INDEX or SPARSE_WAND (AUTOINDEX =
 * SPARSE_INVERTED_INDEX), metric IP (default; BM25 only on a BM25 function's output field, which
 * Quiver has none of), `drop_ratio_build` in [0, 1) (accepted; deprecated in 2.6, it changes
 * nothing), `inverted_index_algo` one of `sparseIndexAlgos` (default DAAT_MAXSCORE; DAAT_WAND for
 * SPARSE_WAND). 1100 otherwise.
 */
export function validateSparseIndexSpec(raw: RawIndexSpec): IndexSpec {
  const typeName = typeof raw.indexType === 'string' ? raw.indexType.toUpperCase() : raw.indexType
  const indexType = typeName === 'AUTOINDEX' || typeName === undefined || typeName === '' ? IndexType.SPARSE_INVERTED_INDEX : typeName
  if (typeof indexType !== 'string' || !Object.hasOwn(IndexType, indexType)) throw errors.invalid(`invalid index type: ${String(raw.indexType)}`)
  if (!isSparseIndexType(indexType as IndexType)) throw errors.invalid(`data type SparseFloatVector can't build with this index ${indexType}`)
  const metricName = typeof raw.metric === 'string' ? raw.metric.toUpperCase() : raw.metric
  if (metricName === 'BM25' && raw.bm25Output !== true) throw errors.invalid('only BM25 Function output field support BM25 metric type')
  const absent = metricName === undefined || metricName === null || metricName === ''
  const metric = absent ? (raw.bm25Output === true ? Metric.BM25 : Metric.IP) : parseMetric(metricName)
  if (metric !== Metric.IP && metric !== Metric.BM25) throw errors.invalid(`only IP&BM25 is the supported metric type for sparse index, got ${String(raw.metric)}`)
  if (metric === Metric.IP && raw.bm25Output === true) throw errors.invalid('must use BM25 metric type when searching against BM25 Function output field')
  const params: Record<string, number> = { drop_ratio_build: ratioParam('drop_ratio_build', raw.params.drop_ratio_build) }
  if (metric === Metric.BM25) {
    params.bm25_k1 = bm25Param('bm25_k1', raw.params.bm25_k1, BM25_K1_DEFAULT, bm25K1Range)
    params.bm25_b = bm25Param('bm25_b', raw.params.bm25_b, BM25_B_DEFAULT, bm25BRange)
  }
  const algo = raw.params.inverted_index_algo
  const defaultAlgo: SparseIndexAlgo = indexType === IndexType.SPARSE_WAND ? 'DAAT_WAND' : 'DAAT_MAXSCORE'
  if (algo !== undefined && algo !== null && algo !== '') {
    const at = sparseIndexAlgos.indexOf(String(algo).toUpperCase() as SparseIndexAlgo)
    if (at < 0) throw errors.invalid(`sparse inverted index algo ${String(algo)} not found or not supported, supported: [${sparseIndexAlgos.join(' ')}]`)
    params.inverted_index_algo = at
  } else {
    params.inverted_index_algo = sparseIndexAlgos.indexOf(defaultAlgo)
  }
  return { indexType: indexType as IndexType, metric, dim: 0, params }
}

/** knowhere's BM25 parameters: defaults and ranges (inclusive). */
export const BM25_K1_DEFAULT = 1.2
export const BM25_B_DEFAULT = 0.75
export const bm25K1Range = { min: 0, max: 3 } as const
export const bm25BRange = { min: 0, max: 1 } as const

function bm25Param(name: string, value: unknown, fallback: number, range: { min: number; max: number }): number {
  if (value === undefined || value === null || value === '') return fallback
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN
  if (!Number.isFinite(n) || n < range.min || n > range.max) throw errors.invalid(`${name} must be in range [${range.min}, ${range.max}], got ${String(value)}`, { key: name })
  return n
}

/** The search algorithm of a validated sparse spec (specs written before the algo was stored: DAAT_MAXSCORE). */
export function sparseAlgoOf(spec: IndexSpec): SparseIndexAlgo {
  return sparseIndexAlgos[spec.params.inverted_index_algo ?? 2] ?? 'DAAT_MAXSCORE'
}

/** Search parameters of a sparse index: `drop_ratio_search` in [0, 1), `dim_max_score_ratio` in [0.5, 1.3], `refine_factor` in [1, 2^31). */
export function validateSparseSearchParams(raw: Readonly<Record<string, unknown>>): SearchParams {
  return {
    dropRatioSearch: ratioParam('drop_ratio_search', raw.drop_ratio_search),
    dimMaxScoreRatio: dimMaxScoreRatioParam(raw.dim_max_score_ratio),
    refineFactor: refineFactorParam(raw.refine_factor),
  }
}

/** knowhere's `refine_factor`: an integer ≥ 1, default 1 (no re-scoring); Quiver caps it at `REFINE_FACTOR_MAX`. */
export const REFINE_FACTOR_MAX = 1024
export function refineFactorParam(value: unknown): number {
  if (value === undefined || value === null || value === '') return 1
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN
  if (!Number.isInteger(n) || n < 1 || n > REFINE_FACTOR_MAX) throw errors.invalid(`refine_factor must be an integer in range [1, ${REFINE_FACTOR_MAX}], got ${String(value)}`, { key: 'refine_factor' })
  return n
}

/** A ratio parameter (`drop_ratio_build`, `drop_ratio_search`): a number in [0, 1); absent = 0. */
export function ratioParam(name: string, value: unknown): number {
  if (value === undefined || value === null || value === '') return 0
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN
  if (!Number.isFinite(n) || n < 0 || n >= 1) throw errors.invalid(`${name} must be in range [0, 1), got ${String(value)}`, { key: name })
  return n
}

/** `dim_max_score_ratio`: a number in [0.5, 1.3]; absent = 1.05. */
export function dimMaxScoreRatioParam(value: unknown): number {
  if (value === undefined || value === null || value === '') return DIM_MAX_SCORE_RATIO_DEFAULT
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN
  const { min, max } = dimMaxScoreRatioRange
  if (!Number.isFinite(n) || n < min || n > max) throw errors.invalid(`dim_max_score_ratio must be in range [${min}, ${max}], got ${String(value)}`, { key: 'dim_max_score_ratio' })
  return n
}
