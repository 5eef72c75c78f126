// Bitset.setRange fills whole words: every [from, to) gives exactly those bits, checked bit by bit.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Bitset } from './bitset.ts'

test('setRange sets exactly [from, to) across word boundaries', () => {
  const cases: [number, number][] = [[0, 0], [0, 1], [3, 7], [0, 32], [31, 33], [5, 64], [32, 96], [1, 100], [64, 65], [17, 17]]
  for (const [from, to] of cases) {
    const b = new Bitset(128)
    b.setRange(from, to)
    for (let i = 0; i < 128; i++) assert.equal(b.get(i), i >= from && i < to, `bit ${i} of [${from}, ${to})`)
    assert.equal(b.count(), Math.max(0, to - from))
  }
})
