import { popcount32 } from '../../common/bitset.ts'

/** At or below k × this many allowed rows the exact scan is always taken. */
export const exactScanRowsPerResult = 20

/**
 * With a filter allowing `a` of `N` rows (fraction s = a/N), the filtered graph walk expands about
 * ef/s nodes to collect ef allowed ones, each costing ~M distance computations: ~ef·M·N/a. The exact
 * scan of the allowed rows costs `a`. They meet at a = sqrt(c · M · ef · N); `c` is measured
 * (bench/hnsw-native.ts, docs/design/0006-native-hnsw.md). Below that the exact scan is both cheaper
 * and exact.
 */
export const exactScanCostRatio = 1.3

/** The allowed-row count at or below which `NativeHnsw.search` scans the allowed rows exactly. */
export function exactScanBelowRows(k: number, rowCount: number, ef: number, M: number): number {
  const crossover = Math.floor(Math.sqrt(exactScanCostRatio * M * Math.max(ef, k) * rowCount))
  return Math.max(k * exactScanRowsPerResult, crossover)
}

/** How many of rows [0, rowCount) have their bit set in `words` (missing words count as 0). */
export function countAllowedRows(words: Uint32Array, rowCount: number): number {
  const full = Math.min(rowCount >>> 5, words.length)
  let count = 0
  for (let w = 0; w < full; w++) count += popcount32(words[w]!)
  const rest = rowCount & 31
  if (rest > 0 && full < words.length && full === rowCount >>> 5) count += popcount32(words[full]! & ((1 << rest) - 1))
  return count
}
