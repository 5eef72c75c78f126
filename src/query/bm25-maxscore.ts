import type { TopKHeap } from '../common/topk-heap.ts'
import { findDim, seekRow } from '../index/sparse/sparse-postings.ts'
import type { QueryWeights } from './bm25-accumulate.ts'
import type { Bm25Segment } from './bm25-segment.ts'

/**
 * A pruning decision compares a bound with the heap's k-th score, which the heap keeps in float32
 * (rounded up by at most 2^-24 relative): the bar is lowered by this factor first, so no row the
 * exact scan keeps is ever skipped.
 */
const BAR_SLACK = 1 - 1e-6

/** One query term's cursor over a segment's posting list. */
interface Cursor {
  /** Its weight (query tf × idf) and its score bound in this segment. */
  w: number
  bound: number
  at: number
  end: number
}

/**
 * DAAT MaxScore (Turtle & Flood 1995) over one segment's BM25 postings, into `heap` (shared by the
 * segments of one query, so a bar reached in one segment prunes the next). Terms are sorted by
 * their bound in this segment (weight × the largest term score of its list: its largest tf at the
 * smallest length norm); the lowest terms whose bounds sum to no more than the k-th best score so
 * far are non-essential: a row found only in them cannot enter the top k. Candidates are the rows
 * of the essential lists in ascending order; a candidate's non-essential terms are looked up by
 * galloping search (`seekRow`), highest bound first, only while what is known plus the bounds left
 * can still beat the bar. The result equals the exact scan's top k (ties aside): every row that
 * could beat the bar is scored exactly, Σ w·tf·(k1 + 1) / (tf + norm[row]).
 *
 * `norms[r]` is k1·(1 − b + b·dl[r]/avgdl) for the base rows; `allowed` the segment's allowed rows
 * (visible ∧ filter); rows are pushed as `base + row`. Only the base rows (the postings) are read.
 */
export function maxScoreSegment(view: Bm25Segment, q: QueryWeights, k1: number, norms: Float64Array, minNorm: (d: number) => number, allowed: Uint32Array, heap: TopKHeap, base: number): void {
  const { postStart, postRows, postValues, dims, maxValue } = view.postings
  const cursors: Cursor[] = []
  for (let t = 0; t < q.terms.length; t++) {
    const w = q.weights[t]!
    if (!(w > 0)) continue
    const d = findDim(dims, q.terms[t]!)
    if (d < 0 || postStart[d] === postStart[d + 1]) continue
    const maxTf = maxValue[d]!
    const bound = (w * maxTf * (k1 + 1)) / (maxTf + minNorm(d))
    cursors.push({ w, bound, at: postStart[d]!, end: postStart[d + 1]! })
  }
  if (cursors.length === 0) return
  cursors.sort((x, y) => x.bound - y.bound)
  const T = cursors.length
  const prefix = new Float64Array(T + 1)
  for (let i = 0; i < T; i++) prefix[i + 1] = prefix[i]! + cursors[i]!.bound
  const k1p1 = k1 + 1
  let bar = heap.isFull() ? heap.threshold() * BAR_SLACK : 0
  let essential = firstEssential(prefix, 0, bar)
  while (essential < T) {
    // The next candidate: the smallest row under an essential cursor.
    let row = 0x7fffffff
    for (let i = essential; i < T; i++) {
      const c = cursors[i]!
      if (c.at < c.end && postRows[c.at]! < row) row = postRows[c.at]!
    }
    if (row === 0x7fffffff) return
    const norm = norms[row]!
    let s = 0
    for (let i = essential; i < T; i++) {
      const c = cursors[i]!
      if (c.at < c.end && postRows[c.at] === row) {
        const tf = postValues[c.at]!
        s += (c.w * tf * k1p1) / (tf + norm)
        c.at++
      }
    }
    if (((allowed[row >>> 5]! >>> (row & 31)) & 1) === 0) continue
    let alive = true
    for (let i = essential - 1; i >= 0; i--) {
      if (s + prefix[i + 1]! <= bar) {
        alive = false
        break
      }
      const c = cursors[i]!
      c.at = seekRow(postRows, c.at, c.end, row)
      if (c.at < c.end && postRows[c.at] === row) {
        const tf = postValues[c.at]!
        s += (c.w * tf * k1p1) / (tf + norm)
      }
    }
    if (!alive || !(s > 0) || s <= bar) continue
    heap.push(s, base + row)
    if (heap.isFull()) {
      const next = heap.threshold() * BAR_SLACK
      if (next > bar) {
        bar = next
        essential = firstEssential(prefix, essential, bar)
      }
    }
  }
}

/** The first essential term: the lowest-bound terms before it sum to no more than `bar`. */
function firstEssential(prefix: Float64Array, from: number, bar: number): number {
  let i = from
  while (i < prefix.length - 1 && prefix[i + 1]! <= bar) i++
  return i
}
