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
}
