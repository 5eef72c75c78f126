import type { Timestamp } from '../common/hybrid-ts.ts'
import type { CollectionSchema } from '../schema/collection-schema.ts'
import type { VectorAllocator } from '../segment/column-store.ts'
import { Segment, type SegmentId } from '../segment/segment.ts'

/** One source segment of a rewrite, as of the snapshot: rows [0, rowCount) and each row's delete stamp. */
export interface RewriteInput {
  readonly segment: Segment
  /** Delete timestamp per row at the snapshot (0n = live). */
  readonly deleteStamps: BigInt64Array
}

/** The merged segment and, per output row, where it came from (input index, row in that input). */
export interface Rewritten {
  readonly output: Segment
  readonly sourceInput: Int32Array
  readonly sourceRow: Int32Array
  readonly rowsIn: number
}

/** Rows that a rewrite at `horizon` keeps: not deleted, or deleted after the horizon. */
export function survivorCount(deleteStamps: BigInt64Array, horizon: Timestamp): number {
  let n = 0
  for (let r = 0; r < deleteStamps.length; r++) {
    const d = deleteStamps[r]!
    if (d === 0n || d > horizon) n++
  }
  return n
}

/**
 * Copies the rows of `inputs` that were not deleted at or before `horizon` into one new sealed
 * segment, run by run in insert-timestamp order, keeping every insert timestamp (the output's rows
 * visible at any Q are still a prefix). No deletes are copied: the caller re-applies the delete
 * stamps current at swap time through the source map.
 */
export function rewriteSegments(
  inputs: readonly RewriteInput[],
  horizon: Timestamp,
  target: { readonly id: SegmentId; readonly partitionId: number; readonly schema: CollectionSchema },
  allocator: VectorAllocator,
): Rewritten {
  const out = new Segment(target.id, target.partitionId, target.schema, allocator)
  const runs = inputs
    .flatMap((input, i) => input.segment.insertRuns.runs().map((run) => ({ i, run })))
    .sort((a, b) => (a.run.ts < b.run.ts ? -1 : a.run.ts > b.run.ts ? 1 : 0))
  const sourceInput: number[] = []
  const sourceRow: number[] = []
  let rowsIn = 0
  for (const { i, run } of runs) {
    rowsIn += run.rowCount
    const { segment, deleteStamps } = inputs[i]!
    const rows: number[] = []
    for (let r = run.rowStart; r < run.rowStart + run.rowCount; r++) {
      const d = deleteStamps[r]!
      if (d === 0n || d > horizon) rows.push(r)
    }
    if (rows.length === 0) continue
    const taken = Int32Array.from(rows)
    const columns = new Map([...segment.fields].map(([name, store]) => [name, store.take(taken)] as const))
    out.appendColumns(columns, rows.length, run.ts)
    for (const r of rows) {
      sourceInput.push(i)
      sourceRow.push(r)
    }
  }
  out.state = 'sealed'
  return { output: out, sourceInput: Int32Array.from(sourceInput), sourceRow: Int32Array.from(sourceRow), rowsIn }
}
