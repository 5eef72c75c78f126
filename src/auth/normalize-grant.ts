import { errors } from '../errors/errors.ts'
import { validateName } from '../schema/name-rules.ts'
import type { Grant, GrantV2 } from './access-control.ts'
import { validateRoleName } from './auth-names.ts'
import {
  builtinGroupOf,
  type CustomGroups,
  isClusterPrivilege,
  isKnownPrivilege,
  PRIVILEGE_ALL,
  privilegeGroups,
  privilegeLevelOf,
  privilegesByObjectType,
} from './privilege-catalog.ts'
import { ANY, type GrantRecord } from './rbac-state.ts'
import { OBJECT_TYPES, type ObjectType } from './rpc-privileges.ts'

export interface NormalizedGrant {
  readonly role: string
  readonly record: GrantRecord
}

/**
 * Checks a grant as Milvus's `OperatePrivilege` (v1) does (rootcoord `isValidPrivilege`): a known
 * object type, a privilege of that type (groups, built-in or custom, only through v2), a valid
 * object name. Cluster-level privileges are stored with database `*`, Global ones with object `*`.
 */
export function normalizeGrant(grant: Grant, custom: CustomGroups): NormalizedGrant {
  const role = validateRoleName(grant.role)
  const objectType = grant.objectType as ObjectType
  if (!OBJECT_TYPES.includes(objectType)) {
    throw errors.invalid(`not found the object type[name: ${grant.objectType}], supported the object types: ${OBJECT_TYPES.join(', ')}`)
  }
  const privilege = grant.privilege
  if (Object.hasOwn(custom, privilege)) throw errors.invalid(`can not operate the custom privilege group [${privilege}]`)
  if (builtinGroupOf(privilege) !== undefined) throw errors.invalid(`can not operate the built-in privilege group [${privilege}]`)
  if (!privilegesByObjectType[objectType].has(privilege)) {
    throw errors.invalid(`not found the privilege name[${privilege}] in object[${objectType}]`)
  }
  const objectName = objectType === 'Global' ? ANY : validObjectName(objectType, grant.objectName)
  return { role, record: { objectType, objectName, privilege, dbName: dbNameOf(privilege, grant.dbName), ...grantorOf(grant) } }
}

/**
 * Checks a grant as Milvus's `OperatePrivilegeV2` does (rootcoord `isValidPrivilegeV2` and
 * `validatePrivilegeGroupParams`): any privilege, built-in group or custom group; a group's level
 * decides which of database and collection must be `*`. The object type is the privilege's own
 * (`util.GetObjectType`: Collection or User privileges, else Global, groups included).
 */
export function normalizeGrantV2(grant: GrantV2, custom: CustomGroups): NormalizedGrant {
  const role = validateRoleName(grant.role)
  const privilege = builtinGroupOf(grant.privilege) ?? grant.privilege
  const isCustom = Object.hasOwn(custom, privilege)
  if (!isCustom && !isKnownPrivilege(privilege)) throw errors.invalid(`not found the privilege name[${privilege}]`)
  const collectionName = grant.collectionName === '' ? ANY : grant.collectionName
  const dbName = grant.dbName === '' ? ANY : grant.dbName
  const members = isCustom ? custom[privilege]! : Object.hasOwn(privilegeGroups, privilege) ? privilegeGroups[privilege]! : []
  if (members.length > 0) checkGroupScope(privilege, members[0]!, dbName, collectionName)
  const objectType = objectTypeOf(privilege)
  const objectName = validObjectName(objectType === 'User' ? 'User' : 'Collection', collectionName)
  return { role, record: { objectType, objectName, privilege, dbName: dbNameOf(privilege, dbName), ...grantorOf(grant) } }
}

function grantorOf(grant: { readonly grantor?: string }): { grantor?: string } {
  return grant.grantor === undefined || grant.grantor === '' ? {} : { grantor: grant.grantor }
}

/** Milvus `util.GetObjectType`: where a privilege is listed; groups and the rest are Global. */
export function objectTypeOf(privilege: string): ObjectType {
  if (privilege === PRIVILEGE_ALL || builtinGroupOf(privilege) !== undefined) return 'Global'
  if (privilegesByObjectType.Collection.has(privilege)) return 'Collection'
  if (privilegesByObjectType.User.has(privilege)) return 'User'
  return 'Global'
}

/** Milvus `validatePrivilegeGroupParams`: the group's first privilege decides its level. */
function checkGroupScope(group: string, first: string, dbName: string, collectionName: string): void {
  const level = privilegeLevelOf(first)
  if (level === 'Cluster' && (dbName !== ANY || collectionName !== ANY)) {
    throw errors.invalid(`dbName and collectionName should be * for the cluster level privilege: ${group}`)
  }
  if (level === 'Database' && collectionName !== ANY) throw errors.invalid(`collectionName should be * for the database level privilege: ${group}`)
  if (level === 'Collection' && dbName === ANY && collectionName !== ANY) {
    throw errors.invalid(`please specify database name for the collection level privilege: ${group}`)
  }
  if (level === undefined) throw errors.invalid(`not found the privilege level of the privilege group: ${group}`)
}

function dbNameOf(privilege: string, dbName: string): string {
  return isClusterPrivilege(privilege) || dbName === ANY ? ANY : validateName(dbName, 'database')
}

function validObjectName(objectType: ObjectType, name: string): string {
  if (name === ANY) return name
  if (typeof name !== 'string' || name === '') throw errors.invalid('the object name in the grant entity should not be empty')
  if (objectType === 'Collection') return validateName(name, 'collection')
  return name
}
