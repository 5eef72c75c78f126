import type { AccessTarget } from './access-control.ts'
import { type CustomGroups, isClusterPrivilege, privilegeCovers } from './privilege-catalog.ts'
import { ADMIN_ROLE, ANY, type GrantRecord, PUBLIC_ROLE, ROOT_USER, type RbacState } from './rbac-state.ts'
import { type RpcPrivilege, privilegeOfRpc } from './rpc-privileges.ts'

/** Why a call was refused: the privilege it needed and the database it was checked in. */
export interface Denial {
  readonly privilege: string
  readonly dbName: string
}

/**
 * Milvus's `PrivilegeInterceptor`: an RPC without a privilege passes; `root` and the `admin` role
 * pass everything; a user acting on themself (User objects) or reading their own role's grants
 * passes; otherwise one of the user's roles (plus `public`) must hold a grant covering the
 * privilege on the object, in the request's database (`*` for cluster-level privileges).
 * Returns undefined when allowed.
 */
export function checkPrivilege(state: RbacState, user: string, rpc: string, target: AccessTarget): Denial | undefined {
  const need = privilegeOfRpc(rpc)
  if (need === undefined || user === ROOT_USER) return undefined
  const roles = rolesOf(state, user)
  if (roles.includes(ADMIN_ROLE)) return undefined
  const objectName = objectNameOf(need, target)
  if (need.objectType === 'User' && objectName === user) return undefined
  if (rpc === 'SelectGrant' && target.roleName !== undefined && roles.includes(target.roleName)) return undefined
  const dbName = isClusterPrivilege(need.privilege) ? ANY : target.dbName
  for (const role of roles) {
    const grants = Object.hasOwn(state.roles, role) ? state.roles[role]! : []
    if (grants.some((g) => grantAllows(g, need, objectName, dbName, state.privilegeGroups))) return undefined
  }
  return { privilege: need.privilege, dbName }
}

/** The user's bound roles plus `public`. */
export function rolesOf(state: RbacState, user: string): string[] {
  const record = Object.hasOwn(state.users, user) ? state.users[user] : undefined
  return [...(record?.roles ?? []), PUBLIC_ROLE]
}

function objectNameOf(need: RpcPrivilege, target: AccessTarget): string {
  if (need.objectType === 'Collection') return target.collectionName === undefined || target.collectionName === '' ? ANY : target.collectionName
  if (need.objectType === 'User') return target.userName ?? ''
  return ANY
}

/**
 * A grant of the privilege itself must be on the same object type; a group (built-in or custom) or
 * `All` covers its privileges whatever the object type it was granted on (Milvus's privilege-group
 * matcher). A custom group covers what it holds when the check runs.
 */
function grantAllows(g: GrantRecord, need: RpcPrivilege, objectName: string, dbName: string, custom: CustomGroups): boolean {
  if (!privilegeCovers(g.privilege, need.privilege, custom)) return false
  if (g.dbName !== ANY && g.dbName !== dbName) return false
  if (g.privilege === need.privilege && g.objectType !== need.objectType) return false
  return g.objectName === ANY || g.objectName === objectName
}
