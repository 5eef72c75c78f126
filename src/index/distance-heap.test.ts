// DistanceHeap against sorting (fast-check): a bounded result set keeps the k smallest keys and drains
// them ascending; the heap grows past its initial capacity; VisitedSet survives its epoch wrap.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { DistanceHeap } from './distance-heap.ts'
import { VisitedSet } from './visited-set.ts'

test('keeping the k smallest of any sequence equals sorting', () => {
  fc.assert(
    fc.property(fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), { maxLength: 200 }), fc.integer({ min: 1, max: 20 }), (keys, k) => {
      const heap = new DistanceHeap(2)
      keys.forEach((key, row) => {
        heap.push(key, row)
        if (heap.size > k) heap.pop()
      })
      const outKeys = new Float32Array(heap.size)
      const outRows = new Int32Array(heap.size)
      const n = heap.drainAscending(outKeys, outRows)
      const want = keys.map((key) => Math.fround(key)).sort((a, b) => a - b).slice(0, k)
      assert.equal(n, want.length)
      assert.deepEqual(Array.from(outKeys), want)
      outRows.forEach((row, i) => assert.equal(Math.fround(keys[row]!), outKeys[i]))
      assert.equal(heap.size, 0)
    }),
    { numRuns: 200, seed: 11 },
  )
})

test('a visited set is empty after reset, also across the 16-bit epoch wrap', () => {
  const visited = new VisitedSet(4)
  for (let round = 0; round < 70_000; round++) {
    visited.reset()
    assert.equal(visited.visit(round % 4), true)
    assert.equal(visited.visit(round % 4), false)
  }
  visited.reset()
  for (let row = 0; row < 4; row++) assert.equal(visited.visit(row), true)
})
