import { assert } from '../common/assert.ts'
import type { Bitset } from '../common/bitset.ts'
import { TopKHeap } from '../common/topk-heap.ts'
import { encodeIndexPayload, type IndexPayload, SectionReader } from './index-codec.ts'
import type { IndexSpec, SearchParams } from './index-spec.ts'
import { emptyResult } from './search-result.ts'
import { readSparseCsr, type SparseCsr } from './sparse-csr.ts'
import type { IndexSearchResult, VectorIndex } from './vector-index.ts'

/**
 * SPARSE_INVERTED_INDEX and SPARSE_WAND over sparse float vectors (metric IP): one posting list per
 * dimension (rows ascending, with their values). A search walks the postings of the query's
 * dimensions and accumulates each touched row's inner product (term at a time, in float64, adding in
 * ascending dimension order as the exact scan does), so with no drop ratios it returns the exact
 * top k among rows sharing a dimension with the query. `drop_ratio_build` leaves out the smallest
 * |values| of each row at build, `drop_ratio_search` the smallest of the query (approximate, as in
 * Milvus). WAND/MAXSCORE (`inverted_index_algo`) are pruning orders over the same postings that
 * give these same results; the term-at-a-time walk is what Quiver runs for all of them.
 * Vectors and queries arrive as `encodeSparseCsr` bytes.
 */
export class SparseInvertedIndex implements VectorIndex {
  readonly spec: IndexSpec
  readonly rowCount: number
  /** Distinct dimensions, ascending; posting list of `dims[d]` is `[postStart[d], postStart[d + 1])`. */
  private readonly dims: Uint32Array
  private readonly postStart: Int32Array
  private readonly postRows: Int32Array
  private readonly postValues: Float32Array
  /** Scratch per search (one search at a time per index): sums, touched rows, touched marks. */
  private sums: Float64Array | null = null
  private touched: Int32Array | null = null
  private seen: Uint8Array | null = null

  static build(spec: IndexSpec, vectors: Float32Array | Uint8Array, rowCount: number): SparseInvertedIndex {
    assert(vectors instanceof Uint8Array, 'sparse indexes take encodeSparseCsr bytes')
    const csr = readSparseCsr(vectors)
    assert(csr.rowCount === rowCount, `sparse index: ${csr.rowCount} rows given for ${rowCount}`)
    const kept = keptEntries(csr, spec.params.drop_ratio_build ?? 0)
    const counts = new Map<number, number>()
    for (let p = 0; p < kept.length; p++) if (kept[p] === 1) counts.set(csr.indices[p]!, (counts.get(csr.indices[p]!) ?? 0) + 1)
    const dims = Uint32Array.from(counts.keys()).sort()
    const postStart = new Int32Array(dims.length + 1)
    const slot = new Map<number, number>()
    for (let d = 0; d < dims.length; d++) {
      postStart[d + 1] = postStart[d]! + counts.get(dims[d]!)!
      slot.set(dims[d]!, postStart[d]!)
    }
    const total = postStart[dims.length]!
    const postRows = new Int32Array(total)
    const postValues = new Float32Array(total)
    for (let r = 0; r < rowCount; r++) {
      for (let p = csr.rowStart[r]!; p < csr.rowStart[r + 1]!; p++) {
        if (kept[p] !== 1) continue
        const at = slot.get(csr.indices[p]!)!
        postRows[at] = r
        postValues[at] = csr.values[p]!
        slot.set(csr.indices[p]!, at + 1)
      }
    }
    return new SparseInvertedIndex(spec, rowCount, dims, postStart, postRows, postValues)
  }

  static decode(payload: IndexPayload): SparseInvertedIndex {
    const reader = new SectionReader(payload)
    const dimsBits = reader.int32(-1)
    const postStart = reader.int32(dimsBits.length + 1)
    const total = postStart[dimsBits.length]!
    const postRows = reader.int32(total)
    const postValues = reader.float32(total)
    reader.done()
    const dims = new Uint32Array(dimsBits.buffer, dimsBits.byteOffset, dimsBits.length)
    return new SparseInvertedIndex(payload.spec, payload.rowCount, dims, postStart, postRows, postValues)
  }

  private constructor(spec: IndexSpec, rowCount: number, dims: Uint32Array, postStart: Int32Array, postRows: Int32Array, postValues: Float32Array) {
    this.spec = spec
    this.rowCount = rowCount
    this.dims = dims
    this.postStart = postStart
    this.postRows = postRows
    this.postValues = postValues
  }

  search(query: Float32Array | Uint8Array, k: number, allowedBits: Bitset | null, params: SearchParams): IndexSearchResult {
    assert(query instanceof Uint8Array, 'sparse index queries are encodeSparseCsr bytes')
    const q = readSparseCsr(query)
    assert(q.rowCount === 1, 'one sparse query row at a time')
    if (k === 0 || this.rowCount === 0) return emptyResult
    const keep = keptEntries(q, params.dropRatioSearch ?? 0)
    const sums = (this.sums ??= new Float64Array(this.rowCount))
    const touched = (this.touched ??= new Int32Array(this.rowCount))
    const seen = (this.seen ??= new Uint8Array(this.rowCount))
    let count = 0
    for (let e = 0; e < q.indices.length; e++) {
      if (keep[e] !== 1) continue
      const d = this.findDim(q.indices[e]!)
      if (d < 0) continue
      const qv = q.values[e]!
      for (let p = this.postStart[d]!; p < this.postStart[d + 1]!; p++) {
        const r = this.postRows[p]!
        if (seen[r] === 0) {
          seen[r] = 1
          sums[r] = 0
          touched[count++] = r
        }
        sums[r]! += qv * this.postValues[p]!
      }
    }
    const heap = new TopKHeap(Math.min(k, count), true)
    const words = allowedBits?.words
    for (let i = 0; i < count; i++) {
      const r = touched[i]!
      seen[r] = 0
      if (words !== undefined && ((words[r >>> 5]! >>> (r & 31)) & 1) === 0) continue
      heap.push(sums[r]!, r)
    }
    const { scores, ids } = heap.drain()
    return { scores, rows: Int32Array.from(ids) }
  }

  encode(): Uint8Array[] {
    const dimsBits = new Int32Array(this.dims.buffer, this.dims.byteOffset, this.dims.length)
    return encodeIndexPayload({ spec: this.spec, rowCount: this.rowCount, meta: {}, sections: [dimsBits, this.postStart, this.postRows, this.postValues] })
  }

  release(): void {
    this.sums = null
    this.touched = null
    this.seen = null
  }

  /** Position of dimension `dim` in `dims`, or -1. */
  private findDim(dim: number): number {
    let lo = 0
    let hi = this.dims.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      const v = this.dims[mid]!
      if (v === dim) return mid
      if (v < dim) lo = mid + 1
      else hi = mid - 1
    }
    return -1
  }
}

/** 1 for each entry kept: per row, the `ratio` share of entries with the smallest |value| is dropped. */
function keptEntries(csr: SparseCsr, ratio: number): Uint8Array {
  const kept = new Uint8Array(csr.indices.length).fill(1)
  if (ratio <= 0) return kept
  for (let r = 0; r < csr.rowCount; r++) {
    const from = csr.rowStart[r]!
    const n = csr.rowStart[r + 1]! - from
    const drop = Math.floor(n * ratio)
    if (drop === 0) continue
    const order = Array.from({ length: n }, (_, i) => from + i).sort((a, b) => Math.abs(csr.values[a]!) - Math.abs(csr.values[b]!))
    for (let i = 0; i < drop; i++) kept[order[i]!] = 0
  }
  return kept
}
