import { DEFAULT_TIMEZONE, isTimezoneValid } from '../common/timestamptz.ts'
import { errors } from '../errors/errors.ts'

/** Collection or database properties: string keys, string values (Milvus's `KeyValuePair`s). */
export type Properties = Readonly<Record<string, string>>

/** Property keys with a meaning (Milvus's `common` keys); any other key is stored as given. */
export const PropertyKey = {
  collectionTtlSeconds: 'collection.ttl.seconds',
  mmapEnabled: 'mmap.enabled',
  autoCompactionEnabled: 'collection.autocompaction.enabled',
  partitionKeyIsolation: 'partitionkey.isolation',
  databaseReplicaNumber: 'database.replica.number',
  databaseResourceGroups: 'database.resource_groups',
  databaseMaxCollections: 'database.max.collections',
  databaseForceDenyWriting: 'database.force.deny.writing',
  databaseForceDenyReading: 'database.force.deny.reading',
  /** IANA timezone Timestamptz values are shown in (and naive timestamp text read in); collections and databases. */
  timezone: 'timezone',
  /** Entity-level TTL: the Timestamptz field holding each row's expiry (Milvus 2.6 `ttl_field`). */
  ttlField: 'ttl_field',
} as const

type ValueKind = 'bool' | 'count' | 'timezone'

const collectionKinds: Readonly<Record<string, ValueKind>> = {
  [PropertyKey.collectionTtlSeconds]: 'count',
  [PropertyKey.mmapEnabled]: 'bool',
  [PropertyKey.autoCompactionEnabled]: 'bool',
  [PropertyKey.partitionKeyIsolation]: 'bool',
  [PropertyKey.timezone]: 'timezone',
}

const databaseKinds: Readonly<Record<string, ValueKind>> = {
  [PropertyKey.databaseReplicaNumber]: 'count',
  [PropertyKey.databaseMaxCollections]: 'count',
  [PropertyKey.databaseForceDenyWriting]: 'bool',
  [PropertyKey.databaseForceDenyReading]: 'bool',
  [PropertyKey.timezone]: 'timezone',
}

/** Go's `strconv.ParseBool` spellings, which Milvus parses these values with. */
const boolSpellings: Readonly<Record<string, boolean>> = {
  '1': true, t: true, T: true, true: true, TRUE: true, True: true,
  '0': false, f: false, F: false, false: false, FALSE: false, False: false,
}

/** The value as a boolean; undefined when the key is absent or not a boolean spelling. */
export function propertyBool(props: Properties, key: string): boolean | undefined {
  const v = props[key]
  return v === undefined ? undefined : boolSpellings[v]
}

/** The value as a non-negative integer; undefined when absent or not one. */
export function propertyCount(props: Properties, key: string): number | undefined {
  const v = props[key]
  if (v === undefined || !/^\+?\d+$/.test(v)) return undefined
  const n = Number(v)
  return Number.isSafeInteger(n) ? n : undefined
}

function checkValue(key: string, value: string, kind: ValueKind | undefined): void {
  if (kind === 'timezone' && !isTimezoneValid(value)) {
    throw errors.invalid(`unknown or invalid IANA Time Zone ID: ${value}`, { key })
  }
  if (kind === 'bool' && boolSpellings[value] === undefined) {
    throw errors.invalid(`invalid value [${value}] of property ${key}, expected true or false`, { key })
  }
  if (kind === 'count' && propertyCount({ [key]: value }, key) === undefined) {
    throw errors.invalid(`invalid value [${value}] of property ${key}, expected an integer >= 0`, { key })
  }
}

/**
 * Properties after an alter: `set` merged in, or `deleteKeys` removed (Milvus takes one or the
 * other per request). Throws 1100, naming the key, for a value its key does not allow.
 */
export function alteredProperties(current: Properties, set: Properties, deleteKeys: readonly string[], scope: 'collection' | 'database'): Record<string, string> {
  const setKeys = Object.keys(set)
  if (setKeys.length > 0 && deleteKeys.length > 0) throw errors.invalid('can not provide properties and deletekeys at the same time')
  if (setKeys.length === 0 && deleteKeys.length === 0) throw errors.invalid('no properties or delete keys provided')
  const kinds = scope === 'collection' ? collectionKinds : databaseKinds
  const out: Record<string, string> = { ...current }
  for (const key of setKeys) {
    if (key === '') throw errors.invalid('property key must not be empty')
    const value = set[key]!
    checkValue(key, value, kinds[key])
    out[key] = value
  }
  for (const key of deleteKeys) delete out[key]
  return out
}

/** Properties given at creation: the same checks as an alter (an empty set is fine). */
export function initialProperties(set: Properties, scope: 'collection' | 'database'): Record<string, string> {
  return Object.keys(set).length === 0 ? {} : alteredProperties({}, set, [], scope)
}

/** The timezone a collection shows Timestamptz values in: its `timezone` property, else UTC (Milvus sets it at creation). */
export function timezoneOf(props: Properties): string {
  const tz = props[PropertyKey.timezone]
  return tz !== undefined && isTimezoneValid(tz) ? tz : DEFAULT_TIMEZONE
}
