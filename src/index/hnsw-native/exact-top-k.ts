import type { Bitset } from '../../common/bitset.ts'
import { TopKHeap } from '../../common/topk-heap.ts'
import { type FloatMetric, largerIsBetter } from '../../vector/metric.ts'
import { referenceFloatScores } from '../../vector/reference-distance.ts'

/**
 * The test oracle: exact top-k of one query over rows 0..rowCount-1 (allowed rows only when
 * `allowedBits` is set), scored by the plain-JS reference metrics. Best first; ties keep the lower row.
 */
export function exactTopK(
  metric: FloatMetric,
  query: Float32Array,
  vectors: Float32Array,
  rowCount: number,
  k: number,
  allowedBits: Bitset | null,
): { scores: Float32Array; rows: Int32Array } {
  const dim = query.length
  const scores = new Float64Array(rowCount)
  referenceFloatScores(metric, query, vectors, rowCount, dim, scores)
  const heap = new TopKHeap(k, largerIsBetter(metric))
  for (let r = 0; r < rowCount; r++) {
    if (allowedBits === null || allowedBits.get(r)) heap.push(scores[r]!, r)
  }
  const best = heap.drain()
  return { scores: best.scores, rows: Int32Array.from(best.ids) }
}

/** |found ∩ truth| / |truth| (1 when truth is empty). */
export function recallOf(found: Int32Array, truth: Int32Array): number {
  if (truth.length === 0) return 1
  const want = new Set(truth)
  let hit = 0
  for (const r of found) if (want.has(r)) hit++
  return hit / truth.length
}
