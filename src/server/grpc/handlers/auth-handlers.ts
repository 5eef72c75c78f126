import type { AccessControl, Grant, UserAdmin } from '../../../auth/access-control.ts'
import { privilegeGroups, privilegesByObjectType } from '../../../auth/privilege-catalog.ts'
import { errors } from '../../../errors/errors.ts'
import type { HandlerTable, ServiceDeps, Wire } from '../handler.ts'
import { okStatus } from '../wire-status.ts'

type Access = AccessControl & UserAdmin

/**
 * Users, roles and privileges (Milvus's RBAC RPCs) over `deps.access`. Passwords arrive base64
 * encoded (CreateCredential, UpdateCredential) and are never logged or echoed. Without access
 * control the RPCs answer 3000, as before.
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
    await accessOf(deps, 'DropRole').dropRole(str(req.role_name))
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
    }
    await operate(accessOf(deps, 'OperatePrivilege'), req.type, grant)
    return okStatus()
  },
  OperatePrivilegeV2: async (req, ctx, deps) => {
    const privilege = str(req.grantor?.privilege?.name)
    const grant: Grant = {
      role: str(req.role?.name),
      objectType: objectTypeOf(privilege),
      objectName: str(req.collection_name) || '*',
      privilege,
      dbName: str(req.db_name) || ctx.dbName,
    }
    await operate(accessOf(deps, 'OperatePrivilegeV2'), req.type, grant)
    return okStatus()
  },
  SelectGrant: async (req, _ctx, deps) => ({ status: okStatus(), entities: await selectGrants(accessOf(deps, 'SelectGrant'), req.entity ?? {}) }),
}

function accessOf(deps: ServiceDeps, rpc: string): Access {
  if (deps.access === undefined) throw errors.notSupported(`${rpc} is not supported by Quiver without access control (start the server with authorization enabled)`)
  return deps.access
}

async function isAdmin(access: Access, user: string): Promise<boolean> {
  return user === 'root' || (await access.describeUser(user)).roles.includes('admin')
}

function operate(access: Access, type: unknown, grant: Grant): Promise<void> {
  return type === 'Revoke' ? access.revokePrivilege(grant) : access.grantPrivilege(grant)
}

/** OperatePrivilegeV2 names no object type: collection-level privileges go on collections, groups and the rest on Global. */
function objectTypeOf(privilege: string): string {
  if (Object.hasOwn(privilegeGroups, privilege)) return 'Global'
  if (privilegesByObjectType.Collection.has(privilege)) return 'Collection'
  if (privilegesByObjectType.User.has(privilege)) return 'User'
  return 'Global'
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

/** The role's grants, narrowed by the entity's object type, object name and database when given (`*` or empty: all). */
async function selectGrants(access: Access, entity: Wire): Promise<Wire[]> {
  const role = str(entity.role?.name)
  if (role === '') throw errors.invalid('the role name in the grant entity should not be empty')
  const objectType = str(entity.object?.name)
  const objectName = str(entity.object_name)
  const db = str(entity.db_name)
  const grants = (await access.describeRole(role)).filter(
    (g) => (objectType === '' || g.objectType === objectType) && (objectName === '' || g.objectName === objectName) && (db === '' || db === '*' || g.dbName === db),
  )
  return grants.map((g) => ({
    role: { name: g.role, description: '' },
    object: { name: g.objectType },
    object_name: g.objectName,
    grantor: { user: { name: '' }, privilege: { name: g.privilege } },
    db_name: g.dbName,
  }))
}

function decodePassword(v: unknown): string {
  return Buffer.from(str(v), 'base64').toString('utf8')
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : ''
}
