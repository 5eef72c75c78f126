import type { SparseRow } from './column.ts'

/**
 * Copies the entries of sparse rows [from, to) into `indices` / `values` from `at` on, one
 * `TypedArray.set` per run of rows that sit back to back in the same buffers (rows cut from one
 * compressed-row block, as the BM25 function makes them) instead of two per row. Returns the next
 * free position.
 */
export function copySparseEntries(rows: readonly SparseRow[], from: number, to: number, indices: Uint32Array, values: Float32Array, at: number): number {
  let r = from
  while (r < to) {
    const first = rows[r]!
    let ib = first.indices
    let vb = first.values
    let n = ib.length
    let end = r + 1
    // Extend the run while the next row starts where this one ends, in both arrays.
    while (end < to) {
      const next = rows[end]!
      const ni = next.indices
      const nv = next.values
      if (ni.buffer !== ib.buffer || nv.buffer !== vb.buffer || ni.byteOffset !== ib.byteOffset + 4 * n || nv.byteOffset !== vb.byteOffset + 4 * n) break
      n += ni.length
      end++
    }
    if (end > r + 1) {
      ib = new Uint32Array(ib.buffer, ib.byteOffset, n)
      vb = new Float32Array(vb.buffer, vb.byteOffset, n)
    }
    indices.set(ib, at)
    values.set(vb, at)
    at += n
    r = end
  }
  return at
}
