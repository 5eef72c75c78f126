import { errors } from '../errors/errors.ts'
import type { Grant } from './access-control.ts'
import type { PasswordHash } from './password-hash.ts'

/** Milvus's built-in names (`util.UserRoot`, `util.RoleAdmin`, `util.RolePublic`, `util.AnyWord`). */
export const ROOT_USER = 'root'
export const ADMIN_ROLE = 'admin'
export const PUBLIC_ROLE = 'public'
export const ANY = '*'
/** Root's password on first start (Milvus `common.security.defaultRootPassword`). */
export const DEFAULT_ROOT_PASSWORD = 'Milvus'
/** 2 added custom privilege groups; a version 1 document is read as one without any. */
export const RBAC_FORMAT_VERSION = 2

/** Milvus `proxy.maxUserNum` and `proxy.maxRoleNum` (the built-in roles count). */
export const USER_COUNT_MAX = 100
export const ROLE_COUNT_MAX = 10
/** Custom privilege groups at most (Milvus has no such limit; the document stays small). */
export const PRIVILEGE_GROUP_COUNT_MAX = 1_000

export interface UserRecord {
  readonly password: PasswordHash
  /** Role names, sorted, without `public` (every user has it implicitly). */
  readonly roles: readonly string[]
}

/** A grant as stored: the role is the key it is kept under. */
export type GrantRecord = Omit<Grant, 'role'>

/** Everything authentication and authorisation know; persisted as one document. */
export interface RbacState {
  readonly version: typeof RBAC_FORMAT_VERSION
  readonly users: Readonly<Record<string, UserRecord>>
  readonly roles: Readonly<Record<string, readonly GrantRecord[]>>
  /** Custom privilege groups (CreatePrivilegeGroup): group name → privilege names, sorted. */
  readonly privilegeGroups: Readonly<Record<string, readonly string[]>>
}

/** What Milvus's `public` role may do on a fresh install (rootcoord `initPublicRolePrivilege`). */
export const PUBLIC_DEFAULT_GRANTS: readonly GrantRecord[] = [
  { objectType: 'Global', objectName: ANY, privilege: 'DescribeCollection', dbName: ANY },
  { objectType: 'Global', objectName: ANY, privilege: 'ListAliases', dbName: ANY },
  { objectType: 'Collection', objectName: ANY, privilege: 'IndexDetail', dbName: ANY },
]

export function initialRbacState(rootPassword: PasswordHash): RbacState {
  return {
    version: RBAC_FORMAT_VERSION,
    users: { [ROOT_USER]: { password: rootPassword, roles: [] } },
    roles: { [ADMIN_ROLE]: [], [PUBLIC_ROLE]: [...PUBLIC_DEFAULT_GRANTS] },
    privilegeGroups: {},
  }
}

/** The same grant: object, privilege and database (who granted it does not count, as in Milvus's key). */
export function sameGrant(a: GrantRecord, b: GrantRecord): boolean {
  return a.objectType === b.objectType && a.objectName === b.objectName && a.privilege === b.privilege && a.dbName === b.dbName
}

/** Checks a loaded document's shape; a damaged one is an error, never a silent reset (that would restore root's default password). */
export function decodeRbacState(doc: unknown, path: string): RbacState {
  const bad = (why: string) => errors.io(`'${path}' is not a valid users and roles document: ${why}`, undefined)
  if (typeof doc !== 'object' || doc === null) throw bad('not an object')
  const d = doc as Record<string, unknown>
  if (d.version !== 1 && d.version !== RBAC_FORMAT_VERSION) throw bad(`version ${String(d.version)}, this build reads 1 to ${RBAC_FORMAT_VERSION}`)
  if (!isRecord(d.users) || !isRecord(d.roles)) throw bad('users or roles missing')
  const groups = d.version === 1 ? {} : d.privilegeGroups
  if (!isRecord(groups)) throw bad('privilegeGroups missing')
  for (const [name, privileges] of Object.entries(groups)) {
    if (!Array.isArray(privileges) || !privileges.every((p) => typeof p === 'string')) throw bad(`privilege group ${name} is malformed`)
  }
  for (const [name, u] of Object.entries(d.users)) {
    if (!isRecord(u) || !isRecord(u.password) || !Array.isArray(u.roles)) throw bad(`user ${name} is malformed`)
  }
  for (const [name, grants] of Object.entries(d.roles)) if (!Array.isArray(grants)) throw bad(`role ${name} is malformed`)
  if (!Object.hasOwn(d.users, ROOT_USER)) throw bad('user root is missing')
  return { ...(doc as RbacState), version: RBAC_FORMAT_VERSION, privilegeGroups: groups as RbacState['privilegeGroups'] }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
