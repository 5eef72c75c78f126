import type { Bitset } from '../common/bitset.ts'
import type { Timestamp } from '../common/hybrid-ts.ts'
import type { WorkSlice } from '../common/work-slice.ts'
import type { CollectionData } from '../collection/collection-data.ts'
import { evaluate, evaluateSliced } from '../expr/evaluate.ts'
import { isSharedPlan } from '../expr/filter-cache.ts'
import type { ExprPlan } from '../expr/plan.ts'
import type { Segment } from '../segment/segment.ts'
import { segmentSource } from './segment-source.ts'

/**
 * Which rows a read may see: a snapshot time, partitions and an optional filter. Build these (and the
 * requests that extend them) with every property present, undefined where absent: a fixed shape keeps
 * V8 on its fast path (a `{ ...scope, ...other }` spread of this many properties measured ~5 µs and gave
 * a dictionary-mode object that slowed every later property read of the search).
 */
export interface RowScope {
  readonly ts: Timestamp
  readonly partitionIds?: ReadonlySet<number> | undefined
  readonly plan?: ExprPlan | undefined
  /** Only sealed segments (Milvus's `ignore_growing`). */
  readonly ignoreGrowing?: boolean | undefined
}

export interface SegmentRows {
  readonly segment: Segment
  /** 1 = the row is visible at `ts` and matches the filter. Read-only (may be shared between reads). */
  readonly allowedBits: Bitset
  /** Set bits of `allowedBits`. */
  readonly allowedCount: number
}

/** For each segment in scope, the rows visible at the snapshot that match the filter (in one go: the write path's delete by filter). */
export function selectRows(data: CollectionData, scope: RowScope): SegmentRows[] {
  const out: SegmentRows[] = []
  for (const segment of data.segmentsOf(scope.partitionIds)) {
    const rows = segmentRows(segment, scope)
    if (rows !== undefined) out.push(rows)
  }
  return out
}

/**
 * `selectRows` for reads: the segments in scope are fixed first (one snapshot of the list), then
 * each is filtered, letting other work run between segments when the slice is used up. Later
 * changes to a segment are invisible at `scope.ts`; a segment retired meanwhile stays readable.
 * Synchronous (an array) while nothing has to wait: no filter or a remembered one, and the slice not
 * used up, the usual case of a search; a promise once a pause or a sliced evaluation comes.
 */
export function selectRowsSliced(data: CollectionData, scope: RowScope, slice: WorkSlice): SegmentRows[] | Promise<SegmentRows[]> {
  const segments = data.segmentsOf(scope.partitionIds)
  const out: SegmentRows[] = []
  for (let i = 0; i < segments.length; i++) {
    if (slice.due()) return selectRest(segments, i, scope, slice, out)
    const rows = segmentRows(segments[i]!, scope, slice)
    if (rows instanceof Promise) {
      return rows.then((r) => {
        out.push(r)
        return selectRest(segments, i + 1, scope, slice, out)
      })
    }
    if (rows !== undefined) out.push(rows)
  }
  return out
}

async function selectRest(segments: readonly Segment[], from: number, scope: RowScope, slice: WorkSlice, out: SegmentRows[]): Promise<SegmentRows[]> {
  for (let i = from; i < segments.length; i++) {
    if (slice.due()) await slice.pause()
    const rows = segmentRows(segments[i]!, scope, slice)
    if (rows !== undefined) out.push(rows instanceof Promise ? await rows : rows)
  }
  return out
}

/** The rows of one segment in scope; with a slice, a filter that has to be evaluated is evaluated sliced (a promise). */
function segmentRows(segment: Segment, scope: RowScope): SegmentRows | undefined
function segmentRows(segment: Segment, scope: RowScope, slice: WorkSlice): SegmentRows | Promise<SegmentRows> | undefined
function segmentRows(segment: Segment, scope: RowScope, slice?: WorkSlice): SegmentRows | Promise<SegmentRows> | undefined {
  if (segment.rowCount === 0 || (scope.ignoreGrowing === true && segment.state === 'growing')) return undefined
  // visibleBits may be shared by every read at the latest state: filtered reads work on a copy.
  const visible = segment.visibleRows(scope.ts)
  if (scope.plan === undefined) return { segment, allowedBits: visible.bits, allowedCount: visible.count }
  const filtered = filteredRows(segment, visible, scope.plan, slice)
  if (filtered instanceof Promise) return filtered.then((f) => ({ segment, allowedBits: f.bits, allowedCount: f.count }))
  return { segment, allowedBits: filtered.bits, allowedCount: filtered.count }
}

/** Filters remembered per latest-state visibility of a segment; past this many, the segment's are forgotten. */
export const FILTERED_PLANS_PER_SEGMENT_MAX = 8

/**
 * Filter results of a segment's latest state, keyed by its shared visibility object (a new one comes
 * with every change to the segment's rows or deletes, so entries never go stale: they die with it)
 * and by the compiled plan (`compileFilterCached` hands out one object per filter text). A search
 * repeated with the same filter then skips evaluating it (for a 100k-row segment ~30 µs a query).
 */
const filteredByVisibility = new WeakMap<object, Map<ExprPlan, { bits: Bitset; count: number }>>()

type Filtered = { bits: Bitset; count: number }

/**
 * `visible ∧ plan` for one segment, from the cache when it has it. Without a slice the filter is
 * evaluated in one go; with one, sliced (a promise; the segment's columns only grow meanwhile, and
 * the evaluation reads the first `rowCount` rows it saw at the start).
 */
function filteredRows(segment: Segment, visible: Filtered, plan: ExprPlan, slice?: WorkSlice): Filtered | Promise<Filtered> {
  const cacheable = segment.isLatestVisible(visible) && isSharedPlan(plan)
  const hit = cacheable ? filteredByVisibility.get(visible)?.get(plan) : undefined
  if (hit !== undefined) return hit
  const source = segmentSource(segment)
  if (slice === undefined) return remember(visible, plan, cacheable, visible.bits.clone().and(evaluate(plan, source)))
  return evaluateSliced(plan, source, slice).then((m) => remember(visible, plan, cacheable, visible.bits.clone().and(m)))
}

function remember(visible: Filtered, plan: ExprPlan, cacheable: boolean, bits: Bitset): Filtered {
  const entry = { bits, count: bits.count() }
  let byPlan = cacheable ? filteredByVisibility.get(visible) : undefined
  if (cacheable) {
    if (byPlan === undefined) {
      byPlan = new Map()
      filteredByVisibility.set(visible, byPlan)
    }
    if (byPlan.size >= FILTERED_PLANS_PER_SEGMENT_MAX) byPlan.clear()
    byPlan.set(plan, entry)
  }
  return entry
}
