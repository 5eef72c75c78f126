import { type HybridSpec, parseReranker } from '../../../engine/hybrid-search.ts'
import { checkNq, SEARCH_LIMIT_MAX, SEARCH_NQ_MAX, type SearchSpec } from '../../../engine/search-spec.ts'
import { errors } from '../../../errors/errors.ts'
import type { IteratorSpec } from '../../../engine/search-iterator.ts'
import { functionScoreOf } from './function-score.ts'
import { boolParam, jsonParam, kvObject, numberParam } from './key-values.ts'
import { requestedOutputFields } from './output-columns.ts'
import { decodePlaceholderGroup, placeholderValueCount } from './placeholder-group.ts'
import { templateValuesOf } from './template-values.ts'

// biome-ignore lint/suspicious/noExplicitAny: wire messages are loosely typed objects
type Wire = Record<string, any>

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/**
 * A `SearchRequest` → the engine's `SearchSpec`. Both forms the SDKs send are read: `search_params`
 * holds `anns_field`, `topk`, `metric_type`, `offset`, `round_decimal` and `params` (JSON: ef, nprobe,
 * radius, range_filter), whose keys may also appear flattened. With `ids` (search by primary keys,
 * Milvus 2.6) `vectors` is empty: the handler fills it from `searchKeysOf`. `ignore_growing` searches
 * sealed segments only; `group_by_field` makes a grouping search. A search iterator v2 page's keys
 * are read by `searchIteratorOf`; `iterator` alone (pymilvus's v1 iterator) is a plain search.
 */
export function searchSpecOf(req: Wire): SearchSpec {
  const byKeys = req.search_input === 'ids'
  const kv = kvObject(req.search_params)
  const params = jsonParam(kv, 'params')
  const pick = (key: string) => numberParam(params, key) ?? numberParam(kv, key)
  const group: Uint8Array = req.placeholder_group ?? new Uint8Array(0)
  if (!byKeys) refuseTooManyHits(placeholderValueCount(group), numberParam(kv, 'topk') ?? numberParam(kv, 'limit'), numberParam(kv, 'offset') ?? numberParam(params, 'offset'))
  const spec: Mutable<SearchSpec> = { vectors: byKeys ? [] : decodePlaceholderGroup(group) }
  const metric = kv.metric_type ?? (typeof params.metric_type === 'string' ? params.metric_type : undefined)
  if (kv.anns_field !== undefined && kv.anns_field !== '') spec.annsField = kv.anns_field
  if (metric !== undefined && metric !== '') spec.metric = metric
  setIf(spec, 'limit', numberParam(kv, 'topk') ?? numberParam(kv, 'limit'))
  setIf(spec, 'offset', numberParam(kv, 'offset') ?? numberParam(params, 'offset'))
  setIf(spec, 'roundDecimal', numberParam(kv, 'round_decimal'))
  setIf(spec, 'radius', pick('radius'))
  setIf(spec, 'rangeFilter', pick('range_filter'))
  setIf(spec, 'ef', pick('ef'))
  setIf(spec, 'nprobe', pick('nprobe'))
  setIf(spec, 'dropRatioSearch', pick('drop_ratio_search'))
  setIf(spec, 'dimMaxScoreRatio', pick('dim_max_score_ratio'))
  setIf(spec, 'refineFactor', pick('refine_factor'))
  const analyzerName = kv.analyzer_name ?? (typeof params.analyzer_name === 'string' ? params.analyzer_name : undefined)
  if (analyzerName !== undefined && analyzerName !== '') spec.analyzerName = analyzerName
  if (typeof req.dsl === 'string' && req.dsl.trim() !== '') spec.filter = req.dsl
  const templates = templateValuesOf(req.expr_template_values)
  if (templates !== undefined) spec.params = templates
  if (Array.isArray(req.output_fields) && req.output_fields.length > 0) spec.outputFields = requestedOutputFields(req.output_fields)
  if (Array.isArray(req.partition_names) && req.partition_names.length > 0) spec.partitions = req.partition_names
  setGroupBy(spec, kv, params)
  const orderBy = kv.order_by_fields ?? (typeof params.order_by_fields === 'string' ? params.order_by_fields : undefined)
  if (orderBy !== undefined && orderBy !== '') spec.orderBy = orderBy
  if (boolParam(kv, 'ignore_growing') === true || params.ignore_growing === true || req.ignore_growing === true) spec.ignoreGrowing = true
  const timezone = timezoneParam(kv)
  if (timezone !== undefined) spec.timezone = timezone
  const score = functionScoreOf(req)
  if (score !== undefined && 'reranker' in score) {
    throw errors.invalid('rrf and weighted rerank functions fuse the requests of a hybrid search; a single search takes the decay reranker')
  }
  if (score !== undefined && 'boost' in score) spec.boost = score.boost
  else if (score !== undefined) spec.decay = score.decay
  return spec
}

/**
 * nq × (offset + limit) past `SEARCH_RESULTS_MAX`, refused from the counts before the query vectors
 * are decoded (16,384 vectors took 20–70 ms of the event loop to decode only to be refused). Limits
 * that are not valid numbers are left to the engine's checks, which name them.
 */
function refuseTooManyHits(nq: number, limit: number | undefined, offset: number | undefined): void {
  const k = (offset ?? 0) + (limit ?? 10)
  if (nq > 0 && Number.isInteger(k) && k >= 1 && k <= SEARCH_LIMIT_MAX && Number.isInteger(offset ?? 0) && (offset ?? 0) >= 0) checkNq(nq, k)
}

/** A read's `timezone` (pymilvus `timezone=`: Timestamptz values shown, and naive ISO literals read, in it); pymilvus may JSON-quote it. */
export function timezoneParam(kv: Record<string, string>): string | undefined {
  const v = kv.timezone
  if (v === undefined || v === '') return undefined
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v
}

/** The primary keys of a search by ids (`search_input: 'ids'`), else undefined. */
export function searchKeysOf(req: Wire): (string | number)[] | undefined {
  if (req.search_input !== 'ids') return undefined
  const keys: unknown = req.ids?.int_id?.data ?? req.ids?.str_id?.data
  if (!Array.isArray(keys) || keys.length === 0) throw errors.invalid('search by ids needs at least one primary key in ids')
  // Each key is a query: refused before its vector is fetched (a million keys took 4 s of event loop to reach the nq check).
  if (keys.length > SEARCH_NQ_MAX) throw errors.invalid(`nq (${keys.length}) should be in range [1, ${SEARCH_NQ_MAX}]`)
  return keys as (string | number)[]
}

function setIf<K extends 'limit' | 'offset' | 'roundDecimal' | 'radius' | 'rangeFilter' | 'ef' | 'nprobe' | 'dropRatioSearch' | 'dimMaxScoreRatio' | 'refineFactor'>(spec: Mutable<SearchSpec>, key: K, v: number | undefined): void {
  if (v !== undefined) spec[key] = v
}

/** Grouping search (`group_by_field`, `group_size`, `strict_group_size`), from the KV pairs or the params JSON. */
function setGroupBy(spec: Mutable<SearchSpec>, kv: Record<string, string>, params: Record<string, unknown>): void {
  const group = kv.group_by_field ?? params.group_by_field
  if (typeof group !== 'string' || group === '') return
  spec.groupByField = group
  const size = numberParam(kv, 'group_size') ?? numberParam(params, 'group_size')
  if (size !== undefined) spec.groupSize = size
  if (boolParam(kv, 'strict_group_size') === true || params.strict_group_size === true) spec.strictGroupSize = true
}

/**
 * A search iterator v2 page (`search_iter_v2: true` with `search_iter_batch_size`, and after the first
 * page `search_iter_id` and `search_iter_last_bound`), from the KV pairs or the params JSON as the
 * SDKs send them; undefined for any other search.
 */
export function searchIteratorOf(req: Wire): IteratorSpec | undefined {
  const kv = kvObject(req.search_params)
  const params = jsonParam(kv, 'params')
  const v2 = boolParam(kv, 'search_iter_v2') ?? boolParam(params, 'search_iter_v2')
  if (v2 !== true) return undefined
  const batchSize = numberParam(kv, 'search_iter_batch_size') ?? numberParam(params, 'search_iter_batch_size') ?? numberParam(kv, 'topk')
  if (batchSize === undefined) throw errors.invalid('search_iter_batch_size is required by a search iterator v2 page')
  const token = kv.search_iter_id ?? (typeof params.search_iter_id === 'string' ? params.search_iter_id : undefined)
  const lastBound = numberParam(kv, 'search_iter_last_bound') ?? numberParam(params, 'search_iter_last_bound')
  const pinned = String(req.guarantee_timestamp ?? '0') !== '0' ? req.guarantee_timestamp : (kv.guarantee_timestamp ?? params.guarantee_timestamp)
  const snapshotTs = /^[0-9]{1,20}$/.test(String(pinned ?? '')) ? BigInt(String(pinned)) : undefined
  return { batchSize, token, lastBound, ...(snapshotTs === undefined || snapshotTs === 0n ? {} : { snapshotTs }) }
}

/** Grouping is a plain search's option here; a hybrid search refuses it rather than ignore it. */
function groupingInHybrid() {
  return errors.notSupported('grouping in a hybrid search (group_by_field) is not supported by Quiver')
}

/**
 * A `HybridSearchRequest` → the engine's `HybridSpec`: each sub-request as a search, `rank_params`
 * holding `strategy` (rrf | weighted), `params` (JSON `{k}` or `{weights}`), `limit`, `offset`,
 * `round_decimal`; or `function_score` with an rrf, weighted or decay function.
 */
export function hybridSpecOf(req: Wire): HybridSpec {
  const score = functionScoreOf(req)
  const kv = kvObject(req.rank_params)
  const requests = ((req.requests ?? []) as Wire[]).map((r) => {
    const { partitions: _p, outputFields: _o, offset: _off, roundDecimal: _r, ...one } = searchSpecOf(r)
    if (one.groupByField !== undefined) throw groupingInHybrid()
    return one
  })
  if (typeof kv.group_by_field === 'string' && kv.group_by_field !== '') throw groupingInHybrid()
  if (score !== undefined && 'boost' in score) throw errors.invalid('the boost ranker cannot rerank a hybrid search (as Milvus); use rrf, weighted or decay')
  const rerank = score === undefined ? parseReranker(kv.strategy === undefined ? undefined : { strategy: kv.strategy, params: jsonParam(kv, 'params') }) : 'decay' in score ? { strategy: 'decay' as const, decay: score.decay } : score.reranker
  const spec: Mutable<HybridSpec> = { requests, rerank }
  const limit = numberParam(kv, 'limit')
  const offset = numberParam(kv, 'offset')
  const roundDecimal = numberParam(kv, 'round_decimal')
  if (limit !== undefined) spec.limit = limit
  if (offset !== undefined) spec.offset = offset
  if (roundDecimal !== undefined) spec.roundDecimal = roundDecimal
  if (Array.isArray(req.output_fields) && req.output_fields.length > 0) spec.outputFields = requestedOutputFields(req.output_fields)
  if (Array.isArray(req.partition_names) && req.partition_names.length > 0) spec.partitions = req.partition_names
  return spec
}
