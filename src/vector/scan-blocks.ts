import { assertNever } from '../common/assert.ts'
import { bf16ToF32Array, f16ToF32Array } from '../common/half-float.ts'
import { type FloatMetric, Metric } from './metric.ts'
import type { KernelFn, VectorArena, VectorKernels } from './vector-arena.ts'

/** Rows outside the arena, in one of the float encodings the kernels can be fed after conversion. */
export type RowSource =
  | { readonly kind: 'float32'; readonly values: Float32Array }
  | { readonly kind: 'float16'; readonly values: Uint16Array }
  | { readonly kind: 'bfloat16'; readonly values: Uint16Array }
  | { readonly kind: 'int8'; readonly values: Int8Array }

/** Rows copied (or converted) into arena scratch per kernel call: 256 KiB, about an L2 cache. */
export const scanBlockBytes = 256 * 1024
/** Scores per kernel call when they must be copied out of arena scratch. */
export const scoreBlockRows = 4096

/** The kernel of a float metric, picked once per scan. */
export function pickKernel(kernels: VectorKernels, metric: FloatMetric): KernelFn {
  switch (metric) {
    case Metric.L2:
      return kernels.l2sq
    case Metric.IP:
      return kernels.ip
    case Metric.COSINE:
      return kernels.cosine
    default:
      return assertNever(metric, 'float metric')
  }
}

/** Byte offset of the query in the arena, copying it into the query scratch if it lives elsewhere. */
export function queryPointer(arena: VectorArena, query: Float32Array, dim: number): number {
  if (arena.contains(query)) return query.byteOffset
  const scratch = arena.scratchFloat32('query', dim)
  scratch.set(query.subarray(0, dim))
  return scratch.byteOffset
}

/** Scores rows already in the arena at `basePtr`; `out` is written directly when it is in the arena. */
export function scanArenaRows(
  arena: VectorArena,
  kernel: KernelFn,
  queryPtr: number,
  basePtr: number,
  n: number,
  dim: number,
  out: Float32Array,
): void {
  if (arena.contains(out)) {
    kernel(queryPtr, basePtr, n, dim, out.byteOffset)
    return
  }
  const blockRows = Math.min(n, scoreBlockRows)
  const scores = arena.scratchFloat32('scores', blockRows)
  const rowBytes = dim * 4
  for (let start = 0; start < n; start += blockRows) {
    const rows = Math.min(blockRows, n - start)
    kernel(queryPtr, basePtr + start * rowBytes, rows, dim, scores.byteOffset)
    out.set(rows === blockRows ? scores : scores.subarray(0, rows), start)
  }
}

/** Scores rows living outside the arena: each block is copied (or converted) into scratch first. */
export function scanSourceRows(
  arena: VectorArena,
  kernel: KernelFn,
  queryPtr: number,
  source: RowSource,
  n: number,
  dim: number,
  out: Float32Array,
): void {
  const blockRows = Math.min(n, Math.max(1, Math.floor(scanBlockBytes / (dim * 4))))
  const block = arena.scratchFloat32('block', blockRows * dim)
  // Scores go straight to `out` when it is in the arena, else through the scores scratch.
  const scores = arena.contains(out) ? undefined : arena.scratchFloat32('scores', blockRows)
  for (let start = 0; start < n; start += blockRows) {
    const rows = Math.min(blockRows, n - start)
    fillBlock(source, start * dim, rows * dim, block)
    const outPtr = scores === undefined ? out.byteOffset + start * 4 : scores.byteOffset
    kernel(queryPtr, block.byteOffset, rows, dim, outPtr)
    if (scores !== undefined) out.set(rows === blockRows ? scores : scores.subarray(0, rows), start)
  }
}

/** Heap scratch int8 rows are widened in before they are copied into the arena (grows to one block). */
let widenScratch = new Float32Array(0)

/** Writes `length` floats of `source` starting at element `from` into `block`. */
function fillBlock(source: RowSource, from: number, length: number, block: Float32Array): void {
  const to = from + length
  switch (source.kind) {
    case 'float32':
      block.set(source.values.subarray(from, to))
      return
    case 'float16':
      f16ToF32Array(source.values.subarray(from, to), block)
      return
    case 'bfloat16':
      bf16ToF32Array(source.values.subarray(from, to), block)
      return
    case 'int8': {
      // Widening straight into arena memory takes V8's slow element-by-element path (measured 6×
      // slower); widening into a heap array, then copying float32 to float32, is two fast copies.
      if (widenScratch.length < length) widenScratch = new Float32Array(length)
      const wide = widenScratch.subarray(0, length)
      wide.set(source.values.subarray(from, to))
      block.set(wide)
      return
    }
    default:
      assertNever(source, 'row source')
  }
}
