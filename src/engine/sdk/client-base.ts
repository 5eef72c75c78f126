import { DEFAULT_DATABASE, qualify } from '../../catalog/catalog.ts'
import { PropertyKey, propertyBool } from '../../catalog/properties.ts'
import { errors } from '../../errors/errors.ts'
import type { Database } from '../database.ts'

// biome-ignore lint/suspicious/noExplicitAny: requests are the SDK's loosely typed objects
export type Req = Record<string, any>

/** The state and request helpers every part of `MilvusClientApi` shares. */
export class ClientBase {
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

  protected idsKind(collection: string): 'int_id' | 'str_id' {
    return this.db.state.collection(collection).pkField.dataType === 5 ? 'int_id' : 'str_id'
  }
}

export interface ListedItem {
  name: string
  id: string
  timestamp: string
  loadedPercentage: string
}

/** Creation timestamps as the SDK lists them: hybrid and physical (ms). */
export function timestampsOf(items: readonly ListedItem[]): { created_timestamps: string[]; created_utc_timestamps: string[] } {
  return {
    created_timestamps: items.map((i) => i.timestamp),
    created_utc_timestamps: items.map((i) => String(BigInt(i.timestamp) >> 18n)),
  }
}

export function num(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined
  return Number(v)
}

export function optional<K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: V }
}
