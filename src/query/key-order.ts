import type { WorkSlice } from '../common/work-slice.ts'
import type { Segment } from '../segment/segment.ts'

/** Some rows of one segment (row numbers within it). */
export interface SegmentPick {
  readonly segment: Segment
  readonly rows: Int32Array
}

type Keys = BigInt64Array | readonly string[]

/**
 * Milvus answers a query in primary-key order: the `offset + limit` smallest keys that match, smallest
 * first (segcore sorts each segment's hits by key and the proxy merges them), and the SDKs' query
 * iterators page on it (`pk > last`). This orders `picks` so: each segment's rows are ordered by key
 * (a scan when they already are, as rows inserted in key order; a bounded selection when only a few
 * are wanted; else a sort), the segments merged, the first `offset` dropped and at most `limit` kept
 * (-1 = all). Consecutive rows of one segment come back as one pick (one gather).
 */
export async function inKeyOrder(picks: readonly SegmentPick[], pkField: string, offset: number, limit: number, slice?: WorkSlice): Promise<SegmentPick[]> {
  const want = limit < 0 ? Number.POSITIVE_INFINITY : offset + limit
  const runs: { segment: Segment; keys: Keys; rows: Int32Array }[] = []
  for (const p of picks) {
    if (p.rows.length === 0) continue
    if (slice?.due() === true) await slice.pause()
    const keys = p.segment.column(pkField)!.values as Keys
    runs.push({ segment: p.segment, keys, rows: orderedRows(keys, p.rows, want) })
  }
  if (runs.length === 1) return cut(runs[0]!.segment, runs[0]!.rows, offset, limit)
  return merge(runs, offset, want)
}

function cut(segment: Segment, rows: Int32Array, offset: number, limit: number): SegmentPick[] {
  const end = limit < 0 ? rows.length : Math.min(rows.length, offset + limit)
  return offset >= end ? [] : [{ segment, rows: rows.subarray(offset, end) }]
}

/** `rows` ordered by key; only the first `want` are needed (more may be returned). */
function orderedRows(keys: Keys, rows: Int32Array, want: number): Int32Array {
  let sorted = true
  for (let i = 1; i < rows.length && sorted; i++) sorted = keys[rows[i - 1]!]! < keys[rows[i]!]!
  if (sorted) return rows
  if (want * 8 < rows.length) return smallest(keys, rows, want)
  return Int32Array.from(rows).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0))
}

/** The `k` rows of smallest key, in key order: a max-heap of k rows, one comparison for most rows. */
function smallest(keys: Keys, rows: Int32Array, k: number): Int32Array {
  const heap = new Int32Array(k)
  let n = 0
  const less = (a: number, b: number) => keys[a]! < keys[b]!
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1
      if (l >= n) return
      const r = l + 1
      const big = r < n && less(heap[l]!, heap[r]!) ? r : l
      if (!less(heap[i]!, heap[big]!)) return
      const t = heap[i]!
      heap[i] = heap[big]!
      heap[big] = t
      i = big
    }
  }
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!
    if (n < k) {
      let j = n++
      heap[j] = row
      while (j > 0) {
        const p = (j - 1) >> 1
        if (!less(heap[p]!, heap[j]!)) break
        const t = heap[p]!
        heap[p] = heap[j]!
        heap[j] = t
        j = p
      }
    } else if (less(row, heap[0]!)) {
      heap[0] = row
      siftDown(0)
    }
  }
  return heap.subarray(0, n).sort((a, b) => (keys[a]! < keys[b]! ? -1 : 1))
}

/** k-way merge of ordered runs by key; the first `offset` dropped, up to `want` taken, runs of one segment kept together. */
function merge(runs: readonly { segment: Segment; keys: Keys; rows: Int32Array }[], offset: number, want: number): SegmentPick[] {
  const at = new Int32Array(runs.length)
  const out: SegmentPick[] = []
  let current = -1
  let pending: number[] = []
  const flush = () => {
    if (current >= 0 && pending.length > 0) out.push({ segment: runs[current]!.segment, rows: Int32Array.from(pending) })
    pending = []
  }
  const head = (s: number) => runs[s]!.keys[runs[s]!.rows[at[s]!]!]!
  for (let taken = 0; taken < want; taken++) {
    let best = -1
    for (let s = 0; s < runs.length; s++) {
      if (at[s]! >= runs[s]!.rows.length) continue
      if (best < 0 || head(s) < head(best)) best = s
    }
    if (best < 0) break
    const row = runs[best]!.rows[at[best]!]!
    at[best] = at[best]! + 1
    if (taken < offset) continue
    if (best !== current) {
      flush()
      current = best
    }
    pending.push(row)
  }
  flush()
  return out
}
