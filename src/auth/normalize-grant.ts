import { errors } from '../errors/errors.ts'
import { validateName } from '../schema/name-rules.ts'
import type { Grant } from './access-control.ts'
import { validateRoleName } from './auth-names.ts'
import { isClusterPrivilege, privilegeGroups, privilegesByObjectType } from './privilege-catalog.ts'
import { ANY, type GrantRecord } from './rbac-state.ts'
import { OBJECT_TYPES, type ObjectType } from './rpc-privileges.ts'

/**
 * Checks a grant as Milvus's `OperatePrivilege` does (known object type, a privilege valid for it,
 * a valid object name) and stores cluster-level privileges with database `*`.
 */
export function normalizeGrant(grant: Grant): { readonly role: string; readonly record: GrantRecord } {
  const role = validateRoleName(grant.role)
  const objectType = grant.objectType as ObjectType
  if (!OBJECT_TYPES.includes(objectType)) {
    throw errors.invalid(`not found the object type[name: ${grant.objectType}], supported the object types: ${OBJECT_TYPES.join(', ')}`)
  }
  const privilege = grant.privilege
  const isGroup = Object.hasOwn(privilegeGroups, privilege)
  if (!privilegesByObjectType[objectType].has(privilege) && !isGroup) {
    throw errors.invalid(`not found the privilege name[${privilege}] in object type[${objectType}]`)
  }
  const objectName = validObjectName(objectType, grant.objectName)
  const dbName = isClusterPrivilege(privilege) || grant.dbName === ANY ? ANY : validateName(grant.dbName, 'database')
  return { role, record: { objectType, objectName, privilege, dbName } }
}

function validObjectName(objectType: ObjectType, name: string): string {
  if (name === ANY) return name
  if (typeof name !== 'string' || name === '') throw errors.invalid('the object name in the grant entity should not be empty')
  if (objectType === 'Collection') return validateName(name, 'collection')
  return name
}
