import { parseClientJson } from '../../common/bounded-json.ts'
import { DEFAULT_DATABASE, DEFAULT_PARTITION, qualify } from '../../catalog/catalog.ts'
import type { WriteOutcome } from '../../collection/apply-write.ts'
import { errors } from '../../errors/errors.ts'
import type { Database } from '../database.ts'
import { countRows, getRows, queryRows, type Row, searchRows } from '../read-ops.ts'
import { hybridSearchRows, parseReranker } from '../hybrid-search.ts'
import { createIndex, describeIndexes, dropIndex, type IndexDescription } from '../index-ops.ts'
import { deleteData, writeData } from '../write-ops.ts'
import { describeFields, schemaSpecOf } from './schema-request.ts'
import { asStatus, okStatus, type ResStatus, rowForSdk } from './status.ts'
import { propertiesOf, propertyKeysOf, propertyList } from './property-request.ts'
import { PropertyKey, propertyBool } from '../../catalog/properties.ts'

// biome-ignore lint/suspicious/noExplicitAny: requests are the SDK's loosely typed objects
type Req = Record<string, any>

export interface MutationResult {
  status: ResStatus
  succ_index: number[]
  err_index: number[]
  acknowledged: boolean
  insert_cnt: string
  delete_cnt: string
  upsert_cnt: string
  timestamp: string
  IDs: { int_id: { data: string[] } } | { str_id: { data: string[] } }
}

function mutationOk(o: WriteOutcome | { deleteCount: number; ts: bigint }, idsKind: 'int_id' | 'str_id'): MutationResult {
  const w = 'upsertCount' in o ? o : undefined
  const n = w?.primaryKeys.length ?? 0
  const ids = w === undefined ? [] : Array.from(w.primaryKeys as ArrayLike<bigint | string>, (k) => String(k))
  return {
    status: okStatus(),
    succ_index: Array.from({ length: n }, (_, i) => i),
    err_index: [],
    acknowledged: false,
    insert_cnt: String(w?.insertCount ?? 0),
    delete_cnt: String(w === undefined ? (o as { deleteCount: number }).deleteCount : w.deleteCount),
    upsert_cnt: String(w?.upsertCount ?? 0),
    timestamp: String(w?.ts ?? (o as { ts: bigint }).ts),
    IDs: idsKind === 'int_id' ? { int_id: { data: ids } } : { str_id: { data: ids } },
  }
}

function mutationError(status: ResStatus, rowCount: number): MutationResult {
  return {
    status,
    succ_index: [],
    err_index: Array.from({ length: rowCount }, (_, i) => i),
    acknowledged: false,
    insert_cnt: '0',
    delete_cnt: '0',
    upsert_cnt: '0',
    timestamp: '0',
    IDs: { int_id: { data: [] } },
  }
}

function rowCountOf(data: unknown): number {
  if (Array.isArray(data)) return data.length
  return data === undefined || data === null ? 0 : 1
}

const partitionOpt = (req: Req) => (typeof req.partition_name === 'string' && req.partition_name !== '' ? { partition: req.partition_name as string } : {})
const timeoutOpt = (req: Req) => (typeof req.timeout === 'number' ? { timeoutMs: req.timeout as number } : {})
/** How long a read may run (`timeout`, ms) and its cancellation (`signal`, an AbortSignal: a Quiver extension). */
const readControl = (req: Req) => ({ ...timeoutOpt(req), ...(req.signal instanceof AbortSignal ? { signal: req.signal } : {}) })

/**
 * The methods of the official Node SDK's `MilvusClient` (3.0.6), with its request objects and
 * result shapes, over the embedded engine. Request errors come back as a status; nothing throws
 * for them. Int64 values are decimal strings, as the SDK returns them.
 */
export class MilvusClientApi {
  protected readonly db: Database
  /** The database requests without `db_name` use (`useDatabase`). */
  protected currentDb = DEFAULT_DATABASE

  constructor(db: Database) {
    this.db = db
  }

  /** Catalog key of the request's collection (`db_name` or the current database). */
  protected key(req: Req, name: string = req.collection_name): string {
    return qualify(this.dbOf(req), name)
  }

  /** `key` for a read: `database.force.deny.reading` refuses it (code 9). */
  protected readKey(req: Req): string {
    const key = this.key(req)
    const meta = this.db.state.catalog.get(key)
    const props = this.db.state.catalog.databases.get(meta.database)?.properties ?? {}
    if (propertyBool(props, PropertyKey.databaseForceDenyReading) === true) throw errors.forceDeny()
    return key
  }

  protected dbOf(req: Req): string {
    return typeof req.db_name === 'string' && req.db_name !== '' ? req.db_name : this.currentDb
  }

  // ---- databases and aliases -------------------------------------------------------------------

  useDatabase(req: Req): Promise<ResStatus> {
    return asStatus(() => {
      const name = (req.db_name ?? DEFAULT_DATABASE) as string
      if (!this.db.state.catalog.databases.has(name)) throw errors.databaseNotFound(name)
      this.currentDb = name
      return okStatus()
    }, (s) => s)
  }

  createDatabase(req: Req): Promise<ResStatus> {
    return asStatus(async () => {
      await this.db.createDatabase(req.db_name, propertiesOf(req.properties))
      return okStatus()
    }, (s) => s)
  }

  dropDatabase(req: Req): Promise<ResStatus> {
    return asStatus(async () => {
      await this.db.dropDatabase(req.db_name)
      return okStatus()
    }, (s) => s)
  }

  listDatabases(_req: Req = {}): Promise<{ status: ResStatus; db_names: string[]; db_ids: string[]; created_timestamp: string[] }> {
    return asStatus(
      () => {
        const dbs = [...this.db.state.catalog.databases.values()]
        return { status: okStatus(), db_names: dbs.map((d) => d.name), db_ids: dbs.map((d) => String(d.id)), created_timestamp: dbs.map((d) => String(d.createdTs)) }
      },
      (status) => ({ status, db_names: [], db_ids: [], created_timestamp: [] }),
    )
  }

  describeDatabase(req: Req): Promise<{ status: ResStatus; db_name: string; dbID: string; created_timestamp: string; properties: { key: string; value: string }[] }> {
    return asStatus(
      () => {
        const d = this.db.state.catalog.databases.get(req.db_name)
        if (d === undefined) throw errors.databaseNotFound(String(req.db_name))
        return { status: okStatus(), db_name: d.name, dbID: String(d.id), created_timestamp: String(d.createdTs), properties: propertyList(d.properties) }
      },
      (status) => ({ status, db_name: String(req.db_name), dbID: '0', created_timestamp: '0', properties: [] }),
    )
  }

  /** Sets properties (`properties`) or removes them (`delete_keys`) of a database. */
  alterDatabase(req: Req): Promise<ResStatus> {
    return asStatus(async () => {
      await this.db.alterDatabaseProperties(this.dbOf(req), propertiesOf(req.properties), propertyKeysOf(req.delete_keys, 'delete_keys'))
      return okStatus()
    }, (s) => s)
  }

  alterDatabaseProperties(req: Req): Promise<ResStatus> {
    return this.alterDatabase(req)
  }

  /** `properties` here is the list of keys to remove (the SDK's request shape). */
  dropDatabaseProperties(req: Req): Promise<ResStatus> {
    return this.alterDatabase({ db_name: req.db_name, delete_keys: req.properties ?? req.delete_keys ?? [] })
  }

  createAlias(req: Req): Promise<ResStatus> {
    return asStatus(async () => {
      await this.db.setAlias(this.key(req), req.alias, false)
      return okStatus()
    }, (s) => s)
  }

  alterAlias(req: Req): Promise<ResStatus> {
    return asStatus(async () => {
      await this.db.setAlias(this.key(req), req.alias, true)
      return okStatus()
    }, (s) => s)
  }

  dropAlias(req: Req): Promise<ResStatus> {
    return asStatus(async () => {
      await this.db.dropAlias(this.dbOf(req), req.alias)
      return okStatus()
    }, (s) => s)
  }

  describeAlias(req: Req): Promise<{ status: ResStatus; db_name: string; alias: string; collection: string }> {
    return asStatus(
      () => {
        const found = this.db.listAliases(this.dbOf(req)).find((a) => a.alias === req.alias)
        if (found === undefined) throw errors.invalid(`alias does not exist[alias=${req.alias}]`)
        return { status: okStatus(), db_name: found.database, alias: found.alias, collection: found.collection }
      },
      (status) => ({ status, db_name: this.dbOf(req), alias: String(req.alias), collection: '' }),
    )
  }

  listAliases(req: Req = {}): Promise<{ status: ResStatus; db_name: string; collection_name: string; aliases: string[] }> {
    return asStatus(
      () => {
        const all = this.db.listAliases(this.dbOf(req))
        const name = req.collection_name as string | undefined
        const meta = name === undefined || name === '' ? undefined : this.db.state.catalog.get(this.key(req))
        const aliases = all.filter((a) => meta === undefined || a.collection === meta.name).map((a) => a.alias)
        return { status: okStatus(), db_name: this.dbOf(req), collection_name: name ?? '', aliases }
      },
      (status) => ({ status, db_name: this.dbOf(req), collection_name: String(req.collection_name ?? ''), aliases: [] }),
    )
  }

  private idsKind(collection: string): 'int_id' | 'str_id' {
    return this.db.state.collection(collection).pkField.dataType === 5 ? 'int_id' : 'str_id'
  }

  // ---- collections -----------------------------------------------------------------------------

  createCollection(req: Req): Promise<ResStatus> {
    return asStatus(async () => {
      const spec = schemaSpecOf(req)
      await this.db.createCollection(spec, this.dbOf(req), propertiesOf(req.properties))
      if (req.dimension !== undefined && req.fields === undefined && req.schema === undefined) {
        // Quick setup, as the SDK does it: an AUTOINDEX on the vector field with the given metric.
        const ip = (req.index_params ?? {}) as Req
        await createIndex(this.db, this.key(req), {
          fieldName: String(spec.fields[1]!.name),
          indexType: ip.index_type ?? 'AUTOINDEX',
          metricType: req.metric_type ?? ip.metric_type ?? 'COSINE',
          params: (typeof ip.params === 'string' ? parseClientJson(ip.params, 'index params') : ip.params) ?? {},
        })
      }
      return okStatus()
    }, (s) => s)
  }

  hasCollection(req: Req): Promise<{ status: ResStatus; value: boolean }> {
    return asStatus(() => ({ status: okStatus(), value: this.db.state.catalog.has(this.key(req)) }), (status) => ({ status, value: false }))
  }

  showCollections(req: Req = {}): Promise<{ status: ResStatus; data: ListedItem[]; created_timestamps: string[]; created_utc_timestamps: string[] }> {
    return asStatus(
      () => {
        const names = req.collection_names as string[] | undefined
        const db = this.dbOf(req)
        if (!this.db.state.catalog.databases.has(db)) throw errors.databaseNotFound(db)
        const data = [...this.db.state.catalog.collections.values()]
          .filter((c) => c.database === db && (names === undefined || names.length === 0 || names.includes(c.name)))
          .map((c) => ({ name: c.name, id: String(c.id), timestamp: String(c.createdTs), loadedPercentage: c.loaded ? '100' : '0' }))
        return { status: okStatus(), data, ...timestampsOf(data) }
      },
      (status) => ({ status, data: [], created_timestamps: [], created_utc_timestamps: [] }),
    )
  }

  listCollections(req: Req = {}) {
    return this.showCollections(req)
  }

  describeCollection(req: Req): Promise<Record<string, unknown> & { status: ResStatus }> {
    return asStatus(
      () => {
        const meta = this.db.state.catalog.get(this.key(req))
        const fields = describeFields(meta)
        return {
          status: okStatus(),
          schema: {
            name: meta.name,
            description: meta.schema.description,
            enable_dynamic_field: meta.schema.enableDynamicField,
            autoID: meta.schema.fields.some((f) => f.autoId),
            fields,
            functions: [],
            struct_array_fields: [],
          },
          collectionID: String(meta.id),
          collection_name: meta.name,
          consistency_level: 'Strong',
          aliases: this.db.state.catalog.aliasesOf(meta),
          virtual_channel_names: [],
          physical_channel_names: [],
          start_positions: [],
          properties: propertyList(meta.properties),
          created_timestamp: String(meta.createdTs),
          created_utc_timestamp: String(meta.createdTs >> 18n),
          shards_num: 1,
          num_partitions: String(meta.partitions.length),
          db_name: meta.database,
          functions: [],
          anns_fields: Object.fromEntries(fields.filter((f) => (f.dataType as number) >= 100).map((f) => [f.name, f])),
          scalar_fields: Object.fromEntries(fields.filter((f) => (f.dataType as number) < 100).map((f) => [f.name, f])),
          function_fields: {},
        }
      },
      (status) => ({ status }),
    )
  }

  /** Sets properties (`properties`) or removes them (`delete_keys`) of a collection. */
  alterCollectionProperties(req: Req): Promise<ResStatus> {
    return asStatus(async () => {
      await this.db.alterCollectionProperties(this.key(req), propertiesOf(req.properties), propertyKeysOf(req.delete_keys, 'delete_keys'))
      return okStatus()
    }, (s) => s)
  }

  /** Deprecated name of `alterCollectionProperties` in the SDK. */
  alterCollection(req: Req): Promise<ResStatus> {
    return this.alterCollectionProperties(req)
  }

  /** `properties` here is the list of keys to remove (the SDK's request shape). */
  dropCollectionProperties(req: Req): Promise<ResStatus> {
    return asStatus(async () => {
      await this.db.alterCollectionProperties(this.key(req), {}, propertyKeysOf(req.properties, 'properties'))
      return okStatus()
    }, (s) => s)
  }

  dropCollection(req: Req): Promise<ResStatus> {
    return asStatus(async () => {
      await this.db.dropCollection(this.key(req))
      return okStatus()
    }, (s) => s)
  }

  renameCollection(req: Req): Promise<ResStatus> {
    return asStatus(async () => {
      await this.db.renameCollection(this.key(req), req.new_collection_name, req.new_db_name)
      return okStatus()
    }, (s) => s)
  }

  getCollectionStatistics(req: Req): Promise<{ status: ResStatus; stats: { key: string; value: string }[]; data: Record<string, string> }> {
    return asStatus(
      () => {
        const d = this.db.state.collection(this.key(req))
        let rows = 0
        for (const s of d.segments.values()) rows += s.liveCount()
        return { status: okStatus(), stats: [{ key: 'row_count', value: String(rows) }], data: { row_count: String(rows) } as Record<string, string> }
      },
      (status) => ({ status, stats: [], data: {} as Record<string, string> }),
    )
  }

  loadCollection(req: Req): Promise<ResStatus> {
    return asStatus(async () => {
      await this.db.setLoaded(this.key(req), true)
      return okStatus()
    }, (s) => s)
  }

  loadCollectionSync(req: Req) {
    return this.loadCollection(req)
  }

  loadCollectionAsync(req: Req) {
    return this.loadCollection(req)
  }

  releaseCollection(req: Req): Promise<ResStatus> {
    return asStatus(async () => {
      await this.db.setLoaded(this.key(req), false)
      return okStatus()
    }, (s) => s)
  }

  getLoadState(req: Req): Promise<{ status: ResStatus; state: string }> {
    return asStatus(
      () => {
        if (!this.db.state.catalog.has(this.key(req))) return { status: okStatus(), state: 'LoadStateNotExist' }
        const loaded = this.db.state.catalog.get(this.key(req)).loaded
        return { status: okStatus(), state: loaded ? 'LoadStateLoaded' : 'LoadStateNotLoad' }
      },
      (status) => ({ status, state: 'LoadStateNotExist' }),
    )
  }

  // ---- partitions ------------------------------------------------------------------------------

  createPartition(req: Req): Promise<ResStatus> {
    return asStatus(async () => {
      await this.db.createPartition(this.key(req), req.partition_name)
      return okStatus()
    }, (s) => s)
  }

  dropPartition(req: Req): Promise<ResStatus> {
    return asStatus(async () => {
      await this.db.dropPartition(this.key(req), req.partition_name)
      return okStatus()
    }, (s) => s)
  }

  hasPartition(req: Req): Promise<{ status: ResStatus; value: boolean }> {
    return asStatus(
      () => ({ status: okStatus(), value: this.db.state.catalog.get(this.key(req)).partitions.some((p) => p.name === req.partition_name) }),
      (status) => ({ status, value: false }),
    )
  }

  showPartitions(req: Req): Promise<{ status: ResStatus; partition_names: string[]; partitionIDs: number[]; data: ListedItem[]; created_timestamps: string[]; created_utc_timestamps: string[] }> {
    return asStatus(
      () => {
        const meta = this.db.state.catalog.get(this.key(req))
        const data = meta.partitions.map((p) => ({ name: p.name, id: String(p.id), timestamp: String(p.createdTs), loadedPercentage: meta.loaded ? '100' : '0' }))
        return {
          status: okStatus(),
          partition_names: meta.partitions.map((p) => p.name),
          partitionIDs: meta.partitions.map((p) => p.id),
          data,
          ...timestampsOf(data),
        }
      },
      (status) => ({ status, partition_names: [], partitionIDs: [], data: [], created_timestamps: [], created_utc_timestamps: [] }),
    )
  }

  listPartitions(req: Req) {
    return this.showPartitions(req)
  }

  getPartitionStatistics(req: Req): Promise<{ status: ResStatus; stats: { key: string; value: string }[]; data: Record<string, string> }> {
    return asStatus(
      () => {
        const d = this.db.state.collection(this.key(req))
        const p = this.db.state.catalog.partition(d.meta, req.partition_name ?? DEFAULT_PARTITION)
        let rows = 0
        for (const s of d.segmentsOf(new Set([p.id]))) rows += s.liveCount()
        return { status: okStatus(), stats: [{ key: 'row_count', value: String(rows) }], data: { row_count: String(rows) } as Record<string, string> }
      },
      (status) => ({ status, stats: [], data: {} as Record<string, string> }),
    )
  }

  // ---- indexes --------------------------------------------------------------------------------

  createIndex(req: Req | Req[]): Promise<ResStatus> {
    return asStatus(async () => {
      for (const r of Array.isArray(req) ? req : [req]) {
        const extra = (r.extra_params ?? {}) as Req
        const rawParams = r.params ?? extra.params
        const params = (typeof rawParams === 'string' ? parseClientJson(rawParams, 'index params') : rawParams) ?? {}
        await createIndex(this.db, this.key(r), {
          fieldName: r.field_name,
          ...optional('indexName', r.index_name),
          ...optional('indexType', r.index_type ?? extra.index_type),
          ...optional('metricType', r.metric_type ?? extra.metric_type),
          params,
        })
      }
      return okStatus()
    }, (s) => s)
  }

  describeIndex(req: Req): Promise<{ status: ResStatus; index_descriptions: Record<string, unknown>[] }> {
    return asStatus(
      () => ({ status: okStatus(), index_descriptions: describeIndexes(this.db, this.key(req), indexTarget(req)).map(describeOne) }),
      (status) => ({ status, index_descriptions: [] }),
    )
  }

  listIndexes(req: Req): Promise<{ status: ResStatus; indexes: string[] }> {
    return asStatus(
      () => ({ status: okStatus(), indexes: this.db.state.collection(this.key(req)).meta.indexes.map((i) => i.name) }),
      (status) => ({ status, indexes: [] }),
    )
  }

  getIndexState(req: Req): Promise<{ status: ResStatus; state: string }> {
    return asStatus(
      () => ({ status: okStatus(), state: describeIndexes(this.db, this.key(req), indexTarget(req))[0]!.state }),
      (status) => ({ status, state: 'IndexStateNone' }),
    )
  }

  getIndexBuildProgress(req: Req): Promise<{ status: ResStatus; indexed_rows: number; total_rows: number }> {
    return asStatus(
      () => {
        const d = describeIndexes(this.db, this.key(req), indexTarget(req))[0]!
        return { status: okStatus(), indexed_rows: d.indexedRows, total_rows: d.totalRows }
      },
      (status) => ({ status, indexed_rows: 0, total_rows: 0 }),
    )
  }

  dropIndex(req: Req): Promise<ResStatus> {
    return asStatus(async () => {
      await dropIndex(this.db, this.key(req), indexTarget(req))
      return okStatus()
    }, (s) => s)
  }

  // ---- compaction -----------------------------------------------------------------------------

  compact(req: Req): Promise<{ status: ResStatus; compactionID: string; compactionPlanCount: number }> {
    return asStatus(
      async () => {
        const d = this.db.state.collection(this.key(req))
        const record = await this.db.compactions.compactNow(d, () => this.db.latestTs())
        return { status: okStatus(), compactionID: String(record.id), compactionPlanCount: record.merges.length }
      },
      (status) => ({ status, compactionID: '0', compactionPlanCount: 0 }),
    )
  }

  getCompactionState(req: Req): Promise<{ status: ResStatus; state: string; executingPlanNo: string; timeoutPlanNo: string; completedPlanNo: string; failedPlanNo: string }> {
    return asStatus(
      () => {
        const r = this.db.compactions.records.get(Number(req.compactionID))
        if (r === undefined) throw errors.invalid(`compaction ${String(req.compactionID)} not found`)
        const executing = r.state === 'executing' ? r.merges.length : 0
        const done = executing > 0 ? 0 : r.merges.length - r.failedCount
        return { status: okStatus(), state: executing > 0 ? 'Executing' : 'Completed', executingPlanNo: String(executing), timeoutPlanNo: '0', completedPlanNo: String(done), failedPlanNo: String(r.failedCount) }
      },
      (status) => ({ status, state: 'UndefiedState', executingPlanNo: '0', timeoutPlanNo: '0', completedPlanNo: '0', failedPlanNo: '0' }),
    )
  }

  getCompactionStateWithPlans(req: Req): Promise<{ status: ResStatus; state: string; mergeInfos: { sources: string[]; target: string }[] }> {
    return asStatus(
      () => {
        const r = this.db.compactions.records.get(Number(req.compactionID))
        if (r === undefined) throw errors.invalid(`compaction ${String(req.compactionID)} not found`)
        return { status: okStatus(), state: 'Completed', mergeInfos: r.merges.map((m) => ({ sources: m.sources.map(String), target: String(m.target ?? 0) })) }
      },
      (status) => ({ status, state: 'UndefiedState', mergeInfos: [] }),
    )
  }

  // ---- writes ----------------------------------------------------------------------------------

  insert(req: Req): Promise<MutationResult> {
    const data = req.data ?? req.fields_data
    return asStatus(async () => {
      const o = await writeData(this.db, this.key(req), data, 'insert', { ...partitionOpt(req), ...timeoutOpt(req) })
      return mutationOk(o, this.idsKind(this.key(req)))
    }, (s) => mutationError(s, rowCountOf(data)))
  }

  upsert(req: Req): Promise<MutationResult> {
    const data = req.data ?? req.fields_data
    return asStatus(async () => {
      const o = await writeData(this.db, this.key(req), data, 'upsert', {
        ...partitionOpt(req),
        ...timeoutOpt(req),
        ...(req.partial_update === true ? { partial: true } : {}),
      })
      return mutationOk(o, this.idsKind(this.key(req)))
    }, (s) => mutationError(s, rowCountOf(data)))
  }

  delete(req: Req): Promise<MutationResult> {
    return asStatus(async () => {
      const target = Array.isArray(req.ids)
        ? { ids: req.ids as unknown[] }
        : { filter: (req.filter ?? req.expr) as string, ...(req.exprValues === undefined ? {} : { params: req.exprValues }) }
      const o = await deleteData(this.db, this.key(req), target, { ...partitionOpt(req), ...timeoutOpt(req) })
      return mutationOk(o, this.idsKind(this.key(req)))
    }, (s) => mutationError(s, 0))
  }

  deleteEntities(req: Req) {
    return this.delete(req)
  }

  flush(req: Req): Promise<{ status: ResStatus; coll_segIDs: Record<string, unknown> }> {
    return asStatus(async () => {
      // Each collection once, however often it is named (a request may repeat a name a million times).
      const names = [...new Set((req.collection_names ?? []) as string[])]
      const ids = [...new Set(names.map((n) => this.db.state.catalog.get(this.key(req, n)).id))]
      await this.db.flush(ids)
      return { status: okStatus(), coll_segIDs: {} }
    }, (status) => ({ status, coll_segIDs: {} }))
  }

  flushSync(req: Req): Promise<{ status: ResStatus; flushed: boolean }> {
    return this.flush(req).then((r) => ({ status: r.status, flushed: r.status.code === 0 }))
  }

  // ---- reads -----------------------------------------------------------------------------------

  query(req: Req): Promise<{ status: ResStatus; data: Row[] }> {
    return asStatus(
      async () => {
        const common = {
          ...readControl(req),
          ...(req.output_fields === undefined ? {} : { outputFields: req.output_fields as string[] }),
          ...(req.partition_names === undefined ? {} : { partitions: req.partition_names as string[] }),
          ...(req.limit === undefined ? {} : { limit: Number(req.limit) }),
          ...(req.offset === undefined ? {} : { offset: Number(req.offset) }),
        }
        const rows = await (Array.isArray(req.ids)
          ? getRows(this.db, this.readKey(req), req.ids, common)
          : queryRows(this.db, this.readKey(req), {
              ...common,
              ...(req.filter ?? req.expr ? { filter: (req.filter ?? req.expr) as string } : {}),
              ...(req.exprValues === undefined ? {} : { params: req.exprValues }),
            }))
        return { status: okStatus(), data: rows.map(rowForSdk) }
      },
      (status) => ({ status, data: [] }),
    )
  }

  get(req: Req): Promise<{ status: ResStatus; data: Row[] }> {
    if (!Array.isArray(req.ids)) return asStatus(() => { throw errors.invalid('get needs ids') }, (status) => ({ status, data: [] }))
    return this.query(req)
  }

  count(req: Req): Promise<{ status: ResStatus; data: number }> {
    return asStatus(
      async () => ({
        status: okStatus(),
        data: await countRows(this.db, this.readKey(req), {
          ...readControl(req),
          ...(req.filter ?? req.expr ? { filter: (req.filter ?? req.expr) as string } : {}),
          ...(req.partition_names === undefined ? {} : { partitions: req.partition_names as string[] }),
          ...(req.exprValues === undefined ? {} : { params: req.exprValues }),
        }),
      }),
      (status) => ({ status, data: 0 }),
    )
  }

  /** Multi-vector search with RRFRanker / WeightedRanker (also reached through `search` with `data: [{ data, anns_field }, …]`). */
  hybridSearch(req: Req): Promise<{ status: ResStatus; results: unknown[]; recalls: number[]; session_ts: number; collection_name: string }> {
    return asStatus(
      async () => {
        const requests = (req.data as Req[]).map((r) => {
          const params = (typeof r.params === 'string' ? parseClientJson(r.params, 'params') : (r.params ?? {})) as Req
          return {
            vectors: r.data,
            ...optional('annsField', r.anns_field),
            ...optional('metric', params.metric_type),
            ...optional('limit', num(r.limit ?? params.limit)),
            ...optional('filter', r.expr ?? r.filter),
            ...optional('params', r.exprValues),
            ...optional('ef', num(params.ef)),
            ...optional('nprobe', num(params.nprobe)),
          }
        })
        const hits = await hybridSearchRows(this.db, this.readKey(req), {
          ...readControl(req),
          requests,
          rerank: parseReranker(req.rerank),
          ...optional('limit', num(req.limit ?? req.topk)),
          ...optional('offset', num(req.offset)),
          ...optional('outputFields', req.output_fields),
          ...optional('partitions', req.partition_names),
          ...optional('roundDecimal', num(req.round_decimal)),
        })
        const results = hits.map((list) => list.map((h) => ({ ...rowForSdk(h.row), id: String(h.id), score: h.score })))
        return { status: okStatus(), results: results.length === 1 ? results[0]! : results, recalls: [], session_ts: 0, collection_name: req.collection_name as string }
      },
      (status) => ({ status, results: [], recalls: [], session_ts: 0, collection_name: req.collection_name as string }),
    )
  }

  search(req: Req): Promise<{ status: ResStatus; results: unknown[]; recalls: number[]; session_ts: number; collection_name: string }> {
    if (Array.isArray(req.data) && req.data.length > 0 && typeof req.data[0] === 'object' && req.data[0] !== null && 'anns_field' in req.data[0]) {
      return this.hybridSearch(req)
    }
    return asStatus(
      async () => {
        const sp = (req.search_params ?? {}) as Req
        const params = (typeof req.params === 'string' ? parseClientJson(req.params, 'params') : (req.params ?? (typeof sp.params === 'string' ? parseClientJson(sp.params, 'params') : sp.params) ?? {})) as Req
        const vectors = req.data ?? req.vector ?? req.vectors
        const hits = await searchRows(this.db, this.readKey(req), {
          ...readControl(req),
          vectors,
          ...optional('annsField', req.anns_field ?? sp.anns_field),
          ...optional('metric', req.metric_type ?? params.metric_type ?? sp.metric_type),
          ...optional('limit', num(req.limit ?? req.topk ?? sp.topk)),
          ...optional('offset', num(req.offset ?? params.offset)),
          ...optional('filter', req.filter ?? req.expr),
          ...optional('params', req.exprValues),
          ...optional('outputFields', req.output_fields),
          ...optional('partitions', req.partition_names),
          ...optional('radius', num(params.radius)),
          ...optional('rangeFilter', num(params.range_filter)),
          ...optional('roundDecimal', num(req.round_decimal ?? sp.round_decimal)),
          ...optional('ef', num(params.ef)),
          ...optional('nprobe', num(params.nprobe)),
          ...(req.ignore_growing === true || sp.ignore_growing === true || params.ignore_growing === true ? { ignoreGrowing: true } : {}),
          ...optional('groupByField', (req.group_by_field ?? params.group_by_field) as string | undefined),
          ...optional('groupSize', num(req.group_size ?? params.group_size)),
          ...(req.strict_group_size === true || params.strict_group_size === true ? { strictGroupSize: true } : {}),
        })
        const results = hits.map((list) => list.map((h) => ({ ...rowForSdk(h.row), id: String(h.id), score: h.score })))
        return { status: okStatus(), results: results.length === 1 ? results[0]! : results, recalls: [], session_ts: 0, collection_name: req.collection_name as string }
      },
      (status) => ({ status, results: [], recalls: [], session_ts: 0, collection_name: req.collection_name as string }),
    )
  }
}

function indexTarget(req: Req): { indexName?: string; fieldName?: string } {
  return { ...optional('indexName', req.index_name as string | undefined), ...optional('fieldName', req.field_name as string | undefined) }
}

/** `describeIndex` entry in the SDK's shape. */
function describeOne(d: IndexDescription): Record<string, unknown> {
  const params = [
    { key: 'index_type', value: d.meta.indexType },
    ...(d.meta.metricType === undefined ? [] : [{ key: 'metric_type', value: d.meta.metricType }]),
    { key: 'params', value: JSON.stringify(d.meta.params) },
  ]
  return {
    index_name: d.meta.name,
    indexID: d.meta.id,
    params,
    field_name: d.meta.fieldName,
    indexed_rows: String(d.indexedRows),
    total_rows: String(d.totalRows),
    state: d.state,
    index_state_fail_reason: '',
    pending_index_rows: String(d.pendingIndexRows),
  }
}

interface ListedItem {
  name: string
  id: string
  timestamp: string
  loadedPercentage: string
}

/** Creation timestamps as the SDK lists them: hybrid and physical (ms). */
function timestampsOf(items: readonly ListedItem[]): { created_timestamps: string[]; created_utc_timestamps: string[] } {
  return {
    created_timestamps: items.map((i) => i.timestamp),
    created_utc_timestamps: items.map((i) => String(BigInt(i.timestamp) >> 18n)),
  }
}

function num(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined
  return Number(v)
}

function optional<K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: V }
}
