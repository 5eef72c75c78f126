import { ErrorCode, errors, MilvusError } from '../errors/errors.ts'
import type { MetaStore } from '../storage/meta-store.ts'
import type { AccessControl, AccessTarget, Grant, GrantV2, Principal, PrivilegeGroup, RbacMeta, UserAdmin } from './access-control.ts'
import { validatePassword, validateRoleName, validateUserName } from './auth-names.ts'
import { checkPrivilege, rolesOf } from './check-privilege.ts'
import { parseCredentials } from './credentials.ts'
import type { LoginCounters, LoginVerifier } from './login-verifier.ts'
import { type NormalizedGrant, normalizeGrant, normalizeGrantV2 } from './normalize-grant.ts'
import { hashPassword, verifyPassword } from './password-hash.ts'
import { type GroupOperation, listedGroups, withGroupCreated, withGroupDropped, withGroupOperated } from './privilege-groups.ts'
import { backupOf, withRestored } from './rbac-backup.ts'
import { ADMIN_ROLE, type GrantRecord, PUBLIC_ROLE, ROLE_COUNT_MAX, ROOT_USER, type RbacState, sameGrant, USER_COUNT_MAX } from './rbac-state.ts'

export { ROLE_COUNT_MAX, USER_COUNT_MAX }

/**
 * Users, roles and grants in memory, persisted as one document on every change. Changes run one at
 * a time; each builds the next state, saves it, then publishes it, so a rejected or failed change
 * leaves both memory and disk as they were.
 */
export class RbacAccessControl implements AccessControl, UserAdmin {
  readonly enabled: boolean
  #state: RbacState
  readonly #meta: MetaStore
  /** Caches, backoff and the scrypt thread between a login and its password check (login-verifier.ts). */
  readonly #login: LoginVerifier
  #queue: Promise<unknown> = Promise.resolve()

  constructor(enabled: boolean, state: RbacState, meta: MetaStore, login: LoginVerifier) {
    this.enabled = enabled
    this.#state = state
    this.#meta = meta
    this.#login = login
  }

  async authenticate(credentials: string | undefined, clientAddress?: string): Promise<Principal> {
    if (!this.enabled) return { user: ROOT_USER }
    const parsed = parseCredentials(credentials)
    await this.#login.verify(parsed, clientAddress, () => this.#userRecord(parsed.user)?.password)
    return { user: parsed.user }
  }

  /** What login checking did since start: scrypt runs, cache hits, refusals (tests, metrics). */
  get loginCounters(): Readonly<LoginCounters> {
    return this.#login.counters
  }

  async authorize(principal: Principal, rpcName: string, target: AccessTarget): Promise<void> {
    if (!this.enabled) return
    const denial = checkPrivilege(this.#state, principal.user, rpcName, target)
    if (denial === undefined) return
    throw new MilvusError(ErrorCode.PermissionDenied, `Privilege${denial.privilege}: permission deny to ${principal.user} in the \`${denial.dbName}\` database`)
  }

  /** `root`, or a user holding the `admin` role. */
  isAdmin(user: string): boolean {
    return user === ROOT_USER || rolesOf(this.#state, user).includes(ADMIN_ROLE)
  }

  async createUser(user: string, password: string): Promise<void> {
    validateUserName(user)
    validatePassword(password)
    const hash = await hashPassword(password)
    await this.#change((s) => {
      if (Object.hasOwn(s.users, user)) throw errors.invalid(`user already exists:${user}`)
      if (Object.keys(s.users).length >= USER_COUNT_MAX) throw errors.invalid(`unable to add user because the number of users has reached the limit ${USER_COUNT_MAX}`)
      return { ...s, users: { ...s.users, [user]: { password: hash, roles: [] } } }
    })
  }

  async updatePassword(user: string, oldPassword: string | undefined, newPassword: string): Promise<void> {
    validateUserName(user)
    validatePassword(newPassword)
    const record = this.#requireUser(this.#state, user)
    if (oldPassword !== undefined && !(await verifyPassword(oldPassword, record.password))) {
      throw errors.invalid(`old password not correct for ${user}`)
    }
    const hash = await hashPassword(newPassword)
    await this.#change((s) => {
      const current = this.#requireUser(s, user)
      if (current !== record) throw errors.invalid(`the password of ${user} changed meanwhile; try again`)
      return { ...s, users: { ...s.users, [user]: { ...current, password: hash } } }
    })
    this.#login.forgetUser(user)
  }

  async dropUser(user: string): Promise<void> {
    if (user === ROOT_USER) throw errors.invalid('root user cannot be deleted')
    await this.#change((s) => {
      this.#requireUser(s, user)
      const users = { ...s.users }
      delete users[user]
      return { ...s, users }
    })
    this.#login.forgetUser(user)
  }

  async listUsers(): Promise<string[]> {
    return Object.keys(this.#state.users).sort()
  }

  async describeUser(user: string): Promise<{ readonly user: string; readonly roles: readonly string[] }> {
    return { user, roles: [...this.#requireUser(this.#state, user).roles] }
  }

  async createRole(role: string): Promise<void> {
    validateRoleName(role)
    await this.#change((s) => {
      if (Object.hasOwn(s.roles, role)) throw errors.invalid(`role [name:"${role}"] already exists`)
      if (Object.keys(s.roles).length >= ROLE_COUNT_MAX) throw errors.invalid(`unable to create role because the number of roles has reached the limit ${ROLE_COUNT_MAX}`)
      return { ...s, roles: { ...s.roles, [role]: [] } }
    })
  }

  /**
   * Milvus `DropRole`: the built-in roles cannot be dropped; a role with grants only with `force`
   * (its grants go with it); users lose the role.
   */
  async dropRole(role: string, opts: { readonly force?: boolean } = {}): Promise<void> {
    if (role === ADMIN_ROLE || role === PUBLIC_ROLE) throw errors.invalid(`the role[${role}] is a default role, which can't be dropped`)
    await this.#change((s) => {
      const grants = this.#requireRole(s, role)
      if (grants.length > 0 && opts.force !== true) throw errors.invalid('fail to drop the role that it has privileges. Use REVOKE API to revoke privileges')
      const roles = { ...s.roles }
      delete roles[role]
      const users: Record<string, RbacState['users'][string]> = {}
      for (const [name, u] of Object.entries(s.users)) users[name] = u.roles.includes(role) ? { ...u, roles: u.roles.filter((r) => r !== role) } : u
      return { ...s, users, roles }
    })
  }

  async listRoles(): Promise<string[]> {
    return Object.keys(this.#state.roles).sort()
  }

  async describeRole(role: string): Promise<readonly Grant[]> {
    return this.#requireRole(this.#state, role).map((g) => ({ role, ...g }))
  }

  async grantRole(user: string, role: string): Promise<void> {
    await this.#change((s) => {
      const u = this.#requireUser(s, user)
      this.#requireRole(s, role)
      if (u.roles.includes(role)) return s
      return { ...s, users: { ...s.users, [user]: { ...u, roles: [...u.roles, role].sort() } } }
    })
  }

  /** The role must exist; a user who does not, or who lacks the role, is nothing to remove (Milvus succeeds). */
  async revokeRole(user: string, role: string): Promise<void> {
    await this.#change((s) => {
      this.#requireRole(s, role)
      const u = Object.hasOwn(s.users, user) ? s.users[user]! : undefined
      if (u === undefined || !u.roles.includes(role)) return s
      return { ...s, users: { ...s.users, [user]: { ...u, roles: u.roles.filter((r) => r !== role) } } }
    })
  }

  grantPrivilege(grant: Grant): Promise<void> {
    return this.#operate((s) => normalizeGrant(grant, s.privilegeGroups), 'grant')
  }

  revokePrivilege(grant: Grant): Promise<void> {
    return this.#operate((s) => normalizeGrant(grant, s.privilegeGroups), 'revoke')
  }

  grantPrivilegeV2(grant: GrantV2): Promise<void> {
    return this.#operate((s) => normalizeGrantV2(grant, s.privilegeGroups), 'grant')
  }

  revokePrivilegeV2(grant: GrantV2): Promise<void> {
    return this.#operate((s) => normalizeGrantV2(grant, s.privilegeGroups), 'revoke')
  }

  createPrivilegeGroup(name: string): Promise<void> {
    return this.#change((s) => withGroupCreated(s, name))
  }

  dropPrivilegeGroup(name: string): Promise<void> {
    return this.#change((s) => withGroupDropped(s, name))
  }

  async listPrivilegeGroups(): Promise<PrivilegeGroup[]> {
    return listedGroups(this.#state)
  }

  addPrivilegesToGroup(name: string, privileges: readonly string[]): Promise<void> {
    return this.#operateGroup(name, privileges, 'add')
  }

  removePrivilegesFromGroup(name: string, privileges: readonly string[]): Promise<void> {
    return this.#operateGroup(name, privileges, 'remove')
  }

  async backupRbac(): Promise<RbacMeta> {
    return backupOf(this.#state)
  }

  restoreRbac(meta: RbacMeta): Promise<void> {
    return this.#change((s) => withRestored(s, meta))
  }

  #operateGroup(name: string, privileges: readonly string[], op: GroupOperation): Promise<void> {
    return this.#change((s) => withGroupOperated(s, name, privileges, op))
  }

  /** Grants or revokes (idempotent, as Milvus: granting twice or revoking nothing succeeds). */
  #operate(normalize: (s: RbacState) => NormalizedGrant, op: 'grant' | 'revoke'): Promise<void> {
    return this.#change((s) => {
      const { role, record } = normalize(s)
      const grants = this.#requireRole(s, role)
      const held = grants.some((g) => sameGrant(g, record))
      if (op === 'grant') return held ? s : { ...s, roles: { ...s.roles, [role]: [...grants, record] } }
      return held ? { ...s, roles: { ...s.roles, [role]: grants.filter((g) => !sameGrant(g, record)) } } : s
    })
  }

  /** Runs a change after the ones before it; nothing is published unless the save succeeded. */
  #change(next: (s: RbacState) => RbacState): Promise<void> {
    const run = this.#queue.then(async () => {
      const s = next(this.#state)
      if (s === this.#state) return
      await this.#meta.save(s)
      this.#state = s
    })
    this.#queue = run.catch(() => undefined)
    return run
  }

  #userRecord(user: string): RbacState['users'][string] | undefined {
    return Object.hasOwn(this.#state.users, user) ? this.#state.users[user] : undefined
  }

  #requireUser(s: RbacState, user: string): RbacState['users'][string] {
    if (!Object.hasOwn(s.users, user)) throw errors.invalid(`user not found[user=${user}]`)
    return s.users[user]!
  }

  #requireRole(s: RbacState, role: string): readonly GrantRecord[] {
    if (!Object.hasOwn(s.roles, role)) throw errors.invalid(`role not found[role=${role}]`)
    return s.roles[role]!
  }
}
