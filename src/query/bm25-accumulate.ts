import { TopKHeap } from '../common/topk-heap.ts'
import { findDim } from '../index/sparse/sparse-postings.ts'
import type { Bm25Segment } from './bm25-segment.ts'

/** Query terms with their weights (query tf × idf), as `runBm25Search` builds them. */
export interface QueryWeights {
  readonly terms: Uint32Array
  readonly weights: Float64Array
}

/** Per-row partial sums of one segment, shared by the searches of this thread (sized to the largest segment seen). */
export interface Accumulators {
  sums: Float64Array
  touched: Int32Array
}

/**
 * Adds every allowed posting's BM25 term score into `acc.sums` (rows first touched listed in
 * `acc.touched`) and returns how many rows were touched. Term at a time, the terms with the largest
 * possible score first. With `k` > 0 (a top-k search, no range), once even the rest of the terms
 * together cannot lift an untouched row to the k-th best partial sum seen so far, the remaining
 * terms only add to rows already touched, found by binary search in their postings — so the long
 * posting lists of common words ("the") are not walked. Exact: partial sums only grow, so the k-th
 * best partial sum is a lower bound of the final k-th best score (kept in float32 by the heap: compared
 * with a relative margin), and a term's bound (its weight ×
 * the largest tf / smallest document length of its postings) bounds every row's share of it.
 */
export function accumulateTerms(view: Bm25Segment, q: QueryWeights, k1: number, b: number, avgdl: number, allowed: Uint32Array, acc: Accumulators, k: number): number {
  const { postStart, postRows, postValues, dims } = view.postings
  const norm = avgdl > 0 ? 1 / avgdl : 0
  const order = termOrder(view, q, k1, b, norm)
  const suffix = new Float64Array(order.length + 1)
  for (let i = order.length - 1; i >= 0; i--) suffix[i] = suffix[i + 1]! + order[i]!.bound
  const { sums, touched } = acc
  let count = 0
  let i = 0
  for (; i < order.length; i++) {
    if (k > 0 && i > 0 && count >= k && suffix[i]! < kthBest(sums, touched, count, k) * (1 - 1e-6)) break
    const { d, w } = order[i]!
    for (let p = postStart[d]!; p < postStart[d + 1]!; p++) {
      const r = postRows[p]!
      if (((allowed[r >>> 5]! >>> (r & 31)) & 1) === 0) continue
      const tf = postValues[p]!
      const s = (w * tf * (k1 + 1)) / (tf + k1 * (1 - b + b * view.docLength[r]! * norm))
      if (!(s > 0)) continue
      if (sums[r] === 0) touched[count++] = r
      sums[r]! += s
    }
  }
  // The rest: only rows already touched can still reach the top k.
  for (; i < order.length; i++) {
    const { d, w } = order[i]!
    const lo = postStart[d]!
    const hi = postStart[d + 1]!
    for (let j = 0; j < count; j++) {
      const r = touched[j]!
      const p = findRow(postRows, lo, hi, r)
      if (p < 0) continue
      const tf = postValues[p]!
      const s = (w * tf * (k1 + 1)) / (tf + k1 * (1 - b + b * view.docLength[r]! * norm))
      if (s > 0) sums[r]! += s
    }
  }
  return count
}

interface OrderedTerm {
  readonly d: number
  readonly w: number
  readonly bound: number
}

/** The query's terms present in the postings, largest score bound first. */
function termOrder(view: Bm25Segment, q: QueryWeights, k1: number, b: number, norm: number): OrderedTerm[] {
  const out: OrderedTerm[] = []
  for (let t = 0; t < q.terms.length; t++) {
    const d = findDim(view.postings.dims, q.terms[t]!)
    if (d < 0) continue
    const w = q.weights[t]!
    const { maxTf, minDl } = termExtremes(view, d)
    const bound = w > 0 ? (w * maxTf * (k1 + 1)) / (maxTf + k1 * (1 - b + b * minDl * norm)) : 0
    out.push({ d, w, bound })
  }
  return out.sort((x, y) => y.bound - x.bound)
}

/** Largest tf and smallest document length among a term's postings, computed once per segment view. */
const extremes = new WeakMap<Bm25Segment['postings'], Map<number, { maxTf: number; minDl: number }>>()

function termExtremes(view: Bm25Segment, d: number): { maxTf: number; minDl: number } {
  let byDim = extremes.get(view.postings)
  if (byDim === undefined) {
    byDim = new Map()
    extremes.set(view.postings, byDim)
  }
  let e = byDim.get(d)
  if (e === undefined) {
    const { postStart, postRows, postValues } = view.postings
    let maxTf = 0
    let minDl = Number.POSITIVE_INFINITY
    for (let p = postStart[d]!; p < postStart[d + 1]!; p++) {
      if (postValues[p]! > maxTf) maxTf = postValues[p]!
      const dl = view.docLength[postRows[p]!]!
      if (dl < minDl) minDl = dl
    }
    e = { maxTf, minDl: Number.isFinite(minDl) ? minDl : 0 }
    byDim.set(d, e)
  }
  return e
}

/** The k-th largest partial sum among the touched rows. */
function kthBest(sums: Float64Array, touched: Int32Array, count: number, k: number): number {
  const heap = new TopKHeap(k, true)
  for (let j = 0; j < count; j++) heap.push(sums[touched[j]!]!, j)
  return heap.threshold()
}

/** Index of `row` in the ascending `rows[lo, hi)`, or −1. */
function findRow(rows: Int32Array | Uint32Array, lo: number, hi: number, row: number): number {
  let a = lo
  let z = hi - 1
  while (a <= z) {
    const mid = (a + z) >>> 1
    const v = rows[mid]!
    if (v === row) return mid
    if (v < row) a = mid + 1
    else z = mid - 1
  }
  return -1
}
