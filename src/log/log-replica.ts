import { MilvusError, errors } from '../errors/errors.ts'
import { ErrorCode } from '../errors/error-code.ts'
import type { CommandLog, LogReplica, OpenedCommandLog } from '../wal/command-log.ts'
import type { WalRecord } from '../wal/wal-format.ts'
import { LogGap, type LogRecord } from './log.ts'
import { RecordKind } from './log-wal.ts'
import type { NatsLog } from './nats-log.ts'

export interface LogReplicaOptions {
  /** How often the replica looks for new records when no read asks (default 200 ms). */
  readonly pollMs?: number
  /** The writer truncated records this replica has not read yet: it must be opened again from the manifest. */
  readonly onStale?: (reason: string) => void
  /** Operational messages (a failed poll). */
  readonly log?: (message: string) => void
}

/** Records read per round trip. */
const READ_BATCH = 1_000
/**
 * The longest one request to the log may take before the replica gives up on it (the log engine
 * unreachable or restarting): a Strong read then fails with 2 naming the log instead of waiting.
 */
const LOG_REQUEST_MS_MAX = 5_000

/** `promise`, or a 2 naming the log and what was asked once `ms` passed. */
function bounded<T>(promise: Promise<T>, stream: string, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new MilvusError(ErrorCode.ServiceUnavailable, `log '${stream}' did not answer ${what} within ${LOG_REQUEST_MS_MAX} ms: a Strong read cannot be answered until it does`)), LOG_REQUEST_MS_MAX)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/**
 * Opens the shard's log **read-only** for a read replica (a query node, or a standby serving reads):
 * the records after `fromLsn` (the manifest's checkpoint position) to replay, then `replica.follow`
 * delivers what the writer appends from then on. Nothing is appended: no fence, the writer is not
 * disturbed. A record missing between `fromLsn` and the first one read (the writer truncated it after a
 * newer checkpoint) fails the open with 2: open again, from the newer manifest.
 */
export async function openLogReplica(log: NatsLog, fromLsn: number, options: LogReplicaOptions = {}): Promise<OpenedCommandLog> {
  const tail = new ReplicaTail(log, fromLsn, options)
  const records: WalRecord[] = []
  let bytesRead = 0
  for (;;) {
    const batch = await tail.readNext()
    if (batch === undefined) break
    for (const r of batch.records) bytesRead += r.payload.byteLength
    records.push(...batch.commands)
  }
  return { wal: tail, records, bytesRead, replica: tail }
}

/** A replica's view of the log: refuses appends, follows the tail, answers "caught up?" for Strong reads. */
class ReplicaTail implements CommandLog, LogReplica {
  readonly stats = { bytesWritten: 0 }
  readonly #log: NatsLog
  readonly #options: LogReplicaOptions
  /** The last position read (delivered, once following). */
  #position: number
  #apply: ((records: readonly WalRecord[]) => void) | undefined
  #timer: NodeJS.Timeout | undefined
  /** The running pump (one at a time); `#again`: another round was asked while it ran. */
  #pumping: Promise<void> | undefined
  #again = false
  readonly #waiters: { target: number; resolve: () => void; reject: (e: unknown) => void }[] = []
  /** Callers waiting for a tail request that starts after they asked (`caughtUp`). */
  #tailQueue: { resolve: (tail: number) => void; reject: (e: unknown) => void }[] = []
  #tailRunning = false
  #failure: MilvusError | undefined
  #closed = false

  constructor(log: NatsLog, fromLsn: number, options: LogReplicaOptions) {
    this.#log = log
    this.#position = fromLsn
    this.#options = options
  }

  append(): Promise<never> {
    return Promise.reject(new MilvusError(ErrorCode.ServiceUnavailable, `this node is a read replica of log '${this.#log.stream}': writes go to the shard's writer`))
  }

  /** A replica writes no checkpoint; the writer truncates the log. */
  async checkpoint(): Promise<void> {}

  follow(apply: (records: readonly WalRecord[]) => void): void {
    this.#apply = apply
    this.#timer = setInterval(() => void this.#pump(), this.#options.pollMs ?? 200)
    this.#timer.unref()
  }

  async caughtUp(signal?: AbortSignal): Promise<void> {
    if (this.#failure !== undefined) throw this.#failure
    const target = await this.#nextTail()
    if (target <= this.#position) return
    const done = new Promise<void>((resolve, reject) => this.#waiters.push({ target, resolve, reject }))
    void this.#pump()
    if (signal === undefined) return done
    return Promise.race([done, new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(errors.timeout('the read was cancelled while this replica caught up with the log')), { once: true }))])
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    clearInterval(this.#timer)
    this.#fail(errors.closed())
    await this.#pumping?.catch(() => undefined)
    await this.#log.close()
  }

  /** The next batch after the position (undefined at the tail), its position checked for a gap. */
  async readNext(): Promise<{ records: LogRecord[]; commands: WalRecord[] } | undefined> {
    const records = await bounded(this.#log.read(this.#position, READ_BATCH), this.#log.stream, 'a read')
    if (records.length === 0) return undefined
    if (records[0]!.position !== this.#position + 1) {
      throw new LogGap(this.#log.stream, this.#position + 1, records[0]!.position - 1)
    }
    const commands: WalRecord[] = []
    for (const r of records) {
      if (r.payload[0] === RecordKind.command) commands.push({ lsn: r.position, payload: r.payload.subarray(1) })
      else if (r.payload[0] !== RecordKind.fence) throw errors.io(`log '${this.#log.stream}' record ${r.position} is not an engine record (kind ${r.payload[0] ?? 'none'})`, undefined)
    }
    this.#position = records[records.length - 1]!.position
    return { records, commands }
  }

  /** The log's tail from a request sent after this call (so it covers every append acknowledged before it). */
  #nextTail(): Promise<number> {
    const p = new Promise<number>((resolve, reject) => this.#tailQueue.push({ resolve, reject }))
    if (!this.#tailRunning) void this.#runTails()
    return p
  }

  async #runTails(): Promise<void> {
    this.#tailRunning = true
    while (this.#tailQueue.length > 0) {
      const batch = this.#tailQueue
      this.#tailQueue = []
      try {
        const tail = await bounded(this.#log.tail(), this.#log.stream, 'its tail')
        for (const w of batch) w.resolve(tail)
      } catch (e) {
        for (const w of batch) w.reject(e)
      }
    }
    this.#tailRunning = false
  }

  /** Reads and applies until the tail, one pump at a time; settles the waiters it reached. */
  #pump(): Promise<void> {
    if (this.#apply === undefined || this.#closed || this.#failure !== undefined) return Promise.resolve()
    if (this.#pumping !== undefined) {
      this.#again = true
      return this.#pumping
    }
    this.#pumping = this.#pumpRounds().finally(() => {
      this.#pumping = undefined
    })
    return this.#pumping
  }

  async #pumpRounds(): Promise<void> {
    do {
      this.#again = false
      try {
        for (;;) {
          const batch = await this.readNext()
          if (batch === undefined || this.#closed) break
          if (batch.commands.length > 0) this.#apply!(batch.commands)
          this.#settle()
        }
        this.#settle()
      } catch (e) {
        if (this.#closed) return
        if (e instanceof LogGap || !(e instanceof MilvusError)) {
          // Truncated past us, or applying failed unexpectedly: this replica cannot go on; reopen it.
          const reason = e instanceof Error ? e.message : String(e)
          this.#fail(new MilvusError(ErrorCode.ServiceUnavailable, `read replica stopped following the log: ${reason}`))
          this.#options.onStale?.(reason)
          return
        }
        // The log unreachable: the waiters get its error now, the next poll tries again.
        this.#options.log?.(`read replica: ${e.message}`)
        for (const w of this.#waiters.splice(0)) w.reject(e)
        return
      }
    } while (this.#again)
  }

  #settle(): void {
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const w = this.#waiters[i]!
      if (w.target <= this.#position) {
        this.#waiters.splice(i, 1)
        w.resolve()
      }
    }
  }

  #fail(e: MilvusError): void {
    this.#failure ??= e
    for (const w of this.#waiters.splice(0)) w.reject(e)
  }
}
