import { errors } from '../../errors/errors.ts'
import { expectOk, expectOkStatus } from './rest-failure.ts'
import { requireString, requireStringList } from './rest-params.ts'
import { empty, type RestContext, type RestRouteTable, sdk } from './rest-route.ts'

/**
 * partitions/*: create, drop, has, list, load, release, get_stats. Quiver loads whole collections
 * (as its gRPC server): load checks the partitions exist and loads their collection; release only checks.
 */
export const partitionRoutes: RestRouteTable = {
  create: async (body, ctx) => {
    expectOkStatus(await ctx.client.createPartition(partitionRequest(body, ctx)))
    return empty
  },

  drop: async (body, ctx) => {
    expectOkStatus(await ctx.client.dropPartition(partitionRequest(body, ctx)))
    return empty
  },

  has: async (body, ctx) => ({ data: { has: expectOk(await ctx.client.hasPartition(partitionRequest(body, ctx))).value } }),

  list: async (body, ctx) => {
    const r = expectOk(await ctx.client.showPartitions(sdk(ctx, { collection_name: requireString(body, 'collectionName') })))
    return { data: r.partition_names }
  },

  load: async (body, ctx) => {
    const collection = await checkPartitions(body, ctx)
    expectOkStatus(await ctx.client.loadCollection(sdk(ctx, { collection_name: collection })))
    return empty
  },

  release: async (body, ctx) => {
    await checkPartitions(body, ctx)
    return empty
  },

  get_stats: async (body, ctx) => {
    const r = expectOk(await ctx.client.getPartitionStatistics(partitionRequest(body, ctx)))
    return { data: { rowCount: Number(r.data.row_count ?? 0) } }
  },
}

function partitionRequest(body: Record<string, unknown>, ctx: RestContext) {
  return sdk(ctx, { collection_name: requireString(body, 'collectionName'), partition_name: requireString(body, 'partitionName') })
}

/** The collection's name, once every partition in `partitionNames` is known to exist. */
async function checkPartitions(body: Record<string, unknown>, ctx: RestContext): Promise<string> {
  const collection = requireString(body, 'collectionName')
  const wanted = requireStringList(body, 'partitionNames')
  const existing = expectOk(await ctx.client.showPartitions(sdk(ctx, { collection_name: collection }))).partition_names
  for (const p of wanted) if (!existing.includes(p)) throw errors.partitionNotFound(p)
  return collection
}
