import { errors, type MilvusError } from '../errors/errors.ts'
import type { ShardOwnership } from '../storage/etcd/shard-ownership.ts'
import type { CommandLog, OpenedCommandLog } from '../wal/command-log.ts'
import type { WalRecord } from '../wal/wal-format.ts'
import { type NatsLog, tooLarge } from './nats-log.ts'
import { replayAndFence } from './take-over.ts'

/**
 * How long the log keeps records a checkpoint covers (default 60 s): a read replica that falls
 * further behind reopens from the newest manifest (docs/design/0015-read-replicas.md).
 */
export const LOG_RETAIN_MS = 60_000

/** First byte of every record: what follows. */
export const RecordKind = { command: 1, fence: 2 } as const

interface Slot {
  /** Settles when the log answered (either way). */
  answered: Promise<void>
  done: boolean
  position: number
  error: unknown
  readonly apply: (lsn: number) => unknown
  readonly resolve: (value: unknown) => void
  readonly reject: (error: unknown) => void
}

/**
 * The engine's write-ahead log on a shard's replicated log (cluster mode): an engine command is one
 * record `[1][command bytes]`, its LSN the record's position. Only the shard's owner appends: every
 * append checks the ownership first (a lost ownership fails the write with 2 at once), and the log is
 * fenced at open (`openLogWal`), so a deposed owner's appends are refused by the log itself.
 *
 * `apply` runs in position order once the log acknowledged the record. After a failed append (refused,
 * or its outcome unknown) nothing later is applied and every later append fails: the writer re-opens
 * and replays, as the local WAL never continues after an unknown tail.
 */
export class LogWal implements CommandLog {
  readonly #log: NatsLog
  readonly #owner: ShardOwnership
  readonly #pending: Slot[] = []
  #failure: unknown
  #closed = false
  #bytesWritten = 0
  #failedListeners: ((error: unknown) => void)[] = []
  /** Checkpoints not yet truncated to, oldest first. */
  readonly #checkpoints: { lsn: number; atMs: number }[] = []
  readonly #retainMs: number

  constructor(log: NatsLog, owner: ShardOwnership, retainMs: number) {
    this.#log = log
    this.#owner = owner
    this.#retainMs = retainMs
  }

  get stats(): { readonly bytesWritten: number } {
    return { bytesWritten: this.#bytesWritten }
  }

  append<R>(payload: readonly Uint8Array[], apply: (lsn: number) => R): Promise<R> {
    if (this.#closed) return Promise.reject(errors.closed())
    if (this.#failure !== undefined) return Promise.reject(this.#failure)
    try {
      this.#owner.assertHeld()
    } catch (e) {
      return Promise.reject(e)
    }
    const bytes = frame(RecordKind.command, payload)
    // Too large for the log: refused before it is sent, so later appends are not affected.
    if (bytes.byteLength > this.#log.payloadBytesMax) return Promise.reject(tooLarge(this.#log.stream, bytes.byteLength, this.#log.payloadBytesMax))
    this.#bytesWritten += bytes.byteLength
    return new Promise<R>((resolve, reject) => {
      const slot: Slot = { answered: Promise.resolve(), done: false, position: 0, error: undefined, apply, resolve: resolve as (v: unknown) => void, reject }
      this.#pending.push(slot)
      slot.answered = this.#log.append(bytes).then(
        (position) => {
          slot.position = position
          slot.done = true
          this.#drain()
        },
        (e) => {
          slot.error = e
          slot.done = true
          this.#drain()
        },
      )
    })
  }

  /**
   * Drops the records covered by the newest checkpoint at least `retainMs` old (the manifest naming
   * `lsn` is saved before this runs): a read replica that loaded an older manifest, or lags behind by
   * less than `retainMs`, still finds every record after its position (log-replica.ts); replay skips
   * what a manifest covers.
   */
  checkpoint(lsn: number): Promise<void> {
    const now = Date.now()
    this.#checkpoints.push({ lsn, atMs: now })
    let upTo = 0
    while (this.#checkpoints.length > 0 && this.#checkpoints[0]!.atMs <= now - this.#retainMs) upTo = this.#checkpoints.shift()!.lsn
    return upTo > 0 ? this.#log.truncate(upTo) : Promise.resolve()
  }

  /**
   * Runs `listener` once when an append fails (refused, or its outcome unknown): from then on every
   * append fails, and the writer must be reopened (replay and fence again) to write.
   */
  onFailed(listener: (error: unknown) => void): void {
    if (this.#failure !== undefined) queueMicrotask(() => listener(this.#failure))
    else this.#failedListeners.push(listener)
  }

  /** Waits for appends in flight, then closes the connection to the log. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await Promise.allSettled(this.#pending.map((s) => s.answered))
    await this.#log.close()
  }

  /** Settles acknowledged appends in position order; after a failure, rejects the rest. */
  #drain(): void {
    while (this.#pending[0]?.done === true) {
      const s = this.#pending.shift()!
      if (this.#failure === undefined && s.error !== undefined) {
        this.#failure = s.error
        for (const l of this.#failedListeners.splice(0)) queueMicrotask(() => l(s.error))
      }
      if (this.#failure !== undefined) {
        s.reject(this.#failure)
        continue
      }
      try {
        s.resolve(s.apply(s.position))
      } catch (e) {
        s.reject(e)
      }
    }
  }
}

/**
 * Opens the shard's log for the engine as the shard's owner: replays the records after `fromLsn` (the
 * manifest's checkpoint position), fences the log with a fence record, and returns the commands to
 * replay. Fence records are skipped; any other first byte is a corrupt record (io error).
 */
export async function openLogWal(log: NatsLog, owner: ShardOwnership, fromLsn: number, options: { retainMs?: number } = {}): Promise<OpenedCommandLog & { readonly wal: LogWal }> {
  owner.assertHeld()
  const records: WalRecord[] = []
  let bytesRead = 0
  await replayAndFence(
    log,
    fromLsn,
    (r) => {
      bytesRead += r.payload.byteLength
      if (r.payload[0] === RecordKind.command) records.push({ lsn: r.position, payload: r.payload.subarray(1) })
      else if (r.payload[0] !== RecordKind.fence) throw corrupt(log, r.position, r.payload[0])
    },
    frame(RecordKind.fence, [new TextEncoder().encode(`${owner.nodeId}@${owner.epoch}`)]),
    `epoch-${owner.epoch}`,
  )
  return { wal: new LogWal(log, owner, options.retainMs ?? LOG_RETAIN_MS), records, bytesRead }
}

function frame(kind: number, payload: readonly Uint8Array[]): Uint8Array {
  let total = 1
  for (const p of payload) total += p.byteLength
  const out = new Uint8Array(total)
  out[0] = kind
  let at = 1
  for (const p of payload) {
    out.set(p, at)
    at += p.byteLength
  }
  return out
}

function corrupt(log: NatsLog, position: number, kind: number | undefined): MilvusError {
  return errors.io(`log '${log.stream}' record ${position} is not an engine record (kind ${kind ?? 'none'})`, undefined)
}
