import type { Column } from '../column/column.ts'
import type { Segment } from '../segment/segment.ts'

/** A segment seen by the expression evaluator: its columns as views of `rowCount` rows. */
export function segmentSource(seg: Segment): { readonly rowCount: number; column(name: string): Column | undefined } {
  return {
    rowCount: seg.rowCount,
    column: (name: string) => seg.column(name),
  }
}
