/**
 * When compaction runs and how far it goes. Milvus's equivalents in brackets
 * (`dataCoord.compaction.*`, `reference/milvus-semantics.md` §2.5).
 */
export interface CompactionPolicy {
  /** Rows a merged segment aims for (the seal budget). */
  readonly segmentRowsTarget: number
  /** A sealed segment with fewer live rows than this fraction of the target is "small" [smallProportion 0.5]. */
  readonly smallRatio: number
  /** A segment whose purgeable deleted rows reach this fraction is rewritten alone [single.ratio.threshold 0.2]. */
  readonly deletedRatioMax: number
  /** Segments merged at most in one plan [compaction.max.segment 30]. */
  readonly inputsMax: number
  /**
   * Only segments whose vector indexes are built are compacted [dataCoord.compaction.indexBasedCompaction,
   * true]: a segment waiting for its index build is not rewritten (its build would be thrown away and
   * redone on the output, and until then it is searched through an interim copy of its vectors). A
   * segment none of whose rows survives is dropped whatever its index.
   */
  readonly indexBased: boolean
}

export const compactionDefaults = {
  smallRatio: 0.5,
  deletedRatioMax: 0.2,
  inputsMax: 30,
  indexBased: true,
} as const
