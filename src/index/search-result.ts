import type { TopKHeap } from '../common/topk-heap.ts'
import type { DistanceHeap } from './distance-heap.ts'
import type { IndexSearchResult } from './vector-index.ts'
import type { VectorRows } from './vector-rows.ts'

export const emptyResult: IndexSearchResult = { scores: new Float32Array(0), rows: new Int32Array(0) }

/** A TopKHeap of distances as a result: best first, distances turned back into Milvus scores. */
export function resultsOf(heap: TopKHeap, larger: boolean): IndexSearchResult {
  const { scores, ids } = heap.drain()
  const rows = new Int32Array(ids.length)
  for (let i = 0; i < ids.length; i++) {
    rows[i] = ids[i]!
    if (larger) scores[i] = -scores[i]!
  }
  return { scores, rows }
}

/** The best `k` rows of a DistanceHeap (emptied) as a result. */
export function resultsOfHeap(heap: DistanceHeap, k: number, larger: boolean): IndexSearchResult {
  while (heap.size > k) heap.pop()
  const scores = new Float32Array(heap.size)
  const rows = new Int32Array(heap.size)
  heap.drainAscending(scores, rows)
  if (larger) for (let i = 0; i < scores.length; i++) scores[i] = -scores[i]!
  return { scores, rows }
}

/**
 * Re-ranks the rows of `candidates` (approximate distances; emptied) by their exact distance from the
 * query set on `rows` and returns the best `k`, so quantised indexes return FLAT's exact scores.
 */
export function rerankExact(rows: VectorRows, candidates: DistanceHeap, k: number, larger: boolean): IndexSearchResult {
  const n = candidates.size
  for (let i = 0; i < n; i++) candidates.keys[i] = rows.distance(candidates.rows[i]!)
  // Re-heapify by pushing the exact pairs into the (now empty) heap again.
  const keys = candidates.keys.slice(0, n)
  const ids = candidates.rows.slice(0, n)
  candidates.clear()
  for (let i = 0; i < n; i++) {
    if (candidates.size < k) candidates.push(keys[i]!, ids[i]!)
    else if (keys[i]! < candidates.topKey()) {
      candidates.pop()
      candidates.push(keys[i]!, ids[i]!)
    }
  }
  return resultsOfHeap(candidates, k, larger)
}
