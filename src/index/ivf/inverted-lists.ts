import { corrupt } from '../index-codec.ts'

/**
 * Rows grouped by list (CSR): list l holds `rows[offsets[l] .. offsets[l + 1])`, ascending. Per-list
 * data of an IVF index (vectors, codes) is stored in this same order, so a list is one contiguous block.
 */
export interface InvertedLists {
  readonly offsets: Int32Array
  readonly rows: Int32Array
}

/** Groups rows by their list (`assignment[row]`) with a counting sort. */
export function groupByList(assignment: Int32Array, listCount: number): InvertedLists {
  const offsets = new Int32Array(listCount + 1)
  for (let row = 0; row < assignment.length; row++) offsets[assignment[row]! + 1]!++
  for (let l = 0; l < listCount; l++) offsets[l + 1]! += offsets[l]!
  const next = offsets.slice(0, listCount)
  const rows = new Int32Array(assignment.length)
  for (let row = 0; row < assignment.length; row++) rows[next[assignment[row]!]!++] = row
  return { offsets, rows }
}

/** Checks decoded lists: offsets ascending from 0 to rowCount, every row once. Corruption is a 2100 error. */
export function checkLists(lists: InvertedLists, listCount: number, rowCount: number): void {
  const { offsets, rows } = lists
  if (offsets.length !== listCount + 1 || offsets[0] !== 0 || offsets[listCount] !== rowCount) throw corrupt('bad list offsets')
  for (let l = 0; l < listCount; l++) if (offsets[l]! > offsets[l + 1]!) throw corrupt('bad list offsets')
  const seen = new Uint8Array(rowCount)
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!
    if (!(row >= 0 && row < rowCount) || seen[row] === 1) throw corrupt('bad list rows')
    seen[row] = 1
  }
}

/** For each list position, the list it belongs to. */
export function listOfPosition(lists: InvertedLists): Int32Array {
  const out = new Int32Array(lists.rows.length)
  for (let l = 0; l + 1 < lists.offsets.length; l++) out.fill(l, lists.offsets[l]!, lists.offsets[l + 1]!)
  return out
}

/** For each row, its list. */
export function listOfRow(lists: InvertedLists): Int32Array {
  const out = new Int32Array(lists.rows.length)
  for (let l = 0; l + 1 < lists.offsets.length; l++) {
    for (let i = lists.offsets[l]!; i < lists.offsets[l + 1]!; i++) out[lists.rows[i]!] = l
  }
  return out
}

/** `values` (stride elements per row, in row order) copied into list order. */
export function gatherInListOrder<T extends Float32Array | Uint8Array>(values: T, stride: number, lists: InvertedLists, out: T): T {
  const rows = lists.rows
  for (let i = 0; i < rows.length; i++) out.set(values.subarray(rows[i]! * stride, (rows[i]! + 1) * stride), i * stride)
  return out
}
