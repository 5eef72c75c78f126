import type { Metric } from '../vector/metric.ts'
import type { VectorArena } from '../vector/vector-arena.ts'
import { createVectorRows, type VectorRows } from './vector-rows.ts'

/**
 * Runs `build` with VectorRows over `vectors` whose float rows are inside the arena, so that every
 * distance of the build is one in-place kernel call: float rows outside the arena (a worker's view of
 * the main thread's memory, a plain array) are copied in for the duration of the build (4·n·dim bytes)
 * and freed after. The rows given to `build` are released after it returns; it must not keep them.
 */
export function withBuildRows<T>(
  arena: VectorArena,
  metric: Metric,
  vectors: Float32Array | Uint8Array,
  rowCount: number,
  dim: number,
  build: (rows: VectorRows, vectors: Float32Array | Uint8Array) => T,
): T {
  const copy = vectors instanceof Float32Array && !arena.contains(vectors) ? arena.allocFloat32(rowCount * dim) : null
  if (copy !== null) copy.set(vectors.subarray(0, rowCount * dim))
  const source = copy ?? vectors
  const rows = createVectorRows(arena, metric, source, rowCount, dim)
  try {
    return build(rows, source)
  } finally {
    rows.release()
    if (copy !== null) arena.free(copy)
  }
}
