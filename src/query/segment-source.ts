import type { ColumnSource } from '../expr/evaluate.ts'
import type { Segment } from '../segment/segment.ts'

/**
 * A segment seen by the expression evaluator: its columns as views of `rowCount` rows, and the
 * scalar indexes built for it (sealed segments), which answer the filter leaves they can.
 */
export function segmentSource(seg: Segment): ColumnSource {
  return {
    rowCount: seg.rowCount,
    column: (name: string) => seg.column(name),
    index: (name: string) => seg.scalarIndexes.get(name)?.index,
  }
}
