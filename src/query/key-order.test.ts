// inKeyOrder: rows of several segments come back in primary-key order with offset and limit applied,
// whichever way each segment's rows are ordered (already sorted, few wanted, many wanted), for int64
// and varchar keys, and a run of one segment stays one pick.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Segment } from '../segment/segment.ts'
import { inKeyOrder, type SegmentPick } from './key-order.ts'

function fakeSegment(id: number, keys: BigInt64Array | string[]): Segment {
  return { id, column: () => ({ kind: Array.isArray(keys) ? 'varchar' : 'int64', values: keys, validBits: null }) } as unknown as Segment
}

function flatten(picks: SegmentPick[]): string[] {
  return picks.flatMap((p) => [...p.rows].map((r) => String((p.segment.column('pk')!.values as ArrayLike<unknown>)[r])))
}

function shuffled(n: number, seed: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i)
  let s = seed
  for (let i = n - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648
    const j = s % (i + 1)
    ;[a[i], a[j]] = [a[j]!, a[i]!]
  }
  return a
}

test('int64 keys spread over segments: merged in key order, offset and limit applied', async () => {
  // Keys 0..2999 dealt to three segments in shuffled order; every segment's rows are all allowed except multiples of 7.
  const order = shuffled(3000, 7)
  const segs = [0, 1, 2].map((s) => fakeSegment(s, BigInt64Array.from(order.filter((_, i) => i % 3 === s).map(BigInt))))
  const picks = segs.map((segment) => {
    const keys = segment.column('pk')!.values as BigInt64Array
    return { segment, rows: Int32Array.from([...keys.keys()].filter((r) => keys[r]! % 7n !== 0n)) }
  })
  const expected = Array.from({ length: 3000 }, (_, i) => i).filter((k) => k % 7 !== 0).map(String)
  for (const [offset, limit] of [[0, -1], [0, 10], [5, 20], [100, 1000], [2500, 1000], [0, 2000]] as const) {
    const got = flatten(await inKeyOrder(picks, 'pk', offset, limit))
    assert.deepEqual(got, expected.slice(offset, limit < 0 ? undefined : offset + limit), `offset ${offset} limit ${limit}`)
  }
})

test('varchar keys, an already sorted segment, and runs of one segment kept together', async () => {
  const a = fakeSegment(1, ['a1', 'a2', 'a3', 'c1'])
  const b = fakeSegment(2, ['b2', 'b1'])
  const picks = [
    { segment: a, rows: Int32Array.of(0, 1, 2, 3) },
    { segment: b, rows: Int32Array.of(0, 1) },
  ]
  const out = await inKeyOrder(picks, 'pk', 0, -1)
  assert.deepEqual(flatten(out), ['a1', 'a2', 'a3', 'b1', 'b2', 'c1'])
  assert.deepEqual(out.map((p) => [p.segment.id, p.rows.length]), [[1, 3], [2, 2], [1, 1]])
  assert.deepEqual(flatten(await inKeyOrder(picks, 'pk', 2, 3)), ['a3', 'b1', 'b2'])
  assert.deepEqual(await inKeyOrder(picks, 'pk', 10, 3), [])
})
