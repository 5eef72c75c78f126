import { collectionKey } from '../call-context.ts'
import type { CallContext } from '../call-context.ts'
import { type HandlerTable, type ServiceDeps, sdkRequest, type Wire } from '../handler.ts'
import { okStatus } from '../wire-status.ts'

/**
 * Partitions: create, drop, has, show, statistics. Quiver loads whole collections: LoadPartitions
 * checks the partitions exist and loads their collection if it was released; ReleasePartitions only
 * checks they exist.
 */
export const partitionHandlers: HandlerTable = {
  CreatePartition: (req, ctx, { client }) => client.createPartition(sdkRequest(ctx, { collection_name: req.collection_name, partition_name: req.partition_name })),

  DropPartition: (req, ctx, { client }) => client.dropPartition(sdkRequest(ctx, { collection_name: req.collection_name, partition_name: req.partition_name })),

  HasPartition: (req, ctx, { client }) => client.hasPartition(sdkRequest(ctx, { collection_name: req.collection_name, partition_name: req.partition_name })),

  ShowPartitions: async (req, ctx, { client }) => {
    const r = await client.showPartitions(sdkRequest(ctx, { collection_name: req.collection_name }))
    const wanted = (req.partition_names ?? []) as string[]
    const items = r.data.filter((p) => wanted.length === 0 || wanted.includes(p.name))
    return {
      status: r.status,
      partition_names: items.map((p) => p.name),
      partitionIDs: items.map((p) => p.id),
      created_timestamps: items.map((p) => p.timestamp),
      created_utc_timestamps: items.map((p) => String(BigInt(p.timestamp) >> 18n)),
      inMemory_percentages: items.map((p) => p.loadedPercentage),
    }
  },

  GetPartitionStatistics: async (req, ctx, { client }) => {
    const r = await client.getPartitionStatistics(sdkRequest(ctx, { collection_name: req.collection_name, partition_name: req.partition_name }))
    return { status: r.status, stats: r.stats }
  },

  LoadPartitions: async (req, ctx, deps) => {
    checkPartitions(req, ctx, deps)
    return deps.client.loadCollection(sdkRequest(ctx, { collection_name: req.collection_name }))
  },

  ReleasePartitions: (req, ctx, deps) => checkPartitions(req, ctx, deps),
}

/** Partitions are always in memory with their collection: loading one only checks it exists. */
function checkPartitions(req: Wire, ctx: CallContext, { client }: ServiceDeps): Wire {
  const catalog = client.database.state.catalog
  const meta = catalog.get(collectionKey(ctx, req.collection_name))
  for (const p of (req.partition_names ?? []) as string[]) catalog.partition(meta, p)
  return okStatus()
}
