import type { Bitset } from '../common/bitset.ts'
import type { SparseRow } from '../column/column.ts'
import { encodeSparseCsr, readSparseCsr } from '../index/sparse/sparse-csr.ts'
import { buildSparsePostings, findDim, type SparsePostings } from '../index/sparse/sparse-postings.ts'
import type { Segment } from '../segment/segment.ts'

/**
 * What BM25 reads of one segment's BM25 output field: its posting lists (term → rows and term
 * frequencies, rows ascending), each row's document length (the sum of its term frequencies) and
 * their total. Built from the segment's rows on first use and kept while the segment has that many
 * rows (a sealed segment: for its life; a growing one: until its next append).
 */
export interface Bm25Segment {
  readonly rowCount: number
  readonly postings: SparsePostings
  readonly docLength: Float32Array
  readonly docLengthTotal: number
}

const cache = new WeakMap<Segment, Map<string, Bm25Segment>>()

/** The BM25 view of `field` in `segment` (see `Bm25Segment`). */
export function bm25Segment(segment: Segment, field: string): Bm25Segment {
  let byField = cache.get(segment)
  if (byField === undefined) {
    byField = new Map()
    cache.set(segment, byField)
  }
  const rowCount = segment.rowCount
  let view = byField.get(field)
  if (view === undefined || view.rowCount !== rowCount) {
    view = buildBm25Segment(segment, field, rowCount)
    byField.set(field, view)
  }
  return view
}

function buildBm25Segment(segment: Segment, field: string, rowCount: number): Bm25Segment {
  const rows = (segment.fields.get(field)!.view().values as SparseRow[]).slice(0, rowCount)
  const postings = buildSparsePostings(readSparseCsr(encodeSparseCsr(rows)))
  const docLength = new Float32Array(rowCount)
  let total = 0
  for (let r = 0; r < rowCount; r++) {
    const v = rows[r]!.values
    let len = 0
    for (let i = 0; i < v.length; i++) len += v[i]!
    docLength[r] = len
    total += len
  }
  return { rowCount, postings, docLength, docLengthTotal: total }
}

/** Sum of the document lengths of the rows set in `liveBits`: the total less the rows not set (deleted or not yet visible: few). */
export function liveDocLength(view: Bm25Segment, liveBits: Bitset): number {
  let sum = view.docLengthTotal
  const words = liveBits.words
  const n = view.rowCount
  for (let w = 0; w < words.length && w * 32 < n; w++) {
    let missing = ~words[w]! >>> 0
    if (missing === 0) continue
    while (missing !== 0) {
      const bit = 31 - Math.clz32(missing & -missing)
      const r = w * 32 + bit
      if (r >= n) break
      sum -= view.docLength[r]!
      missing &= missing - 1
    }
  }
  return sum
}

/** Rows of `term`'s posting list set in `liveBits` (its document frequency among them); 0 when no row has it. */
export function liveDocFrequency(view: Bm25Segment, term: number, liveBits: Bitset): number {
  const d = findDim(view.postings.dims, term)
  if (d < 0) return 0
  const { postStart, postRows } = view.postings
  const words = liveBits.words
  let df = 0
  for (let p = postStart[d]!; p < postStart[d + 1]!; p++) {
    const r = postRows[p]!
    df += (words[r >>> 5]! >>> (r & 31)) & 1
  }
  return df
}
