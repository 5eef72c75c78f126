import { ErrorCode, errors, MilvusError } from '../../errors/errors.ts'
import { exprLimits } from '../../expr/expr-limits.ts'
import { collectionShape, restIdsOf, restRowOf } from './entity-json.ts'
import { expectOk } from './rest-failure.ts'
import { int64 } from './rest-json.ts'
import { defined, optionalBoolean, optionalNumber, optionalObject, optionalString, optionalStringList, requireString, type RestBody } from './rest-params.ts'
import type { RestReply } from './rest-envelope.ts'
import { empty, type RestContext, type RestRouteTable, sdk } from './rest-route.ts'
import { DEFAULT_LIMIT, hybridRequestOf, queryCountOf, restHitsOf, searchRequestOf } from './search-json.ts'

const COUNT = 'count(*)'

/** entities/*: insert, upsert, delete, get, query (incl. count(*)), search, hybrid_search (= advanced_search). */
export const entityRoutes: RestRouteTable = {
  insert: async (body, ctx) => {
    const r = expectOk(await ctx.client.insert(writeRequest(body, ctx)))
    return { data: { insertCount: Number(r.insert_cnt), insertIds: idsOf(r.IDs) } }
  },

  upsert: async (body, ctx) => {
    const partial = optionalBoolean(body, 'partialUpdate')
    const r = expectOk(await ctx.client.upsert({ ...writeRequest(body, ctx), ...(partial === true ? { partial_update: true } : {}) }))
    return { data: { upsertCount: Number(r.upsert_cnt), upsertIds: idsOf(r.IDs) } }
  },

  delete: async (body, ctx) => {
    const ids = idList(body)
    const filter = optionalString(body, 'filter')
    if (ids === undefined && filter === undefined) requireString(body, 'filter')
    const req = defined({
      collection_name: requireString(body, 'collectionName'),
      partition_name: optionalString(body, 'partitionName'),
      ...(ids === undefined ? { filter, exprValues: optionalObject(body, 'exprParams') } : { ids }),
    })
    expectOk(await ctx.client.delete(sdk(ctx, req)))
    return empty
  },

  get: async (body, ctx) => {
    const ids = getIdsOf(body)
    if (ids === undefined) requireString(body, 'id')
    const collection = requireString(body, 'collectionName')
    const req = defined({
      collection_name: collection,
      ids,
      output_fields: optionalStringList(body, 'outputFields'),
      partition_names: optionalStringList(body, 'partitionNames'),
    })
    return rowsReply(ctx, collection, expectOk(await ctx.client.get(sdk(ctx, req))).data)
  },

  query: async (body, ctx) => {
    const collection = requireString(body, 'collectionName')
    const outputFields = optionalStringList(body, 'outputFields')
    const common = defined({
      collection_name: collection,
      filter: optionalString(body, 'filter'),
      exprValues: optionalObject(body, 'exprParams'),
      partition_names: optionalStringList(body, 'partitionNames'),
    })
    if (outputFields?.includes(COUNT) === true) {
      return { data: [{ [COUNT]: int64(expectOk(await ctx.client.count(sdk(ctx, common))).data) }] }
    }
    const req = defined({ ...common, output_fields: outputFields, limit: optionalNumber(body, 'limit') ?? DEFAULT_LIMIT, offset: optionalNumber(body, 'offset') })
    return rowsReply(ctx, collection, expectOk(await ctx.client.query(sdk(ctx, req))).data)
  },

  search: async (body, ctx) => {
    const req = searchRequestOf(body)
    const shape = await collectionShape(ctx, req.collection_name as string)
    const r = expectOk(await ctx.client.search(sdk(ctx, req)))
    const { hits, topks } = restHitsOf(r.results, queryCountOf(req), shape)
    return { data: hits, extra: { topks } }
  },

  hybrid_search: (body, ctx) => hybridSearch(body, ctx),
  advanced_search: (body, ctx) => hybridSearch(body, ctx),
}

async function hybridSearch(body: RestBody, ctx: RestContext): Promise<RestReply> {
  const req = hybridRequestOf(body)
  const shape = await collectionShape(ctx, req.collection_name as string)
  const r = expectOk(await ctx.client.hybridSearch(sdk(ctx, req)))
  const { hits, topks } = restHitsOf(r.results, queryCountOf(req), shape)
  return { data: hits, extra: { topks } }
}

function writeRequest(body: RestBody, ctx: RestContext): Record<string, unknown> {
  const data = body.data
  if (data === undefined || data === null) requireString(body, 'data')
  if (typeof data !== 'object') throw new MilvusError(ErrorCode.IncorrectParameterFormat, 'data must be an array of row objects (or one row object)')
  return sdk(ctx, defined({ collection_name: requireString(body, 'collectionName'), partition_name: optionalString(body, 'partitionName'), data: Array.isArray(data) ? data : [data] }))
}

/**
 * The keys of `entities/get`: each once (Milvus reads them as `pk in [...]`, one row per key), at
 * most `inListLengthMax` of them as a filter's list may hold (1100 past it). A million copies of one
 * key gathered a million rows on the event loop for 30 s.
 */
export function getIdsOf(body: RestBody): unknown[] | undefined {
  const ids = idList(body)
  if (ids === undefined) return undefined
  const seen = new Set<string>()
  const unique: unknown[] = []
  for (const id of ids) {
    const key = typeof id === 'object' && id !== null ? JSON.stringify(id) : String(id)
    if (seen.has(key)) continue
    seen.add(key)
    unique.push(id)
  }
  const max = exprLimits.inListLengthMax
  if (unique.length > max) throw errors.invalid(`entities/get asks for ${unique.length} primary keys, more than ${max} (inListLengthMax)`, { key: 'id' })
  return unique
}

/** `id` (one key or a list; `ids` also accepted) as a list, or undefined. */
function idList(body: RestBody): unknown[] | undefined {
  const v = body.id ?? body.ids
  if (v === undefined || v === null) return undefined
  return Array.isArray(v) ? v : [v]
}

function idsOf(ids: { int_id: { data: string[] } } | { str_id: { data: string[] } }): unknown[] {
  return 'int_id' in ids ? restIdsOf(ids.int_id.data, true) : restIdsOf(ids.str_id.data, false)
}

async function rowsReply(ctx: RestContext, collection: string, rows: Record<string, unknown>[]): Promise<RestReply> {
  const shape = await collectionShape(ctx, collection)
  return { data: rows.map((row) => restRowOf(row, shape)) }
}
