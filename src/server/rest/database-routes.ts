import type { RestReply } from './rest-envelope.ts'
import { expectOk, expectOkStatus } from './rest-failure.ts'
import { optionalObject, requireObject, requireString, requireStringList, type RestBody } from './rest-params.ts'
import { empty, type RestContext, type RestRouteTable } from './rest-route.ts'

/** databases/*: create, drop, list, describe, alter (also as alter_properties), drop_properties. The body's `dbName` is the database acted on. */
export const databaseRoutes: RestRouteTable = {
  create: async (body, ctx) => {
    expectOkStatus(await ctx.client.createDatabase({ db_name: requireString(body, 'dbName'), properties: optionalObject(body, 'properties') ?? {} }))
    return empty
  },

  drop: async (body, ctx) => {
    expectOkStatus(await ctx.client.dropDatabase({ db_name: requireString(body, 'dbName') }))
    return empty
  },

  list: async (_body, ctx) => ({ data: expectOk(await ctx.client.listDatabases({})).db_names }),

  describe: async (body, ctx) => {
    const r = expectOk(await ctx.client.describeDatabase({ db_name: requireString(body, 'dbName') }))
    return { data: { dbName: r.db_name, dbID: Number(r.dbID), properties: r.properties } }
  },

  alter: (body, ctx) => alter(body, ctx),
  alter_properties: (body, ctx) => alter(body, ctx),

  drop_properties: async (body, ctx) => {
    expectOkStatus(await ctx.client.dropDatabaseProperties({ db_name: requireString(body, 'dbName'), properties: requireStringList(body, 'propertyKeys') }))
    return empty
  },
}

async function alter(body: RestBody, ctx: RestContext): Promise<RestReply> {
  expectOkStatus(await ctx.client.alterDatabaseProperties({ db_name: requireString(body, 'dbName'), properties: requireObject(body, 'properties') }))
  return empty
}
