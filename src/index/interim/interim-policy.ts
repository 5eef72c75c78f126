import type { SearchParams } from '../index-spec.ts'
import type { InterimBudget } from './interim-ivf.ts'

/**
 * When an interim index is trained and how far a search probes it (measured with
 * `bench/index-peers.ts`; `docs/design/0012-interim-index.md`).
 */

/** A segment smaller than this is scanned exactly (1,024 rows: Milvus's interim chunk; ~25 µs at dim 128). */
export const interimTrainRowsMin = 1024
/**
 * From this many rows on, centroids are trained in a worker (k-means on 32 rows a list, every row
 * assigned there); below, on the main thread (`trainInterimQuick`: ≤ 128 lists, a few ms), which
 * measured as good up to ~16k rows × 128 and within 0.03 of recall at 100k.
 */
export const interimWorkerRowsMin = 65_536
/** Centroids are retrained once the segment holds this many times the rows they were trained on. */
export const interimRetrainGrowth = 2
/** Segments above this many rows get no interim index (its copy of the vectors would be too large; their final index is built instead). */
export const interimRowsMax = 2_000_000
/** Lists at most (centroid scoring costs one distance per list per query). */
export const interimListCountMax = 2048
/**
 * Allowed rows a search scores before it looks at list radii: 4 × √(64 · max(k, ef)) — 256 at ef 64
 * (where it was calibrated), growing with √ef as HNSW's walk grows slower than ef (linear rows made
 * the growing part 0.65× at ef 256).
 */
export const interimRowsAtEf64 = 256
/** Lists a search scans at least. */
export const interimListsMin = 2
/** Rows a search scans at most, as a multiple of its row budget (lists whose radius may hold a nearer row, L2). */
export const interimRowsMaxFactor = 2
/** The ef a search without one probes with (HNSW's default, max(k, 16)). */
const efDefault = 16
/** IVF-style searches (nprobe, no ef) probe as a search of ef = nprobe × this would. */
const efPerNprobe = 8

/** Lists of an interim index trained on `rows` rows: √rows (IVF's rule of thumb), capped. */
export function interimListCount(rows: number): number {
  return Math.max(1, Math.min(rows, interimListCountMax, Math.round(Math.sqrt(rows))))
}

/** How far a search of the interim index probes (`InterimIvf.search`): 256 × √(max(k, ef) / 64) allowed rows in ≥ 2 lists, then radius-checked lists up to twice that. */
export function interimBudget(k: number, params: Readonly<SearchParams>): InterimBudget {
  const ef = Math.max(k, params.ef ?? (params.nprobe === undefined ? efDefault : params.nprobe * efPerNprobe))
  const rows = Math.max(k, Math.round(interimRowsAtEf64 * Math.sqrt(ef / 64)))
  return { rows, lists: interimListsMin, rowsMax: rows * interimRowsMaxFactor }
}
