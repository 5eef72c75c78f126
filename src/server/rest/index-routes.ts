import { qualify } from '../../catalog/catalog.ts'
import { createIndex } from '../../engine/index-ops.ts'
import { errors } from '../../errors/errors.ts'
import { limits } from '../../schema/limits.ts'
import { indexPropertyRoutes } from './ddl-routes.ts'
import { expectOk, expectOkStatus } from './rest-failure.ts'
import { objectList, optionalObject, optionalString, requireArray, requireString, type RestBody } from './rest-params.ts'
import { empty, type RestContext, type RestRouteTable, sdk } from './rest-route.ts'

/** indexes/*: create, describe, list, drop, alter_properties, drop_properties. */
export const indexRoutes: RestRouteTable = {
  ...indexPropertyRoutes,

  create: async (body, ctx) => {
    await createIndexes(ctx, requireString(body, 'collectionName'), objectList(requireArray(body, 'indexParams'), 'indexParams'))
    return empty
  },

  describe: async (body, ctx) => {
    const req = sdk(ctx, { collection_name: requireString(body, 'collectionName'), index_name: requireString(body, 'indexName') })
    return { data: expectOk(await ctx.client.describeIndex(req)).index_descriptions.map(restIndexOf) }
  },

  list: async (body, ctx) => ({ data: expectOk(await ctx.client.listIndexes(sdk(ctx, { collection_name: requireString(body, 'collectionName') }))).indexes }),

  drop: async (body, ctx) => {
    const req = sdk(ctx, { collection_name: requireString(body, 'collectionName'), index_name: requireString(body, 'indexName') })
    expectOkStatus(await ctx.client.dropIndex(req))
    return empty
  },
}

/**
 * Creates each `{ fieldName, indexName?, metricType?, indexType?, params? }` on the collection, as the
 * gRPC CreateIndex handler does (engine `createIndex` under the request's database).
 */
export async function createIndexes(ctx: RestContext, collection: string, list: readonly RestBody[]): Promise<void> {
  for (const spec of indexSpecsOf(list)) await createIndex(ctx.client.database, qualify(ctx.dbName, collection), spec)
}

/**
 * The index specs of `indexParams`, identical ones once; more than `limits.fieldCountMax` distinct
 * ones is 1100 (a collection has at most that many fields, one index each). Fifty thousand copies of
 * one spec were created one after the other for minutes.
 */
export function indexSpecsOf(list: readonly RestBody[]) {
  const specs = list.map((p) => {
    const indexName = optionalString(p, 'indexName')
    const { index_type: paramsType, ...params } = optionalObject(p, 'params') ?? {}
    // Milvus's REST v2 takes the type as `indexType` or, when that is absent, as `params.index_type`.
    const indexType = optionalString(p, 'indexType') ?? (typeof paramsType === 'string' && paramsType !== '' ? paramsType : undefined)
    const metricType = optionalString(p, 'metricType') ?? optionalString(p, 'metric_type')
    return {
      fieldName: requireString(p, 'fieldName'),
      ...(indexName === undefined ? {} : { indexName }),
      ...(indexType === undefined ? {} : { indexType }),
      ...(metricType === undefined ? {} : { metricType }),
      params,
    }
  })
  const unique = [...new Map(specs.map((spec) => [JSON.stringify(spec), spec])).values()]
  if (unique.length > limits.fieldCountMax) throw errors.invalid(`indexParams holds ${unique.length} distinct indexes, more than a collection's ${limits.fieldCountMax} fields`, { key: 'indexParams' })
  return unique
}

/** Index parameters a client sent as separate pairs (pymilvus): every pair but the type, metric and properties. */
function flatParams(kv: Record<string, string>): Record<string, string> {
  const { index_type: _type, metric_type: _metric, 'mmap.enabled': _mmap, ...rest } = kv
  return rest
}

/** A facade index description in REST shape. */
function restIndexOf(d: Record<string, unknown>): Record<string, unknown> {
  const kv = Object.fromEntries(((d.params ?? []) as { key: string; value: string }[]).map((p) => [p.key, p.value]))
  return {
    indexName: d.index_name,
    fieldName: d.field_name,
    indexType: kv.index_type ?? '',
    metricType: kv.metric_type ?? '',
    params: kv.params === undefined ? flatParams(kv) : JSON.parse(kv.params),
    indexState: d.state,
    totalRows: Number(d.total_rows ?? 0),
    indexedRows: Number(d.indexed_rows ?? 0),
    pendingRows: Number(d.pending_index_rows ?? 0),
    failReason: d.index_state_fail_reason ?? '',
  }
}
