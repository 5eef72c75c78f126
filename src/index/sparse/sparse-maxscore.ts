import type { TopKHeap } from '../../common/topk-heap.ts'
import type { SparsePostings } from './sparse-postings.ts'
import { seekRow } from './sparse-postings.ts'
import { BOUND_SLACK, exactScore, isAllowed, moveCursor, type QueryTerms } from './sparse-terms.ts'

/**
 * DAAT_MAXSCORE (Turtle & Flood 1995): terms sorted by upper bound; the lowest ones whose bounds
 * sum to no more than the k-th best score are non-essential (a row found only in them cannot enter
 * the top k). Candidates are the rows of the essential lists, in ascending order; a candidate's
 * partial score plus the bounds of the non-essential terms not yet probed must beat the bar before
 * each probe, else it is dropped. Survivors are scored exactly. With `dim_max_score_ratio` ≥ 1 the
 * result equals the exact scan's top k.
 */
export function searchMaxScore(postings: SparsePostings, terms: QueryTerms, heap: TopKHeap, words: Uint32Array | undefined): void {
  const n = postings.rowCount
  const T = terms.count
  const byUpper = new Int32Array(T)
  for (let t = 0; t < T; t++) byUpper[t] = t
  byUpper.sort((a, b) => terms.upper[a]! - terms.upper[b]!)
  const prefix = new Float64Array(T + 1)
  for (let i = 0; i < T; i++) prefix[i + 1] = prefix[i]! + terms.upper[byUpper[i]!]!
  let bar = 0
  let essentialFrom = firstEssential(prefix, 0, bar)
  while (essentialFrom < T) {
    let row = n
    for (let i = essentialFrom; i < T; i++) row = Math.min(row, terms.row[byUpper[i]!]!)
    if (row >= n) return
    if (isAllowed(words, row) && survives(postings, terms, byUpper, prefix, essentialFrom, row, bar)) {
      const s = exactScore(postings, terms, row)
      if (s > 0) {
        heap.push(s, row)
        if (heap.isFull() && heap.threshold() > bar) {
          bar = heap.threshold()
          essentialFrom = firstEssential(prefix, essentialFrom, bar)
        }
      }
    }
    for (let i = essentialFrom; i < T; i++) {
      const t = byUpper[i]!
      if (terms.row[t] === row) moveCursor(postings, terms, t, terms.cursor[t]! + 1)
    }
  }
}

/** The first essential term: the lowest-bound terms before it sum to no more than `bar`. */
function firstEssential(prefix: Float64Array, from: number, bar: number): number {
  let i = from
  while (i < prefix.length - 1 && prefix[i + 1]! * BOUND_SLACK <= bar) i++
  return i
}

/**
 * Whether `row` can still beat `bar`: its positive essential contributions, then the non-essential
 * terms probed from the highest bound down, each probe first checking that what is known plus the
 * bounds of the terms left can beat the bar. Probed cursors are left on or after `row`.
 */
function survives(postings: SparsePostings, terms: QueryTerms, byUpper: Int32Array, prefix: Float64Array, essentialFrom: number, row: number, bar: number): boolean {
  let known = 0
  for (let i = essentialFrom; i < terms.count; i++) {
    const t = byUpper[i]!
    if (terms.row[t] !== row) continue
    const c = terms.weight[t]! * postings.postValues[terms.cursor[t]!]!
    if (c > 0) known += c
  }
  for (let i = essentialFrom - 1; i >= 0; i--) {
    if ((known + prefix[i + 1]!) * BOUND_SLACK <= bar) return false
    const t = byUpper[i]!
    moveCursor(postings, terms, t, seekRow(postings.postRows, terms.cursor[t]!, terms.end[t]!, row))
    if (terms.row[t] === row) {
      const c = terms.weight[t]! * postings.postValues[terms.cursor[t]!]!
      if (c > 0) known += c
    }
  }
  return known * BOUND_SLACK > bar
}
