import { indexSlotOf } from '../catalog/index-meta.ts'
import type { Timestamp } from '../common/hybrid-ts.ts'
import { isVectorType } from '../schema/data-type.ts'
import type { CollectionData } from '../collection/collection-data.ts'
import type { Segment } from '../segment/segment.ts'
import type { CompactionPolicy } from './compaction-policy.ts'

export type CompactionKind = 'merge' | 'clean'

export interface CompactionPlan {
  readonly kind: CompactionKind
  readonly partitionId: number
  readonly inputs: readonly Segment[]
}

/** Rows deleted at or before the horizon: compaction may drop them. */
export function purgeableCount(seg: Segment, horizon: Timestamp): number {
  return seg.deletes.deletedBitsAt(horizon).count()
}

/**
 * Plans for one collection: small sealed segments of a partition (by live rows) are merged up to
 * the target size, purging deleted rows on the way; a large segment, or a small one left alone,
 * whose purgeable deleted fraction passes the threshold is rewritten alone (clean). Only segments
 * `eligible` says yes to are considered (the engine: written by a checkpoint, not in a running job).
 */
export function planCompaction(data: CollectionData, policy: CompactionPolicy, horizon: Timestamp, eligible: (seg: Segment) => boolean = () => true): CompactionPlan[] {
  const plans: CompactionPlan[] = []
  const byPartition = new Map<number, Segment[]>()
  for (const seg of data.segmentsOf()) {
    if (seg.state !== 'sealed' || seg.rowCount === 0 || !eligible(seg)) continue
    const purgeable = purgeableCount(seg, horizon)
    if (policy.indexBased && purgeable < seg.rowCount && !vectorIndexed(data, seg)) continue
    if (seg.rowCount - purgeable < policy.segmentRowsTarget * policy.smallRatio) {
      const list = byPartition.get(seg.partitionId) ?? []
      list.push(seg)
      byPartition.set(seg.partitionId, list)
    } else if (purgeable / seg.rowCount >= policy.deletedRatioMax) {
      plans.push({ kind: 'clean', partitionId: seg.partitionId, inputs: [seg] })
    }
  }
  for (const [partitionId, small] of byPartition) {
    let group: Segment[] = []
    let rows = 0
    const flush = () => {
      if (group.length >= 2) plans.push({ kind: 'merge', partitionId, inputs: group })
      else if (group.length === 1 && purgeableCount(group[0]!, horizon) / group[0]!.rowCount >= policy.deletedRatioMax) {
        plans.push({ kind: 'clean', partitionId, inputs: group })
      }
      group = []
      rows = 0
    }
    for (const seg of small) {
      const live = seg.rowCount - purgeableCount(seg, horizon)
      if (group.length >= policy.inputsMax || (group.length > 0 && rows + live > policy.segmentRowsTarget)) flush()
      group.push(seg)
      rows += live
    }
    flush()
  }
  return plans
}

/** True when every vector index of the collection is built on `seg` (indexes of struct sub-fields and JSON paths aside). */
function vectorIndexed(data: CollectionData, seg: Segment): boolean {
  for (const meta of data.meta.indexes) {
    if (meta.jsonPath !== undefined) continue
    const field = data.schema.fields.find((f) => f.name === meta.fieldName)
    if (field === undefined || !isVectorType(field.dataType)) continue
    if (seg.vectorIndexes.get(indexSlotOf(meta))?.indexId !== meta.id) return false
  }
  return true
}
