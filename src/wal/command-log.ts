import type { WalRecord } from './wal-format.ts'

/**
 * What the engine needs of its write-ahead log: the local `Wal`, or cluster mode's `LogWal` on a
 * replicated log (`log/log-wal.ts`). Records get increasing LSNs (not necessarily consecutive);
 * `apply(lsn)` runs once the record is durable, in LSN order, and never for a record that failed.
 */
export interface CommandLog {
  append<R>(payload: readonly Uint8Array[], apply: (lsn: number) => R): Promise<R>
  /** Bytes appended since open (checkpoint policy). */
  readonly stats: { readonly bytesWritten: number }
  /** Records with LSN ≤ `lsn` are covered by a checkpoint: the log may drop them. */
  checkpoint(lsn: number): Promise<void>
  close(): Promise<void>
}

/** A log opened for writing, with the records after `fromLsn` to replay first. */
export interface OpenedCommandLog {
  readonly wal: CommandLog
  readonly records: readonly WalRecord[]
  readonly bytesRead: number
  /**
   * Set when the log is opened read-only by a read replica (cluster mode's query nodes): `wal` refuses
   * appends, the database writes no checkpoint, and it applies what the writer appends from then on.
   */
  readonly replica?: LogReplica
}

/** The tail of a log a read replica follows (`log/log-replica.ts`). */
export interface LogReplica {
  /** Delivers the records after the replayed ones, in LSN order, from now on. */
  follow(apply: (records: readonly WalRecord[]) => void): void
  /** Resolves once every record the log held at the call has been delivered (Strong reads wait for it). */
  caughtUp(signal?: AbortSignal): Promise<void>
}
