// FreeList: first fit, exact-fit removal, and coalescing with the previous, next or both neighbours;
// a fast-check model test checks that taken blocks never overlap and everything returns to one range.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { FreeList } from './free-list.ts'

test('take is first fit and splits the range', () => {
  const list = new FreeList()
  list.give(0, 100)
  assert.equal(list.take(30), 0)
  assert.equal(list.take(30), 30)
  assert.equal(list.freeBytes, 40)
  assert.equal(list.take(50), -1)
  assert.equal(list.take(40), 60)
  assert.equal(list.rangeCount, 0)
})

test('give coalesces with the previous, the next and both neighbours', () => {
  const list = new FreeList()
  list.give(0, 10)
  list.give(20, 10)
  list.give(40, 10)
  assert.equal(list.rangeCount, 3)
  list.give(10, 5) // merges with [0,10)
  assert.equal(list.rangeCount, 3)
  list.give(35, 5) // merges with [40,50)
  assert.equal(list.rangeCount, 3)
  list.give(15, 5) // joins [0,15) and [20,30)
  assert.equal(list.rangeCount, 2)
  list.give(30, 5) // joins [0,30) and [35,50)
  assert.equal(list.rangeCount, 1)
  assert.equal(list.take(50), 0)
})

test('bytesEndingAt reports the free tail', () => {
  const list = new FreeList()
  assert.equal(list.bytesEndingAt(100), 0)
  list.give(60, 40)
  assert.equal(list.bytesEndingAt(100), 40)
  assert.equal(list.bytesEndingAt(120), 0)
})

test('giving back an overlapping range is a programmer error', () => {
  const list = new FreeList()
  list.give(0, 10)
  assert.throws(() => list.give(5, 10))
})

test('model: taken blocks are disjoint and returning all leaves one range', () => {
  const op = fc.oneof(fc.record({ take: fc.integer({ min: 1, max: 40 }) }), fc.record({ give: fc.nat(50) }))
  fc.assert(
    fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
      const total = 1000
      const list = new FreeList()
      list.give(0, total)
      const taken: [number, number][] = []
      for (const o of ops) {
        if ('take' in o) {
          const at = list.take(o.take)
          if (at >= 0) taken.push([at, o.take])
        } else if (taken.length > 0) {
          const [block] = taken.splice(o.give % taken.length, 1)
          list.give(block![0], block![1])
        }
        const sorted = [...taken].sort((a, b) => a[0] - b[0])
        for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i - 1]![0] + sorted[i - 1]![1] <= sorted[i]![0])
        assert.equal(list.freeBytes + taken.reduce((s, b) => s + b[1], 0), total)
      }
      for (const [at, size] of taken) list.give(at, size)
      assert.equal(list.rangeCount, 1)
      assert.equal(list.take(total), 0)
    }),
    { numRuns: 200, seed: 7 },
  )
})
