import { crc32c } from '@node-rs/crc32'
import { type JetStreamClient, type JetStreamManager, JetStreamApiError, jetstream, jetstreamManager, type JetStreamPublishOptions, RetentionPolicy, StorageType } from '@nats-io/jetstream'
import { connect, headers, type NatsConnection } from '@nats-io/transport-node'
import { MilvusError, errors } from '../errors/errors.ts'
import { ErrorCode } from '../errors/error-code.ts'
import { type Log, LogGap, type LogRecord } from './log.ts'

export interface NatsLogOptions {
  /** NATS server URL(s), `nats://host:port`, comma-separated for several (`natsmq.address`). */
  readonly url: string
  /** The JetStream stream holding this shard's log (created if missing). */
  readonly stream: string
  /** The one subject the stream captures. */
  readonly subject: string
  /** Replicas of the stream when it is created (1, 3 or 5; default 1). */
  readonly replicas?: number
  /** Deadline of each request to the server (default 5,000 ms). */
  readonly requestTimeoutMs?: number
}

/** The header carrying the CRC32C of a record's payload, checked at every read. */
const CRC_HEADER = 'Quiver-Crc32c'
/** Records one direct batch get returns at most. */
const READ_BATCH_MAX = 1_000
/** How long the server remembers message ids to drop a retried publish (2 min). */
const DUPLICATE_WINDOW_NS = 120_000_000_000

/**
 * The `Log` on a NATS JetStream stream: one message per record, position = stream sequence, payload
 * checked by a CRC32C header. The server must fsync before acknowledging (`sync_interval: always`,
 * or R3 across failure domains): its default acknowledges before fsync (docs/design/0011-cluster.md §3).
 *
 * A writer **fences** the log (`fence(tail)`) after replaying it to `tail`: each append then carries
 * the expected last sequence, so an append by a deposed writer — or one that raced it — is refused by
 * the server (2, and every later append of this writer too). After an append whose outcome is unknown
 * (timeout, connection lost) a fenced log also refuses further appends: the writer re-opens, replays
 * and fences again, as the local WAL never writes after an unknown tail.
 */
export class NatsLog implements Log {
  readonly stream: string
  readonly subject: string
  readonly #nc: NatsConnection
  readonly #js: JetStreamClient
  readonly #jsm: JetStreamManager
  readonly #timeoutMs: number
  /** The sequence the next fenced append expects as the stream's last; undefined when not fenced. */
  #expectedTail: number | undefined
  #fenceTag = ''
  #refusedReason: string | undefined

  private constructor(nc: NatsConnection, jsm: JetStreamManager, options: NatsLogOptions) {
    this.#nc = nc
    this.#jsm = jsm
    this.#js = jetstream(nc, { timeout: options.requestTimeoutMs ?? 5_000 })
    this.stream = options.stream
    this.subject = options.subject
    this.#timeoutMs = options.requestTimeoutMs ?? 5_000
  }

  /** Connects and creates the stream if it does not exist (file storage, limits retention). */
  static async open(options: NatsLogOptions): Promise<NatsLog> {
    const timeoutMs = options.requestTimeoutMs ?? 5_000
    let nc: NatsConnection
    try {
      nc = await connect({ servers: options.url.split(','), timeout: timeoutMs, maxReconnectAttempts: -1, reconnectTimeWait: 250 })
    } catch (e) {
      throw logError('connect to', options.url, e)
    }
    try {
      const jsm = await jetstreamManager(nc, { timeout: timeoutMs })
      await ensureStream(jsm, options)
      return new NatsLog(nc, jsm, options)
    } catch (e) {
      await nc.close().catch(() => undefined)
      throw e instanceof MilvusError ? e : logError('open log stream', options.stream, e)
    }
  }

  /** From now on every append expects the stream to end at the position before it; `tail` is where replay ended. */
  fence(tail: number, tag: string): void {
    this.#expectedTail = tail
    this.#fenceTag = tag
    this.#refusedReason = undefined
  }

  /** Why appends are refused (fenced out, or an append's outcome unknown), or undefined. */
  get refusedReason(): string | undefined {
    return this.#refusedReason
  }

  /** The largest payload the server takes in one message (its `max_payload`; NATS's default is 1 MiB). */
  get payloadBytesMax(): number {
    return this.#nc.info?.max_payload ?? 1024 * 1024
  }

  append(payload: Uint8Array): Promise<number> {
    if (this.#refusedReason !== undefined) return Promise.reject(this.#refused())
    // Refused before anything is sent: the log, and a fenced writer's expectation, are unchanged.
    if (payload.byteLength > this.payloadBytesMax) return Promise.reject(tooLarge(this.stream, payload.byteLength, this.payloadBytesMax))
    const h = headers()
    h.set(CRC_HEADER, String(crc32c(payload)))
    const options: Partial<JetStreamPublishOptions> = { headers: h, timeout: this.#timeoutMs }
    const expected = this.#expectedTail
    if (expected !== undefined) {
      // Taken now, in call order: the server applies publishes of one connection in order.
      options.expect = { lastSequence: expected }
      options.msgID = `${this.#fenceTag}-${expected + 1}`
      this.#expectedTail = expected + 1
    }
    return this.#publish(payload, options, expected)
  }

  async #publish(payload: Uint8Array, options: Partial<JetStreamPublishOptions>, expected: number | undefined): Promise<number> {
    try {
      const ack = await this.#js.publish(this.subject, payload, options)
      if (expected !== undefined && ack.seq !== expected + 1) {
        this.#refusedReason ??= `the log stored the record at ${ack.seq}, expected ${expected + 1}`
        throw this.#refused()
      }
      return ack.seq
    } catch (e) {
      if (e instanceof MilvusError) throw e
      if (expected !== undefined) {
        const fenced = e instanceof JetStreamApiError && (e.code === 10071 || e.code === 10164)
        this.#refusedReason ??= fenced
          ? `another writer appended to '${this.stream}' after position ${expected}`
          : `an append after position ${expected} failed with its outcome unknown; re-open and replay`
        if (fenced) throw this.#refused()
      }
      throw logError('append to', this.stream, e)
    }
  }

  async read(after: number, countMax: number): Promise<LogRecord[]> {
    const tail = await this.tail()
    const count = Math.min(countMax, tail - after, READ_BATCH_MAX)
    if (count <= 0) return []
    const records: LogRecord[] = []
    try {
      const batch = await this.#jsm.direct.getBatch(this.stream, { seq: after + 1, batch: count })
      for await (const m of batch) {
        const crc = m.header.get(CRC_HEADER)
        if (crc !== String(crc32c(m.data))) {
          throw errors.io(`log '${this.stream}' record ${m.seq} is corrupt: checksum mismatch (stored ${crc || 'none'}, computed ${crc32c(m.data)})`, undefined)
        }
        records.push({ position: m.seq, payload: new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength) })
      }
    } catch (e) {
      if (e instanceof MilvusError) throw e
      // Nothing at or after the position: a checkpoint truncated every record up to the tail.
      const code = (e as { code?: unknown } | null)?.code
      if (code === 404 || code === '404') throw new LogGap(this.stream, after + 1, tail)
      throw logError('read from', this.stream, e)
    }
    return records
  }

  async tail(): Promise<number> {
    try {
      const info = await this.#jsm.streams.info(this.stream)
      return info.state.last_seq
    } catch (e) {
      throw logError('read the tail of', this.stream, e)
    }
  }

  async truncate(position: number): Promise<void> {
    try {
      await this.#jsm.streams.purge(this.stream, { seq: position + 1 })
    } catch (e) {
      throw logError('truncate', this.stream, e)
    }
  }

  async close(): Promise<void> {
    await this.#nc.close()
  }

  #refused(): MilvusError {
    return new MilvusError(ErrorCode.ServiceUnavailable, `log '${this.stream}' refuses appends: ${this.#refusedReason}`)
  }
}

async function ensureStream(jsm: JetStreamManager, options: NatsLogOptions): Promise<void> {
  try {
    await jsm.streams.info(options.stream)
    return
  } catch (e) {
    if (!(e instanceof Error && /stream not found/i.test(e.message))) throw e
  }
  await jsm.streams.add({
    name: options.stream,
    subjects: [options.subject],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    num_replicas: options.replicas ?? 1,
    allow_direct: true,
    duplicate_window: DUPLICATE_WINDOW_NS,
  })
}

/** 1102: a record larger than the server's `max_payload` (nothing was sent). */
export function tooLarge(stream: string, bytes: number, bytesMax: number): MilvusError {
  return errors.tooLarge(`a write of ${bytes} bytes exceeds the log's max_payload of ${bytesMax} bytes (stream '${stream}'): split the batch, or raise max_payload on the NATS server (at most 64 MB)`)
}

/** An io error (2100) naming what was done to which stream and the NATS code. */
function logError(op: string, target: string, cause: unknown): MilvusError {
  const code = cause instanceof JetStreamApiError ? `JetStream ${cause.code}` : ((cause as { code?: unknown; name?: unknown } | null)?.code ?? (cause as { name?: unknown } | null)?.name ?? 'unknown')
  const detail = cause instanceof Error ? `: ${cause.message}` : ''
  return errors.io(`${op} log '${target}' failed (${String(code)})${detail}`, cause)
}
