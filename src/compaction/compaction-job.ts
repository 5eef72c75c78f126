import type { CollectionSchema } from '../schema/collection-schema.ts'

/** One source segment sent to the worker: its segment file (Arrow IPC) and its delete stamps at the snapshot. */
export interface CompactionJobInput {
  readonly fileBytes: Uint8Array
  /** For error messages: the file it was read from, or `memory:<segment id>`. */
  readonly path: string
  readonly deleteStamps: BigInt64Array
}

/** Test hooks carried into the worker: hold it until released, or make it fail. */
export interface CompactionWorkerHooks {
  /** The worker posts `held`, then waits until element 0 becomes non-zero (`Atomics.notify`), at most `holdMs`. */
  readonly hold?: Int32Array
  readonly holdMs?: number
  /** `throw`: the job throws; `exit`: the worker thread exits without answering. */
  readonly fault?: 'throw' | 'exit'
}

/** What the main thread sends a compaction worker. */
export interface CompactionJobRequest {
  readonly schema: CollectionSchema
  readonly targetId: number
  readonly partitionId: number
  /** Rows deleted at or before it are dropped (hybrid timestamp). */
  readonly horizon: bigint
  readonly inputs: readonly CompactionJobInput[]
  readonly hooks: Omit<CompactionWorkerHooks, 'fault'> & { readonly fault?: 'throw' | 'exit' }
}

/** The worker's answer: the merged segment file and the source of each of its rows, or the error. */
export type CompactionJobReply =
  | { readonly kind: 'held' }
  | {
      readonly kind: 'done'
      readonly fileBytes: Uint8Array
      readonly rowCount: number
      readonly rowsIn: number
      readonly sourceInput: Int32Array
      readonly sourceRow: Int32Array
    }
  | { readonly kind: 'failed'; readonly code: number; readonly message: string; readonly stack: string }
