import { aliasRoutes } from './alias-routes.ts'
import { collectionRoutes } from './collection-routes.ts'
import { commonRoutes } from './common-routes.ts'
import { databaseRoutes } from './database-routes.ts'
import { entityRoutes } from './entity-routes.ts'
import { jobRoutes } from './import-routes.ts'
import { indexRoutes } from './index-routes.ts'
import { partitionRoutes } from './partition-routes.ts'
import { restMethods } from './rest-methods.ts'
import type { RestRoute, RestRouteTable } from './rest-route.ts'
import { privilegeGroupRoutes } from './privilege-group-routes.ts'
import { roleRoutes, userRoutes } from './user-routes.ts'

/** Every path of the API starts with this. */
export const REST_PREFIX = '/v2/vectordb/'

/** Handlers by category, then action: `/v2/vectordb/<category>/<action>`. */
export const restHandlers: Readonly<Record<string, RestRouteTable>> = {
  collections: collectionRoutes,
  entities: entityRoutes,
  partitions: partitionRoutes,
  indexes: indexRoutes,
  aliases: aliasRoutes,
  databases: databaseRoutes,
  users: userRoutes,
  roles: roleRoutes,
  privilege_groups: privilegeGroupRoutes,
  jobs: jobRoutes,
  common: commonRoutes,
}

/** The route of a path, or undefined (HTTP 404). */
export function findRoute(path: string): RestRoute | undefined {
  if (!path.startsWith(REST_PREFIX)) return undefined
  const endpoint = path.slice(REST_PREFIX.length)
  const rpc = Object.hasOwn(restMethods, endpoint) ? restMethods[endpoint] : undefined
  // `<category>/<action>`; the action may have a slash of its own (`collections/fields/add`).
  const slash = endpoint.indexOf('/')
  const category = slash < 0 ? endpoint : endpoint.slice(0, slash)
  const action = slash < 0 ? '' : endpoint.slice(slash + 1)
  const table = Object.hasOwn(restHandlers, category) ? restHandlers[category] : undefined
  const handle = table !== undefined && Object.hasOwn(table, action) ? table[action] : undefined
  return rpc === undefined || handle === undefined ? undefined : { rpc, handle }
}
