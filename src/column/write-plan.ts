import { errors } from '../errors/errors.ts'
import { type CollectionSchema, type FieldSchema, primaryField } from '../schema/collection-schema.ts'
import { DataType } from '../schema/data-type.ts'

/** `partialUpsert`: Milvus `partial_update` — only the primary key and the fields given are written. */
export type WriteMode = 'insert' | 'upsert' | 'partialUpsert'

/** What one write needs to know about the schema, derived once per schema and mode. */
export interface WritePlan {
  readonly schema: CollectionSchema
  readonly mode: WriteMode
  readonly fieldsByName: ReadonlyMap<string, FieldSchema>
  readonly primaryKey: FieldSchema
  /** Insert into an autoID collection: the key must be absent and is allocated. */
  readonly allocatesKeys: boolean
  /** The fields a list of columns holds, in order (schema order without an allocated key). */
  readonly listFields: readonly FieldSchema[]
}

const cache = new WeakMap<CollectionSchema, Map<WriteMode, WritePlan>>()

export function writePlan(schema: CollectionSchema, mode: WriteMode): WritePlan {
  let byMode = cache.get(schema)
  if (byMode === undefined) {
    byMode = new Map()
    cache.set(schema, byMode)
  }
  let plan = byMode.get(mode)
  if (plan === undefined) {
    plan = createWritePlan(schema, mode)
    byMode.set(mode, plan)
  }
  return plan
}

function createWritePlan(schema: CollectionSchema, mode: WriteMode): WritePlan {
  const primaryKey = primaryField(schema)
  const allocatesKeys = mode === 'insert' && primaryKey.autoId
  if (allocatesKeys && primaryKey.dataType !== DataType.Int64 && primaryKey.dataType !== DataType.VarChar) {
    throw errors.notSupported(`autoID is only supported for an Int64 or VarChar primary key, field ${primaryKey.name}`)
  }
  return {
    schema,
    mode,
    fieldsByName: new Map(schema.fields.map((f) => [f.name, f])),
    primaryKey,
    allocatesKeys,
    listFields: schema.fields.filter((f) => !(allocatesKeys && f.isPrimaryKey)),
  }
}
