import { errors } from '../errors/errors.ts'
import type { CollectionSchema } from '../schema/collection-schema.ts'
import type { CollectionMeta } from './catalog.ts'

/**
 * Replaces a collection's schema (`AddCollectionField`, `AlterCollectionField`): the one place a
 * schema changes after create. The new schema is checked before; this only swaps it in.
 */
export function replaceSchema(meta: CollectionMeta, schema: CollectionSchema): void {
  ;(meta as { schema: CollectionSchema }).schema = schema
}

/** Index properties `AlterIndex` may set or remove. */
export const alterableIndexKeys = ['mmap.enabled'] as const

/**
 * Sets `set` or removes `deleteKeys` of index `indexName`'s properties. Checked before anything
 * changes: an unknown index is 700, a key other than `mmap.enabled` or a non-boolean value 1100.
 */
export function alterIndexProperties(meta: CollectionMeta, indexName: string, set: Readonly<Record<string, string>>, deleteKeys: readonly string[]): void {
  const i = meta.indexes.findIndex((x) => x.name === indexName)
  if (i < 0) throw errors.indexNotFound(indexName)
  const index = meta.indexes[i]!
  const props: Record<string, string> = { ...(index.properties ?? {}) }
  for (const [key, value] of Object.entries(set)) {
    if (!(alterableIndexKeys as readonly string[]).includes(key)) throw notAlterable(key)
    const v = value.trim().toLowerCase()
    if (v !== 'true' && v !== 'false') throw errors.invalid(`invalid ${key} value ${value} for index ${indexName}: expected true or false`)
    props[key] = v
  }
  for (const key of deleteKeys) {
    if (!(alterableIndexKeys as readonly string[]).includes(key)) throw notAlterable(key)
    delete props[key]
  }
  const { properties: _old, ...rest } = index
  meta.indexes[i] = Object.keys(props).length === 0 ? rest : { ...rest, properties: props }
}

function notAlterable(key: string) {
  return errors.invalid(`${key} is not configable index param`)
}
