import { Bitset } from '../../common/bitset.ts'
import type { Column } from '../../column/column.ts'
import { corrupt } from './scalar-index-codec.ts'

/** The column's validity over rows [0, rowCount) as the index's own copy; null when no row is null. */
export function validityOf(column: Column, rowCount: number): Bitset | null {
  const v = 'validBits' in column ? column.validBits : null
  if (v === null) return null
  const out = new Bitset(rowCount)
  out.words.set(v.words.subarray(0, out.words.length))
  out.truncate(rowCount)
  return out.count() === rowCount ? null : out
}

/** Row ids read from a file must address rows of the segment. */
export function checkRowIds(rowIds: Uint32Array, rowCount: number): void {
  for (let j = 0; j < rowIds.length; j++) if (rowIds[j]! >= rowCount) throw corrupt(`row ${rowIds[j]} past the segment's ${rowCount} rows`)
}
