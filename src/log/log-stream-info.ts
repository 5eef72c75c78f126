import { JetStreamApiError, jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { errors } from '../errors/errors.ts'

/** What a shard's log holds, as `quiver inspect` reports it. */
export interface LogStreamInfo {
  readonly stream: string
  /** Position of the oldest record kept (records before it were truncated by checkpoints). */
  readonly firstPosition: number
  /** Position of the newest record (0: nothing was ever appended). */
  readonly tail: number
  readonly recordCount: number
  readonly bytes: number
}

/** JetStream's "stream not found" API error code. */
const STREAM_NOT_FOUND = 10059

/**
 * Reads a log stream's positions without changing anything: no stream is created (undefined when it
 * does not exist), nothing is appended, fenced or purged. An unreachable server is an io error (2100).
 */
export async function readLogStreamInfo(options: { readonly url: string; readonly stream: string; readonly requestTimeoutMs?: number }): Promise<LogStreamInfo | undefined> {
  const timeoutMs = options.requestTimeoutMs ?? 5_000
  let nc: Awaited<ReturnType<typeof connect>>
  try {
    nc = await connect({ servers: options.url.split(','), timeout: timeoutMs, maxReconnectAttempts: 0 })
  } catch (e) {
    throw errors.io(`connect to log '${options.url}' failed (${String((e as { code?: unknown }).code ?? (e as Error).name)})`, e)
  }
  try {
    const jsm = await jetstreamManager(nc, { timeout: timeoutMs })
    const info = await jsm.streams.info(options.stream)
    return { stream: options.stream, firstPosition: info.state.first_seq, tail: info.state.last_seq, recordCount: info.state.messages, bytes: info.state.bytes }
  } catch (e) {
    if (e instanceof JetStreamApiError && e.code === STREAM_NOT_FOUND) return undefined
    if (e instanceof Error && /stream not found/i.test(e.message)) return undefined
    throw errors.io(`read the state of log '${options.stream}' failed (${e instanceof JetStreamApiError ? `JetStream ${e.code}` : (e as Error).name})`, e)
  } finally {
    await nc.close().catch(() => undefined)
  }
}
