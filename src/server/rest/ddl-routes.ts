import { expectOkStatus } from './rest-failure.ts'
import { requireObject, requireString, requireStringList, type RestBody } from './rest-params.ts'
import { empty, type RestContext, type RestRouteTable, sdk } from './rest-route.ts'

const named = (body: RestBody, ctx: RestContext) => sdk(ctx, { collection_name: requireString(body, 'collectionName') })

/** Milvus 2.6 collections/*: truncate, refresh_load, fields/add, fields/alter_properties. */
export const collectionDdlRoutes: RestRouteTable = {
  truncate: async (body, ctx) => {
    expectOkStatus((await ctx.client.truncateCollection(named(body, ctx))).status)
    return empty
  },

  refresh_load: async (body, ctx) => {
    expectOkStatus(await ctx.client.refreshLoad(named(body, ctx)))
    return empty
  },

  /** `schema`: `{ fieldName, dataType, elementDataType?, nullable, defaultValue?, elementTypeParams? }`. */
  'fields/add': async (body, ctx) => {
    const schema = requireObject(body, 'schema')
    const tp = (schema.elementTypeParams ?? {}) as Record<string, unknown>
    const field = {
      ...tp,
      name: requireString(schema, 'fieldName'),
      data_type: requireString(schema, 'dataType'),
      element_type: schema.elementDataType,
      description: schema.description,
      nullable: schema.nullable,
      default_value: schema.defaultValue ?? undefined,
      is_primary_key: schema.isPrimary ?? schema.isPrimaryKey,
      is_partition_key: schema.isPartitionKey,
    }
    expectOkStatus(await ctx.client.addCollectionField({ ...named(body, ctx), field }))
    return empty
  },

  /** `fieldParams`: the properties to set (`max_length`, `max_capacity`, `mmap.enabled`). */
  'fields/alter_properties': async (body, ctx) => {
    const req = { ...named(body, ctx), field_name: requireString(body, 'fieldName'), properties: requireObject(body, 'fieldParams') }
    expectOkStatus(await ctx.client.alterCollectionFieldProperties(req))
    return empty
  },
}

/** indexes/alter_properties (`properties`) and indexes/drop_properties (`propertyKeys`). */
export const indexPropertyRoutes: RestRouteTable = {
  alter_properties: async (body, ctx) => {
    const req = { ...named(body, ctx), index_name: requireString(body, 'indexName'), params: requireObject(body, 'properties') }
    expectOkStatus(await ctx.client.alterIndexProperties(req))
    return empty
  },

  drop_properties: async (body, ctx) => {
    const req = { ...named(body, ctx), index_name: requireString(body, 'indexName'), properties: requireStringList(body, 'propertyKeys') }
    expectOkStatus(await ctx.client.dropIndexProperties(req))
    return empty
  },
}
