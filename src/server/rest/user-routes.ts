import type { Grant, GrantV2 } from '../../auth/access-control.ts'
import { errors } from '../../errors/errors.ts'
import { requireString, type RestBody } from './rest-params.ts'
import { empty, type RestAccess, type RestContext, type RestRouteTable } from './rest-route.ts'

/** The server's user management (kept with authorization off too); a REST server built without any answers 3000. */
export function admin(ctx: RestContext): RestAccess {
  if (ctx.access === undefined) throw errors.notSupported('this server has no users or roles to manage')
  return ctx.access
}

/** users/*: list, describe, create, drop, update_password, grant_role, revoke_role (over `UserAdmin`). */
export const userRoutes: RestRouteTable = {
  list: async (_body, ctx) => ({ data: await admin(ctx).listUsers() }),

  describe: async (body, ctx) => {
    // Milvus answers the user's role names.
    const d = await admin(ctx).describeUser(requireString(body, 'userName'))
    return { data: [...d.roles] }
  },

  create: async (body, ctx) => {
    await admin(ctx).createUser(requireString(body, 'userName'), requireString(body, 'password'))
    return empty
  },

  drop: async (body, ctx) => {
    await admin(ctx).dropUser(requireString(body, 'userName'))
    return empty
  },

  update_password: async (body, ctx) => {
    await admin(ctx).updatePassword(requireString(body, 'userName'), requireString(body, 'password'), requireString(body, 'newPassword'))
    return empty
  },

  grant_role: async (body, ctx) => {
    await admin(ctx).grantRole(requireString(body, 'userName'), requireString(body, 'roleName'))
    return empty
  },

  revoke_role: async (body, ctx) => {
    await admin(ctx).revokeRole(requireString(body, 'userName'), requireString(body, 'roleName'))
    return empty
  },
}

/** roles/*: list, describe, create, drop, grant_privilege(_v2), revoke_privilege(_v2) (over `UserAdmin`). */
export const roleRoutes: RestRouteTable = {
  list: async (_body, ctx) => ({ data: await admin(ctx).listRoles() }),

  describe: async (body, ctx) => ({ data: (await admin(ctx).describeRole(requireString(body, 'roleName'))).map(restGrantOf) }),

  create: async (body, ctx) => {
    await admin(ctx).createRole(requireString(body, 'roleName'))
    return empty
  },

  drop: async (body, ctx) => {
    await admin(ctx).dropRole(requireString(body, 'roleName'))
    return empty
  },

  grant_privilege: async (body, ctx) => {
    await admin(ctx).grantPrivilege(grantOf(body, ctx))
    return empty
  },

  revoke_privilege: async (body, ctx) => {
    await admin(ctx).revokePrivilege(grantOf(body, ctx))
    return empty
  },

  grant_privilege_v2: async (body, ctx) => {
    await admin(ctx).grantPrivilegeV2(grantV2Of(body, ctx))
    return empty
  },

  revoke_privilege_v2: async (body, ctx) => {
    await admin(ctx).revokePrivilegeV2(grantV2Of(body, ctx))
    return empty
  },
}

/** `{ roleName, privilege, collectionName, dbName? }` → a v2 grant (the request's database). */
function grantV2Of(body: RestBody, ctx: RestContext): GrantV2 {
  return {
    role: requireString(body, 'roleName'),
    privilege: requireString(body, 'privilege'),
    collectionName: requireString(body, 'collectionName'),
    dbName: ctx.dbName,
    grantor: ctx.principal.user,
  }
}

/** `{ roleName, objectType, objectName, privilege, dbName? }` → a grant. */
function grantOf(body: RestBody, ctx: RestContext): Grant {
  return {
    role: requireString(body, 'roleName'),
    objectType: requireString(body, 'objectType'),
    objectName: requireString(body, 'objectName'),
    privilege: requireString(body, 'privilege'),
    dbName: ctx.dbName,
    grantor: ctx.principal.user,
  }
}

function restGrantOf(g: Grant): Record<string, unknown> {
  return { roleName: g.role, objectType: g.objectType, objectName: g.objectName, privilege: g.privilege, dbName: g.dbName, grantor: g.grantor ?? '' }
}
