import type { Bitset } from '../common/bitset.ts'
import type { TopKHeap } from '../common/topk-heap.ts'
import type { WorkSlice } from '../common/work-slice.ts'
import type { CollectionData } from '../collection/collection-data.ts'
import type { InterimBudget, InterimIvf } from '../index/interim/interim-ivf.ts'
import { interimBudget } from '../index/interim/interim-policy.ts'
import { encodeLocation } from '../segment/pk-index.ts'
import { catchUpInterim } from '../segment/interim-catch-up.ts'
import type { Segment } from '../segment/segment.ts'
import type { SearchRequest } from './run-search.ts'

/** Time a search may spend bringing an interim index up to date before using it (ms). */
const interimCatchUpMs = 1

/**
 * The interim index a search of `segment` may use (`docs/design/0012-interim-index.md`), with its
 * budget: only for float queries of the index's metric, no range search, a field that still has an
 * index, and only when probing it scores fewer rows than the exact scan of its rows would.
 */
export function usableInterim(data: CollectionData, segment: Segment, req: SearchRequest, k: number, allowedCount: number): { index: InterimIvf; budget: InterimBudget } | null {
  const slot = segment.interimIndexes.get(req.field.name)
  if (slot === undefined || slot.metric !== req.metric) return null
  if (req.radius !== undefined || req.rangeFilter !== undefined || req.queries[0]?.kind !== 'float') return null
  if (!data.meta.indexes.some((i) => i.fieldName === req.field.name)) return null
  // New rows (and a finished training) are taken in before searching, a bounded time per search.
  catchUpInterim(segment, req.field.name, slot, performance.now() + interimCatchUpMs)
  const index = slot.index
  if (index === null) return null
  const budget = interimBudget(k, req.indexParams ?? {})
  if (allowedCount <= budget.rows || index.coveredRows <= 2 * budget.rows || index.listCount <= 2 * budget.lists) return null
  return { index, budget }
}

/**
 * Searches the rows the interim index covers, per query vector, into the heaps; returns the first row
 * it did not cover (the caller scans the rest exactly). The covered count is fixed at the start: rows
 * added to the index while the search pauses are left to the exact scan.
 */
export async function searchInterim(
  index: InterimIvf,
  budget: InterimBudget,
  heaps: TopKHeap[],
  allowedBits: Bitset,
  segmentId: number,
  k: number,
  req: SearchRequest,
  slice: WorkSlice,
): Promise<number> {
  const covered = Math.min(index.coveredRows, allowedBits.capacity)
  const base = encodeLocation(segmentId, 0)
  for (let q = 0; q < req.queries.length; q++) {
    if (slice.due()) await slice.pause()
    const query = req.queries[q]!
    if (query.kind !== 'float') continue
    const hits = index.search(query.values, k, allowedBits.words, covered, budget)
    for (let i = 0; i < hits.rows.length; i++) heaps[q]!.push(hits.scores[i]!, base + hits.rows[i]!)
  }
  return covered
}
