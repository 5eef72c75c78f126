/** How failed logins from one client slow that client down. */
export interface LoginBackoffLimits {
  /** Failed logins a client may make before it has to wait; 0 turns the backoff off. */
  readonly failuresFree: number
  /** The wait after the first failure past the free ones; each further failure doubles it. */
  readonly waitMsMin: number
  readonly waitMsMax: number
  /** A client with no failed login for this long starts over. */
  readonly forgetAfterMs: number
  /** Clients tracked at most; the one whose last failure is oldest goes first. */
  readonly clientCountMax: number
}

/** 5 free failures, then 1 s, 2 s, 4 s … 60 s; forgotten after 15 minutes without a failure. */
export const LOGIN_BACKOFF_DEFAULTS: LoginBackoffLimits = {
  failuresFree: 5,
  waitMsMin: 1_000,
  waitMsMax: 60_000,
  forgetAfterMs: 15 * 60_000,
  clientCountMax: 10_000,
}

interface Client {
  failureCount: number
  lastFailureAtMs: number
  /** Until when logins that need a password check are refused at once. */
  blockedUntilMs: number
}

/**
 * Failed logins per client key (client-address.ts). After `failuresFree` of them a client must wait
 * before its next login that needs a password check; the wait doubles with every failure up to
 * `waitMsMax`. Logins refused while waiting are not counted (they cost nothing) and a success does
 * not reset the count (a client with one valid account must not get free guesses at others): the
 * count ends `forgetAfterMs` after the last failure. Clients without a key are never delayed.
 */
export class LoginBackoff {
  readonly #limits: LoginBackoffLimits
  readonly #nowMs: () => number
  /** In order of last failure, oldest first. */
  readonly #clients = new Map<string, Client>()

  constructor(limits: LoginBackoffLimits = LOGIN_BACKOFF_DEFAULTS, nowMs: () => number = Date.now) {
    this.#limits = limits
    this.#nowMs = nowMs
  }

  /** Milliseconds the client must still wait before a password is checked for it; 0 when it may go on. */
  waitMs(clientKey: string | undefined): number {
    const c = this.#current(clientKey)
    return c === undefined ? 0 : Math.max(0, c.blockedUntilMs - this.#nowMs())
  }

  /** Counts one failed login of the client. */
  failed(clientKey: string | undefined): void {
    if (clientKey === undefined || this.#limits.failuresFree === 0) return
    const now = this.#nowMs()
    const c = this.#current(clientKey) ?? { failureCount: 0, lastFailureAtMs: now, blockedUntilMs: 0 }
    c.failureCount++
    c.lastFailureAtMs = now
    const past = c.failureCount - this.#limits.failuresFree
    if (past > 0) c.blockedUntilMs = now + Math.min(this.#limits.waitMsMax, this.#limits.waitMsMin * 2 ** Math.min(past - 1, 30))
    this.#clients.delete(clientKey)
    this.#clients.set(clientKey, c)
    this.#evict()
  }

  /** Clients tracked now. */
  get clientCount(): number {
    return this.#clients.size
  }

  #current(clientKey: string | undefined): Client | undefined {
    if (clientKey === undefined) return undefined
    const c = this.#clients.get(clientKey)
    if (c === undefined) return undefined
    if (this.#nowMs() - c.lastFailureAtMs < this.#limits.forgetAfterMs) return c
    this.#clients.delete(clientKey)
    return undefined
  }

  #evict(): void {
    for (const key of this.#clients.keys()) {
      if (this.#clients.size <= this.#limits.clientCountMax) return
      this.#clients.delete(key)
    }
  }
}
