/** Where `Database.open` spent its time (ms) and what it read: startup logs and `bench/restart.ts` report it. */
export interface OpenStats {
  /** Leftover temporaries removed, manifest read and parsed. */
  manifestMs: number
  /** Segment files (and their delete files) read and decoded into memory. */
  segmentsMs: number
  /** Index files read and decoded. */
  indexesMs: number
  /** WAL files read and checked (a CRC per record), torn tail cut. */
  walReadMs: number
  /** WAL records after the checkpoint applied to the state. */
  walReplayMs: number
  totalMs: number
  segmentCount: number
  segmentBytes: number
  indexBytes: number
  /** Bytes of WAL files read. */
  walBytes: number
  /** Records replayed (after the checkpoint). */
  walRecords: number
}

/** How `close()` ended its last checkpoint. */
export type CloseCheckpoint =
  /** Everything applied was already in the last checkpoint: nothing written. */
  | 'skipped'
  | 'written'
  /** Stopped at `closeCheckpointMsMax` before its manifest: the WAL holds every write; the next open replays it. */
  | 'cancelled'
  /** An io error (close rejects with it); the WAL holds every write. */
  | 'failed'

/** Where `Database.close` spent its time (ms). */
export interface CloseStats {
  /** Index builds and compactions cancelled (worker threads stopped). */
  cancelMs: number
  cancelledBuilds: number
  cancelledCompactions: number
  /** Writes already handed to the WAL when close began, until durable and applied. */
  inflightMs: number
  checkpoint: CloseCheckpoint
  /** A running background checkpoint and the last one (bounded by `closeCheckpointMsMax`). */
  checkpointMs: number
  /** WAL closed, memory released, directory lock released. */
  releaseMs: number
  totalMs: number
}

/** Milliseconds since `startMs` (performance.now), rounded to 0.1. */
export function msSince(startMs: number): number {
  return Math.round((performance.now() - startMs) * 10) / 10
}
