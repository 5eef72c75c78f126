import { isAllowed } from '../allowed-rows.ts'
import type { DistanceHeap } from '../distance-heap.ts'
import { distanceBlockRows } from '../vector-rows.ts'
import type { InvertedLists } from './inverted-lists.ts'

/** Distances (smaller is better) of positions [from, from + count) of list `list` into `out[0 .. count)`. */
export type ListScorer = (list: number, from: number, count: number, out: Float32Array) => void

const blockScratch = new Float32Array(distanceBlockRows)

/**
 * Scores every position of the probed lists with `scoreList` (one call per block of a list) and keeps
 * the best `keep` allowed rows in `heap` (a max-heap of distances: the root is the worst kept).
 */
export function scanProbedLists(
  lists: InvertedLists,
  probed: Int32Array,
  probedCount: number,
  scoreList: ListScorer,
  allowedWords: Uint32Array | null,
  keep: number,
  heap: DistanceHeap,
): void {
  const { offsets, rows } = lists
  const out = blockScratch
  heap.clear()
  for (let p = 0; p < probedCount; p++) {
    const list = probed[p]!
    const end = offsets[list + 1]!
    for (let from = offsets[list]!; from < end; from += distanceBlockRows) {
      const n = Math.min(distanceBlockRows, end - from)
      scoreList(list, from, n, out)
      for (let i = 0; i < n; i++) {
        const d = out[i]!
        if (heap.size >= keep && d >= heap.topKey()) continue
        const row = rows[from + i]!
        if (allowedWords !== null && !isAllowed(allowedWords, row)) continue
        heap.push(d, row)
        if (heap.size > keep) heap.pop()
      }
    }
  }
}
