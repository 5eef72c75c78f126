// scanBinary (HAMMING, JACCARD) equals the bit-by-bit reference on seeded random rows for many dims,
// through both the 32-bit word path (aligned) and the byte path (odd row sizes or unaligned buffers).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { popcount32, scanBinary } from './binary-scan.ts'
import { type BinaryMetric, Metric } from './metric.ts'
import { referenceBinaryScores } from './reference-distance.ts'
import { randomBytes, seededRandom } from './seeded-random.ts'

const metrics: BinaryMetric[] = [Metric.HAMMING, Metric.JACCARD]

test('popcount32', () => {
  assert.equal(popcount32(0), 0)
  assert.equal(popcount32(0xffffffff), 32)
  assert.equal(popcount32(0x80000000), 1)
  assert.equal(popcount32(-1), 32)
  assert.equal(popcount32(0x0f0f0f0f), 16)
  assert.equal(popcount32(0x12345678), 13)
})

test('matches the reference for aligned and unaligned rows', () => {
  const random = seededRandom(99)
  for (const dim of [8, 16, 24, 32, 40, 64, 128, 136, 512]) {
    for (const n of [0, 1, 5, 300]) {
      const rowBytes = dim / 8
      const query = randomBytes(random, rowBytes)
      const base = randomBytes(random, n * rowBytes)
      // Some rows all zeros and one equal to the query, to reach the edge cases.
      if (n >= 5) {
        base.fill(0, 0, rowBytes)
        base.set(query, 2 * rowBytes)
      }
      const shifted = new Uint8Array(base.length + 1).subarray(1)
      shifted.set(base)
      for (const metric of metrics) {
        const want = new Float32Array(n)
        referenceBinaryScores(metric, query, base, n, dim, want)
        for (const rows of [base, shifted]) {
          const out = new Float32Array(n)
          scanBinary(metric, query, rows, n, dim, out)
          assert.deepEqual(out, want, `${metric} dim=${dim} n=${n} offset=${rows.byteOffset}`)
        }
      }
    }
  }
})

test('JACCARD is 0 for two empty rows and 1 for disjoint ones; HAMMING counts bits', () => {
  const query = new Uint8Array([0, 0, 0, 0])
  const base = new Uint8Array([0, 0, 0, 0, 0xff, 0, 0, 1])
  const out = new Float32Array(2)
  scanBinary(Metric.JACCARD, query, base, 2, 32, out)
  assert.deepEqual(out, new Float32Array([0, 1]))
  scanBinary(Metric.HAMMING, query, base, 2, 32, out)
  assert.deepEqual(out, new Float32Array([0, 9]))
  const q2 = new Uint8Array([0b1100, 0, 0, 0])
  const b2 = new Uint8Array([0b1010, 0, 0, 0])
  scanBinary(Metric.JACCARD, q2, b2, 1, 32, out)
  assert.ok(Math.abs(out[0]! - 2 / 3) < 1e-7)
})

test('dims that are not multiples of 8 are programmer errors', () => {
  assert.throws(() => scanBinary(Metric.HAMMING, new Uint8Array(2), new Uint8Array(2), 1, 12, new Float32Array(1)))
})
