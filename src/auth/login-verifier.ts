import { authLimits, validateUserName } from './auth-names.ts'
import { clientKeyOf } from './client-address.ts'
import { CredentialCache } from './credential-cache.ts'
import { type Credentials, unauthenticated } from './credentials.ts'
import { LOGIN_BACKOFF_DEFAULTS, LoginBackoff, type LoginBackoffLimits } from './login-backoff.ts'
import { AttemptKeys, LoginFailureCache } from './login-failure-cache.ts'
import { type DeriveKey, type PasswordHash, verifyPassword } from './password-hash.ts'

/** Password checks (scrypt runs) waiting or running at once; a login past this is refused at once. */
export const LOGIN_CHECKS_PENDING_MAX = 8
/** Of those, what one client key may hold, so that one flooding address leaves room for the others. */
export const LOGIN_CHECKS_PENDING_PER_CLIENT_MAX = 2

export interface LoginVerifierOptions {
  /** Verified against when the user does not exist, so a missing user costs as much as a wrong password. */
  readonly decoy: PasswordHash
  readonly backoff?: LoginBackoffLimits
  readonly checksPendingMax?: number
  readonly checksPendingPerClientMax?: number
  /** Tests: count or slow down scrypt. Default: the scrypt worker thread. */
  readonly derive?: DeriveKey
  readonly nowMs?: () => number
}

/** What the verifier did, since start (exposed for tests and metrics). */
export interface LoginCounters {
  /** Passwords checked with scrypt. */
  scryptRuns: number
  /** Logins answered from the cache of verified credentials. */
  verifiedCacheHits: number
  /** Wrong passwords answered from the failure cache, or joined to a check already running for them. */
  failureCacheHits: number
  /** Logins refused at once because their client was backed off. */
  backedOff: number
  /** Logins refused at once because as many checks as allowed were already pending (in all, or for their client). */
  overloaded: number
}

const WRONG = 'auth check failure, please check username and password are correct'

/**
 * Decides whether credentials are a user's, so that failed logins cost the attacker, not the server.
 * In order: verified credentials are answered from a cache; a client past its free failures is
 * refused at once (login-backoff.ts); credentials that cannot be valid (a bad user name, a password
 * over the length limit) fail without scrypt; a wrong password seen in the last minute is answered
 * from the failure cache, one being checked is joined; past LOGIN_CHECKS_PENDING_MAX pending checks
 * (LOGIN_CHECKS_PENDING_PER_CLIENT_MAX for one client) a login is refused; otherwise scrypt runs on its own worker thread (scrypt-thread.ts), never on
 * libuv's pool. Every refusal is MilvusError 1400.
 */
export class LoginVerifier {
  readonly counters: LoginCounters = { scryptRuns: 0, verifiedCacheHits: 0, failureCacheHits: 0, backedOff: 0, overloaded: 0 }
  readonly #decoy: PasswordHash
  readonly #checksPendingMax: number
  readonly #checksPendingPerClientMax: number
  readonly #derive: DeriveKey | undefined
  readonly #verified: CredentialCache
  readonly #failures: LoginFailureCache
  readonly #keys = new AttemptKeys()
  readonly #backoff: LoginBackoff
  /** Checks running, by attempt key: a second login with the same credentials waits for the first. */
  readonly #checking = new Map<string, Promise<boolean>>()
  /** Checks running per client key (keys with none are absent). */
  readonly #checkingByClient = new Map<string, number>()

  constructor(opts: LoginVerifierOptions) {
    const nowMs = opts.nowMs ?? Date.now
    this.#decoy = opts.decoy
    this.#checksPendingMax = opts.checksPendingMax ?? LOGIN_CHECKS_PENDING_MAX
    this.#checksPendingPerClientMax = opts.checksPendingPerClientMax ?? LOGIN_CHECKS_PENDING_PER_CLIENT_MAX
    this.#derive = opts.derive
    this.#verified = new CredentialCache(nowMs)
    this.#failures = new LoginFailureCache(nowMs)
    this.#backoff = new LoginBackoff(opts.backoff ?? LOGIN_BACKOFF_DEFAULTS, nowMs)
  }

  /**
   * Resolves when `credentials` are the user's. `storedOf` gives the user's current password hash
   * (undefined: no such user); it is asked again after the check, so a password changed meanwhile is
   * not accepted with the old one. `clientAddress` is the peer's IP address; undefined (an
   * in-process caller) is never backed off.
   */
  async verify(credentials: Credentials, clientAddress: string | undefined, storedOf: () => PasswordHash | undefined): Promise<void> {
    const raw = `${credentials.user}:${credentials.password}`
    if (this.#verified.get(raw) === credentials.user) {
      this.counters.verifiedCacheHits++
      return
    }
    const client = clientKeyOf(clientAddress)
    const waitMs = this.#backoff.waitMs(client)
    if (waitMs > 0) {
      this.counters.backedOff++
      throw unauthenticated(`too many failed logins from ${client}, retry in ${Math.ceil(waitMs / 1000)} s`)
    }
    const stored = storedOf()
    const against = stored ?? this.#decoy
    const ok = plausible(credentials) && (await this.#check(credentials.password, raw, against, client))
    if (!ok) this.#backoff.failed(client)
    if (!ok || stored === undefined || storedOf() !== stored) throw unauthenticated(WRONG)
    this.#verified.set(raw, credentials.user)
  }

  /** Forgets the user's verified credentials (password changed, user dropped). */
  forgetUser(user: string): void {
    this.#verified.forgetUser(user)
  }

  async #check(password: string, raw: string, against: PasswordHash, client: string | undefined): Promise<boolean> {
    const key = this.#keys.keyOf(raw, against)
    if (this.#failures.has(key)) {
      this.counters.failureCacheHits++
      return false
    }
    const running = this.#checking.get(key)
    if (running !== undefined) {
      const ok = await running
      if (!ok) this.counters.failureCacheHits++
      return ok
    }
    const clientChecks = client === undefined ? 0 : (this.#checkingByClient.get(client) ?? 0)
    if (this.#checking.size >= this.#checksPendingMax || clientChecks >= this.#checksPendingPerClientMax) {
      this.counters.overloaded++
      throw unauthenticated('too many logins are being checked at once, retry later')
    }
    const check = verifyPassword(password, against, this.#derive).finally(() => {
      this.#checking.delete(key)
      this.#countClientCheck(client, -1)
    })
    this.#checking.set(key, check)
    this.#countClientCheck(client, +1)
    this.counters.scryptRuns++
    const ok = await check
    if (!ok) this.#failures.add(key)
    return ok
  }

  #countClientCheck(client: string | undefined, delta: number): void {
    if (client === undefined) return
    const n = (this.#checkingByClient.get(client) ?? 0) + delta
    if (n === 0) this.#checkingByClient.delete(client)
    else this.#checkingByClient.set(client, n)
  }
}

/** False for credentials no user can have (auth-names.ts rules): scrypt need not run to refuse them. */
function plausible(c: Credentials): boolean {
  const passwordBytes = Buffer.byteLength(c.password, 'utf8')
  if (passwordBytes === 0 || passwordBytes > authLimits.passwordBytesMax) return false
  try {
    validateUserName(c.user)
    return true
  } catch {
    return false
  }
}
