import type { Timestamp } from '../common/hybrid-ts.ts'
import type { CollectionData } from '../collection/collection-data.ts'
import { encodeLocation, type PkColumn } from '../segment/pk-index.ts'
import type { Segment } from '../segment/segment.ts'

/**
 * Puts the merged `output` in place of `inputs`, in one synchronous step (readers see the old
 * segments or the new one, never both). Deletes are taken from the inputs *now*, through the row
 * source map, so deletes and upserts applied while the worker ran are kept with their own
 * timestamps; live rows move their PK index entry to the output. Returns false, changing nothing,
 * when an input is no longer part of the collection (dropped partition or collection): the caller
 * then releases `output`. An output with no rows is released here (nothing survived: it is not kept).
 */
export function swapCompacted(data: CollectionData, inputs: readonly Segment[], output: Segment, sourceInput: Int32Array, sourceRow: Int32Array): boolean {
  for (const seg of inputs) if (data.segments.get(seg.id) !== seg) return false
  const stamps = inputs.map((s) => s.deletes.stampsByRow(s.rowCount))
  const keys = inputs.map((s) => s.column(data.pkField.name)!.values as PkColumn)
  const kept: { row: number; ts: Timestamp }[] = []
  for (let o = 0; o < output.rowCount; o++) {
    const i = sourceInput[o]!
    const r = sourceRow[o]!
    const d = stamps[i]![r]!
    if (d !== 0n) kept.push({ row: o, ts: d })
    else data.pkIndex.set(keys[i]!, r, encodeLocation(output.id, o))
  }
  kept.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0))
  for (const k of kept) output.deleteRow(k.row, k.ts)
  if (output.rowCount > 0) {
    data.seal(output)
    data.segments.set(output.id, output)
  } else {
    output.release()
  }
  for (const seg of inputs) data.retire(seg)
  return true
}
