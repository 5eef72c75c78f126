import { assertNever } from '../common/assert.ts'
import type { SparseRow } from '../column/column.ts'
import type { ColumnStore } from '../segment/column-store.ts'
import { scanBinary } from '../vector/binary-scan.ts'
import { scanFloat } from '../vector/float-scan.ts'
import { scanHalfFloat } from '../vector/half-float-scan.ts'
import { scanInt8 } from '../vector/int8-scan.ts'
import { type BinaryMetric, type FloatMetric, isBinaryMetric, type Metric } from '../vector/metric.ts'
import { VectorArena } from '../vector/vector-arena.ts'

/** A query vector, already checked against the field it searches. */
export type QueryVector =
  | { readonly kind: 'float'; readonly values: Float32Array }
  | { readonly kind: 'binary'; readonly values: Uint8Array }
  | { readonly kind: 'sparse'; readonly row: SparseRow }

/** Scores rows [from, to) of a vector column against one query into `out[0 .. to-from)`. */
export function scoreRange(metric: Metric, query: QueryVector, store: ColumnStore, from: number, to: number, out: Float32Array): void {
  const n = to - from
  switch (query.kind) {
    case 'float': {
      const base = store.vectorRange(from, to)
      const m = metric as FloatMetric
      if (store.kind === 'floatVector') scanFloat(VectorArena.shared(), m, query.values, base as Float32Array, n, store.dim, out)
      else if (store.kind === 'int8Vector') scanInt8(VectorArena.shared(), m, query.values, base as Int8Array, n, store.dim, out)
      else scanHalfFloat(VectorArena.shared(), m, store.kind === 'float16Vector' ? 'float16' : 'bfloat16', query.values, base as Uint16Array, n, store.dim, out)
      return
    }
    case 'binary':
      if (!isBinaryMetric(metric)) throw new Error(`metric ${metric} on a binary vector`)
      scanBinary(metric as BinaryMetric, query.values, store.vectorRange(from, to) as Uint8Array, n, store.dim, out)
      return
    case 'sparse': {
      const rows = store.view().values as SparseRow[]
      for (let r = from; r < to; r++) out[r - from] = sparseDot(query.row, rows[r]!)
      return
    }
    default:
      assertNever(query, 'query vector')
  }
}

/** Inner product of two sparse rows with ascending indices. */
export function sparseDot(a: SparseRow, b: SparseRow): number {
  let i = 0
  let j = 0
  let s = 0
  while (i < a.indices.length && j < b.indices.length) {
    const x = a.indices[i]!
    const y = b.indices[j]!
    if (x === y) s += a.values[i++]! * b.values[j++]!
    else if (x < y) i++
    else j++
  }
  return s
}
