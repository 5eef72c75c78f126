import { requireString, requireStringList } from './rest-params.ts'
import { empty, type RestRouteTable } from './rest-route.ts'
import { admin } from './user-routes.ts'

/**
 * privilege_groups/*: create, drop, list, add_privileges_to_group, remove_privileges_from_group
 * (body `{ privilegeGroupName, privileges? }`). `list` answers Milvus's shape:
 * `{ privilegeGroups: [{ privilegeGroupName, privileges: "Query,Search" }] }`, custom groups first.
 */
export const privilegeGroupRoutes: RestRouteTable = {
  create: async (body, ctx) => {
    await admin(ctx).createPrivilegeGroup(requireString(body, 'privilegeGroupName'))
    return empty
  },

  drop: async (body, ctx) => {
    await admin(ctx).dropPrivilegeGroup(requireString(body, 'privilegeGroupName'))
    return empty
  },

  list: async (_body, ctx) => {
    const groups = await admin(ctx).listPrivilegeGroups()
    return { data: { privilegeGroups: groups.map((g) => ({ privilegeGroupName: g.name, privileges: g.privileges.join(',') })) } }
  },

  add_privileges_to_group: async (body, ctx) => {
    await admin(ctx).addPrivilegesToGroup(requireString(body, 'privilegeGroupName'), requireStringList(body, 'privileges'))
    return empty
  },

  remove_privileges_from_group: async (body, ctx) => {
    await admin(ctx).removePrivilegesFromGroup(requireString(body, 'privilegeGroupName'), requireStringList(body, 'privileges'))
    return empty
  },
}
