import { ErrorCode, errors, MilvusError } from '../errors/errors.ts'
import type { MetaStore } from '../storage/meta-store.ts'
import type { AccessControl, AccessTarget, Grant, Principal, UserAdmin } from './access-control.ts'
import { validatePassword, validateRoleName, validateUserName } from './auth-names.ts'
import { checkPrivilege, rolesOf } from './check-privilege.ts'
import { parseCredentials } from './credentials.ts'
import type { LoginCounters, LoginVerifier } from './login-verifier.ts'
import { normalizeGrant } from './normalize-grant.ts'
import { hashPassword, verifyPassword } from './password-hash.ts'
import { ADMIN_ROLE, type GrantRecord, PUBLIC_ROLE, ROOT_USER, type RbacState, sameGrant } from './rbac-state.ts'

/** Milvus `proxy.maxUserNum` and `proxy.maxRoleNum` (the built-in roles count). */
export const USER_COUNT_MAX = 100
export const ROLE_COUNT_MAX = 10

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

  /** Drops the role, its grants and its bindings to users. The built-in roles cannot be dropped. */
  async dropRole(role: string): Promise<void> {
    if (role === ADMIN_ROLE || role === PUBLIC_ROLE) throw errors.invalid(`the role[${role}] is a default role, which can't be dropped`)
    await this.#change((s) => {
      this.#requireRole(s, role)
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

  async revokeRole(user: string, role: string): Promise<void> {
    await this.#change((s) => {
      const u = this.#requireUser(s, user)
      this.#requireRole(s, role)
      if (!u.roles.includes(role)) return s
      return { ...s, users: { ...s.users, [user]: { ...u, roles: u.roles.filter((r) => r !== role) } } }
    })
  }

  async grantPrivilege(grant: Grant): Promise<void> {
    const { role, record } = normalizeGrant(grant)
    await this.#change((s) => {
      const grants = this.#requireRole(s, role)
      if (grants.some((g) => sameGrant(g, record))) return s
      return { ...s, roles: { ...s.roles, [role]: [...grants, record] } }
    })
  }

  async revokePrivilege(grant: Grant): Promise<void> {
    const { role, record } = normalizeGrant(grant)
    await this.#change((s) => {
      const grants = this.#requireRole(s, role)
      if (!grants.some((g) => sameGrant(g, record))) return s
      return { ...s, roles: { ...s.roles, [role]: grants.filter((g) => !sameGrant(g, record)) } }
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
