import type { VectorIndex } from '../index/vector-index.ts'

/** A vector index built for one sealed segment's field. */
export interface SegmentIndex {
  readonly indexId: number
  readonly index: VectorIndex
  /** The file holding it, once a checkpoint wrote it. */
  file?: string
}
