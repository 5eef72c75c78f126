import type { AccessControl, Grant, GrantV2, RbacMeta, UserAdmin } from '../../../auth/access-control.ts'
import { ROOT_USER } from '../../../auth/rbac-state.ts'
import { errors } from '../../../errors/errors.ts'
import type { HandlerTable, ServiceDeps, Wire } from '../handler.ts'
import { okStatus } from '../wire-status.ts'

type Access = AccessControl & UserAdmin

/** CreatePrivilegeGroup, DropPrivilegeGroup, ListPrivilegeGroups, OperatePrivilegeGroup, BackupRBAC, RestoreRBAC. */
const privilegeGroupHandlers: HandlerTable = {
  CreatePrivilegeGroup: async (req, _ctx, deps) => {
    await accessOf(deps, 'CreatePrivilegeGroup').createPrivilegeGroup(str(req.group_name).trim())
    return okStatus()
  },
  DropPrivilegeGroup: async (req, _ctx, deps) => {
    await accessOf(deps, 'DropPrivilegeGroup').dropPrivilegeGroup(str(req.group_name))
    return okStatus()
  },
  ListPrivilegeGroups: async (_req, _ctx, deps) => ({
    status: okStatus(),
    privilege_groups: (await accessOf(deps, 'ListPrivilegeGroups').listPrivilegeGroups()).map((g) => ({ group_name: g.name, privileges: g.privileges.map((name) => ({ name })) })),
  }),
  OperatePrivilegeGroup: async (req, _ctx, deps) => {
    const access = accessOf(deps, 'OperatePrivilegeGroup')
    const privileges = (Array.isArray(req.privileges) ? req.privileges : []).map((p: Wire) => str(p?.name))
    const name = str(req.group_name)
    await (req.type === 'RemovePrivilegesFromGroup' ? access.removePrivilegesFromGroup(name, privileges) : access.addPrivilegesToGroup(name, privileges))
    return okStatus()
  },
  BackupRBAC: async (_req, _ctx, deps) => ({ status: okStatus(), RBAC_meta: wireMetaOf(await accessOf(deps, 'BackupRBAC').backupRbac()) }),
  RestoreRBAC: async (req, _ctx, deps) => {
    await accessOf(deps, 'RestoreRBAC').restoreRbac(metaOf(req.RBAC_meta ?? {}))
    return okStatus()
  },
}

/**
 * Users, roles, privileges and privilege groups (Milvus's RBAC RPCs) over `deps.access`, whether
 * authorization is on or off (off: kept, not enforced). Passwords arrive base64 encoded
 * (CreateCredential, UpdateCredential) and are never logged or echoed. A server started without
 * any access control (embedding `startGrpcServer` alone) answers 3000.
 */
export const authHandlers: HandlerTable = {
  CreateCredential: async (req, _ctx, deps) => {
    await accessOf(deps, 'CreateCredential').createUser(str(req.username), decodePassword(req.password))
    return okStatus()
  },
  UpdateCredential: async (req, ctx, deps) => {
    const access = accessOf(deps, 'UpdateCredential')
    const user = str(req.username)
    if (str(req.newPassword) === '') return okStatus() // a description-only update: descriptions are not kept
    const skipOld = ctx.user !== undefined && ctx.user !== user && (await isAdmin(access, ctx.user))
    await access.updatePassword(user, skipOld ? undefined : decodePassword(req.oldPassword), decodePassword(req.newPassword))
    return okStatus()
  },
  DeleteCredential: async (req, _ctx, deps) => {
    await accessOf(deps, 'DeleteCredential').dropUser(str(req.username))
    return okStatus()
  },
  ListCredUsers: async (_req, _ctx, deps) => ({ status: okStatus(), usernames: await accessOf(deps, 'ListCredUsers').listUsers() }),

  CreateRole: async (req, _ctx, deps) => {
    await accessOf(deps, 'CreateRole').createRole(str(req.entity?.name))
    return okStatus()
  },
  DropRole: async (req, _ctx, deps) => {
    await accessOf(deps, 'DropRole').dropRole(str(req.role_name), { force: req.force_drop === true })
    return okStatus()
  },
  OperateUserRole: async (req, _ctx, deps) => {
    const access = accessOf(deps, 'OperateUserRole')
    if (req.type === 'RemoveUserFromRole') await access.revokeRole(str(req.username), str(req.role_name))
    else await access.grantRole(str(req.username), str(req.role_name))
    return okStatus()
  },
  SelectRole: async (req, _ctx, deps) => ({ status: okStatus(), results: await selectRoles(accessOf(deps, 'SelectRole'), str(req.role?.name), req.include_user_info === true) }),
  SelectUser: async (req, _ctx, deps) => ({ status: okStatus(), results: await selectUsers(accessOf(deps, 'SelectUser'), str(req.user?.name), req.include_role_info === true) }),

  OperatePrivilege: async (req, ctx, deps) => {
    const e: Wire = req.entity ?? {}
    const grant: Grant = {
      role: str(e.role?.name),
      objectType: str(e.object?.name),
      objectName: str(e.object_name),
      privilege: str(e.grantor?.privilege?.name),
      dbName: str(e.db_name) || ctx.dbName,
      grantor: ctx.user ?? ROOT_USER,
    }
    await operate(accessOf(deps, 'OperatePrivilege'), req.type, grant)
    return okStatus()
  },
  OperatePrivilegeV2: async (req, ctx, deps) => {
    const grant: GrantV2 = {
      role: str(req.role?.name),
      privilege: str(req.grantor?.privilege?.name),
      dbName: str(req.db_name) || ctx.dbName,
      collectionName: str(req.collection_name),
      grantor: ctx.user ?? ROOT_USER,
    }
    const access = accessOf(deps, 'OperatePrivilegeV2')
    await (req.type === 'Revoke' ? access.revokePrivilegeV2(grant) : access.grantPrivilegeV2(grant))
    return okStatus()
  },
  SelectGrant: async (req, ctx, deps) => ({ status: okStatus(), entities: await selectGrants(accessOf(deps, 'SelectGrant'), req.entity ?? {}, ctx.dbName) }),
  ...privilegeGroupHandlers,
}

function accessOf(deps: ServiceDeps, rpc: string): Access {
  if (deps.access === undefined) throw errors.notSupported(`${rpc} is not supported by Quiver without access control`)
  return deps.access
}
async function isAdmin(access: Access, user: string): Promise<boolean> {
  return user === 'root' || (await access.describeUser(user)).roles.includes('admin')
}

function operate(access: Access, type: unknown, grant: Grant): Promise<void> {
  return type === 'Revoke' ? access.revokePrivilege(grant) : access.grantPrivilege(grant)
}


async function selectRoles(access: Access, role: string, withUsers: boolean): Promise<Wire[]> {
  const all = await access.listRoles()
  const roles = role === '' ? all : all.filter((r) => r === role)
  const members = withUsers ? await membersByRole(access) : new Map<string, string[]>()
  return roles.map((r) => ({ role: { name: r, description: '' }, users: (members.get(r) ?? []).map((name) => ({ name })) }))
}

async function membersByRole(access: Access): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>()
  for (const user of await access.listUsers()) {
    for (const role of (await access.describeUser(user)).roles) out.set(role, [...(out.get(role) ?? []), user])
  }
  return out
}

async function selectUsers(access: Access, user: string, withRoles: boolean): Promise<Wire[]> {
  const all = await access.listUsers()
  const users = user === '' ? all : all.filter((u) => u === user)
  const out: Wire[] = []
  for (const name of users) {
    const roles = withRoles ? (await access.describeUser(name)).roles : []
    out.push({ user: { name }, roles: roles.map((r) => ({ name: r, description: '' })), description: '' })
  }
  return out
}

/**
 * The role's grants, narrowed by the entity's object type and object name when given, and by its
 * database: empty means the call's database (Milvus fills it in), `*` means every database.
 */
async function selectGrants(access: Access, entity: Wire, callDb: string): Promise<Wire[]> {
  const role = str(entity.role?.name)
  if (role === '') throw errors.invalid('the role name in the grant entity should not be empty')
  const objectType = str(entity.object?.name)
  const objectName = str(entity.object_name)
  const db = str(entity.db_name) || callDb
  const grants = (await access.describeRole(role)).filter(
    (g) => (objectType === '' || g.objectType === objectType) && (objectName === '' || g.objectName === objectName) && (db === '*' || g.dbName === db),
  )
  return grants.map(grantEntityOf)
}

function grantEntityOf(g: Grant): Wire {
  return {
    role: { name: g.role },
    object: { name: g.objectType },
    object_name: g.objectName,
    grantor: { user: { name: g.grantor ?? '' }, privilege: { name: g.privilege } },
    db_name: g.dbName,
  }
}

function wireMetaOf(m: RbacMeta): Wire {
  return {
    users: m.users.map((u) => ({ user: u.user, password: u.password, roles: u.roles.map((name) => ({ name })) })),
    roles: m.roles.map((name) => ({ name })),
    grants: m.grants.map(grantEntityOf),
    privilege_groups: m.privilegeGroups.map((g) => ({ group_name: g.name, privileges: g.privileges.map((name) => ({ name })) })),
  }
}

function metaOf(w: Wire): RbacMeta {
  const list = (v: unknown): Wire[] => (Array.isArray(v) ? v : [])
  return {
    users: list(w.users).map((u) => ({ user: str(u.user), password: str(u.password), roles: list(u.roles).map((r) => str(r?.name)) })),
    roles: list(w.roles).map((r) => str(r?.name)),
    grants: list(w.grants).map((g) => ({
      grantor: str(g.grantor?.user?.name),
      role: str(g.role?.name),
      objectType: str(g.object?.name),
      objectName: str(g.object_name),
      privilege: str(g.grantor?.privilege?.name),
      dbName: str(g.db_name),
    })),
    privilegeGroups: list(w.privilege_groups).map((g) => ({ name: str(g.group_name), privileges: list(g.privileges).map((p) => str(p?.name)) })),
  }
}

function decodePassword(v: unknown): string {
  return Buffer.from(str(v), 'base64').toString('utf8')
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : ''
}
