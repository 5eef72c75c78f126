import type { Timestamp } from '../common/hybrid-ts.ts'
import { errors, ErrorCode, MilvusError } from '../errors/errors.ts'
import type { CollectionSchema } from '../schema/collection-schema.ts'
import { limits } from '../schema/limits.ts'
import { validateName } from '../schema/name-rules.ts'
import type { ConsistencyLevel } from './consistency-level.ts'
import type { IndexMeta } from './index-meta.ts'
import { alteredProperties, initialProperties, type Properties, PropertyKey, propertyCount, timezoneOf } from './properties.ts'
import { checkTtlField } from './ttl-field.ts'

export const DEFAULT_PARTITION = '_default'

export interface PartitionMeta {
  readonly id: number
  readonly name: string
  readonly createdTs: Timestamp
}

export interface CollectionMeta {
  readonly id: number
  name: string
  database: string
  readonly schema: CollectionSchema
  readonly createdTs: Timestamp
  readonly partitions: PartitionMeta[]
  /** At most one per field. */
  readonly indexes: IndexMeta[]
  loaded: boolean
  /** Replaced as a whole by an alter (see `properties.ts`). */
  properties: Properties
  /** As created (stored and reported; reads are Strong); absent = `DEFAULT_CONSISTENCY_LEVEL`. */
  consistencyLevel?: ConsistencyLevel
}

export const DEFAULT_DATABASE = 'default'

export interface DatabaseMeta {
  readonly id: number
  readonly name: string
  readonly createdTs: Timestamp
  properties: Properties
}

/**
 * The key of a collection or alias: its name in the default database, `db.name` elsewhere (names
 * cannot contain a dot, so keys never collide).
 */
export function qualify(database: string | undefined, name: string): string {
  return database === undefined || database === '' || database === DEFAULT_DATABASE ? name : `${database}.${name}`
}

export function splitKey(key: string): { database: string; name: string } {
  const dot = key.indexOf('.')
  return dot < 0 ? { database: DEFAULT_DATABASE, name: key } : { database: key.slice(0, dot), name: key.slice(dot + 1) }
}

/**
 * Databases, collections (by key, see `qualify`), aliases and partitions. Mutations are
 * deterministic (ids come from counters kept here), so replaying the WAL rebuilds the same catalog.
 */
/**
 * The first id of unlogged changes; they count down from it while logged ids count up from 1. Segment
 * ids must stay below 2^21 (a row's location is `segment id × 2^32 + row`, exact in a double), the same
 * bound one shared counter had.
 */
export const UNLOGGED_ID_BASE = 2 ** 21 - 1

export class Catalog {
  readonly collections = new Map<string, CollectionMeta>()
  readonly databases = new Map<string, DatabaseMeta>([[DEFAULT_DATABASE, { id: 0, name: DEFAULT_DATABASE, createdTs: 0n, properties: {} }]])
  /** alias key → collection id. */
  readonly aliases = new Map<string, number>()
  nextId = 1
  /**
   * Ids of changes no WAL record carries (compaction outputs) come from a range of their own, so that
   * applying logged commands allocates the same ids every time — in WAL replay after a compaction the
   * replay does not repeat, and on read replicas that compact on their own (docs/design/0015-read-replicas.md).
   */
  nextUnloggedId = UNLOGGED_ID_BASE

  /** The collection with this key or alias key. */
  get(key: string): CollectionMeta {
    const c = this.collections.get(key) ?? this.byAlias(key)
    if (c === undefined) {
      const { database, name } = splitKey(key)
      // A name no collection could have is reported as invalid before any existence check (Milvus 2.6).
      validateName(name, 'collection')
      if (!this.databases.has(database)) throw errors.databaseNotFound(database)
      throw errors.collectionNotFound(name, database)
    }
    return c
  }

  has(key: string): boolean {
    return this.collections.has(key) || this.byAlias(key) !== undefined
  }

  private byAlias(key: string): CollectionMeta | undefined {
    const id = this.aliases.get(key)
    if (id === undefined) return undefined
    for (const c of this.collections.values()) if (c.id === id) return c
    return undefined
  }

  keyOf(meta: CollectionMeta): string {
    return qualify(meta.database, meta.name)
  }

  aliasesOf(meta: CollectionMeta): string[] {
    return [...this.aliases].filter(([, id]) => id === meta.id).map(([k]) => splitKey(k).name)
  }

  allocateId(): number {
    if (this.nextId >= this.nextUnloggedId) throw idsExhausted()
    return this.nextId++
  }

  /** An id for an unlogged change (a compaction's output segment), never one a logged command gets. */
  allocateUnloggedId(): number {
    if (this.nextUnloggedId <= this.nextId) throw idsExhausted()
    return this.nextUnloggedId--
  }

  addCollection(schema: CollectionSchema, ts: Timestamp, database = DEFAULT_DATABASE, properties: Properties = {}): CollectionMeta {
    const key = qualify(database, schema.name)
    if (this.collections.has(key)) throw errors.collectionExists(schema.name)
    if (this.aliases.has(key)) throw errors.invalid(`collection name [${schema.name}] conflicts with an existing alias`)
    this.checkCollectionRoom(database)
    const props = initialProperties(properties, 'collection')
    // Milvus records the timezone on every new collection: its own, else its database's, else UTC.
    if (props[PropertyKey.timezone] === undefined) props[PropertyKey.timezone] = timezoneOf(this.databases.get(database)!.properties)
    checkTtlField(schema, props)
    const meta: CollectionMeta = { id: this.allocateId(), name: schema.name, database, schema, createdTs: ts, partitions: [], indexes: [], loaded: true, properties: props }
    if (schema.numPartitions > 0) {
      for (let i = 0; i < schema.numPartitions; i++) meta.partitions.push(this.newPartition(`${DEFAULT_PARTITION}_${i}`, ts))
    } else {
      meta.partitions.push(this.newPartition(DEFAULT_PARTITION, ts))
    }
    this.collections.set(key, meta)
    return meta
  }

  /** 800 for an unknown database; Milvus's "exceeded the limit number of collections" at `database.max.collections`. */
  checkCollectionRoom(database: string): void {
    const db = this.databases.get(database)
    if (db === undefined) throw errors.databaseNotFound(database)
    const max = propertyCount(db.properties, PropertyKey.databaseMaxCollections)
    if (max === undefined) return
    let n = 0
    for (const c of this.collections.values()) if (c.database === database) n++
    if (n >= max) throw errors.collectionLimit(database, max)
  }

  /** Sets or deletes collection properties (one or the other); a rejected alter changes nothing. */
  alterCollectionProperties(key: string, set: Properties, deleteKeys: readonly string[]): void {
    const meta = this.get(key)
    const props = alteredProperties(meta.properties, set, deleteKeys, 'collection')
    checkTtlField(meta.schema, props)
    meta.properties = props
  }

  alterDatabaseProperties(name: string, set: Properties, deleteKeys: readonly string[]): void {
    const db = this.databases.get(name)
    if (db === undefined) throw errors.databaseNotFound(name)
    db.properties = alteredProperties(db.properties, set, deleteKeys, 'database')
  }

  dropCollection(key: string): CollectionMeta {
    const meta = this.get(key)
    const aliases = this.aliasesOf(meta)
    if (aliases.length > 0) {
      throw errors.invalid(`unable to drop the collection [${meta.name}] because it has associated aliases [${aliases.join(', ')}], please remove all aliases before dropping the collection`)
    }
    this.collections.delete(this.keyOf(meta))
    return meta
  }

  renameCollection(fromKey: string, to: string, toDatabase?: string): void {
    const meta = this.get(fromKey)
    const database = toDatabase === undefined || toDatabase === '' ? meta.database : toDatabase
    if (!this.databases.has(database)) throw errors.databaseNotFound(database)
    const toKey = qualify(database, to)
    if (this.collections.has(toKey) || this.aliases.has(toKey)) {
      throw errors.invalid(`duplicated new collection name ${to} with other collection name or alias`)
    }
    this.collections.delete(this.keyOf(meta))
    meta.name = to
    meta.database = database
    ;(meta as { schema: CollectionSchema }).schema = Object.freeze({ ...meta.schema, name: to })
    this.collections.set(toKey, meta)
  }

  addDatabase(name: string, ts: Timestamp, properties: Properties = {}): void {
    if (this.databases.has(name)) throw errors.invalid(`database already exist: ${name}`)
    if (this.databases.size >= limits.databaseCountMax) throw errors.invalid(`database number (${this.databases.size}) exceeds max configuration (${limits.databaseCountMax})`)
    const props = initialProperties(properties, 'database')
    this.databases.set(name, { id: this.allocateId(), name, createdTs: ts, properties: props })
  }

  dropDatabase(name: string): void {
    if (name === DEFAULT_DATABASE) throw errors.invalid('can not drop default database')
    if (!this.databases.has(name)) throw errors.databaseNotFound(name)
    if ([...this.collections.values()].some((c) => c.database === name)) {
      throw errors.invalid(`database:${name} not empty, must drop all collections before drop database`)
    }
    this.databases.delete(name)
  }

  /** Points an alias (in the collection's database) at a collection; `alter` moves an existing one. */
  setAlias(aliasKey: string, collectionKey: string, alter: boolean): void {
    const meta = this.get(collectionKey)
    const { database, name } = splitKey(aliasKey)
    if (database !== meta.database) throw errors.invalid(`alias and collection must be in the same database`)
    if (this.collections.has(aliasKey)) throw errors.invalid(`alias [${name}] conflicts with an existing collection name`)
    const existing = this.aliases.get(aliasKey)
    if (alter && existing === undefined) throw errors.invalid(`alias does not exist[alias=${name}]`)
    if (!alter && existing !== undefined && existing !== meta.id) {
      throw errors.invalid(`alias exists and already aliased to another collection, alias: ${name}`)
    }
    this.aliases.set(aliasKey, meta.id)
  }

  dropAlias(aliasKey: string): void {
    if (!this.aliases.delete(aliasKey)) throw errors.invalid(`alias does not exist[alias=${splitKey(aliasKey).name}]`)
  }

  addPartition(collection: string, name: string, ts: Timestamp): PartitionMeta {
    const meta = this.get(collection)
    if (meta.schema.numPartitions > 0) throw errors.invalid('disable create partition if partition key mode is used')
    if (meta.partitions.some((p) => p.name === name)) throw errors.invalid(`partition already exists[partition=${name}]`)
    if (meta.partitions.length >= limits.partitionCountMax) {
      throw errors.invalid(`partition number (${meta.partitions.length}) exceeds max configuration (${limits.partitionCountMax})`)
    }
    const p = this.newPartition(name, ts)
    meta.partitions.push(p)
    return p
  }

  dropPartition(collection: string, name: string): PartitionMeta {
    const meta = this.get(collection)
    if (name === DEFAULT_PARTITION) throw errors.invalid('default partition cannot be deleted')
    if (meta.schema.numPartitions > 0) throw errors.invalid('disable drop partition if partition key mode is used')
    const i = meta.partitions.findIndex((p) => p.name === name)
    if (i < 0) throw errors.partitionNotFound(name)
    return meta.partitions.splice(i, 1)[0]!
  }

  partition(meta: CollectionMeta, name: string): PartitionMeta {
    const p = meta.partitions.find((x) => x.name === name)
    if (p === undefined) throw errors.partitionNotFound(name)
    return p
  }

  /** Adds an index; an identical one on the field is a no-op, a different one an error. */
  addIndex(collection: string, index: Omit<IndexMeta, 'id'>): IndexMeta | undefined {
    const meta = this.get(collection)
    const same = index.jsonPath === undefined ? meta.indexes.find((i) => i.fieldName === index.fieldName) : sameJsonTarget(meta.indexes, index)
    if (same !== undefined) {
      if (sameIndex(same, index)) return undefined
      throw errors.invalid('CreateIndex failed: at most one distinct index is allowed per field', { field: index.fieldName })
    }
    if (meta.indexes.some((i) => i.name === index.name)) {
      throw errors.invalid(`CreateIndex failed: index already exists with a different field`, { index: index.name })
    }
    const created = { ...index, id: this.allocateId() }
    meta.indexes.push(created)
    return created
  }

  dropIndex(collection: string, indexName: string): IndexMeta {
    const meta = this.get(collection)
    const i = meta.indexes.findIndex((x) => x.name === indexName)
    if (i < 0) throw errors.indexNotFound(indexName)
    return meta.indexes.splice(i, 1)[0]!
  }

  private newPartition(name: string, ts: Timestamp): PartitionMeta {
    return { id: this.allocateId(), name, createdTs: ts }
  }
}

function sameIndex(a: Omit<IndexMeta, 'id'>, b: Omit<IndexMeta, 'id'>): boolean {
  return a.name === b.name && a.indexType === b.indexType && a.metricType === b.metricType && JSON.stringify(a.params) === JSON.stringify(b.params)
}

/**
 * The index a JSON path index collides with: one of the same name, or one on the same column, path
 * and cast type (a field may hold several JSON path indexes, one per path and cast).
 */
function sameJsonTarget(indexes: readonly IndexMeta[], index: Omit<IndexMeta, 'id'>): IndexMeta | undefined {
  const key = JSON.stringify(index.jsonPath)
  return indexes.find((i) => i.name === index.name) ?? indexes.find((i) => i.jsonPath !== undefined && JSON.stringify(i.jsonPath) === key)
}

function idsExhausted(): MilvusError {
  return new MilvusError(ErrorCode.ServiceUnavailable, `this database used all ${UNLOGGED_ID_BASE} ids of collections, partitions, indexes and segments`)
}
