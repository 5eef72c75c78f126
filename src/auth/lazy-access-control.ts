import type { AccessControl, AccessTarget, Grant, GrantV2, Principal, PrivilegeGroup, RbacMeta, UserAdmin } from './access-control.ts'
import type { RbacAccessControl } from './rbac-access-control.ts'
import { ROOT_USER } from './rbac-state.ts'

/**
 * Access control with authorization off: every call passes as `root` and nothing is enforced, but
 * users, roles, grants and privilege groups are kept, as Milvus keeps them, in the same `rbac.json`
 * the server uses when authorization is on. The document is opened on the first user or role call,
 * not at startup: opening costs scrypt hashes (root's password on first start, a decoy on every
 * start), which an authorization-off start must not pay. A failed open is retried by the next call.
 */
export class LazyAccessControl implements AccessControl, UserAdmin {
  readonly enabled = false
  readonly #open: () => Promise<RbacAccessControl>
  #opening: Promise<RbacAccessControl> | undefined

  constructor(open: () => Promise<RbacAccessControl>) {
    this.#open = open
  }

  /** True once a user or role call has opened the document (tests: startup must not). */
  get opened(): boolean {
    return this.#opening !== undefined
  }

  async authenticate(_credentials: string | undefined, _clientAddress?: string): Promise<Principal> {
    return { user: ROOT_USER }
  }

  async authorize(_principal: Principal, _rpcName: string, _target: AccessTarget): Promise<void> {}

  createUser(user: string, password: string): Promise<void> {
    return this.#rbac().then((a) => a.createUser(user, password))
  }
  updatePassword(user: string, oldPassword: string | undefined, newPassword: string): Promise<void> {
    return this.#rbac().then((a) => a.updatePassword(user, oldPassword, newPassword))
  }
  dropUser(user: string): Promise<void> {
    return this.#rbac().then((a) => a.dropUser(user))
  }
  listUsers(): Promise<string[]> {
    return this.#rbac().then((a) => a.listUsers())
  }
  describeUser(user: string): Promise<{ readonly user: string; readonly roles: readonly string[] }> {
    return this.#rbac().then((a) => a.describeUser(user))
  }
  createRole(role: string): Promise<void> {
    return this.#rbac().then((a) => a.createRole(role))
  }
  dropRole(role: string, opts?: { readonly force?: boolean }): Promise<void> {
    return this.#rbac().then((a) => a.dropRole(role, opts))
  }
  listRoles(): Promise<string[]> {
    return this.#rbac().then((a) => a.listRoles())
  }
  describeRole(role: string): Promise<readonly Grant[]> {
    return this.#rbac().then((a) => a.describeRole(role))
  }
  grantRole(user: string, role: string): Promise<void> {
    return this.#rbac().then((a) => a.grantRole(user, role))
  }
  revokeRole(user: string, role: string): Promise<void> {
    return this.#rbac().then((a) => a.revokeRole(user, role))
  }
  grantPrivilege(grant: Grant): Promise<void> {
    return this.#rbac().then((a) => a.grantPrivilege(grant))
  }
  revokePrivilege(grant: Grant): Promise<void> {
    return this.#rbac().then((a) => a.revokePrivilege(grant))
  }
  grantPrivilegeV2(grant: GrantV2): Promise<void> {
    return this.#rbac().then((a) => a.grantPrivilegeV2(grant))
  }
  revokePrivilegeV2(grant: GrantV2): Promise<void> {
    return this.#rbac().then((a) => a.revokePrivilegeV2(grant))
  }
  createPrivilegeGroup(name: string): Promise<void> {
    return this.#rbac().then((a) => a.createPrivilegeGroup(name))
  }
  dropPrivilegeGroup(name: string): Promise<void> {
    return this.#rbac().then((a) => a.dropPrivilegeGroup(name))
  }
  listPrivilegeGroups(): Promise<PrivilegeGroup[]> {
    return this.#rbac().then((a) => a.listPrivilegeGroups())
  }
  addPrivilegesToGroup(name: string, privileges: readonly string[]): Promise<void> {
    return this.#rbac().then((a) => a.addPrivilegesToGroup(name, privileges))
  }
  removePrivilegesFromGroup(name: string, privileges: readonly string[]): Promise<void> {
    return this.#rbac().then((a) => a.removePrivilegesFromGroup(name, privileges))
  }
  backupRbac(): Promise<RbacMeta> {
    return this.#rbac().then((a) => a.backupRbac())
  }
  restoreRbac(meta: RbacMeta): Promise<void> {
    return this.#rbac().then((a) => a.restoreRbac(meta))
  }

  #rbac(): Promise<RbacAccessControl> {
    this.#opening ??= this.#open().catch((e: unknown) => {
      this.#opening = undefined
      throw e
    })
    return this.#opening
  }
}
