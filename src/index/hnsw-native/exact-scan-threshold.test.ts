// countAllowedRows counts only rows below the row count (tail bits and missing words ignored), and
// the exact-scan threshold is the larger of k × rows-per-result and the measured cost crossover.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Bitset } from '../../common/bitset.ts'
import { countAllowedRows, exactScanBelowRows, exactScanCostRatio, exactScanRowsPerResult } from './exact-scan-threshold.ts'

test('countAllowedRows ignores bits at and above the row count', () => {
  const bits = Bitset.full(100)
  for (const rows of [0, 1, 31, 32, 33, 63, 64, 65, 99, 100]) assert.equal(countAllowedRows(bits.words, rows), rows)
  bits.words[3] = 0xffffffff // bits 96..127, beyond capacity 100
  assert.equal(countAllowedRows(bits.words, 100), 100)
  assert.equal(countAllowedRows(new Uint32Array(1).fill(0xffffffff), 100), 32)
})

test('the threshold is max(k × rows per result, sqrt(c · M · max(ef, k) · rows))', () => {
  assert.equal(exactScanBelowRows(10, 10, 64, 16), 10 * exactScanRowsPerResult)
  const rows = 1_000_000
  assert.equal(exactScanBelowRows(10, rows, 64, 16), Math.floor(Math.sqrt(exactScanCostRatio * 16 * 64 * rows)))
  assert.equal(exactScanBelowRows(100, rows, 8, 16), Math.floor(Math.sqrt(exactScanCostRatio * 16 * 100 * rows)))
  assert.ok(exactScanBelowRows(10, rows, 128, 16) > exactScanBelowRows(10, rows, 16, 16))
})
