// pickFilterStrategy chooses exact / two-hop / hnswlib at the named limits' boundaries.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  exactScanBelowRows,
  exactScanRowsPerLinkEf,
  exactScanRowsPerResult,
  hnswlibFractionMin,
  pickFilterStrategy,
  twoHopEf,
  twoHopEfFactorMin,
  twoHopFractionMin,
  twoHopScaledFractionMax,
} from './filter-strategy.ts'

test('the exact-scan threshold is the largest of its three limits', () => {
  assert.equal(exactScanBelowRows(100, 1_000, 8, 2), 100 * exactScanRowsPerResult)
  assert.equal(exactScanBelowRows(10, 10_000_000, 16, 16), 10_000_000 * twoHopFractionMin - 1)
  assert.equal(exactScanBelowRows(10, 100_000, 512, 16), exactScanRowsPerLinkEf * 16 * 512)
})

test('pickFilterStrategy: exact up to the threshold, then two-hop up to every row allowed (hnswlib never)', () => {
  const rows = 1_000_000
  const threshold = exactScanBelowRows(10, rows, 64, 16)
  assert.equal(hnswlibFractionMin, Number.POSITIVE_INFINITY)
  assert.equal(pickFilterStrategy(threshold, rows, 10, 64, 16), 'exact')
  assert.equal(pickFilterStrategy(threshold + 1, rows, 10, 64, 16), 'twoHop')
  assert.equal(pickFilterStrategy(rows * 0.9, rows, 10, 64, 16), 'twoHop')
  assert.equal(pickFilterStrategy(rows, rows, 10, 64, 16), 'twoHop')
})

test('twoHopEf: the walk ef shrinks with the fraction allowed, never below k, unchanged from 40 % up', () => {
  assert.equal(twoHopEf(16, 10, 0.1), 10)
  assert.equal(twoHopEf(64, 10, 0.05), 40)
  assert.equal(twoHopEf(256, 10, 0.1), 160)
  assert.equal(twoHopEf(16, 10, twoHopScaledFractionMax), 16)
  assert.equal(twoHopEf(16, 10, 0.9), 16)
  assert.equal(twoHopEf(100, 10, 0.25), Math.ceil(100 * (twoHopEfFactorMin + (1 - twoHopEfFactorMin) * 0.5)))
  assert.equal(twoHopEf(10, 10, 0.1), 10)
  let last = 0
  for (let f = 0.01; f <= 1; f += 0.01) {
    const ef = twoHopEf(64, 10, f)
    assert.ok(ef >= last, `twoHopEf is monotonic in the fraction (${f})`)
    last = ef
  }
})
