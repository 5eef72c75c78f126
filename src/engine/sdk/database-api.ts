import { DEFAULT_DATABASE } from '../../catalog/catalog.ts'
import { errors } from '../../errors/errors.ts'
import { ClientBase, type Req } from './client-base.ts'
import { propertiesOf, propertyKeysOf, propertyList } from './property-request.ts'
import { asStatus, okStatus, type ResStatus } from './status.ts'

/** Databases and aliases. */
export class DatabaseApi extends ClientBase {
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
      await this.db.ddl.createDatabase(req.db_name, propertiesOf(req.properties))
      return okStatus()
    }, (s) => s)
  }

  dropDatabase(req: Req): Promise<ResStatus> {
    return asStatus(async () => {
      await this.db.ddl.dropDatabase(req.db_name)
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
      await this.db.ddl.alterDatabaseProperties(this.dbOf(req), propertiesOf(req.properties), propertyKeysOf(req.delete_keys, 'delete_keys'))
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
      await this.db.ddl.setAlias(this.key(req), req.alias, false)
      return okStatus()
    }, (s) => s)
  }

  alterAlias(req: Req): Promise<ResStatus> {
    return asStatus(async () => {
      await this.db.ddl.setAlias(this.key(req), req.alias, true)
      return okStatus()
    }, (s) => s)
  }

  dropAlias(req: Req): Promise<ResStatus> {
    return asStatus(async () => {
      await this.db.ddl.dropAlias(this.dbOf(req), req.alias)
      return okStatus()
    }, (s) => s)
  }

  describeAlias(req: Req): Promise<{ status: ResStatus; db_name: string; alias: string; collection: string }> {
    return asStatus(
      () => {
        const found = this.db.ddl.listAliases(this.dbOf(req)).find((a) => a.alias === req.alias)
        if (found === undefined) throw errors.invalid(`alias does not exist[alias=${req.alias}]`)
        return { status: okStatus(), db_name: found.database, alias: found.alias, collection: found.collection }
      },
      (status) => ({ status, db_name: this.dbOf(req), alias: String(req.alias), collection: '' }),
    )
  }

  listAliases(req: Req = {}): Promise<{ status: ResStatus; db_name: string; collection_name: string; aliases: string[] }> {
    return asStatus(
      () => {
        const all = this.db.ddl.listAliases(this.dbOf(req))
        const name = req.collection_name as string | undefined
        const meta = name === undefined || name === '' ? undefined : this.db.state.catalog.get(this.key(req))
        const aliases = all.filter((a) => meta === undefined || a.collection === meta.name).map((a) => a.alias)
        return { status: okStatus(), db_name: this.dbOf(req), collection_name: name ?? '', aliases }
      },
      (status) => ({ status, db_name: this.dbOf(req), collection_name: String(req.collection_name ?? ''), aliases: [] }),
    )
  }
}
