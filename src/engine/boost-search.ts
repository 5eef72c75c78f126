import type { Bitset } from '../common/bitset.ts'
import type { WorkSlice } from '../common/work-slice.ts'
import type { CollectionData } from '../collection/collection-data.ts'
import { compileFilterAsync } from '../expr/compile-filter-async.ts'
import type { SearchHits } from '../query/run-search.ts'
import { type RowScope, selectRowsSliced } from '../query/select-rows.ts'
import { locationRow, locationSegment } from '../segment/pk-index.ts'
import type { BoostSpec } from './boost-rerank.ts'

/**
 * For each boost function, which hits of each query its filter matches (`result[q][f][i]`), undefined
 * for a function without a filter. A filter is evaluated over the rows the search saw (same snapshot,
 * partitions and segments) and read at each hit's row, as Milvus's boost scorer reads its filter bitset.
 */
export async function boostMatches(d: CollectionData, scope: RowScope, spec: BoostSpec, hits: readonly SearchHits[], params: Record<string, unknown> | undefined, slice: WorkSlice): Promise<(boolean[] | undefined)[][]> {
  const perFunction: (Map<number, Bitset> | undefined)[] = []
  for (const fn of spec.functions) {
    if (fn.filter === undefined) {
      perFunction.push(undefined)
      continue
    }
    const plan = await compileFilterAsync(fn.filter, d.schema, params)
    const rows = await selectRowsSliced(d, { ts: scope.ts, partitionIds: scope.partitionIds, plan, ignoreGrowing: scope.ignoreGrowing }, slice)
    perFunction.push(new Map(rows.map((r) => [r.segment.id as number, r.allowedBits])))
  }
  return hits.map((h) =>
    perFunction.map((bits) => {
      if (bits === undefined) return undefined
      return Array.from(h.locations, (loc) => bits.get(locationSegment(loc))?.get(locationRow(loc)) === true)
    }),
  )
}
