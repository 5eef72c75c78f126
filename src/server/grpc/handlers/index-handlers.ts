import { createIndex } from '../../../engine/index-ops.ts'
import { collectionKey } from '../call-context.ts'
import { type HandlerTable, sdkRequest, type Wire } from '../handler.ts'
import { jsonParam, kvObject } from '../wire/key-values.ts'
import { okStatus } from '../wire-status.ts'

/** Keys of `extra_params` that describe the index itself; any other key is an index parameter. */
const indexKeys = new Set(['index_type', 'metric_type', 'params'])

/** Indexes: create, describe, state, build progress, drop, alter properties, statistics. */
export const indexHandlers: HandlerTable = {
  CreateIndex: async (req, ctx, { client }) => {
    const kv = kvObject(req.extra_params)
    const params: Record<string, unknown> = { ...jsonParam(kv, 'params') }
    for (const [k, v] of Object.entries(kv)) if (!indexKeys.has(k)) params[k] = v
    await createIndex(client.database, collectionKey(ctx, req.collection_name), {
      fieldName: req.field_name,
      ...(req.index_name !== '' ? { indexName: req.index_name } : {}),
      ...(kv.index_type !== undefined && kv.index_type !== '' ? { indexType: kv.index_type } : {}),
      ...(kv.metric_type !== undefined && kv.metric_type !== '' ? { metricType: kv.metric_type } : {}),
      params,
      // pymilvus sends each parameter as its own pair, the Node SDK one `params` JSON: describe echoes the same shape.
      ...(kv.params === undefined && Object.keys(params).length > 0 ? { paramsFlat: true } : {}),
    })
    return okStatus()
  },

  DescribeIndex: (req, ctx, { client }) => client.describeIndex(sdkRequest(ctx, indexTarget(req))),

  GetIndexState: async (req, ctx, { client }) => ({ ...(await client.getIndexState(sdkRequest(ctx, indexTarget(req)))), fail_reason: '' }),

  GetIndexBuildProgress: (req, ctx, { client }) => client.getIndexBuildProgress(sdkRequest(ctx, indexTarget(req))),

  DropIndex: (req, ctx, { client }) => client.dropIndex(sdkRequest(ctx, indexTarget(req))),

  /** Index properties: sets `extra_params` (`mmap.enabled`) or removes `delete_keys`. */
  AlterIndex: (req, ctx, { client }) =>
    client.alterIndexProperties(sdkRequest(ctx, { collection_name: req.collection_name, index_name: req.index_name, params: req.extra_params ?? [], delete_keys: req.delete_keys ?? [] })),

  /** The indexes (one by `index_name`, else all) with their row counts and state. */
  GetIndexStatistics: (req, ctx, { client }) => client.getIndexStatistics(sdkRequest(ctx, { collection_name: req.collection_name, index_name: req.index_name })),
}

function indexTarget(req: Wire): Wire {
  return {
    collection_name: req.collection_name,
    ...(req.field_name !== '' && req.field_name !== undefined ? { field_name: req.field_name } : {}),
    ...(req.index_name !== '' && req.index_name !== undefined ? { index_name: req.index_name } : {}),
  }
}
