import { DEFAULT_TIMEZONE, formatTimestamptz } from '../common/timestamptz.ts'
import { ErrorCode, errors, MilvusError } from '../errors/errors.ts'
import { DataType } from '../schema/data-type.ts'
import { type CollectionSchema, META_FIELD } from '../schema/collection-schema.ts'
import { findStructField } from '../schema/struct-array-schema.ts'
import { groupStructs, type StructOutput, structOutputs } from './struct-output.ts'

export { groupStructs }

/** The fields a read returns: schema fields to gather, and which dynamic keys to lift from `$meta`. */
export interface OutputPlan {
  readonly fields: readonly string[]
  /** 'all' = every dynamic key; a list = those keys; empty = none. */
  readonly dynamicKeys: 'all' | readonly string[]
  /** Timestamptz fields among `fields`, shown as RFC 3339 text in `timezone` (the collection's). */
  readonly times?: { readonly fields: readonly string[]; readonly timezone: string }
  /** Array-of-structs output: sub-field columns among `fields` regrouped into one list of structs per row (`groupStructs`). */
  readonly structs?: readonly StructOutput[]
}

/**
 * Milvus rules: nothing asked → the primary key; `*` → every field and every dynamic key; a name
 * not in the schema is a dynamic key (or an error when dynamic fields are off); `$meta` → all keys.
 */
export function planOutput(schema: CollectionSchema, requested: readonly string[] | undefined, pkName: string, timezone = DEFAULT_TIMEZONE): OutputPlan {
  const fields = new Set<string>([pkName])
  let dynamic: 'all' | string[] = []
  for (const raw of requested ?? []) {
    const name = raw.trim()
    if (name === '') continue
    if (name === '*') {
      // A BM25 output holds term hashes, not data: `*` leaves it out, naming it is refused (as Milvus).
      for (const f of schema.fields) if (f.isFunctionOutput !== true) fields.add(f.name)
      if (schema.enableDynamicField) dynamic = 'all'
    } else if (schema.fields.some((f) => f.name === name)) {
      if (schema.fields.some((f) => f.name === name && f.isFunctionOutput === true)) throw functionOutputRefused(name)
      fields.add(name)
    } else if (findStructField(schema, name) !== undefined) {
      for (const sub of findStructField(schema, name)!.fieldNames) fields.add(sub)
    } else if (!schema.enableDynamicField) {
      throw errors.invalid(`field ${name} not exist`, { field: name })
    } else if (name === META_FIELD) {
      dynamic = 'all'
    } else if (dynamic !== 'all') {
      dynamic.push(name)
    }
  }
  const withMeta = dynamic === 'all' || dynamic.length > 0 ? [...fields, META_FIELD] : [...fields]
  const times = schema.fields.filter((f) => f.dataType === DataType.Timestamptz && fields.has(f.name)).map((f) => f.name)
  const structs = structOutputs(schema, fields)
  return {
    fields: withMeta,
    dynamicKeys: dynamic,
    ...(times.length === 0 ? {} : { times: { fields: times, timezone } }),
    ...(structs.length === 0 ? {} : { structs }),
  }
}

/** Plans per schema object (a schema change makes a new one), by timezone and requested names; bounded. */
const plansBySchema = new WeakMap<CollectionSchema, Map<string, OutputPlan>>()
const PLANS_PER_SCHEMA_MAX = 64

/**
 * `planOutput`, remembered: a search repeated with the same output fields skips re-planning (a few
 * allocations and a scan of the schema per query). Plans are read-only, so one object is shared.
 */
export function planOutputCached(schema: CollectionSchema, requested: readonly string[] | undefined, pkName: string, timezone = DEFAULT_TIMEZONE): OutputPlan {
  const key = requested === undefined || requested.length === 0 ? timezone : `${timezone}\u0000${requested.join('\u0001')}`
  let plans = plansBySchema.get(schema)
  const hit = plans?.get(key)
  if (hit !== undefined) return hit
  const plan = planOutput(schema, requested, pkName, timezone)
  if (plans === undefined) {
    plans = new Map()
    plansBySchema.set(schema, plans)
  }
  if (plans.size >= PLANS_PER_SCHEMA_MAX) plans.clear()
  plans.set(key, plan)
  return plan
}

/** Milvus answers a read naming a BM25 output field with 65535 and exactly this reason. */
function functionOutputRefused(name: string): MilvusError {
  return new MilvusError(ErrorCode.Unexpected, undefined, {}, { base: `not allowed to retrieve raw data of field ${name}` })
}

/** Renders a row's Timestamptz values (int64 microseconds) as Milvus returns them: RFC 3339 text in the plan's timezone. */
export function renderTimes(row: Record<string, unknown>, plan: OutputPlan): Record<string, unknown> {
  if (plan.times === undefined) return row
  for (const name of plan.times.fields) {
    const v = row[name]
    if (typeof v === 'bigint') row[name] = formatTimestamptz(v, plan.times.timezone)
  }
  return row
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
