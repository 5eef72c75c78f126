import type { Bitset } from '../common/bitset.ts'
import type { SparseRow } from '../column/column.ts'
import { encodeSparseCsr, readSparseCsr } from '../index/sparse/sparse-csr.ts'
import { SparseInvertedIndex } from '../index/sparse/sparse-inverted-index.ts'
import { buildSparsePostings, findDim, type SparsePostings } from '../index/sparse/sparse-postings.ts'
import type { Segment } from '../segment/segment.ts'

/**
 * Rows a growing segment may append past its postings before they are rebuilt: the tail is read row
 * by row (a search costs O(tail) more), the rebuild costs O(all entries) once.
 */
export const BM25_TAIL_ROWS_MAX = 4096

/**
 * What BM25 reads of one segment's BM25 output field at `rowCount` rows: posting lists (term → rows
 * and term frequencies, rows ascending) of the first `baseRows` rows, each of their document lengths
 * (sum of term frequencies) and total; the rows from `baseRows` on (a growing segment's recent
 * appends) are read from `rows` directly. Sealed segments have no tail.
 */
export interface Bm25Segment {
  readonly rowCount: number
  readonly baseRows: number
  readonly postings: SparsePostings
  readonly docLength: Float32Array
  readonly docLengthTotal: number
  /** The segment's rows (its column's values; rows past `rowCount` are not read). */
  readonly rows: readonly SparseRow[]
  /** Per base row, k1·(1 − b + b·dl/avgdl) for the last (k1, b, avgdl) asked (`lengthNorms`). */
  norms?: { k1: number; b: number; avgdl: number; values: Float64Array }
  /** Per posting list, the smallest document length among its rows (−1: not computed yet). */
  minDocLength?: Float32Array
}

const cache = new WeakMap<Segment, Map<string, Bm25Segment>>()

/** The BM25 view of `field` in `segment` now (see `Bm25Segment`), rebuilt when the tail grows past `BM25_TAIL_ROWS_MAX`. */
export function bm25Segment(segment: Segment, field: string): Bm25Segment {
  let byField = cache.get(segment)
  if (byField === undefined) {
    byField = new Map()
    cache.set(segment, byField)
  }
  const rowCount = segment.rowCount
  const rows = segment.fields.get(field)!.view().values as SparseRow[]
  let view = byField.get(field)
  if (view === undefined || view.baseRows > rowCount || rowCount - view.baseRows > BM25_TAIL_ROWS_MAX) {
    view = buildBm25Segment(rows, rowCount, indexedPostings(segment, field, rowCount))
  } else if (view.rowCount !== rowCount || view.rows !== rows) {
    view = { ...view, rowCount, rows }
  } else if (segment.state === 'sealed') {
    // Its index was built after the view: the same lists, so the view's own copy is let go.
    const indexed = indexedPostings(segment, field, rowCount)
    if (indexed !== undefined && indexed !== view.postings) view = { rowCount, baseRows: view.baseRows, postings: indexed, docLength: view.docLength, docLengthTotal: view.docLengthTotal, rows }
  }
  byField.set(field, view)
  return view
}

/**
 * The postings of the segment's built sparse index on `field` (a sealed segment's
 * SPARSE_INVERTED_INDEX / SPARSE_WAND holds the same term → (row, tf) lists BM25 reads), so they are
 * not built twice; undefined when it has none yet.
 */
function indexedPostings(segment: Segment, field: string, rowCount: number): SparsePostings | undefined {
  if (segment.state !== 'sealed') return undefined
  const index = segment.vectorIndexes.get(field)?.index
  if (!(index instanceof SparseInvertedIndex) || index.rowCount !== rowCount) return undefined
  return index.postingLists()
}

function buildBm25Segment(rows: readonly SparseRow[], rowCount: number, indexed: SparsePostings | undefined): Bm25Segment {
  const base = rows.slice(0, rowCount)
  const postings = indexed ?? buildSparsePostings(readSparseCsr(encodeSparseCsr(base)))
  const docLength = new Float32Array(rowCount)
  let total = 0
  for (let r = 0; r < rowCount; r++) {
    const len = rowLength(base[r]!)
    docLength[r] = len
    total += len
  }
  return { rowCount, baseRows: rowCount, postings, docLength, docLengthTotal: total, rows }
}

/** k1·(1 − b + b·dl/avgdl) of every base row, cached on the view for the last (k1, b, avgdl). */
export function lengthNorms(view: Bm25Segment, k1: number, b: number, avgdl: number): Float64Array {
  const cached = view.norms
  if (cached !== undefined && cached.k1 === k1 && cached.b === b && cached.avgdl === avgdl) return cached.values
  const norm = avgdl > 0 ? 1 / avgdl : 0
  const values = new Float64Array(view.baseRows)
  for (let r = 0; r < view.baseRows; r++) values[r] = k1 * (1 - b + b * view.docLength[r]! * norm)
  view.norms = { k1, b, avgdl, values }
  return values
}

/** The smallest document length among the rows of posting list `d` (computed once per list). */
export function minDocLength(view: Bm25Segment, d: number): number {
  let mins = view.minDocLength
  if (mins === undefined) {
    mins = new Float32Array(view.postings.dims.length).fill(-1)
    view.minDocLength = mins
  }
  let m = mins[d]!
  if (m < 0) {
    const { postStart, postRows } = view.postings
    m = Number.POSITIVE_INFINITY
    for (let p = postStart[d]!; p < postStart[d + 1]!; p++) m = Math.min(m, view.docLength[postRows[p]!]!)
    m = Number.isFinite(m) ? m : 0
    mins[d] = m
  }
  return m
}

/** A row's document length: the sum of its term frequencies. */
export function rowLength(row: SparseRow): number {
  let len = 0
  for (let i = 0; i < row.values.length; i++) len += row.values[i]!
  return len
}

/** A row's document length from the view (tail rows summed on the fly). */
export function docLengthOf(view: Bm25Segment, r: number): number {
  return r < view.baseRows ? view.docLength[r]! : rowLength(view.rows[r]!)
}

/** A segment's share of the corpus statistics at one snapshot: its live rows' total length and a term's df among them. */
export interface LiveStats {
  readonly docLengthTotal: number
  docFrequency(term: number): number
}

/** Live statistics cached on the segment's latest-state visibility answer (replaced when its rows or deletes change). */
const liveCache = new WeakMap<object, { view: Bm25Segment; stats: LiveStats }>()

/**
 * The corpus statistics of the rows `visible` marks (`segment.visibleRows(ts)`, `count` of them):
 * when every row is visible, the view's totals and posting list lengths (O(1) a term, plus the tail);
 * otherwise counted against the bits, once per term while the segment's latest state lasts.
 */
export function liveStats(segment: Segment, view: Bm25Segment, visible: { readonly bits: Bitset; readonly count: number }): LiveStats {
  const latest = segment.isLatestVisible(visible)
  if (latest) {
    const hit = liveCache.get(visible)
    if (hit !== undefined && hit.view.postings === view.postings && hit.view.rowCount === view.rowCount) return hit.stats
  }
  const stats = visible.count === view.rowCount ? allRowsStats(view) : countedStats(view, visible.bits)
  if (latest) liveCache.set(visible, { view, stats })
  return stats
}

function allRowsStats(view: Bm25Segment): LiveStats {
  let docLengthTotal = view.docLengthTotal
  for (let r = view.baseRows; r < view.rowCount; r++) docLengthTotal += rowLength(view.rows[r]!)
  const dfs = new Map<number, number>()
  return {
    docLengthTotal,
    docFrequency(term) {
      let df = dfs.get(term)
      if (df === undefined) {
        const d = findDim(view.postings.dims, term)
        df = d < 0 ? 0 : view.postings.postStart[d + 1]! - view.postings.postStart[d]!
        for (let r = view.baseRows; r < view.rowCount; r++) if (termFrequency(view.rows[r]!, term) > 0) df++
        dfs.set(term, df)
      }
      return df
    },
  }
}

function countedStats(view: Bm25Segment, bits: Bitset): LiveStats {
  const dfs = new Map<number, number>()
  return {
    docLengthTotal: liveDocLength(view, bits),
    docFrequency(term) {
      let df = dfs.get(term)
      if (df === undefined) {
        df = liveDocFrequency(view, term, bits)
        dfs.set(term, df)
      }
      return df
    },
  }
}

/** Sum of the document lengths of the rows set in `liveBits`: the base total less its rows not set (few), plus the set tail rows. */
export function liveDocLength(view: Bm25Segment, liveBits: Bitset): number {
  let sum = view.docLengthTotal
  const words = liveBits.words
  const n = view.baseRows
  for (let w = 0; w < words.length && w * 32 < n; w++) {
    let missing = ~words[w]! >>> 0
    while (missing !== 0) {
      const r = w * 32 + 31 - Math.clz32(missing & -missing)
      if (r >= n) break
      sum -= view.docLength[r]!
      missing &= missing - 1
    }
  }
  for (let r = n; r < view.rowCount; r++) if (isSet(words, r)) sum += rowLength(view.rows[r]!)
  return sum
}

/** Rows holding `term` set in `liveBits` (its document frequency among them): the base's posting list, then the tail rows. */
export function liveDocFrequency(view: Bm25Segment, term: number, liveBits: Bitset): number {
  const words = liveBits.words
  let df = 0
  const d = findDim(view.postings.dims, term)
  if (d >= 0) {
    const { postStart, postRows } = view.postings
    for (let p = postStart[d]!; p < postStart[d + 1]!; p++) df += isSet(words, postRows[p]!) ? 1 : 0
  }
  for (let r = view.baseRows; r < view.rowCount; r++) if (isSet(words, r) && termFrequency(view.rows[r]!, term) > 0) df++
  return df
}

/** The frequency of `term` in a row (binary search of its ascending indices); 0 when absent. */
export function termFrequency(row: SparseRow, term: number): number {
  let lo = 0
  let hi = row.indices.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    const v = row.indices[mid]!
    if (v === term) return row.values[mid]!
    if (v < term) lo = mid + 1
    else hi = mid - 1
  }
  return 0
}

function isSet(words: Uint32Array, r: number): boolean {
  return (((words[r >>> 5] ?? 0) >>> (r & 31)) & 1) === 1
}
