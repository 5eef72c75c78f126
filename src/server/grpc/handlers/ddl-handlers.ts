import { errors } from '../../../errors/errors.ts'
import { type HandlerTable, ok, sdkRequest, type Wire } from '../handler.ts'
import { decodeEmbedded } from '../milvus-proto.ts'
import { fieldRequestOf } from '../wire/schema-wire.ts'

/**
 * Milvus 2.6 DDL: AddCollectionField (the field as `schema.FieldSchema` bytes), AlterCollectionSchema
 * (pymilvus 3.x's `add_collection_field`: an add action with field infos), AlterCollectionField,
 * TruncateCollection, FlushAll and GetFlushAllState.
 */
export const ddlHandlers: HandlerTable = {
  AddCollectionField: (req, ctx, { client }) => {
    const field = decodeEmbedded('milvus.proto.schema.FieldSchema', req.schema ?? new Uint8Array(0))
    return client.addCollectionField(sdkRequest(ctx, { collection_name: req.collection_name, field: fieldRequestOf(field, false) }))
  },

  /** Adds the fields of an add action one by one (the first refusal answers); drop actions are not served. */
  AlterCollectionSchema: async (req, ctx, { client }) => {
    const action = (req.action ?? {}) as Wire
    if (action.drop_request !== undefined && action.drop_request !== null) throw errors.notSupported('dropping a field or function (AlterCollectionSchema drop_request) is not supported by Quiver')
    const add = (action.add_request ?? {}) as Wire
    if (Array.isArray(add.func_schema) && add.func_schema.length > 0) throw errors.notSupported('collection functions (BM25, embedding) are not supported by Quiver')
    const infos = (Array.isArray(add.field_infos) ? add.field_infos : []) as Wire[]
    if (infos.length === 0) throw errors.invalid('AlterCollectionSchema needs an add_request with at least one field')
    const fields = infos.map((info) => fieldRequestOf((info.field_schema ?? {}) as Wire, false))
    const status = await client.addCollectionFields(sdkRequest(ctx, { collection_name: req.collection_name, fields }))
    return { alter_status: ok({ status }).status }
  },

  AlterCollectionField: (req, ctx, { client }) =>
    client.alterCollectionFieldProperties(
      sdkRequest(ctx, { collection_name: req.collection_name, field_name: req.field_name, properties: req.properties ?? [], delete_keys: req.delete_keys ?? [] }),
    ),

  TruncateCollection: (req, ctx, { client }) => client.truncateCollection(sdkRequest(ctx, { collection_name: req.collection_name })),

  /** Quiver flushes every database's collections (as Milvus 2.6's FlushAll, which ignores the deprecated `db_name`). */
  FlushAll: async (req, ctx, { client }) => {
    const r = ok(await client.flushAll(sdkRequest(ctx, {})))
    return { status: r.status, flush_all_ts: r.flush_all_ts, flush_results: [], flush_all_msgs: {} }
  },

  GetFlushAllState: (req, ctx, { client }) => {
    const tss = (req.flush_all_tss ?? {}) as Record<string, string>
    const ts = req.flush_all_ts !== undefined && req.flush_all_ts !== '0' ? req.flush_all_ts : Object.values(tss)[0]
    return client.getFlushAllState(sdkRequest(ctx, { flush_all_ts: ts }))
  },
}
