import type { Quiver } from '../../../engine/quiver.ts'
import { ErrorCode, errors, MilvusError } from '../../../errors/errors.ts'
import { type CallContext, collectionKey } from '../call-context.ts'
import { type HandlerTable, ok, sdkRequest, type Wire } from '../handler.ts'
import { createCollectionRequestOf, wireFieldSchema, wireFunctionSchema, wireStructFieldSchema } from '../wire/schema-wire.ts'
import { okStatus } from '../wire-status.ts'
import { ddlHandlers } from './ddl-handlers.ts'

/** Collections: create, describe, has, show, drop, rename, statistics, load/release and load state. */
export const collectionHandlers: HandlerTable = {
  CreateCollection: (req, ctx, { client }) => client.createCollection(sdkRequest(ctx, createCollectionRequestOf(req))),

  DescribeCollection: (req, ctx, { client }) => {
    const name = req.collection_name !== '' ? req.collection_name : collectionNameOfId(client.database.state.catalog.collections.values(), req.collectionID)
    return describeWire(client, ctx, name)
  },

  /** DescribeCollection of each name (or id), in request order; the first failure answers for all. */
  BatchDescribeCollection: async (req, ctx, { client }) => {
    const all = [...client.database.state.catalog.collections.values()]
    const names = [...((req.collection_name ?? []) as string[]), ...((req.collectionID ?? []) as string[]).map((id) => collectionNameOfId(all, id))]
    if (names.length === 0) throw errors.invalid('BatchDescribeCollection needs collection names or ids')
    const responses: Wire[] = []
    for (const name of new Set(names)) responses.push(await describeWire(client, ctx, name))
    return { status: okStatus(), responses }
  },

  ...ddlHandlers,

  /** Collection properties: sets `properties` or removes `delete_keys` (not both, as Milvus). */
  AlterCollection: (req, ctx, { client }) => {
    const name = req.collection_name !== '' ? req.collection_name : collectionNameById(client.database.state.catalog.collections.values(), req.collectionID)
    return client.alterCollectionProperties(sdkRequest(ctx, { collection_name: name, properties: req.properties ?? [], delete_keys: req.delete_keys ?? [] }))
  },

  HasCollection: (req, ctx, { client }) => client.hasCollection(sdkRequest(ctx, { collection_name: req.collection_name })),

  ShowCollections: async (req, ctx, { client }) => {
    const r = ok(await client.showCollections(sdkRequest(ctx, { collection_names: req.collection_names })))
    const inMemoryOnly = req.type === 'InMemory'
    const items = r.data.filter((c) => !inMemoryOnly || c.loadedPercentage === '100')
    return {
      status: r.status,
      collection_names: items.map((c) => c.name),
      collection_ids: items.map((c) => c.id),
      created_timestamps: items.map((c) => c.timestamp),
      created_utc_timestamps: items.map((c) => String(BigInt(c.timestamp) >> 18n)),
      inMemory_percentages: items.map((c) => c.loadedPercentage),
      query_service_available: items.map((c) => c.loadedPercentage === '100'),
      shards_num: items.map(() => 1),
    }
  },

  DropCollection: (req, ctx, { client }) => client.dropCollection(sdkRequest(ctx, { collection_name: req.collection_name })),

  RenameCollection: (req, ctx, { client }) =>
    client.renameCollection(
      sdkRequest(ctx, {
        collection_name: req.oldName,
        new_collection_name: req.newName,
        ...(req.newDBName !== '' ? { new_db_name: req.newDBName } : {}),
      }),
    ),

  GetCollectionStatistics: async (req, ctx, { client }) => {
    const r = await client.getCollectionStatistics(sdkRequest(ctx, { collection_name: req.collection_name }))
    return { status: r.status, stats: r.stats }
  },

  LoadCollection: (req, ctx, { client }) => client.loadCollection(sdkRequest(ctx, { collection_name: req.collection_name })),

  ReleaseCollection: (req, ctx, { client }) => client.releaseCollection(sdkRequest(ctx, { collection_name: req.collection_name })),

  GetLoadState: (req, ctx, { client }) => client.getLoadState(sdkRequest(ctx, { collection_name: req.collection_name })),

  /** Loading is immediate: 100 once loaded; a released collection answers 101 as Milvus does. */
  GetLoadingProgress: (req, ctx, { client }) => {
    const meta = client.database.state.catalog.get(collectionKey(ctx, req.collection_name))
    if (!meta.loaded) throw new MilvusError(ErrorCode.CollectionNotLoaded, undefined, { collection: meta.name })
    for (const p of req.partition_names ?? []) client.database.state.catalog.partition(meta, p)
    return { progress: '100', refresh_progress: '100' }
  },
}

function collectionNameById(all: Iterable<{ id: number; name: string }>, id: unknown): string {
  for (const c of all) if (String(c.id) === String(id)) return c.name
  return ''
}

/**
 * The name of the collection a request names by id only. As Milvus: with an id the name is not
 * validated, and an unknown id is 100 (not an invalid empty name); no id leaves the name empty.
 */
function collectionNameOfId(all: Iterable<{ id: number; name: string }>, id: unknown): string {
  if (id === undefined || id === null || String(id) === '0' || String(id) === '') return ''
  const name = collectionNameById(all, id)
  if (name === '') throw errors.collectionNotFound(String(id))
  return name
}

/** `DescribeCollectionResponse` of one collection (the facade's answer in the wire shape). */
async function describeWire(client: Quiver, ctx: CallContext, name: string): Promise<Wire> {
  const d = ok(await client.describeCollection(sdkRequest(ctx, { collection_name: name })))
  const schema = d.schema as Wire
  return {
    ...d,
    schema: {
      name: schema.name,
      description: schema.description,
      autoID: schema.autoID,
      fields: (schema.fields as Wire[]).filter((f) => !Array.isArray(f.fields)).map(wireFieldSchema),
      enable_dynamic_field: schema.enable_dynamic_field,
      properties: [],
      functions: ((schema.functions ?? []) as Wire[]).map(wireFunctionSchema),
      dbName: d.db_name,
      struct_array_fields: (schema.fields as Wire[]).filter((f) => Array.isArray(f.fields)).map(wireStructFieldSchema),
    },
    virtual_channel_names: [`quiver-dml_0_${d.collectionID}v0`],
    physical_channel_names: ['quiver-dml_0'],
    update_timestamp: d.created_timestamp,
    update_timestamp_str: d.created_timestamp,
    db_id: '0',
  }
}
