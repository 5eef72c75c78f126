import { assert } from '../common/assert.ts'
import type { FloatMetric } from './metric.ts'
import { pickKernel, queryPointer, scanArenaRows, scanSourceRows } from './scan-blocks.ts'
import type { VectorArena } from './vector-arena.ts'

/**
 * Scores `query` against rows 0..n-1 of `base` (row i at `base[i*dim]`) into `out[0..n)`:
 * squared L2 distance, inner product or cosine similarity, by the WASM SIMD kernel.
 * A `base` inside the arena is scanned in place; any other Float32Array is copied in 256 KiB blocks.
 * `out` may be any Float32Array (written in place when it is in the arena) and must not overlap the inputs.
 */
export function scanFloat(
  arena: VectorArena,
  metric: FloatMetric,
  query: Float32Array,
  base: Float32Array,
  n: number,
  dim: number,
  out: Float32Array,
): void {
  checkScanArgs(query.length, base.length, n, dim, out.length)
  if (n === 0) return
  const kernel = pickKernel(arena.kernels, metric)
  const queryPtr = queryPointer(arena, query, dim)
  if (arena.contains(base)) scanArenaRows(arena, kernel, queryPtr, base.byteOffset, n, dim, out)
  else scanSourceRows(arena, kernel, queryPtr, { kind: 'float32', values: base }, n, dim, out)
}

/** Shapes are the caller's to validate against the schema; a mismatch here is a bug. */
export function checkScanArgs(queryLength: number, baseLength: number, n: number, dim: number, outLength: number): void {
  assert(Number.isInteger(dim) && dim > 0, `scan: bad dim ${dim}`)
  assert(Number.isInteger(n) && n >= 0, `scan: bad row count ${n}`)
  assert(queryLength >= dim, `scan: query has ${queryLength} values, dim is ${dim}`)
  assert(baseLength >= n * dim, `scan: base has ${baseLength} values, need ${n * dim}`)
  assert(outLength >= n, `scan: out holds ${outLength} scores, need ${n}`)
}
