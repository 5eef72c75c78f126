import type { HandlerTable } from '../handler.ts'
import { sdkRequest } from '../handler.ts'

/** Bulk import (Milvus 2.2+ RPCs, the SDK's `bulkInsert` / `getImportState` / `listImportTasks`): the engine's import jobs. */
export const importHandlers: HandlerTable = {
  Import: (req, ctx, { client }) =>
    client.bulkInsert(sdkRequest(ctx, { collection_name: req.collection_name, partition_name: req.partition_name, files: req.files ?? [], options: req.options ?? [] })),
  GetImportState: (req, _ctx, { client }) => client.getImportState({ task: req.task }),
  ListImportTasks: (req, ctx, { client }) => client.listImportTasks(sdkRequest(ctx, { collection_name: req.collection_name ?? '', limit: Number(req.limit ?? 0) })),
}
