/**
 * How a filtered search runs, by how many rows the filter allows (measured with bench/hnsw-native.ts;
 * numbers in docs/design/0006-native-hnsw.md):
 * - `exact`: scan the allowed rows (cost ∝ allowed rows; the result is exact);
 * - `twoHop`: walk only allowed rows, looking through disallowed neighbours (cost ∝ ef, about the same
 *   at any selectivity; recall drops below ~0.95 when under ~5 % of rows are allowed). Without a
 *   filter the same walk is a plain HNSW search;
 * - `hnswlib`: hnswlib's filtered walk over every node (cost ∝ ef / fraction allowed; best when most
 *   rows are allowed).
 */
export type FilterStrategy = 'exact' | 'twoHop' | 'hnswlib'

/** At or below k × this many allowed rows: always exact. */
export const exactScanRowsPerResult = 20
/** Below this fraction of rows allowed: exact (the two-hop walk's recall falls off below it). */
export const twoHopFractionMin = 0.05
/** At or below this many allowed rows per (M × ef): exact (it costs less than the two-hop walk). */
export const exactScanRowsPerLinkEf = 4
/**
 * From this fraction of rows allowed on: hnswlib's own filtered walk. Never since the graph reads the
 * column in place (0006, "External vectors"): at 100k rows the two-hop walk is ahead at every fraction,
 * 1.3–1.9× at 90–99 % allowed (a segment with deleted rows) with better recall
 * (docs/design/0012-interim-index.md, "Filtered search").
 */
export const hnswlibFractionMin = Number.POSITIVE_INFINITY

/** The allowed-row count at or below which the exact scan is taken. */
export function exactScanBelowRows(k: number, rowCount: number, ef: number, M: number): number {
  return Math.max(k * exactScanRowsPerResult, Math.ceil(rowCount * twoHopFractionMin) - 1, exactScanRowsPerLinkEf * M * Math.max(ef, k))
}

export function pickFilterStrategy(allowedCount: number, rowCount: number, k: number, ef: number, M: number): FilterStrategy {
  if (allowedCount <= exactScanBelowRows(k, rowCount, ef, M)) return 'exact'
  return allowedCount < rowCount * hnswlibFractionMin ? 'twoHop' : 'hnswlib'
}

/**
 * Up to this fraction of rows allowed, the two-hop walk runs with a smaller ef (`twoHopEf`). Each of its
 * expansions gathers up to 2·M allowed rows from two hops around the node, so at a low fraction one
 * unit of ef buys more recall than without a filter: on 100k × 128 clustered rows (M 16, k 10) the
 * walk's recall@10 at ef 10 / 12 / 16 was 0.966 / 0.974 / 0.981 at 5 % allowed, 0.978 / 0.981 / 0.988
 * at 10 %, 0.982 / 0.991 / 0.995 at 20 %, 0.968 / 0.981 / 0.992 at 30 % and 0.922 / 0.952 / 0.981 at
 * 50 % (unfiltered: 0.679 / 0.728 / 0.798). docs/design/0007-search-hot-path.md, "Filtered ef".
 */
export const twoHopScaledFractionMax = 0.4
/** The ef factor at or below 10 % allowed; it rises linearly to 1 at `twoHopScaledFractionMax`. */
export const twoHopEfFactorMin = 0.625

/** The ef the two-hop walk runs with for a requested `ef` when `fraction` of the rows are allowed (never below k). */
export function twoHopEf(ef: number, k: number, fraction: number): number {
  if (fraction >= twoHopScaledFractionMax) return ef
  const lo = 0.1
  const factor = fraction <= lo ? twoHopEfFactorMin : twoHopEfFactorMin + ((1 - twoHopEfFactorMin) * (fraction - lo)) / (twoHopScaledFractionMax - lo)
  return Math.max(k, Math.ceil(ef * factor))
}
