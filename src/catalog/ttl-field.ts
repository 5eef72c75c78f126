import { errors } from '../errors/errors.ts'
import type { CollectionSchema } from '../schema/collection-schema.ts'
import { DataType } from '../schema/data-type.ts'
import { type Properties, PropertyKey } from './properties.ts'

/**
 * Milvus 2.6's rules for entity-level TTL (`ttl_field`): it names a Timestamptz field of the schema,
 * and it excludes collection-level TTL (`collection.ttl.seconds`). Messages are Milvus's (1100).
 */
export function checkTtlField(schema: CollectionSchema, props: Properties): void {
  const name = props[PropertyKey.ttlField]
  if (name === undefined) return
  const field = schema.fields.find((f) => f.name === name)
  if (field === undefined) throw errors.invalid(`ttl field name ${name} not found in schema`)
  if (field.dataType !== DataType.Timestamptz) throw errors.invalid(`ttl field must be timestamptz, field name = ${name}`)
  if (props[PropertyKey.collectionTtlSeconds] !== undefined) {
    throw errors.invalid('collection TTL and ttl field cannot be set at the same time')
  }
}

/** The Timestamptz field whose value is each row's expiry, if the collection has entity-level TTL. */
export function ttlFieldOf(schema: CollectionSchema, props: Properties): string | undefined {
  const name = props[PropertyKey.ttlField]
  if (name === undefined) return undefined
  return schema.fields.some((f) => f.name === name && f.dataType === DataType.Timestamptz) ? name : undefined
}
