import type { TopKHeap } from '../../common/topk-heap.ts'
import type { SparsePostings } from './sparse-postings.ts'
import { isAllowed, type QueryTerms } from './sparse-terms.ts'

/** Scratch of a term-at-a-time search, sized to the index's rows and reused across searches. */
export interface TaatScratch {
  readonly sums: Float64Array
  readonly touched: Int32Array
  readonly seen: Uint8Array
}

export function createTaatScratch(rowCount: number): TaatScratch {
  return { sums: new Float64Array(rowCount), touched: new Int32Array(rowCount), seen: new Uint8Array(rowCount) }
}

/**
 * TAAT_NAIVE: every posting of every query term is added into a per-row float64 sum (terms in
 * ascending dimension order, so each row's sum is built exactly as the exact scan builds it); the
 * touched rows are then offered to the heap in ascending row order, allowed and positive ones only.
 */
export function searchTaat(postings: SparsePostings, terms: QueryTerms, heap: TopKHeap, words: Uint32Array | undefined, scratch: TaatScratch): void {
  const { sums, touched, seen } = scratch
  let count = 0
  for (let t = 0; t < terms.count; t++) {
    const w = terms.weight[t]!
    const d = terms.list[t]!
    for (let p = postings.postStart[d]!; p < postings.postStart[d + 1]!; p++) {
      const r = postings.postRows[p]!
      if (seen[r] === 0) {
        seen[r] = 1
        sums[r] = 0
        touched[count++] = r
      }
      sums[r]! += w * postings.postValues[p]!
    }
  }
  const rows = touched.subarray(0, count).sort()
  for (let i = 0; i < count; i++) {
    const r = rows[i]!
    seen[r] = 0
    const s = sums[r]!
    if (s > 0 && isAllowed(words, r)) heap.push(s, r)
  }
}
