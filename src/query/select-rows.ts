import type { Bitset } from '../common/bitset.ts'
import type { Timestamp } from '../common/hybrid-ts.ts'
import type { CollectionData } from '../collection/collection-data.ts'
import { evaluate } from '../expr/evaluate.ts'
import type { ExprPlan } from '../expr/plan.ts'
import type { Segment } from '../segment/segment.ts'
import { segmentSource } from './segment-source.ts'

/** Which rows a read may see: a snapshot time, partitions and an optional filter. */
export interface RowScope {
  readonly ts: Timestamp
  readonly partitionIds?: ReadonlySet<number>
  readonly plan?: ExprPlan
}

export interface SegmentRows {
  readonly segment: Segment
  /** 1 = the row is visible at `ts` and matches the filter. */
  readonly allowedBits: Bitset
}

/** For each segment in scope, the rows visible at the snapshot that match the filter. */
export function selectRows(data: CollectionData, scope: RowScope): SegmentRows[] {
  const out: SegmentRows[] = []
  for (const segment of data.segmentsOf(scope.partitionIds)) {
    if (segment.rowCount === 0) continue
    const allowedBits = segment.visibleBits(scope.ts)
    if (scope.plan !== undefined) allowedBits.and(evaluate(scope.plan, segmentSource(segment)))
    out.push({ segment, allowedBits })
  }
  return out
}
