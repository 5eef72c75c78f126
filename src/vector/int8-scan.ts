import { checkScanArgs } from './float-scan.ts'
import type { FloatMetric } from './metric.ts'
import { pickKernel, queryPointer, scanSourceRows } from './scan-blocks.ts'
import type { VectorArena } from './vector-arena.ts'

/**
 * Scores a float32 `query` (an int8 query converted once, exactly) against rows 0..n-1 of int8
 * `base` (row i at `base[i*dim]`) into `out[0..n)`. Each 256 KiB block of rows is widened to float32
 * in arena scratch (one native `Float32Array.set`), then scanned by the WASM SIMD kernel: int8
 * values are exact in float32, so scores equal the float path's on the same values.
 */
export function scanInt8(arena: VectorArena, metric: FloatMetric, query: Float32Array, base: Int8Array, n: number, dim: number, out: Float32Array): void {
  checkScanArgs(query.length, base.length, n, dim, out.length)
  if (n === 0) return
  const kernel = pickKernel(arena.kernels, metric)
  const queryPtr = queryPointer(arena, query, dim)
  scanSourceRows(arena, kernel, queryPtr, { kind: 'int8', values: base }, n, dim, out)
}
