import { errors } from '../errors/errors.ts'
import type { PrivilegeGroup } from './access-control.ts'
import { validatePrivilegeGroupName } from './auth-names.ts'
import { builtinGroupOf, isKnownPrivilege, privilegeGroups, privilegeLevelOf } from './privilege-catalog.ts'
import { PRIVILEGE_GROUP_COUNT_MAX, type RbacState } from './rbac-state.ts'

/**
 * Custom privilege groups as Milvus's rootcoord keeps them (`CheckIfPrivilegeGroupCreatable`,
 * `…Alterable`, `…Dropable`, `OperatePrivilegeGroup`): each function checks, then returns the next
 * state; a refused change throws and returns nothing.
 */

export function withGroupCreated(s: RbacState, name: string): RbacState {
  validatePrivilegeGroupName(name)
  if (Object.hasOwn(s.privilegeGroups, name)) throw errors.invalid(`privilege group name [${name}] is defined by users`)
  if (isKnownPrivilege(name) || builtinGroupOf(name) !== undefined) {
    throw errors.invalid(`privilege group name [${name}] is defined by built in privileges or privilege groups in system`)
  }
  if (Object.keys(s.privilegeGroups).length >= PRIVILEGE_GROUP_COUNT_MAX) {
    throw errors.invalid(`unable to create privilege group because the number of privilege groups has reached the limit ${PRIVILEGE_GROUP_COUNT_MAX}`)
  }
  return { ...s, privilegeGroups: { ...s.privilegeGroups, [name]: [] } }
}

/** Refused for a group that is not custom, or that a role is granted. */
export function withGroupDropped(s: RbacState, name: string): RbacState {
  validatePrivilegeGroupName(name)
  if (!Object.hasOwn(s.privilegeGroups, name)) throw errors.invalid(`not a custom privilege group [${name}]`)
  for (const [role, grants] of Object.entries(s.roles)) {
    if (grants.some((g) => g.privilege === name)) throw errors.invalid(`privilege group [${name}] is used by role [${role}], Use REVOKE API to revoke it first`)
  }
  const privilegeGroups = { ...s.privilegeGroups }
  delete privilegeGroups[name]
  return { ...s, privilegeGroups }
}

export type GroupOperation = 'add' | 'remove'

/** Adds or removes privileges; added ones must all be of one level (cluster, database or collection). */
export function withGroupOperated(s: RbacState, name: string, privileges: readonly string[], op: GroupOperation): RbacState {
  validatePrivilegeGroupName(name)
  const current = Object.hasOwn(s.privilegeGroups, name) ? s.privilegeGroups[name]! : undefined
  if (current === undefined) throw errors.invalid(`there is no privilege group name [${name}] defined in system to operate`)
  if (privileges.length === 0) throw errors.invalid('privileges is empty when alter the privilege group')
  for (const p of privileges) {
    if (!isKnownPrivilege(p) && !Object.hasOwn(s.privilegeGroups, p)) {
      throw errors.invalid(`there is no privilege name or privilege group name [${p}] defined in system to operate`)
    }
  }
  const next = new Set(current)
  if (op === 'add') {
    const levels = new Set([...privileges, ...current].map((p) => privilegeLevelOf(p) ?? ''))
    if (levels.size > 1) throw errors.invalid('privileges are not the same privilege level')
    for (const p of privileges) next.add(p)
  } else {
    for (const p of privileges) next.delete(p)
  }
  return { ...s, privilegeGroups: { ...s.privilegeGroups, [name]: [...next].sort() } }
}

/** ListPrivilegeGroups: the custom groups (sorted by name), then the built-in ones. */
export function listedGroups(s: RbacState): PrivilegeGroup[] {
  const custom = Object.keys(s.privilegeGroups)
    .sort()
    .map((name) => ({ name, privileges: [...s.privilegeGroups[name]!] }))
  const builtin = Object.entries(privilegeGroups).map(([name, privileges]) => ({ name, privileges: [...privileges] }))
  return [...custom, ...builtin]
}
