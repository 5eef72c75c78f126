import type { HandlerTable } from '../handler.ts'
import { sdkRequest } from '../handler.ts'

/** Manual compaction (merges small segments, purges deleted rows) and its state: the engine's compactions. */
export const compactionHandlers: HandlerTable = {
  ManualCompaction: (req, ctx, { client }) => {
    const byId = [...client.database.state.catalog.collections.values()].find((c) => String(c.id) === String(req.collectionID))
    const name = req.collection_name !== '' ? req.collection_name : (byId?.name ?? '')
    return client.compact(sdkRequest(ctx, { collection_name: name }))
  },
  GetCompactionState: (req, _ctx, { client }) => client.getCompactionState({ compactionID: req.compactionID }),
  GetCompactionStateWithPlans: (req, _ctx, { client }) => client.getCompactionStateWithPlans({ compactionID: req.compactionID }),
}
