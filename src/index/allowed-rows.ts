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

/** IVF: true when scanning the allowed rows exactly is as cheap as probing lists (and exact). */
export function preferExactScan(allowedCount: number, rowCount: number, k: number): boolean {
  return allowedCount <= k * exactScanRowsPerResult || allowedCount <= rowCount * exactScanAllowedFraction
}

/** The constant of the HNSW rule below, measured at 100k × 128, M = 16 (design doc 0005). */
export const hnswExactScanCost = 0.8

/**
 * HNSW: true when scanning the allowed rows exactly is cheaper than a filtered graph walk. A walk that
 * keeps only a share s of the rows it meets computes about 0.53 · 2M · ef / s distances (measured for
 * s from 2 % to 50 %), each ~1.5× the cost of a distance in the exact scan of the s · n allowed rows;
 * so the scan wins below s · n = sqrt(c · 2M · ef · n) allowed rows, c = 0.53 × 1.5 ≈ 0.8.
 */
export function preferExactScanHnsw(allowedCount: number, rowCount: number, k: number, ef: number, M: number): boolean {
  const walkRows = Math.sqrt(hnswExactScanCost * 2 * M * Math.max(ef, k) * rowCount)
  return allowedCount <= Math.max(k * exactScanRowsPerResult, walkRows)
}

/** Bit `row` of `words` (no bounds check: callers pass rows below the bitset's capacity). */
export function isAllowed(words: Uint32Array, row: number): boolean {
  return ((words[row >>> 5]! >>> (row & 31)) & 1) === 1
}
