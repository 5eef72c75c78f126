import type { WorkSlice } from '../common/work-slice.ts'
import type { Column } from '../column/column.ts'
import type { CollectionData } from '../collection/collection-data.ts'
import { primaryKeysOf } from '../expr/primary-keys.ts'
import { locationRow } from '../segment/pk-index.ts'
import type { Segment } from '../segment/segment.ts'
import { inFieldOrder, type OrderByField } from './field-order.ts'
import { inKeyOrder, type SegmentPick } from './key-order.ts'
import { type RowScope, selectRowsSliced } from './select-rows.ts'

export interface QueryRequest extends RowScope {
  /** Fields to return (already resolved: schema names and/or `$meta`). */
  readonly outputFields: readonly string[]
  readonly offset: number
  /** -1 = no limit. */
  readonly limit: number
  /** Sort by these fields (then primary key) instead of primary key alone. */
  readonly orderBy?: readonly OrderByField[] | undefined
}

/** Rows of one segment chosen by a read, with the requested fields gathered as columns. */
export interface SegmentSlice {
  readonly segment: Segment
  readonly rows: Int32Array
  readonly columns: ReadonlyMap<string, Column>
}

/**
 * Query: rows visible at the snapshot that match the filter, in primary-key order (as Milvus;
 * `key-order.ts`), then offset/limit, then the output fields gathered per run of one segment.
 */
export async function runQuery(data: CollectionData, req: QueryRequest, slice: WorkSlice): Promise<SegmentSlice[]> {
  const picks: SegmentPick[] = []
  for (const { segment, allowedBits, allowedCount } of await selectRowsSliced(data, req, slice)) {
    if (allowedCount > 0) picks.push({ segment, rows: allowedBits.toIndexes() })
  }
  return gatherAll(await ordered(picks, data, req, slice), req.outputFields, slice)
}

/** The rows in the read's order: by `orderBy` fields when given, else by primary key; offset and limit applied. */
function ordered(picks: readonly SegmentPick[], data: CollectionData, req: QueryRequest, slice?: WorkSlice): Promise<SegmentPick[]> {
  if (req.orderBy !== undefined && req.orderBy.length > 0) return Promise.resolve(inFieldOrder(picks, req.orderBy, data.pkField.name, req.offset, req.limit))
  return inKeyOrder(picks, data.pkField.name, req.offset, req.limit, slice)
}

async function gatherAll(picks: readonly SegmentPick[], fields: readonly string[], slice?: WorkSlice): Promise<SegmentSlice[]> {
  const out: SegmentSlice[] = []
  for (const p of picks) {
    if (slice?.due() === true) await slice.pause()
    out.push(gather(p.segment, p.rows, fields))
  }
  return out
}

export function gather(segment: Segment, rows: Int32Array, fields: readonly string[]): SegmentSlice {
  const columns = new Map<string, Column>()
  for (const f of fields) {
    const store = segment.fields.get(f)
    if (store !== undefined) columns.set(f, store.take(rows))
  }
  return { segment, rows, columns }
}

/** count(*): rows visible at the snapshot that match the filter. */
export async function runCount(data: CollectionData, scope: RowScope, slice: WorkSlice): Promise<number> {
  let n = 0
  for (const { allowedCount } of await selectRowsSliced(data, scope, slice)) n += allowedCount
  return n
}

/**
 * When the filter is exactly a set of primary keys and the read is at the latest state, the PK
 * index answers without scanning (rows in key order, as every query). Returns undefined when the
 * fast path does not apply.
 */
export async function lookupKeys(data: CollectionData, req: QueryRequest, latest: boolean): Promise<SegmentSlice[] | undefined> {
  if (!latest || req.plan === undefined) return undefined
  const keySet = primaryKeysOf(req.plan, data.pkField)
  if (keySet === undefined) return undefined
  const keys = keySet.kind === 'int64' ? BigInt64Array.from(keySet.keys) : keySet.keys
  const bySegment = new Map<Segment, number[]>()
  const seen = new Set<number>()
  for (let i = 0; i < keys.length; i++) {
    const loc = data.locate(keys, i)
    if (loc < 0 || seen.has(loc)) continue
    seen.add(loc)
    const seg = data.segmentOf(loc)
    if (req.partitionIds !== undefined && !req.partitionIds.has(seg.partitionId)) continue
    const list = bySegment.get(seg) ?? []
    list.push(locationRow(loc))
    bySegment.set(seg, list)
  }
  const picks = [...bySegment.entries()].map(([segment, list]) => ({ segment, rows: Int32Array.from(list) }))
  return gatherAll(await ordered(picks, data, req), req.outputFields)
}
