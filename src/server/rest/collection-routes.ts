import { createPlanOf, restFieldOf, restFunctionOf } from './collection-json.ts'
import { collectionDdlRoutes } from './ddl-routes.ts'
import { createIndexes } from './index-routes.ts'
import { expectOk, expectOkStatus } from './rest-failure.ts'
import { defined, optionalNumber, optionalString, requireObject, requireString, requireStringList, type RestBody } from './rest-params.ts'
import { empty, type RestContext, type RestRouteTable, sdk } from './rest-route.ts'

const named = (body: RestBody, ctx: RestContext) => sdk(ctx, { collection_name: requireString(body, 'collectionName') })

/** collections/*: create (quick and full form), describe, list, has, drop, rename, load, release, states, stats, flush, compaction; the 2.6 DDL (`ddl-routes.ts`). */
export const collectionRoutes: RestRouteTable = {
  ...collectionDdlRoutes,

  create: async (body, ctx) => {
    const plan = createPlanOf(body)
    const name = plan.request.collection_name as string
    expectOkStatus(await ctx.client.createCollection(sdk(ctx, plan.request)))
    try {
      await createIndexes(ctx, name, plan.indexParams)
      if (plan.load) expectOkStatus(await ctx.client.loadCollection(sdk(ctx, { collection_name: name })))
    } catch (e) {
      // A rejected request changes nothing: the collection goes with its failed index.
      await ctx.client.dropCollection(sdk(ctx, { collection_name: name }))
      throw e
    }
    return empty
  },

  describe: async (body, ctx) => ({ data: await describe(named(body, ctx), ctx) }),

  list: async (_body, ctx) => ({ data: expectOk(await ctx.client.showCollections(sdk(ctx, {}))).data.map((c) => c.name) }),

  has: async (body, ctx) => ({ data: { has: expectOk(await ctx.client.hasCollection(named(body, ctx))).value } }),

  drop: async (body, ctx) => {
    expectOkStatus(await ctx.client.dropCollection(named(body, ctx)))
    return empty
  },

  rename: async (body, ctx) => {
    const req = defined({ ...named(body, ctx), new_collection_name: requireString(body, 'newCollectionName'), new_db_name: optionalString(body, 'newDbName') })
    expectOkStatus(await ctx.client.renameCollection(req))
    return empty
  },

  load: async (body, ctx) => {
    expectOkStatus(await ctx.client.loadCollection(named(body, ctx)))
    return empty
  },

  release: async (body, ctx) => {
    expectOkStatus(await ctx.client.releaseCollection(named(body, ctx)))
    return empty
  },

  get_load_state: async (body, ctx) => {
    const req = named(body, ctx)
    expectOk(await ctx.client.describeCollection(req))
    const state = expectOk(await ctx.client.getLoadState(req)).state
    return { data: state === 'LoadStateLoaded' ? { loadState: state, loadProgress: 100 } : { loadState: state } }
  },

  get_stats: async (body, ctx) => {
    const r = expectOk(await ctx.client.getCollectionStatistics(named(body, ctx)))
    return { data: { rowCount: Number(r.data.row_count ?? 0) } }
  },

  flush: async (body, ctx) => {
    expectOk(await ctx.client.flush(sdk(ctx, { collection_names: [requireString(body, 'collectionName')] })))
    return empty
  },

  alter_properties: async (body, ctx) => {
    expectOkStatus(await ctx.client.alterCollectionProperties({ ...named(body, ctx), properties: requireObject(body, 'properties') }))
    return empty
  },

  drop_properties: async (body, ctx) => {
    expectOkStatus(await ctx.client.dropCollectionProperties({ ...named(body, ctx), properties: requireStringList(body, 'propertyKeys') }))
    return empty
  },

  compact: async (body, ctx) => ({ data: { compactionID: Number(expectOk(await ctx.client.compact(named(body, ctx))).compactionID) } }),

  get_compaction_state: async (body, ctx) => {
    const id = optionalNumber(body, 'jobID') ?? optionalNumber(body, 'compactionID')
    if (id === undefined) requireString(body, 'jobID')
    const r = expectOk(await ctx.client.getCompactionState(sdk(ctx, { compactionID: id })))
    return {
      data: {
        compactionID: id,
        state: r.state,
        executingPlanNo: Number(r.executingPlanNo),
        timeoutPlanNo: Number(r.timeoutPlanNo),
        completedPlanNo: Number(r.completedPlanNo),
        failedPlanNo: Number(r.failedPlanNo),
      },
    }
  },
}

/** The collection in REST shape: facade describe + indexes + load state. */
async function describe(req: Record<string, unknown>, ctx: RestContext): Promise<Record<string, unknown>> {
  const d = expectOk(await ctx.client.describeCollection(req))
  const schema = d.schema as { name: string; description: string; autoID: boolean; enable_dynamic_field: boolean; fields: Record<string, unknown>[] }
  const indexes = await ctx.client.describeIndex(req)
  const load = await ctx.client.getLoadState(req)
  return {
    collectionName: schema.name,
    collectionID: Number(d.collectionID),
    description: schema.description,
    autoId: schema.autoID,
    fields: schema.fields.map(restFieldOf),
    functions: ((schema as { functions?: Record<string, unknown>[] }).functions ?? []).map(restFunctionOf),
    aliases: d.aliases,
    indexes: indexes.status.code !== 0 ? [] : indexes.index_descriptions.map(indexSummaryOf),
    load: load.state,
    shardsNum: d.shards_num,
    partitionsNum: Number(d.num_partitions),
    consistencyLevel: d.consistency_level,
    enableDynamicField: schema.enable_dynamic_field,
    properties: d.properties,
  }
}

function indexSummaryOf(d: Record<string, unknown>): Record<string, unknown> {
  const params = (d.params ?? []) as { key: string; value: string }[]
  return { fieldName: d.field_name, indexName: d.index_name, metricType: params.find((p) => p.key === 'metric_type')?.value ?? '' }
}
