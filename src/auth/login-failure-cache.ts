import { createHmac, randomBytes } from 'node:crypto'
import { encodePasswordHash, type PasswordHash } from './password-hash.ts'

/** How long a failed `user:password` is answered without running scrypt again. */
export const LOGIN_FAILURE_CACHE_TTL_MS = 60_000
/** Entries kept at most; the oldest goes first. */
export const LOGIN_FAILURE_CACHE_ENTRIES_MAX = 4096

/**
 * The key of an attempt: an HMAC (key random per process) of the credentials and the stored hash they
 * were checked against, so a password change or a newly created user is never answered from an old
 * entry, and the keys reveal nothing even to someone who reads the process's memory.
 */
export class AttemptKeys {
  readonly #secret = randomBytes(32)

  keyOf(credentials: string, stored: PasswordHash): string {
    return createHmac('sha256', this.#secret).update(encodePasswordHash(stored)).update('\n').update(credentials, 'utf8').digest('base64')
  }
}

/** Attempts (by `AttemptKeys` key) whose password was wrong, remembered for `LOGIN_FAILURE_CACHE_TTL_MS`. */
export class LoginFailureCache {
  /** Key → expiry, oldest first. */
  readonly #entries = new Map<string, number>()
  readonly #nowMs: () => number

  constructor(nowMs: () => number = Date.now) {
    this.#nowMs = nowMs
  }

  has(key: string): boolean {
    const expiresAtMs = this.#entries.get(key)
    if (expiresAtMs === undefined) return false
    if (expiresAtMs > this.#nowMs()) return true
    this.#entries.delete(key)
    return false
  }

  add(key: string): void {
    this.#entries.delete(key)
    if (this.#entries.size >= LOGIN_FAILURE_CACHE_ENTRIES_MAX) {
      const oldest = this.#entries.keys().next()
      if (oldest.done !== true) this.#entries.delete(oldest.value)
    }
    this.#entries.set(key, this.#nowMs() + LOGIN_FAILURE_CACHE_TTL_MS)
  }

  get size(): number {
    return this.#entries.size
  }
}
