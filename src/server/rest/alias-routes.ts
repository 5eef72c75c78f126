import { expectOk, expectOkStatus } from './rest-failure.ts'
import { defined, optionalString, requireString } from './rest-params.ts'
import { empty, type RestRouteTable, sdk } from './rest-route.ts'

/** aliases/*: create, alter, drop, describe, list. */
export const aliasRoutes: RestRouteTable = {
  create: async (body, ctx) => {
    const req = sdk(ctx, { alias: requireString(body, 'aliasName'), collection_name: requireString(body, 'collectionName') })
    expectOkStatus(await ctx.client.createAlias(req))
    return empty
  },

  alter: async (body, ctx) => {
    const req = sdk(ctx, { alias: requireString(body, 'aliasName'), collection_name: requireString(body, 'collectionName') })
    expectOkStatus(await ctx.client.alterAlias(req))
    return empty
  },

  drop: async (body, ctx) => {
    expectOkStatus(await ctx.client.dropAlias(sdk(ctx, { alias: requireString(body, 'aliasName') })))
    return empty
  },

  describe: async (body, ctx) => {
    const r = expectOk(await ctx.client.describeAlias(sdk(ctx, { alias: requireString(body, 'aliasName') })))
    return { data: { aliasName: r.alias, collectionName: r.collection, dbName: r.db_name } }
  },

  list: async (body, ctx) => {
    const r = expectOk(await ctx.client.listAliases(sdk(ctx, defined({ collection_name: optionalString(body, 'collectionName') }))))
    return { data: r.aliases }
  },
}
