import { MilvusError } from '../errors/errors.ts'
import { ErrorCode } from '../errors/error-code.ts'

/**
 * The write-ahead log of a shard on a replicated log engine (cluster mode; docs/design/0011-cluster.md).
 * Positions are 1, 2, 3, … in append order, the same for every reader; a record is never changed.
 *
 * Durability contract: `append` resolves only once the log engine holds the record durably (for
 * NATS JetStream: stored by a quorum, fsynced with `sync_interval: always`); a rejected append left
 * nothing in the log. A *fenced* log (`expectedTail` given) appends only while nobody else did: an
 * append finding the tail moved fails with 2 and the log refuses every later append.
 */
export interface Log {
  /** Appends one record; resolves with its position once it is durable. Positions follow call order. */
  append(payload: Uint8Array): Promise<number>
  /** The records after position `after`, in order, at most `countMax` (fewer at the tail). */
  read(after: number, countMax: number): Promise<LogRecord[]>
  /** The last position the log holds (0 when empty). */
  tail(): Promise<number>
  /** Drops the records up to and including `position` (they are covered by a checkpoint). */
  truncate(position: number): Promise<void>
  close(): Promise<void>
}

export interface LogRecord {
  readonly position: number
  readonly payload: Uint8Array
}

/**
 * The log no longer holds records a reader needs (a checkpoint truncated them): 2, retriable by
 * reopening from the newest manifest. A read replica that meets it is stale (log-replica.ts).
 */
export class LogGap extends MilvusError {
  constructor(stream: string, from: number, to: number) {
    super(ErrorCode.ServiceUnavailable, `log '${stream}' no longer holds records ${from}–${to} (a checkpoint truncated them): the replica must reopen from the manifest`)
  }
}
