import { assert } from '../common/assert.ts'
import { type Bitset, popcount32 } from '../common/bitset.ts'

/**
 * An exact scan of the allowed rows replaces the index search when at most this many rows per result
 * are allowed (k × 20) …
 */
export const exactScanRowsPerResult = 20
/** … or when at most this fraction of the segment's rows is allowed (1 %). */
export const exactScanAllowedFraction = 0.01

/** How many of rows [0, rowCount) `allowedBits` allows (all of them when it is null). */
export function countAllowed(allowedBits: Bitset | null, rowCount: number): number {
  if (allowedBits === null) return rowCount
  assert(allowedBits.capacity >= rowCount, `allowedBits holds ${allowedBits.capacity} bits, the index has ${rowCount} rows`)
  const words = allowedBits.words
  const full = rowCount >>> 5
  let count = 0
  for (let w = 0; w < full; w++) count += popcount32(words[w]!)
  const rest = rowCount & 31
  if (rest > 0) count += popcount32(words[full]! & ((1 << rest) - 1))
  return count
}

/** True when scanning the allowed rows exactly is cheaper (and exact) compared with searching the index. */
export function preferExactScan(allowedCount: number, rowCount: number, k: number): boolean {
  return allowedCount <= k * exactScanRowsPerResult || allowedCount <= rowCount * exactScanAllowedFraction
}

/** Bit `row` of `words` (no bounds check: callers pass rows below the bitset's capacity). */
export function isAllowed(words: Uint32Array, row: number): boolean {
  return ((words[row >>> 5]! >>> (row & 31)) & 1) === 1
}
