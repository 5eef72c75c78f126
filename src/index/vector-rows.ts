import { assert } from '../common/assert.ts'
import { isBinaryMetric, isFloatMetric, type Metric } from '../vector/metric.ts'
import type { VectorArena } from '../vector/vector-arena.ts'
import { BinaryRows } from './binary-rows.ts'
import { FloatRows } from './float-rows.ts'

/**
 * A segment's vectors as an index sees them: distances from one query (or one row) to rows, by the
 * metric picked once at construction. Distances are the metric's score with similarities (IP, COSINE)
 * negated, so smaller is always better; `scoreOf` turns one back into the score Milvus returns.
 * Float distances always come from the WASM kernels, so they equal FLAT's scores bit for bit.
 */
export interface VectorRows {
  readonly metric: Metric
  readonly dim: number
  readonly rowCount: number
  /** Sets the query `distance` measures from (copied: the caller may reuse its array). */
  setQuery(query: Float32Array | Uint8Array): void
  /** Sets the query to row `row` itself (builds insert rows as queries). */
  setQueryRow(row: number): void
  /** Distance from the query to `row`. */
  distance(row: number): number
  /** Distance between rows `a` and `b` (the query is untouched). */
  distanceBetween(a: number, b: number): number
  /** Distances from the query to `ids[0 .. count)` into `out[0 .. count)`. */
  distances(ids: Int32Array, count: number, out: Float32Array): void
  /** Distances from the query to rows [from, from + count) into `out[0 .. count)`. */
  distanceRange(from: number, count: number, out: Float32Array): void
  /** Frees the arena memory these rows hold (never the vectors themselves). Idempotent. */
  release(): void
}

/** Distances of rows [from, to) per `distanceRange` call: 16 KiB of scores. */
export const distanceBlockRows = 4096

/** The VectorRows for `metric` over `vectors` (row i at `vectors[i * stride]`, stride = dim floats or dim/8 bytes). */
export function createVectorRows(
  arena: VectorArena,
  metric: Metric,
  vectors: Float32Array | Uint8Array,
  rowCount: number,
  dim: number,
): VectorRows {
  if (isBinaryMetric(metric)) {
    assert(vectors instanceof Uint8Array, `metric ${metric} needs binary (Uint8Array) vectors`)
    return new BinaryRows(metric, vectors, rowCount, dim)
  }
  assert(vectors instanceof Float32Array, `metric ${metric} needs float (Float32Array) vectors`)
  assert(isFloatMetric(metric), `metric ${metric} is not a dense float metric`)
  return new FloatRows(arena, metric, vectors, rowCount, dim)
}

/** The score Milvus returns for an index distance (undoes the negation of similarities). */
export function scoreOf(distance: number, larger: boolean): number {
  return larger ? -distance : distance
}
