import { alterIndexProperties } from '../catalog/catalog-alter.ts'
import { timezoneOf } from '../catalog/properties.ts'
import type { FieldSchema, FieldSpec } from '../schema/collection-schema.ts'
import { fieldToAdd, schemaWithAlteredField } from '../schema/schema-change.ts'
import { filledColumn } from '../column/filled-column.ts'
import { columnKindOf } from '../column/column-kind.ts'
import type { Database } from './database.ts'

/**
 * DDL on a live collection: add a field, alter a field's or an index's properties, truncate.
 * Each is checked against the current state first (a rejected request writes nothing), then one WAL
 * command whose apply repeats the same pure function, so replay makes the same change.
 */

/**
 * Appends a nullable field (`AddCollectionField`): rows already written read its default value,
 * else null, in memory and from the segment files written before it (see `Segment.addColumn`).
 */
export async function addCollectionField(db: Database, collection: string, spec: FieldSpec): Promise<FieldSchema> {
  const meta = db.state.catalog.get(collection)
  const field = fieldToAdd(meta.schema, spec, timezoneOf(meta.properties))
  // The apply gives every segment the column, filled with the default or null: done here once on one
  // row first, so a field that cannot be filled is refused before the WAL holds it (its apply would
  // otherwise fail half-way — the schema changed, the segments not — and so would replay).
  columnKindOf(field)
  filledColumn(field, 1)
  await db.submit({ type: 'addField', collectionId: meta.id, field })
  return field
}

/** Sets or removes a field's properties (`max_length`, `max_capacity`, `mmap.enabled`). */
export async function alterCollectionField(db: Database, collection: string, fieldName: string, set: Readonly<Record<string, string>>, deleteKeys: readonly string[]): Promise<void> {
  const meta = db.state.catalog.get(collection)
  schemaWithAlteredField(meta.schema, fieldName, set, deleteKeys)
  await db.submit({ type: 'alterField', collectionId: meta.id, fieldName, set, deleteKeys })
}

/** Sets or removes an index's properties (`mmap.enabled`); checked on a copy first. */
export async function alterIndex(db: Database, collection: string, indexName: string, set: Readonly<Record<string, string>>, deleteKeys: readonly string[]): Promise<void> {
  const meta = db.state.catalog.get(collection)
  alterIndexProperties({ ...meta, indexes: [...meta.indexes] }, indexName, set, deleteKeys)
  await db.submit({ type: 'alterIndex', collectionId: meta.id, indexName, set, deleteKeys })
}

/** Removes every row of every partition; the schema, partitions, indexes and load state stay. */
export async function truncateCollection(db: Database, collection: string): Promise<void> {
  const meta = db.state.catalog.get(collection)
  await db.submit({ type: 'truncateCollection', collectionId: meta.id })
}

/** Seals and persists every collection (of `database`, or all): `FlushAll`. Returns the timestamp it covers. */
export async function flushAll(db: Database, database?: string): Promise<bigint> {
  const ids = [...db.state.catalog.collections.values()].filter((c) => database === undefined || c.database === database).map((c) => c.id)
  await db.flush(ids)
  return db.latestTs()
}
