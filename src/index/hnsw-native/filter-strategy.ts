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
