import { totalmem } from 'node:os'
import type { FileStore } from '../storage/file-store.ts'
import type { MetaStore } from '../storage/meta-store.ts'
import type { OpenedCommandLog } from '../wal/command-log.ts'
import { errors } from '../errors/errors.ts'

/** Options of `Quiver.open` / `Database.open`. Every limit is named with its unit. */
export interface OpenOptions {
  /** Where files go; default a `LocalFileStore` on `path` (tests inject faults here). */
  readonly fileStore?: FileStore
  /** Where the manifest goes; default `manifest.json` in the file store (cluster mode: etcd). */
  readonly metaStore?: MetaStore
  /** Opens the write-ahead log from a checkpoint LSN; default the local `Wal` under `wal/` (cluster mode: the shard's log). */
  readonly openWal?: (fromLsn: number) => Promise<OpenedCommandLog>
  /** Data directory (created if missing). */
  readonly path: string
  /** fdatasync the WAL before acknowledging writes (default true). Off only for throwaway data. */
  readonly sync?: boolean
  /** A growing segment seals at this many bytes of row data (default 64 MiB). */
  readonly segmentBytesMax?: number
  /** …or at this many rows, whichever comes first (default 1,048,576). */
  readonly segmentRowsMax?: number
  /** Checkpoint once the WAL has grown this much since the last one (default 256 MiB). */
  readonly walCheckpointBytes?: number
  /** WAL file size before rotating (default 16 MiB): the file being appended to is never removed, so this bounds checkpointed WAL bytes left on disk. */
  readonly walFileBytesMax?: number
  /** Deleted rows stay readable by `asOf` reads this long before compaction may purge them (default 60 s). */
  readonly timeTravelRetentionMs?: number
  /** Compact in the background after checkpoints (default true). */
  readonly autoCompaction?: boolean
  /** Compaction jobs (each one worker thread) running at once (default 1). */
  readonly compactionConcurrencyMax?: number
  /** Flushes per second per collection; more are refused with code 8 (default 0 = unlimited). */
  readonly flushRateMax?: number
  /** Memory budget of the engine's data (rows, PK index, deletes); writes past it fail with code 9 (default 80 % of RAM; 0 = none). */
  readonly memoryBytesMax?: number
  /**
   * How long `close()` lets its last checkpoint (and a background one still running) write before
   * stopping it before its manifest (default 2,000 ms). Nothing is lost either way — every acknowledged
   * write is in the WAL — but what the checkpoint did not write, the next open replays from the WAL.
   * 0: close writes no checkpoint (everything since the last one is left to WAL replay).
   */
  readonly closeCheckpointMsMax?: number
  /**
   * Owner epoch written into every file name a checkpoint creates (`<segment>-e<epoch>-<rows>.arrow`),
   * so two owners of one store never write the same name (cluster mode: the shard ownership's epoch).
   * Default 0: no epoch in names (a local directory has one writer). Names are read from the manifest,
   * so files of any earlier naming still load.
   */
  readonly fileEpoch?: number
  /**
   * Remove the files a checkpoint's manifest no longer names right after it is saved (default true).
   * false: leave them to a `GarbageCollector`, which removes them after a grace period (cluster mode:
   * other nodes may still be reading the previous manifest's files).
   */
  readonly removeUnreferencedFiles?: boolean
  /** Receives operational messages (torn WAL tail cut, replay, background checkpoint failures); default console.warn. */
  readonly log?: (message: string) => void
}

export const defaults = {
  segmentBytesMax: 64 * 1024 * 1024,
  segmentRowsMax: 1 << 20,
  walCheckpointBytes: 256 * 1024 * 1024,
  walFileBytesMax: 16 * 1024 * 1024,
  timeTravelRetentionMs: 60_000,
  compactionConcurrencyMax: 1,
  closeCheckpointMsMax: 2_000,
} as const

/** Every option with its default filled in (the stores are not options the database keeps). */
export type ResolvedOptions = Required<Omit<OpenOptions, 'fileStore' | 'metaStore' | 'openWal'>>

export function resolveOptions(options: OpenOptions): ResolvedOptions {
  return {
    path: options.path,
    sync: options.sync ?? true,
    segmentBytesMax: options.segmentBytesMax ?? defaults.segmentBytesMax,
    segmentRowsMax: options.segmentRowsMax ?? defaults.segmentRowsMax,
    walCheckpointBytes: options.walCheckpointBytes ?? defaults.walCheckpointBytes,
    walFileBytesMax: options.walFileBytesMax ?? defaults.walFileBytesMax,
    timeTravelRetentionMs: options.timeTravelRetentionMs ?? defaults.timeTravelRetentionMs,
    autoCompaction: options.autoCompaction ?? true,
    compactionConcurrencyMax: options.compactionConcurrencyMax ?? defaults.compactionConcurrencyMax,
    flushRateMax: options.flushRateMax ?? 0,
    closeCheckpointMsMax: options.closeCheckpointMsMax ?? defaults.closeCheckpointMsMax,
    fileEpoch: fileEpochOf(options.fileEpoch),
    removeUnreferencedFiles: options.removeUnreferencedFiles ?? true,
    memoryBytesMax: options.memoryBytesMax ?? Math.floor(totalmem() * 0.8),
    log: options.log ?? ((m: string) => console.warn(`[quiver] ${m}`)),
  }
}

function fileEpochOf(epoch: number | undefined): number {
  if (epoch === undefined) return 0
  if (!Number.isSafeInteger(epoch) || epoch < 0) throw errors.invalid(`fileEpoch must be a non-negative integer, got ${String(epoch)}`)
  return epoch
}
