import type { SparseCsr } from './sparse-csr.ts'

/**
 * The posting lists of a sparse index, all in typed arrays: `dims` holds the distinct dimensions
 * ascending; the list of `dims[d]` is `[postStart[d], postStart[d + 1])` of `postRows` (rows
 * ascending) and `postValues`. `maxValue[d]` / `minValue[d]` bound the list's values: the upper
 * bound of a query term q on list d is max(0, q·maxValue[d], q·minValue[d]) (values may be negative).
 */
export interface SparsePostings {
  readonly rowCount: number
  readonly dims: Uint32Array
  readonly postStart: Int32Array
  readonly postRows: Int32Array
  readonly postValues: Float32Array
  readonly maxValue: Float32Array
  readonly minValue: Float32Array
}

/**
 * Posting lists of CSR rows, by a counting sort over the dimensions: the distinct dimensions come
 * from a sorted copy of the indices, each entry finds its list by binary search, rows are visited in
 * ascending order so every list is sorted by row. O(nnz log nnz), no per-entry objects.
 */
export function buildSparsePostings(csr: SparseCsr): SparsePostings {
  const nnz = csr.indices.length
  const dims = distinctSorted(csr.indices)
  const postStart = new Int32Array(dims.length + 1)
  const slotOf = new Int32Array(nnz)
  for (let p = 0; p < nnz; p++) {
    const d = findDim(dims, csr.indices[p]!)
    slotOf[p] = d
    postStart[d + 1]!++
  }
  for (let d = 0; d < dims.length; d++) postStart[d + 1]! += postStart[d]!
  const fill = postStart.slice(0, dims.length)
  const postRows = new Int32Array(nnz)
  const postValues = new Float32Array(nnz)
  for (let r = 0; r < csr.rowCount; r++) {
    for (let p = csr.rowStart[r]!; p < csr.rowStart[r + 1]!; p++) {
      const at = fill[slotOf[p]!]!++
      postRows[at] = r
      postValues[at] = csr.values[p]!
    }
  }
  return withBounds(csr.rowCount, dims, postStart, postRows, postValues)
}

/** Postings read back from an index file: the value bounds are recomputed (one pass over the values). */
export function withBounds(rowCount: number, dims: Uint32Array, postStart: Int32Array, postRows: Int32Array, postValues: Float32Array): SparsePostings {
  const maxValue = new Float32Array(dims.length)
  const minValue = new Float32Array(dims.length)
  for (let d = 0; d < dims.length; d++) {
    let hi = Number.NEGATIVE_INFINITY
    let lo = Number.POSITIVE_INFINITY
    for (let p = postStart[d]!; p < postStart[d + 1]!; p++) {
      const v = postValues[p]!
      if (v > hi) hi = v
      if (v < lo) lo = v
    }
    maxValue[d] = hi
    minValue[d] = lo
  }
  return { rowCount, dims, postStart, postRows, postValues, maxValue, minValue }
}

/** Position of dimension `dim` in the ascending `dims`, or -1. */
export function findDim(dims: Uint32Array, dim: number): number {
  let lo = 0
  let hi = dims.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    const v = dims[mid]!
    if (v === dim) return mid
    if (v < dim) lo = mid + 1
    else hi = mid - 1
  }
  return -1
}

/** The first position in `[from, to)` of the ascending `rows` whose row is ≥ `row` (galloping, then binary search). */
export function seekRow(rows: Int32Array, from: number, to: number, row: number): number {
  if (from >= to || rows[from]! >= row) return from
  let step = 1
  let lo = from
  let hi = from + 1
  while (hi < to && rows[hi]! < row) {
    lo = hi
    step <<= 1
    hi = from + step
  }
  if (hi > to) hi = to
  // rows[lo] < row; the answer is in (lo, hi]
  lo++
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (rows[mid]! < row) lo = mid + 1
    else hi = mid
  }
  return lo
}

function distinctSorted(indices: Uint32Array): Uint32Array {
  const sorted = indices.slice().sort()
  let n = 0
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[n++] = sorted[i]!
  return sorted.slice(0, n)
}
