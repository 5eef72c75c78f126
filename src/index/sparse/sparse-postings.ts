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
 * Posting lists of CSR rows, by a counting sort over the dimensions: each entry finds its dimension's
 * slot in an open-addressing hash table (dimensions numbered as first seen), the distinct dimensions
 * alone are sorted, rows are visited in ascending order so every list is sorted by row. O(nnz) plus
 * O(distinct log distinct), no per-entry objects.
 */
export function buildSparsePostings(csr: SparseCsr): SparsePostings {
  const nnz = csr.indices.length
  const table = new DimTable()
  const seenAs = new Int32Array(nnz)
  // Each entry's dimension id, and each id's entry count, in one pass.
  for (let p = 0; p < nnz; p++) seenAs[p] = table.add(csr.indices[p]!)
  const distinct = table.count
  const counts = table.counts
  const dims = table.keys.slice(0, distinct).sort()
  // The lists in ascending dimension; fill[id]: the next free place in the list of the dimension first seen as `id`.
  const postStart = new Int32Array(distinct + 1)
  const fill = new Int32Array(distinct)
  for (let d = 0; d < distinct; d++) {
    const id = table.idOf(dims[d]!)
    fill[id] = postStart[d]!
    postStart[d + 1] = postStart[d]! + counts[id]!
  }
  const postRows = new Int32Array(nnz)
  const postValues = new Float32Array(nnz)
  for (let r = 0; r < csr.rowCount; r++) {
    for (let p = csr.rowStart[r]!; p < csr.rowStart[r + 1]!; p++) {
      const at = fill[seenAs[p]!]!++
      postRows[at] = r
      postValues[at] = csr.values[p]!
    }
  }
  return withBounds(csr.rowCount, dims, postStart, postRows, postValues)
}

/** Dimension → dense id (in order of first sight): linear probing over a power-of-two table kept at most half full. */
class DimTable {
  /** The dimensions by id. */
  keys = new Uint32Array(1024)
  /** Entries counted by `add`, by id. */
  counts = new Int32Array(1024)
  count = 0
  private slotKeys = new Uint32Array(2048)
  /** id + 1 per slot; 0: empty. */
  private slotIds = new Int32Array(2048)
  private mask = 2047
  /** 32 − log2(table size): the slot is the top bits of a Fibonacci hash (low bits of dimensions may all be equal). */
  private shift = 21

  /** `idOf`, counting one more entry of the dimension. */
  add(dim: number): number {
    const id = this.idOf(dim)
    this.counts[id]!++
    return id
  }

  idOf(dim: number): number {
    let i = Math.imul(dim, 0x9e3779b1) >>> this.shift
    for (;;) {
      const id = this.slotIds[i]!
      if (id === 0) return this.insert(dim, i)
      if (this.slotKeys[i] === dim) return id - 1
      i = (i + 1) & this.mask
    }
  }

  private insert(dim: number, slot: number): number {
    const id = this.count++
    if (id === this.keys.length) {
      const grown = new Uint32Array(this.keys.length * 2)
      grown.set(this.keys)
      this.keys = grown
      const counts = new Int32Array(grown.length)
      counts.set(this.counts)
      this.counts = counts
    }
    this.keys[id] = dim
    this.slotKeys[slot] = dim
    this.slotIds[slot] = id + 1
    if (this.count * 2 > this.mask) this.grow()
    return id
  }

  private grow(): void {
    const size = (this.mask + 1) * 2
    this.mask = size - 1
    this.shift--
    this.slotKeys = new Uint32Array(size)
    this.slotIds = new Int32Array(size)
    for (let id = 0; id < this.count; id++) {
      const dim = this.keys[id]!
      let i = Math.imul(dim, 0x9e3779b1) >>> this.shift
      while (this.slotIds[i] !== 0) i = (i + 1) & this.mask
      this.slotKeys[i] = dim
      this.slotIds[i] = id + 1
    }
  }
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
