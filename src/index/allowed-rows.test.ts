// countAllowed counts only rows below the row count; the exact-scan rules switch where their
// formulas say (IVF: k·20 rows or 1 %; HNSW: sqrt(0.8 · 2M · max(ef, k) · rows)).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Bitset } from '../common/bitset.ts'
import { countAllowed, preferExactScan, preferExactScanHnsw } from './allowed-rows.ts'

test('countAllowed ignores bits at and above the row count; null allows every row', () => {
  const bits = Bitset.full(100)
  assert.equal(countAllowed(bits, 100), 100)
  assert.equal(countAllowed(bits, 37), 37)
  assert.equal(countAllowed(bits, 64), 64)
  assert.equal(countAllowed(null, 5), 5)
  assert.throws(() => countAllowed(new Bitset(10), 11), assert.AssertionError)
})

test('IVF prefers an exact scan up to k·20 rows or 1 % of the rows', () => {
  assert.equal(preferExactScan(200, 1_000_000, 10), true)
  assert.equal(preferExactScan(10_000, 1_000_000, 10), true)
  assert.equal(preferExactScan(10_001, 1_000_000, 10), false)
})

test('HNSW prefers an exact scan below sqrt(0.8 · 2M · max(ef, k) · rows) allowed rows', () => {
  const limit = Math.sqrt(0.8 * 32 * 32 * 100_000) // M = 16, ef = 32: ≈ 9,051
  assert.equal(preferExactScanHnsw(Math.floor(limit), 100_000, 10, 32, 16), true)
  assert.equal(preferExactScanHnsw(Math.ceil(limit), 100_000, 10, 32, 16), false)
  assert.equal(preferExactScanHnsw(200, 300, 10, 1, 2), true)
})
