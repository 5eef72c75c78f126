import type { InterimIvf } from '../index/interim/interim-ivf.ts'
import type { InterimTrainOutput } from '../index/interim/interim-trainer.ts'
import type { VectorIndex } from '../index/vector-index.ts'
import type { FloatMetric } from '../vector/metric.ts'

/** A vector index built for one sealed segment's field. */
export interface SegmentIndex {
  readonly indexId: number
  readonly index: VectorIndex
  /** The file holding it, once a checkpoint wrote it (undefined until then; always present, one object shape). */
  file?: string | undefined
}

/**
 * The interim index of one growing (or sealed, not yet indexed) segment's float vector field
 * (`docs/design/0012-interim-index.md`): derived state, never persisted. The engine's `InterimIndexes`
 * creates it and trains it in a worker; `catchUpInterim` (also run by searches, a millisecond at a
 * time) builds the quick index, adds new rows and adopts a finished training. Dropped once the
 * field's index is built.
 */
export interface SegmentInterimIndex {
  /** The metric it was trained and is searched with (the field's index metric). */
  readonly metric: FloatMetric
  /** What searches use: rows [0, index.coveredRows) are in it (null until the quick index is made). */
  index: InterimIvf | null
  /** Trained on a newer snapshot, taking rows until it covers as many as `index`, then replacing it. */
  next: InterimIvf | null
  /** The snapshot's list of each row that `next` has not taken yet (rows [next.coveredRows, nextLists.length)). */
  nextLists: Int32Array | null
  /** A worker training's list of each row that `index` has not taken yet (rows [index.coveredRows, indexLists.length)); null once taken. */
  indexLists: Int32Array | null
  /** A training running in a worker: its output (shared memory, `done` set when written) and the vector chunks it reads. */
  training: InterimTraining | null
}

export interface InterimTraining {
  readonly rows: number
  readonly output: InterimTrainOutput
  /** The column's chunks when the training started: a seal moves the vectors, and the result is then discarded. */
  readonly chunks: readonly unknown[]
}
