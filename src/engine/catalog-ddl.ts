import { isTimezoneValid } from '../common/timestamptz.ts'
import { stringifyWithBigint } from '../common/json-bigint.ts'
import { checkTtlField } from '../catalog/ttl-field.ts'
import { type CollectionMeta, DEFAULT_DATABASE, DEFAULT_PARTITION, qualify, splitKey } from '../catalog/catalog.ts'
import { type ConsistencyLevel, DEFAULT_CONSISTENCY_LEVEL } from '../catalog/consistency-level.ts'
import { alteredProperties, initialProperties, type Properties, PropertyKey, timezoneOf } from '../catalog/properties.ts'
import { ErrorCode, errors, MilvusError } from '../errors/errors.ts'
import { warmFunctionWorkers } from './bm25-write.ts'
import { type CollectionSchema, createCollectionSchema, type SchemaSpec } from '../schema/collection-schema.ts'
import { validateName } from '../schema/name-rules.ts'
import type { ApplyResult, DbState } from './db-state.ts'
import type { CommandBody } from './wal-record.ts'

/** What the catalog's DDL needs of the database: its applied state and the WAL. */
export interface DdlHost {
  readonly state: DbState
  submit(body: CommandBody, deadlineMs?: number): Promise<ApplyResult>
}

/**
 * Databases, collections, aliases, partitions and load state: each operation checks against the
 * applied catalog (nothing written when it refuses), then submits one WAL command.
 */
export class CatalogDdl {
  private readonly host: DdlHost

  constructor(host: DdlHost) {
    this.host = host
  }

  /** Creates a collection (in `database`, default `default`); returns its catalog entry. */
  async createCollection(spec: SchemaSpec, database = DEFAULT_DATABASE, properties: Properties = {}, consistencyLevel: ConsistencyLevel = DEFAULT_CONSISTENCY_LEVEL): Promise<CollectionMeta> {
    const dbMeta = this.host.state.catalog.databases.get(database)
    const asked = properties[PropertyKey.timezone]
    const timezone = isTimezoneValid(asked) ? asked : timezoneOf(dbMeta?.properties ?? {})
    const schema = createCollectionSchema({ ...spec, timezone })
    const key = qualify(database, schema.name)
    if (dbMeta === undefined) throw errors.databaseNotFound(database)
    const existing = this.host.state.catalog.collections.get(key)
    if (existing !== undefined) {
      // Milvus 2.6: re-creating an identical collection succeeds and changes nothing.
      if (sameSchema(existing.schema, schema) && (existing.consistencyLevel ?? DEFAULT_CONSISTENCY_LEVEL) === consistencyLevel) return existing
      throw errors.invalid(`create duplicate collection with different parameters, collection: ${schema.name}`)
    }
    if (this.host.state.catalog.has(key)) throw errors.collectionExists(schema.name)
    this.host.state.catalog.checkCollectionRoom(database)
    const props = initialProperties(properties, 'collection')
    checkTtlField(schema, props)
    await this.host.submit({
      type: 'createCollection',
      schema,
      ...(database === DEFAULT_DATABASE ? {} : { database }),
      ...(Object.keys(props).length === 0 ? {} : { properties: props }),
      consistencyLevel,
    })
    warmFunctionWorkers(schema)
    return this.host.state.catalog.get(key)
  }

  async createDatabase(name: string, properties: Properties = {}): Promise<void> {
    validateName(name, 'database')
    if (this.host.state.catalog.databases.has(name)) throw errors.invalid(`database already exist: ${name}`)
    const props = initialProperties(properties, 'database')
    await this.host.submit({ type: 'createDatabase', name, ...(Object.keys(props).length === 0 ? {} : { properties: props }) })
  }

  /** Sets `set` or deletes `deleteKeys` (not both) on a collection; checked before anything is written. */
  async alterCollectionProperties(collection: string, set: Properties, deleteKeys: readonly string[]): Promise<void> {
    const meta = this.host.state.catalog.get(collection)
    checkTtlField(meta.schema, alteredProperties(meta.properties, set, deleteKeys, 'collection'))
    await this.host.submit({ type: 'alterCollectionProperties', collectionId: meta.id, set, deleteKeys })
  }

  async alterDatabaseProperties(name: string, set: Properties, deleteKeys: readonly string[]): Promise<void> {
    const db = this.host.state.catalog.databases.get(name)
    if (db === undefined) throw errors.databaseNotFound(name)
    alteredProperties(db.properties, set, deleteKeys, 'database')
    await this.host.submit({ type: 'alterDatabaseProperties', name, set, deleteKeys })
  }

  async dropDatabase(name: string): Promise<void> {
    if (!this.host.state.catalog.databases.has(name)) throw errors.databaseNotFound(name)
    await this.host.submit({ type: 'dropDatabase', name })
  }

  listDatabases(): string[] {
    return [...this.host.state.catalog.databases.keys()]
  }

  /** Creates (or, with `alter`, moves) an alias in the collection's database. */
  async setAlias(collection: string, alias: string, alter: boolean): Promise<void> {
    validateName(alias, 'alias')
    const meta = this.host.state.catalog.get(collection)
    const aliasKey = qualify(meta.database, alias)
    if (alter && !this.host.state.catalog.aliases.has(aliasKey)) throw errors.invalid(`alias does not exist[alias=${alias}]`)
    await this.host.submit({ type: alter ? 'alterAlias' : 'createAlias', alias: aliasKey, collection: this.host.state.catalog.keyOf(meta) })
  }

  /** Dropping an alias that does not exist succeeds (Milvus 2.6: DDL is idempotent). */
  async dropAlias(database: string, alias: string): Promise<void> {
    validateName(alias, 'alias')
    if (!this.host.state.catalog.databases.has(database)) throw errors.databaseNotFound(database)
    const key = qualify(database, alias)
    if (!this.host.state.catalog.aliases.has(key)) return
    await this.host.submit({ type: 'dropAlias', alias: key })
  }

  /** Aliases of a database (all when undefined), with the collection each points at. */
  listAliases(database?: string): { alias: string; collection: string; database: string }[] {
    const out: { alias: string; collection: string; database: string }[] = []
    for (const [key, id] of this.host.state.catalog.aliases) {
      const { database: db, name } = splitKey(key)
      if (database !== undefined && db !== database) continue
      const meta = [...this.host.state.catalog.collections.values()].find((c) => c.id === id)
      if (meta !== undefined) out.push({ alias: name, collection: meta.name, database: db })
    }
    return out
  }

  /** Milvus 2.6 makes the drop idempotent: a collection (or database) that does not exist is already dropped; a bad name is still 1100. */
  async dropCollection(name: string): Promise<void> {
    const catalog = this.host.state.catalog
    if (!catalog.has(name)) {
      validateName(splitKey(name).name, 'collection')
      return
    }
    const meta = catalog.get(name)
    await this.host.submit({ type: 'dropCollection', collectionId: meta.id })
  }

  async renameCollection(from: string, to: string, toDatabase?: string): Promise<void> {
    validateName(to, 'collection')
    const meta = this.host.state.catalog.get(from)
    const database = toDatabase === undefined || toDatabase === '' ? meta.database : toDatabase
    if (!this.host.state.catalog.databases.has(database)) throw errors.databaseNotFound(database)
    if (this.host.state.catalog.has(qualify(database, to))) throw errors.invalid(`duplicated new collection name ${to} with other collection name or alias`)
    await this.host.submit({ type: 'renameCollection', collectionId: meta.id, newName: to, ...(database === meta.database ? {} : { newDatabase: database }) })
  }

  async createPartition(collection: string, partition: string): Promise<void> {
    validateName(partition, 'partition')
    const meta = this.host.state.catalog.get(collection)
    // Milvus's proxy answers these with a plain error (65535, UnexpectedError), not 1100.
    if (meta.schema.numPartitions > 0) throw new MilvusError(ErrorCode.Unexpected, 'disable create partition if partition key mode is used')
    // Milvus 2.6: creating a partition that exists succeeds and changes nothing.
    if (meta.partitions.some((p) => p.name === partition)) return
    await this.host.submit({ type: 'createPartition', collectionId: meta.id, partition })
  }

  async dropPartition(collection: string, partition: string): Promise<void> {
    validateName(partition, 'partition')
    const meta = this.host.state.catalog.get(collection)
    if (partition === DEFAULT_PARTITION) throw errors.invalid('default partition cannot be deleted')
    if (meta.schema.numPartitions > 0) throw new MilvusError(ErrorCode.Unexpected, 'disable drop partition if partition key mode is used')
    // Milvus 2.6: dropping a partition that does not exist succeeds.
    if (!meta.partitions.some((p) => p.name === partition)) return
    await this.host.submit({ type: 'dropPartition', collectionId: meta.id, partition })
  }

  async setLoaded(collection: string, loaded: boolean): Promise<void> {
    const meta = this.host.state.catalog.get(collection)
    if (meta.loaded !== loaded) await this.host.submit({ type: 'setLoaded', collectionId: meta.id, loaded })
  }
}

/** Same fields (names, types, params, flags, defaults), description, dynamic flag and partition count. */
function sameSchema(a: CollectionSchema, b: CollectionSchema): boolean {
  return stringifyWithBigint(a) === stringifyWithBigint(b)
}
