import { parseClientJson } from '../../common/bounded-json.ts'
import { consistencyLevelOf, DEFAULT_CONSISTENCY_LEVEL } from '../../catalog/consistency-level.ts'
import { errors } from '../../errors/errors.ts'
import { validateName } from '../../schema/name-rules.ts'
import { createIndex } from '../index-ops.ts'
import { type ListedItem, type Req, timestampsOf } from './client-base.ts'
import { DatabaseApi } from './database-api.ts'
import { propertiesOf, propertyKeysOf, propertyList } from './property-request.ts'
import { describeFields, describeFunctions, schemaSpecOf } from './schema-request.ts'
import { asStatus, okStatus, type ResStatus } from './status.ts'

/** Collections: create, describe, alter, drop, rename, statistics, load. */
export class CollectionApi extends DatabaseApi {
  // ---- collections -----------------------------------------------------------------------------

  createCollection(req: Req): Promise<ResStatus> {
    return asStatus(async () => {
      const spec = schemaSpecOf(req)
      await this.db.ddl.createCollection(spec, this.dbOf(req), propertiesOf(req.properties), consistencyLevelOf(req.consistency_level))
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
    return asStatus(() => ({ status: okStatus(), value: this.db.state.catalog.has(this.key(req, validateName(req.collection_name, 'collection'))) }), (status) => ({ status, value: false }))
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
            functions: describeFunctions(meta.schema.functions, meta.schema.fields),
            struct_array_fields: fields.filter((f) => Array.isArray(f.fields)),
          },
          collectionID: String(meta.id),
          collection_name: meta.name,
          consistency_level: meta.consistencyLevel ?? DEFAULT_CONSISTENCY_LEVEL,
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
          functions: describeFunctions(meta.schema.functions, meta.schema.fields),
          anns_fields: Object.fromEntries(flatFields(fields).filter(([, f]) => (f.dataType as number) >= 100)),
          scalar_fields: Object.fromEntries(flatFields(fields).filter(([, f]) => (f.dataType as number) < 100)),
          function_fields: {},
        }
      },
      (status) => ({ status }),
    )
  }

  /** Sets properties (`properties`) or removes them (`delete_keys`) of a collection. */
  alterCollectionProperties(req: Req): Promise<ResStatus> {
    return asStatus(async () => {
      await this.db.ddl.alterCollectionProperties(this.key(req), propertiesOf(req.properties), propertyKeysOf(req.delete_keys, 'delete_keys'))
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
      await this.db.ddl.alterCollectionProperties(this.key(req), {}, propertyKeysOf(req.properties, 'properties'))
      return okStatus()
    }, (s) => s)
  }

  dropCollection(req: Req): Promise<ResStatus> {
    return asStatus(async () => {
      await this.db.ddl.dropCollection(this.key(req))
      return okStatus()
    }, (s) => s)
  }

  renameCollection(req: Req): Promise<ResStatus> {
    return asStatus(async () => {
      await this.db.ddl.renameCollection(this.key(req), req.new_collection_name, req.new_db_name)
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
      await this.db.ddl.setLoaded(this.key(req), true)
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
      await this.db.ddl.setLoaded(this.key(req), false)
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
}

/** Described fields by the name a search or filter uses: a struct's sub-fields as `struct[sub]` (as the SDK lists them). */
function flatFields(fields: readonly Record<string, unknown>[]): [string, Record<string, unknown>][] {
  return fields.flatMap((f) =>
    Array.isArray(f.fields)
      ? (f.fields as Record<string, unknown>[]).map((sub): [string, Record<string, unknown>] => [`${String(f.name)}[${String(sub.name)}]`, sub])
      : [[String(f.name), f] as [string, Record<string, unknown>]],
  )
}
