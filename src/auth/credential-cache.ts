import { createHash } from 'node:crypto'

/** How long a verified `user:password` is trusted without re-running scrypt. */
export const CREDENTIAL_CACHE_TTL_MS = 60_000
/** Entries kept at most; the oldest goes first. */
export const CREDENTIAL_CACHE_ENTRIES_MAX = 1024

interface Entry {
  readonly user: string
  readonly expiresAtMs: number
}

/**
 * Credentials that passed scrypt recently, keyed by a SHA-256 of `user:password` (the password is
 * never kept). Dropped for a user when their password changes or they are dropped.
 */
export class CredentialCache {
  readonly #entries = new Map<string, Entry>()
  readonly #nowMs: () => number

  constructor(nowMs: () => number = Date.now) {
    this.#nowMs = nowMs
  }

  /** The user these credentials were verified for, if still fresh. */
  get(credentials: string): string | undefined {
    const key = keyOf(credentials)
    const e = this.#entries.get(key)
    if (e === undefined) return undefined
    if (e.expiresAtMs <= this.#nowMs()) {
      this.#entries.delete(key)
      return undefined
    }
    return e.user
  }

  set(credentials: string, user: string): void {
    if (this.#entries.size >= CREDENTIAL_CACHE_ENTRIES_MAX) {
      const oldest = this.#entries.keys().next()
      if (oldest.done !== true) this.#entries.delete(oldest.value)
    }
    this.#entries.set(keyOf(credentials), { user, expiresAtMs: this.#nowMs() + CREDENTIAL_CACHE_TTL_MS })
  }

  forgetUser(user: string): void {
    for (const [k, e] of this.#entries) if (e.user === user) this.#entries.delete(k)
  }

  get size(): number {
    return this.#entries.size
  }
}

function keyOf(credentials: string): string {
  return createHash('sha256').update(credentials, 'utf8').digest('base64')
}
