import type { SparseCsr } from './sparse-csr.ts'
import { findDim, type SparsePostings, seekRow } from './sparse-postings.ts'

/**
 * The terms of one query against one index: the query's entries whose dimension has a posting list,
 * ascending by dimension (the order the exact scan adds products in), with their weight (the query
 * value) and upper bound (the most the term can add to a row's score, never below 0, times
 * `dim_max_score_ratio`). Per-term cursors into the lists live here too (DAAT walks).
 */
export interface QueryTerms {
  readonly count: number
  /** Posting list position (index into `dims`) of each term. */
  readonly list: Int32Array
  readonly weight: Float64Array
  readonly upper: Float64Array
  /** Cursor per term: a position in its list, `end` when exhausted (move it with `moveCursor`). */
  readonly cursor: Int32Array
  readonly end: Int32Array
  /** The row each cursor is on (`rowCount` when exhausted), kept beside the cursor for the DAAT loops. */
  readonly row: Int32Array
}

/**
 * Pruning compares bounds with a kept score: a row is skipped only when bound × (1 + 1e-9) ≤ the
 * score to beat, so float64 rounding of a partial sum never drops a row the exact scan keeps.
 */
export const BOUND_SLACK = 1 + 1e-9

/**
 * The terms of query row 0 of `q`: entries whose |value| is below the `dropRatioSearch` quantile
 * of the query's |values| are left out (Milvus's `drop_ratio_search`), as are zero values and
 * dimensions no row has.
 */
export function queryTerms(postings: SparsePostings, q: SparseCsr, dropRatioSearch: number, dimMaxScoreRatio: number): QueryTerms {
  const from = q.rowStart[0]!
  const to = q.rowStart[1]!
  const floor = dropFloor(q.values, from, to, dropRatioSearch)
  const n = to - from
  const list = new Int32Array(n)
  const weight = new Float64Array(n)
  const upper = new Float64Array(n)
  let count = 0
  for (let e = from; e < to; e++) {
    const w = q.values[e]!
    if (w === 0 || Math.abs(w) < floor) continue
    const d = findDim(postings.dims, q.indices[e]!)
    if (d < 0) continue
    list[count] = d
    weight[count] = w
    upper[count] = Math.max(0, w * postings.maxValue[d]!, w * postings.minValue[d]!) * dimMaxScoreRatio
    count++
  }
  const cursor = new Int32Array(count)
  const end = new Int32Array(count)
  const row = new Int32Array(count)
  for (let t = 0; t < count; t++) {
    cursor[t] = postings.postStart[list[t]!]!
    end[t] = postings.postStart[list[t]! + 1]!
    row[t] = postings.postRows[cursor[t]!]!
  }
  return { count, list: list.subarray(0, count), weight: weight.subarray(0, count), upper: upper.subarray(0, count), cursor, end, row }
}

/** The smallest |value| kept: the value at the `ratio` quantile of the sorted |values| (0 keeps all). */
function dropFloor(values: Float32Array, from: number, to: number, ratio: number): number {
  const n = to - from
  const cut = Math.floor(n * ratio)
  if (ratio <= 0 || cut === 0) return 0
  const abs = new Float32Array(n)
  for (let i = 0; i < n; i++) abs[i] = Math.abs(values[from + i]!)
  abs.sort()
  return abs[Math.min(cut, n - 1)]!
}

/** Moves term `t`'s cursor to position `at` of its list and records the row there (`rowCount` past the end). */
export function moveCursor(postings: SparsePostings, terms: QueryTerms, t: number, at: number): void {
  terms.cursor[t] = at
  terms.row[t] = at < terms.end[t]! ? postings.postRows[at]! : postings.rowCount
}

/**
 * The exact score of `row` from the terms whose cursor is on it, added in ascending dimension order
 * in float64: the same additions, in the same order, as the exact scan's inner product.
 */
export function exactScore(postings: SparsePostings, terms: QueryTerms, row: number): number {
  let s = 0
  for (let t = 0; t < terms.count; t++) if (terms.row[t] === row) s += terms.weight[t]! * postings.postValues[terms.cursor[t]!]!
  return s
}

/** True when bit `row` of `words` is 1 (`undefined` words = every row allowed). */
export function isAllowed(words: Uint32Array | undefined, row: number): boolean {
  return words === undefined || ((words[row >>> 5]! >>> (row & 31)) & 1) === 1
}

/** The exact score of `row` over every term (binary search in each list), in ascending dimension order. */
export function rowScore(postings: SparsePostings, terms: QueryTerms, row: number): number {
  let s = 0
  for (let t = 0; t < terms.count; t++) {
    const d = terms.list[t]!
    const to = postings.postStart[d + 1]!
    const at = seekRow(postings.postRows, postings.postStart[d]!, to, row)
    if (at < to && postings.postRows[at] === row) s += terms.weight[t]! * postings.postValues[at]!
  }
  return s
}
