import { MilvusError } from '../errors/errors.ts'
import { ErrorCode } from '../errors/error-code.ts'
import type { LogRecord } from './log.ts'
import type { NatsLog } from './nats-log.ts'

/** Records read per round trip while replaying. */
const REPLAY_BATCH = 1_000
/** Pause before replaying again after a refused fence (the deposed writer is stopping). */
const FENCE_RETRY_MS = 50

/**
 * The new owner's side of a failover (docs/design/0011-cluster.md §7), once it holds the shard's
 * ownership: replays every record after `from` (the manifest's checkpoint position) through `apply`,
 * then fences the log at the tail it reached by appending `fenceRecord` with that tail expected. If
 * someone appended meanwhile (a deposed owner not yet aware), the fence is refused: replay the rest and
 * try again, for up to `waitMs` (default 10,000 ms: a deposed owner stops appending at its lease
 * deadline, so this ends within one TTL). Resolves with the fence's position; from then on only this
 * writer can append, and every record acknowledged before the fence has been applied, exactly once,
 * in order.
 */
export async function replayAndFence(log: NatsLog, from: number, apply: (record: LogRecord) => void, fenceRecord: Uint8Array, tag: string, waitMs = 10_000): Promise<number> {
  let applied = from
  const deadlineMs = Date.now() + waitMs
  for (let round = 0; ; round++) {
    if (round > 0) {
      if (Date.now() >= deadlineMs) break
      await new Promise((resolve) => setTimeout(resolve, FENCE_RETRY_MS))
    }
    for (;;) {
      const records = await log.read(applied, REPLAY_BATCH)
      if (records.length === 0) break
      for (const r of records) {
        apply(r)
        applied = r.position
      }
    }
    log.fence(applied, tag)
    try {
      return await log.append(fenceRecord)
    } catch (e) {
      if (!(e instanceof MilvusError) || e.code !== ErrorCode.ServiceUnavailable) throw e
    }
  }
  throw new MilvusError(ErrorCode.ServiceUnavailable, `log '${log.stream}': another writer kept appending for ${waitMs} ms`)
}
