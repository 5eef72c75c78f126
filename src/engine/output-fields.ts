import { errors } from '../errors/errors.ts'
import { type CollectionSchema, META_FIELD } from '../schema/collection-schema.ts'

/** The fields a read returns: schema fields to gather, and which dynamic keys to lift from `$meta`. */
export interface OutputPlan {
  readonly fields: readonly string[]
  /** 'all' = every dynamic key; a list = those keys; empty = none. */
  readonly dynamicKeys: 'all' | readonly string[]
}

/**
 * Milvus rules: nothing asked → the primary key; `*` → every field and every dynamic key; a name
 * not in the schema is a dynamic key (or an error when dynamic fields are off); `$meta` → all keys.
 */
export function planOutput(schema: CollectionSchema, requested: readonly string[] | undefined, pkName: string): OutputPlan {
  const fields = new Set<string>([pkName])
  let dynamic: 'all' | string[] = []
  for (const raw of requested ?? []) {
    const name = raw.trim()
    if (name === '') continue
    if (name === '*') {
      for (const f of schema.fields) fields.add(f.name)
      if (schema.enableDynamicField) dynamic = 'all'
    } else if (schema.fields.some((f) => f.name === name)) {
      fields.add(name)
    } else if (!schema.enableDynamicField) {
      throw errors.invalid(`field ${name} not exist`, { field: name })
    } else if (name === META_FIELD) {
      dynamic = 'all'
    } else if (dynamic !== 'all') {
      dynamic.push(name)
    }
  }
  const withMeta = dynamic === 'all' || dynamic.length > 0 ? [...fields, META_FIELD] : [...fields]
  return { fields: withMeta, dynamicKeys: dynamic }
}

/** Moves the wanted dynamic keys from a row's `$meta` onto the row itself. */
export function liftDynamic(row: Record<string, unknown>, plan: OutputPlan): Record<string, unknown> {
  if (!(META_FIELD in row)) return row
  const meta = row[META_FIELD] as Record<string, unknown> | null
  delete row[META_FIELD]
  if (meta === null || typeof meta !== 'object') return row
  if (plan.dynamicKeys === 'all') {
    for (const [k, v] of Object.entries(meta)) if (!(k in row)) row[k] = v
  } else {
    for (const k of plan.dynamicKeys) if (Object.hasOwn(meta, k)) row[k] = meta[k]
  }
  return row
}
