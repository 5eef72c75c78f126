import type { HandlerTable } from '../handler.ts'
import { sdkRequest } from '../handler.ts'

/** Manual compaction (merges small segments, purges deleted rows) and its state: the engine's compactions. */
export const compactionHandlers: HandlerTable = {
  ManualCompaction: (req, ctx, { client }) => {
    const byId = [...client.database.state.catalog.collections.values()].find((c) => String(c.id) === String(req.collectionID))
    const name = req.collection_name !== '' ? req.collection_name : (byId?.name ?? '')
    const targetSize = Number(req.target_size ?? 0)
    return client.compact(sdkRequest(ctx, { collection_name: name, ...(targetSize > 0 ? { target_size: targetSize } : {}) }))
  },
  GetCompactionState: (req, _ctx, { client }) => client.getCompactionState({ compactionID: req.compactionID }),
  GetCompactionStateWithPlans: (req, _ctx, { client }) => client.getCompactionStateWithPlans({ compactionID: req.compactionID }),
}
