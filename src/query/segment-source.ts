import type { ColumnSource } from '../expr/evaluate.ts'
import type { PathKey } from '../expr/expr-node.ts'
import type { ScalarIndex } from '../expr/scalar-index/scalar-index.ts'
import type { Segment } from '../segment/segment.ts'
import { RtreeIndex } from '../expr/scalar-index/rtree-index.ts'

/**
 * A segment seen by the expression evaluator: its columns as views of `rowCount` rows, and the
 * scalar indexes built for it (sealed segments), which answer the filter leaves they can.
 */
export function segmentSource(seg: Segment): ColumnSource {
  return {
    rowCount: seg.rowCount,
    column: (name: string) => seg.column(name),
    index: (name: string) => seg.scalarIndexes.get(name)?.index,
    geometryIndex: (name: string) => {
      const index = seg.scalarIndexes.get(name)?.index
      return index instanceof RtreeIndex ? index : undefined
    },
    jsonIndexes: (column: string, path: readonly PathKey[]) => {
      const out: ScalarIndex[] = []
      for (const si of seg.scalarIndexes.values()) if (si.jsonPath !== undefined && si.jsonPath.column === column && samePath(si.jsonPath.path, path)) out.push(si.index)
      return out
    },
  }
}

function samePath(a: readonly PathKey[], b: readonly PathKey[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i])
}
