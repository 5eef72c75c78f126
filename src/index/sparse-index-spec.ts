import { errors } from '../errors/errors.ts'
import { Metric, parseMetric } from '../vector/metric.ts'
import type { IndexSpec, RawIndexSpec } from './index-spec.ts'
import { IndexType, isSparseIndexType } from './index-type.ts'

/** `inverted_index_algo` values Milvus accepts, stored in the spec as their position. */
export const sparseIndexAlgos = ['TAAT_NAIVE', 'DAAT_WAND', 'DAAT_MAXSCORE'] as const

/**
 * An index request on a SparseFloatVector field, checked as Milvus's sparse checker does:
 * SPARSE_INVERTED_INDEX or SPARSE_WAND (AUTOINDEX = SPARSE_INVERTED_INDEX), metric IP (default),
 * `drop_ratio_build` in [0, 1), `inverted_index_algo` one of `sparseIndexAlgos`. 1100 otherwise.
 */
export function validateSparseIndexSpec(raw: RawIndexSpec): IndexSpec {
  const typeName = typeof raw.indexType === 'string' ? raw.indexType.toUpperCase() : raw.indexType
  const indexType = typeName === 'AUTOINDEX' || typeName === undefined || typeName === '' ? IndexType.SPARSE_INVERTED_INDEX : typeName
  if (typeof indexType !== 'string' || !Object.hasOwn(IndexType, indexType)) throw errors.invalid(`invalid index type: ${String(raw.indexType)}`)
  if (!isSparseIndexType(indexType as IndexType)) throw errors.invalid(`data type SparseFloatVector can't build with this index ${indexType}`)
  const metric = raw.metric === undefined || raw.metric === null || raw.metric === '' ? Metric.IP : parseMetric(raw.metric)
  if (metric !== Metric.IP) throw errors.invalid(`only IP&BM25 is the supported metric type for sparse index, got ${String(raw.metric)}`)
  const params: Record<string, number> = { drop_ratio_build: ratioParam('drop_ratio_build', raw.params.drop_ratio_build) }
  const algo = raw.params.inverted_index_algo
  if (algo !== undefined && algo !== null && algo !== '') {
    const at = sparseIndexAlgos.indexOf(String(algo).toUpperCase() as (typeof sparseIndexAlgos)[number])
    if (at < 0) throw errors.invalid(`sparse inverted index algo ${String(algo)} not found or not supported, supported: [${sparseIndexAlgos.join(' ')}]`)
    params.inverted_index_algo = at
  }
  return { indexType: indexType as IndexType, metric, dim: 0, params }
}

/** A ratio parameter (`drop_ratio_build`, `drop_ratio_search`): a number in [0, 1); absent = 0. */
export function ratioParam(name: string, value: unknown): number {
  if (value === undefined || value === null || value === '') return 0
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN
  if (!Number.isFinite(n) || n < 0 || n >= 1) throw errors.invalid(`${name} must be in range [0, 1), got ${String(value)}`)
  return n
}
