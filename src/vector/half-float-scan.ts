import type { FloatMetric } from './metric.ts'
import { checkScanArgs } from './float-scan.ts'
import { pickKernel, queryPointer, scanSourceRows } from './scan-blocks.ts'
import type { VectorArena } from './vector-arena.ts'

/** How 16-bit rows are encoded. */
export type HalfFloatEncoding = 'float16' | 'bfloat16'

/**
 * Scores a float32 `query` (convert a 16-bit query once with `f16ToF32Array`/`bf16ToF32Array`)
 * against rows 0..n-1 of 16-bit `base` (raw patterns, row i at `base[i*dim]`) into `out[0..n)`.
 * Each 256 KiB block of rows is converted to float32 in arena scratch, then scanned by the kernel.
 */
export function scanHalfFloat(
  arena: VectorArena,
  metric: FloatMetric,
  encoding: HalfFloatEncoding,
  query: Float32Array,
  base: Uint16Array,
  n: number,
  dim: number,
  out: Float32Array,
): void {
  checkScanArgs(query.length, base.length, n, dim, out.length)
  if (n === 0) return
  const kernel = pickKernel(arena.kernels, metric)
  const queryPtr = queryPointer(arena, query, dim)
  scanSourceRows(arena, kernel, queryPtr, { kind: encoding, values: base }, n, dim, out)
}
