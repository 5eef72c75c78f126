import { errors } from '../errors/errors.ts'
import { validateName } from '../schema/name-rules.ts'
import type { Grant, RbacMeta } from './access-control.ts'
import { validatePrivilegeGroupName, validateRoleName, validateUserName } from './auth-names.ts'
import { builtinGroupOf, isKnownPrivilege } from './privilege-catalog.ts'
import { BCRYPT_COST_MAX, decodePasswordHash, encodePasswordHash } from './password-hash.ts'
import {
  ADMIN_ROLE,
  ANY,
  type GrantRecord,
  PRIVILEGE_GROUP_COUNT_MAX,
  PUBLIC_ROLE,
  ROLE_COUNT_MAX,
  ROOT_USER,
  type RbacState,
  sameGrant,
  USER_COUNT_MAX,
  type UserRecord,
} from './rbac-state.ts'
import { OBJECT_TYPES, type ObjectType } from './rpc-privileges.ts'

const DEFAULT_DB_NAME = 'default'

/**
 * Milvus `BackupRBAC` (kv catalog): every user but `root` with its password hash and roles, every
 * role but `admin` and `public`, those roles' grants, the custom privilege groups.
 */
export function backupOf(s: RbacState): RbacMeta {
  const builtin = (role: string) => role === ADMIN_ROLE || role === PUBLIC_ROLE
  const users = Object.keys(s.users)
    .filter((u) => u !== ROOT_USER)
    .sort()
    .map((user) => ({ user, password: encodePasswordHash(s.users[user]!.password), roles: [...s.users[user]!.roles] }))
  const roles = Object.keys(s.roles)
    .filter((r) => !builtin(r))
    .sort()
  const grants: Grant[] = roles.flatMap((role) => s.roles[role]!.map((g) => ({ role, ...g })))
  const privilegeGroups = Object.keys(s.privilegeGroups)
    .sort()
    .map((name) => ({ name, privileges: [...s.privilegeGroups[name]!] }))
  return { users, roles, grants, privilegeGroups }
}

/**
 * Milvus `CheckIfRBACRestorable` + `RestoreRBAC`, all or nothing: refused when the backup is empty,
 * or names a role, group or user that exists already, a grant of an unknown privilege, a user in
 * an unknown role. Quiver also refuses a password that is neither its own scrypt hash nor a bcrypt
 * hash (what a Milvus backup holds; checked as Milvus checks it) and anything past the limits.
 */
export function withRestored(s: RbacState, meta: RbacMeta): RbacState {
  if (meta.users.length === 0 && meta.roles.length === 0 && meta.grants.length === 0 && meta.privilegeGroups.length === 0) {
    throw errors.invalid('rbac meta is empty')
  }
  const roles: Record<string, readonly GrantRecord[]> = { ...s.roles }
  for (const role of meta.roles) {
    if (Object.hasOwn(roles, validateRoleName(role))) throw errors.invalid(`role [${role}] already exists`)
    roles[role] = []
  }
  const privilegeGroups: Record<string, readonly string[]> = { ...s.privilegeGroups }
  for (const g of meta.privilegeGroups) {
    if (Object.hasOwn(privilegeGroups, validatePrivilegeGroupName(g.name))) throw errors.invalid(`privilege group [${g.name}] already exists`)
    privilegeGroups[g.name] = [...new Set(g.privileges)].sort()
  }
  for (const [name, privileges] of Object.entries(privilegeGroups)) {
    for (const p of privileges) if (!isKnownPrivilege(p) && !Object.hasOwn(privilegeGroups, p)) throw errors.invalid(`privilege [${p}] of privilege group [${name}] does not exist`)
  }
  for (const grant of meta.grants) {
    const record = restoredGrant(grant, privilegeGroups)
    const current = Object.hasOwn(roles, grant.role) ? roles[grant.role]! : undefined
    if (current === undefined) throw errors.invalid(`role [${grant.role}] of a grant does not exist`)
    if (!current.some((g) => sameGrant(g, record))) roles[grant.role] = [...current, record]
  }
  const users: Record<string, UserRecord> = { ...s.users }
  for (const u of meta.users) {
    if (Object.hasOwn(users, validateUserName(u.user))) throw errors.invalid(`user [${u.user}] already exists`)
    for (const role of u.roles) if (!Object.hasOwn(roles, role)) throw errors.invalid(`role [${role}] does not exist`)
    const password = decodePasswordHash(u.password)
    if (password === undefined) {
      throw errors.invalid(`the password of user [${u.user}] is not a password hash Quiver can check (its own $scrypt$…, or bcrypt of cost 4 to ${BCRYPT_COST_MAX} as Milvus writes)`)
    }
    users[u.user] = { password, roles: [...new Set(u.roles.filter((r) => r !== PUBLIC_ROLE))].sort() }
  }
  checkLimits(Object.keys(users).length, Object.keys(roles).length, Object.keys(privilegeGroups).length)
  return { ...s, users, roles, privilegeGroups }
}

function restoredGrant(grant: Grant, groups: Readonly<Record<string, readonly string[]>>): GrantRecord {
  const objectType = grant.objectType as ObjectType
  if (!OBJECT_TYPES.includes(objectType)) throw errors.invalid(`not found the object type[name: ${grant.objectType}] of a grant of role [${grant.role}]`)
  const privilege = builtinGroupOf(grant.privilege) ?? grant.privilege
  if (!isKnownPrivilege(privilege) && !Object.hasOwn(groups, privilege)) throw errors.invalid(`privilege [${grant.privilege}] does not exist`)
  if (grant.objectName === '') throw errors.invalid(`the object name of a grant of role [${grant.role}] should not be empty`)
  // Milvus stores a grant without a database under `default`.
  const dbName = grant.dbName === ANY ? ANY : validateName(grant.dbName === '' ? DEFAULT_DB_NAME : grant.dbName, 'database')
  return { objectType, objectName: grant.objectName, privilege, dbName, ...(grant.grantor === undefined || grant.grantor === '' ? {} : { grantor: grant.grantor }) }
}

function checkLimits(userCount: number, roleCount: number, groupCount: number): void {
  if (userCount > USER_COUNT_MAX) throw errors.invalid(`unable to restore because the number of users would exceed the limit ${USER_COUNT_MAX}`)
  if (roleCount > ROLE_COUNT_MAX) throw errors.invalid(`unable to restore because the number of roles would exceed the limit ${ROLE_COUNT_MAX}`)
  if (groupCount > PRIVILEGE_GROUP_COUNT_MAX) {
    throw errors.invalid(`unable to restore because the number of privilege groups would exceed the limit ${PRIVILEGE_GROUP_COUNT_MAX}`)
  }
}
