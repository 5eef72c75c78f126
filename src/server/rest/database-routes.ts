import { errors } from '../../errors/errors.ts'
import { expectOk, expectOkStatus } from './rest-failure.ts'
import { requireString } from './rest-params.ts'
import { empty, type RestRouteTable } from './rest-route.ts'

/** databases/*: create, drop, list, describe, alter. The body's `dbName` is the database acted on. */
export const databaseRoutes: RestRouteTable = {
  create: async (body, ctx) => {
    expectOkStatus(await ctx.client.createDatabase({ db_name: requireString(body, 'dbName') }))
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

  alter: async (body, ctx) => {
    const name = requireString(body, 'dbName')
    expectOk(await ctx.client.describeDatabase({ db_name: name }))
    throw errors.notSupported(`database properties are not supported by Quiver[database=${name}]`)
  },
}
