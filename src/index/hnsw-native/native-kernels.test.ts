// Every SIMD kernel level this CPU runs (avx512, avx2, sse, neon, scalar) against the plain-JS
// reference, at dimensions that exercise each kernel's main loop and every tail length.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { referenceIp, referenceL2 } from '../../vector/reference-distance.ts'
import { randomFloats, seededRandom } from '../../vector/seeded-random.ts'
import { loadNativeHnsw } from './native-addon.ts'

const dims = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 63, 64, 65, 100, 128, 129, 768, 1000]

function close(actual: number, expected: number, dim: number): boolean {
  return Math.abs(actual - expected) <= 1e-6 * dim * Math.max(1, Math.abs(expected))
}

test('each kernel level gives the reference squared L2 and negated dot product at every tail length', () => {
  const addon = loadNativeHnsw()
  assert.ok(addon.simdLevels.includes(addon.simdLevel))
  assert.ok(addon.simdLevels.includes('scalar'))
  const random = seededRandom(23)
  for (const level of addon.simdLevels) {
    for (const dim of dims) {
      const a = randomFloats(random, dim)
      const b = randomFloats(random, dim)
      const l2 = addon.kernelDistance(level, 'l2', a, b)
      const negDot = addon.kernelDistance(level, 'negativeDot', a, b)
      assert.ok(close(l2, referenceL2(a, b, 0, dim), dim), `${level} l2 dim ${dim}: ${l2}`)
      assert.ok(close(-negDot, referenceIp(a, b, 0, dim), dim), `${level} dot dim ${dim}: ${-negDot}`)
      assert.equal(addon.kernelDistance(level, 'l2', a, a), 0)
    }
  }
})

test('a kernel call with mismatched lengths or an unknown level is rejected', () => {
  const addon = loadNativeHnsw()
  assert.throws(() => addon.kernelDistance('scalar', 'l2', new Float32Array(3), new Float32Array(4)), TypeError)
  assert.throws(() => addon.kernelDistance('mmx', 'l2', new Float32Array(3), new Float32Array(3)), TypeError)
})
