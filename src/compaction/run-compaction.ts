import type { Timestamp } from '../common/hybrid-ts.ts'
import type { CollectionData } from '../collection/collection-data.ts'
import type { VectorAllocator } from '../segment/column-store.ts'
import { encodeLocation, type PkColumn } from '../segment/pk-index.ts'
import { Segment, type SegmentId } from '../segment/segment.ts'
import type { CompactionPlan } from './plan-compaction.ts'

export interface CompactionResult {
  readonly output: Segment | undefined
  readonly rowsIn: number
  readonly rowsOut: number
}

/**
 * Rewrites the plan's segments into one sealed segment and swaps it in, in one synchronous step.
 * Rows deleted at or before `horizon` are dropped; every other row keeps its insert timestamp, and
 * rows deleted after the horizon keep their delete (row, ts) — timestamps are never re-stamped, so
 * reads at any time after the horizon see exactly what they saw before. Runs from all inputs are
 * copied in timestamp order, so the output's visible rows at any Q are still a prefix.
 */
export function runCompaction(data: CollectionData, plan: CompactionPlan, horizon: Timestamp, newId: SegmentId, allocator: VectorAllocator): CompactionResult {
  const out = new Segment(newId, plan.partitionId, data.schema, allocator)
  const runs = plan.inputs
    .flatMap((seg) => seg.insertRuns.runs().map((run) => ({ seg, run, deleteTs: undefined as BigInt64Array | undefined })))
    .sort((a, b) => (a.run.ts < b.run.ts ? -1 : a.run.ts > b.run.ts ? 1 : 0))
  const deleteStamps = new Map<Segment, BigInt64Array>(plan.inputs.map((s) => [s, s.deletes.stampsByRow(s.rowCount)]))
  const kept: { row: number; ts: Timestamp }[] = []
  const moves: { seg: Segment; from: number; to: number }[] = []
  let rowsIn = 0
  for (const { seg, run } of runs) {
    rowsIn += run.rowCount
    const stamps = deleteStamps.get(seg)!
    const rows: number[] = []
    for (let r = run.rowStart; r < run.rowStart + run.rowCount; r++) {
      const d = stamps[r]!
      if (d !== 0n && d <= horizon) continue
      rows.push(r)
    }
    if (rows.length === 0) continue
    const taken = Int32Array.from(rows)
    const start = out.rowCount
    const columns = new Map([...seg.fields].map(([name, store]) => [name, store.take(taken)] as const))
    out.appendColumns(columns, rows.length, run.ts)
    rows.forEach((r, i) => {
      const d = stamps[r]!
      if (d !== 0n) kept.push({ row: start + i, ts: d })
      else moves.push({ seg, from: r, to: start + i })
    })
  }
  kept.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0))
  for (const k of kept) out.deleteRow(k.row, k.ts)
  swap(data, plan, out, moves)
  return { output: out.rowCount === 0 ? undefined : out, rowsIn, rowsOut: out.rowCount }
}

function swap(data: CollectionData, plan: CompactionPlan, out: Segment, moves: { seg: Segment; from: number; to: number }[]): void {
  if (out.rowCount > 0) {
    data.seal(out)
    data.segments.set(out.id, out)
  }
  const keys = new Map<Segment, PkColumn>(plan.inputs.map((s) => [s, s.column(data.pkField.name)!.values as PkColumn]))
  for (const m of moves) data.pkIndex.set(keys.get(m.seg)!, m.from, encodeLocation(out.id, m.to))
  for (const seg of plan.inputs) {
    data.segments.delete(seg.id)
    seg.release()
  }
}
