import type { HandlerTable } from '../handler.ts'
import { sdkRequest } from '../handler.ts'

/** Aliases and databases. The database an RPC acts on is its body's `db_name` (or the header's). */
export const catalogHandlers: HandlerTable = {
  CreateAlias: (req, ctx, { client }) => client.createAlias(sdkRequest(ctx, { collection_name: req.collection_name, alias: req.alias })),
  AlterAlias: (req, ctx, { client }) => client.alterAlias(sdkRequest(ctx, { collection_name: req.collection_name, alias: req.alias })),
  DropAlias: (req, ctx, { client }) => client.dropAlias(sdkRequest(ctx, { alias: req.alias })),
  DescribeAlias: (req, ctx, { client }) => client.describeAlias(sdkRequest(ctx, { alias: req.alias })),
  ListAliases: (req, ctx, { client }) => client.listAliases(sdkRequest(ctx, req.collection_name !== '' ? { collection_name: req.collection_name } : {})),

  CreateDatabase: (req, ctx, { client }) => client.createDatabase({ db_name: ctx.dbName, properties: req.properties ?? [] }),
  DropDatabase: (_req, ctx, { client }) => client.dropDatabase({ db_name: ctx.dbName }),
  ListDatabases: (_req, _ctx, { client }) => client.listDatabases({}),
  DescribeDatabase: (_req, ctx, { client }) => client.describeDatabase({ db_name: ctx.dbName }),
  /** Sets `properties` or removes `delete_keys` (not both, as Milvus). */
  AlterDatabase: (req, ctx, { client }) => client.alterDatabase({ db_name: ctx.dbName, properties: req.properties ?? [], delete_keys: req.delete_keys ?? [] }),
}
