import { ErrorCode, MilvusError } from '../errors/errors.ts'

/** How many reads run at once, per client and in all, and how many may wait (`docs/operations.md`). */
export interface AdmissionLimits {
  /** Reads one client (one connection) runs at once; more wait in its queue. */
  readonly runningPerClientMax: number
  /** Reads one client may have waiting; past this, code 8 (rate limit) at once. */
  readonly queuedPerClientMax: number
  /** Reads running at once over all clients; more wait, served round-robin between clients. */
  readonly runningMax: number
}

export const admissionDefaults: AdmissionLimits = { runningPerClientMax: 2, queuedPerClientMax: 1024, runningMax: 32 }

interface ClientQueue {
  running: number
  readonly waiting: (() => void)[]
}

/**
 * Admission of reads: every read holds a slot while it runs. Reads are sliced (`WorkSlice`), so
 * running reads share the event loop turn by turn; the caps make that sharing fair between clients
 * (a client that sends a hundred heavy searches gets no more turns than one that sends one) and
 * bound the memory reads in flight hold. A client whose queue is full is answered 8 at once.
 */
export class Admission {
  private readonly limits: AdmissionLimits
  private readonly clients = new Map<string, ClientQueue>()
  /** Clients with waiting reads, in the order they get the next free slot. */
  private ring: string[] = []
  private running = 0

  constructor(limits: Partial<AdmissionLimits> = {}) {
    this.limits = { ...admissionDefaults, ...limits }
  }

  /** Waits for a slot; resolves with the function that gives it back (call it exactly once). */
  admit(client: string): Promise<() => void> {
    let q = this.clients.get(client)
    if (q === undefined) {
      q = { running: 0, waiting: [] }
      this.clients.set(client, q)
    }
    if (q.waiting.length === 0 && q.running < this.limits.runningPerClientMax && this.running < this.limits.runningMax) {
      return Promise.resolve(this.start(client, q))
    }
    if (q.waiting.length >= this.limits.queuedPerClientMax) {
      return Promise.reject(
        new MilvusError(ErrorCode.RateLimit, `client ${client} has ${q.running} reads running and ${q.waiting.length} waiting, the most it may queue (${this.limits.queuedPerClientMax})`, {}, { base: 'rate limit exceeded' }),
      )
    }
    const queue = q
    return new Promise((resolve) => {
      queue.waiting.push(() => resolve(this.start(client, queue)))
      if (!this.ring.includes(client)) this.ring.push(client)
    })
  }

  /** Reads running and waiting (metrics, tests). */
  get counts(): { running: number; waiting: number } {
    let waiting = 0
    for (const q of this.clients.values()) waiting += q.waiting.length
    return { running: this.running, waiting }
  }

  private start(client: string, q: ClientQueue): () => void {
    q.running++
    this.running++
    let done = false
    return () => {
      if (done) return
      done = true
      q.running--
      this.running--
      if (q.running === 0 && q.waiting.length === 0) this.clients.delete(client)
      this.dispatch()
    }
  }

  /** Hands free slots to waiting clients, one read per client per round. */
  private dispatch(): void {
    let tried = 0
    while (this.running < this.limits.runningMax && this.ring.length > 0 && tried < this.ring.length) {
      const client = this.ring.shift()!
      const q = this.clients.get(client)
      if (q === undefined || q.waiting.length === 0) continue
      if (q.running >= this.limits.runningPerClientMax) {
        this.ring.push(client)
        tried++
        continue
      }
      tried = 0
      const next = q.waiting.shift()!
      if (q.waiting.length > 0) this.ring.push(client)
      next()
    }
  }
}
