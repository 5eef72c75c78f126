import type { TopKHeap } from '../../common/topk-heap.ts'
import type { SparsePostings } from './sparse-postings.ts'
import { seekRow } from './sparse-postings.ts'
import { BOUND_SLACK, exactScore, isAllowed, moveCursor, type QueryTerms } from './sparse-terms.ts'

/**
 * DAAT_WAND (Broder et al. 2003): cursors kept sorted by the row they are on; the pivot is the first
 * cursor at which the summed upper bounds could beat the k-th best score (0 while the heap is not
 * full: only positive scores are hits). Rows before the pivot's row cannot beat it, so the cursors
 * before the pivot jump to it; when all cursors up to the pivot are on one row, that row is scored
 * exactly. With `dim_max_score_ratio` ≥ 1 the result equals the exact scan's top k.
 */
export function searchWand(postings: SparsePostings, terms: QueryTerms, heap: TopKHeap, words: Uint32Array | undefined): void {
  const n = postings.rowCount
  const order = sortedByRow(terms)
  for (;;) {
    const bar = heap.isFull() ? heap.threshold() : 0
    let bound = 0
    let pivot = -1
    for (let i = 0; i < order.length; i++) {
      const t = order[i]!
      if (terms.row[t]! >= n) break
      bound += terms.upper[t]!
      if (bound * BOUND_SLACK > bar) {
        pivot = i
        break
      }
    }
    if (pivot < 0) return
    const pivotRow = terms.row[order[pivot]!]!
    if (terms.row[order[0]!] === pivotRow) {
      if (isAllowed(words, pivotRow)) {
        const s = exactScore(postings, terms, pivotRow)
        if (s > 0) heap.push(s, pivotRow)
      }
      for (let i = 0; i < order.length && terms.row[order[i]!] === pivotRow; i++) moveCursor(postings, terms, order[i]!, terms.cursor[order[i]!]! + 1)
    } else {
      for (let i = 0; i < pivot; i++) {
        const t = order[i]!
        moveCursor(postings, terms, t, seekRow(postings.postRows, terms.cursor[t]!, terms.end[t]!, pivotRow))
      }
    }
    resort(terms, order)
  }
}

/** Term ids sorted by the row their cursor is on. */
function sortedByRow(terms: QueryTerms): Int32Array {
  const order = new Int32Array(terms.count)
  for (let t = 0; t < terms.count; t++) order[t] = t
  resort(terms, order)
  return order
}

/** Insertion sort: after a step only a few cursors moved, so the order is nearly sorted. */
function resort(terms: QueryTerms, order: Int32Array): void {
  const rows = terms.row
  for (let i = 1; i < order.length; i++) {
    const t = order[i]!
    const row = rows[t]!
    let j = i - 1
    while (j >= 0 && rows[order[j]!]! > row) {
      order[j + 1] = order[j]!
      j--
    }
    order[j + 1] = t
  }
}
