import { errors } from '../../errors/errors.ts'
import { type CollectionShape, restRowOf } from './entity-json.ts'
import { defined, objectList, optionalNumber, optionalObject, optionalString, optionalStringList, requireArray, requireObject, requireString, type RestBody } from './rest-params.ts'

/** Milvus REST's default `limit` for search and query. */
export const DEFAULT_LIMIT = 100

/** `searchParams` (`{ metricType, params: {…} }`, keys also accepted flat) → the facade's `metric_type` and `params`. */
function searchParamsOf(body: RestBody): { metric_type?: string; params: Record<string, unknown> } {
  const sp = optionalObject(body, 'searchParams') ?? {}
  const flat = Object.fromEntries(Object.entries(sp).filter(([k]) => !searchParamsKeys.has(k)))
  const nested = optionalObject(sp, 'params') ?? {}
  const metric = optionalString(body, 'metricType') ?? optionalString(sp, 'metricType') ?? optionalString(sp, 'metric_type')
  return { ...(metric === undefined ? {} : { metric_type: metric }), params: { ...flat, ...nested } }
}

const searchParamsKeys = new Set(['metricType', 'metric_type', 'params'])

function refuseUnsupported(body: RestBody): void {
  if (body.ids !== undefined && body.ids !== null) throw errors.notSupported('search by primary key (ids) is not supported by Quiver')
}

/** Grouping is a plain search's option; a hybrid search refuses it rather than ignore it. */
function refuseGrouping(body: RestBody): void {
  if (body.groupingField !== undefined && body.groupingField !== null && body.groupingField !== '') throw errors.notSupported('grouping in a hybrid search (groupingField) is not supported by Quiver')
}

/**
 * `functionScore` (Milvus 2.6 REST: `{ functions: [{ name, type: 'Rerank', inputFieldNames, params: { reranker, … } }],
 * params }`) → the facade's `rerank`: one function as a rerank function object, boost functions as a
 * FunctionScore (`{ functions, params: { boost_mode, function_mode } }`); undefined without functions.
 */
export function functionScoreOf(body: RestBody): Record<string, unknown> | undefined {
  const fs = optionalObject(body, 'functionScore')
  if (fs === undefined) return undefined
  const functions = objectList(Array.isArray(fs.functions) ? fs.functions : [], 'functionScore.functions').map((f) => {
    const type = f.type === undefined || f.type === null ? 'Rerank' : String(f.type)
    if (type.toLowerCase() !== 'rerank') throw errors.invalid(`function ${String(f.name)} in functionScore must be of type Rerank, got ${type}`)
    const params = optionalObject(f, 'params') ?? {}
    return { name: f.name, type: 3, input_field_names: optionalStringList(f, 'inputFieldNames') ?? [], params }
  })
  if (functions.length === 0) return undefined
  const isBoost = (f: { params: Record<string, unknown> }) => String(f.params.reranker ?? '').toLowerCase() === 'boost'
  if (functions.some(isBoost)) return { functions, params: optionalObject(fs, 'params') ?? {} }
  if (functions.length > 1) throw errors.invalid(`only one rerank function is supported in functionScore, got ${functions.length}`)
  return functions[0]
}

/** `entities/search` → the facade's `search` request. */
export function searchRequestOf(body: RestBody): Record<string, unknown> {
  refuseUnsupported(body)
  const { metric_type, params } = searchParamsOf(body)
  return defined({
    collection_name: requireString(body, 'collectionName'),
    data: requireArray(body, 'data'),
    anns_field: optionalString(body, 'annsField'),
    filter: optionalString(body, 'filter'),
    exprValues: optionalObject(body, 'exprParams'),
    limit: optionalNumber(body, 'limit') ?? DEFAULT_LIMIT,
    offset: optionalNumber(body, 'offset'),
    output_fields: optionalStringList(body, 'outputFields'),
    partition_names: optionalStringList(body, 'partitionNames'),
    round_decimal: optionalNumber(body, 'roundDecimal'),
    group_by_field: optionalString(body, 'groupingField'),
    group_size: optionalNumber(body, 'groupSize'),
    strict_group_size: body.strictGroupSize === true ? true : undefined,
    rerank: functionScoreOf(body),
    metric_type,
    params: { ...params, ...(metric_type === undefined ? {} : { metric_type }) },
  })
}

/** `entities/hybrid_search` → the facade's `hybridSearch` request. */
export function hybridRequestOf(body: RestBody): Record<string, unknown> {
  refuseGrouping(body)
  const requests = objectList(requireArray(body, 'search'), 'search').map((s) => {
    refuseUnsupported(s)
    refuseGrouping(s)
    const { metric_type, params } = searchParamsOf(s)
    return defined({
      data: requireArray(s, 'data'),
      anns_field: optionalString(s, 'annsField'),
      filter: optionalString(s, 'filter'),
      exprValues: optionalObject(s, 'exprParams'),
      limit: optionalNumber(s, 'limit') ?? DEFAULT_LIMIT,
      params: { ...params, ...(metric_type === undefined ? {} : { metric_type }) },
    })
  })
  return defined({
    collection_name: requireString(body, 'collectionName'),
    data: requests,
    rerank: functionScoreOf(body) ?? requireObject(body, 'rerank'),
    limit: optionalNumber(body, 'limit') ?? DEFAULT_LIMIT,
    offset: optionalNumber(body, 'offset'),
    output_fields: optionalStringList(body, 'outputFields'),
    partition_names: optionalStringList(body, 'partitionNames'),
    round_decimal: optionalNumber(body, 'roundDecimal'),
  })
}

/** How many query vectors a search request carries. */
export function queryCountOf(req: Record<string, unknown>): number {
  const data = req.data as unknown[]
  const first = data[0] as Record<string, unknown> | undefined
  if (first !== undefined && typeof first === 'object' && !Array.isArray(first) && Array.isArray(first.data)) return first.data.length
  return data.length
}

/**
 * Facade search results → REST: one flat list of hits `{ <pk>, distance, <outputFields>… }` and
 * `topks` (hits per query vector), which the SDK uses to split it per query.
 */
export function restHitsOf(results: unknown[], nq: number, shape: CollectionShape): { hits: Record<string, unknown>[]; topks: number[] } {
  const lists = (nq === 1 ? [results] : results) as Record<string, unknown>[][]
  const hits: Record<string, unknown>[] = []
  for (const list of lists) for (const hit of list) hits.push(restHitOf(hit, shape))
  return { hits, topks: lists.map((l) => l.length) }
}

function restHitOf(hit: Record<string, unknown>, shape: CollectionShape): Record<string, unknown> {
  const { score, ...row } = hit
  const id = row.id
  if (shape.pkName !== 'id' && !shape.fieldNames.has('id')) delete row.id
  if (row[shape.pkName] === undefined) row[shape.pkName] = id
  return { ...restRowOf(row, shape), distance: score }
}
