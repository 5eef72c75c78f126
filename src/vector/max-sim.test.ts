// MAX_SIM metrics against their definition (Σ over query vectors of the best match among the row's
// vectors), for every base metric, on seeded random lists; names and the MAX_SIM alias.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { maxSimBase, maxSimScore, parseMaxSimMetric } from './max-sim.ts'
import { seededRandom } from './seeded-random.ts'

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, k) => s + x * b[k]!, 0)
const defs = {
  COSINE: [(a: Float32Array, b: Float32Array) => dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b)), Math.max],
  IP: [dot, Math.max],
  L2: [(a: Float32Array, b: Float32Array) => a.reduce((s, x, k) => s + (x - b[k]!) ** 2, 0), Math.min],
} as const

test('parseMaxSimMetric: the five metrics in any case, MAX_SIM = MAX_SIM_COSINE, others undefined', () => {
  assert.equal(parseMaxSimMetric('max_sim'), 'MAX_SIM_COSINE')
  assert.equal(parseMaxSimMetric('MAX_SIM_L2'), 'MAX_SIM_L2')
  assert.equal(maxSimBase('MAX_SIM_JACCARD'), 'JACCARD')
  assert.equal(parseMaxSimMetric('COSINE'), undefined)
  assert.equal(parseMaxSimMetric('MAX_SIM_X'), undefined)
})

test('maxSimScore equals its definition for COSINE, IP and L2; no vectors → NaN', () => {
  const random = seededRandom(5)
  const dim = 6
  const list = (n: number) => Float32Array.from({ length: n * dim }, () => random() * 2 - 1)
  const scratch = new Float64Array(16)
  for (const [name, [f, best]] of Object.entries(defs)) {
    for (let trial = 0; trial < 20; trial++) {
      const nQ = 1 + Math.floor(random() * 4)
      const count = 1 + Math.floor(random() * 8)
      const q = list(nQ)
      const d = list(count)
      let want = 0
      for (let i = 0; i < nQ; i++) {
        const scores = Array.from({ length: count }, (_, j) => f(q.subarray(i * dim, (i + 1) * dim), d.subarray(j * dim, (j + 1) * dim)))
        want += best(...scores)
      }
      const got = maxSimScore(name as 'COSINE' | 'IP' | 'L2', q, nQ, d, count, dim, scratch)
      assert.ok(Math.abs(got - want) < 1e-4, `${name}: ${got} vs ${want}`)
    }
  }
  assert.ok(Number.isNaN(maxSimScore('IP', list(1), 1, new Float32Array(0), 0, dim, scratch)))
})

test('binary MAX_SIM_HAMMING: per query vector the fewest differing bits', () => {
  const q = Uint8Array.of(0b1111_0000, 0b0000_0001)
  const d = Uint8Array.of(0b1111_0001, 0b0000_0000, 0b0000_0000)
  // q0 vs d0: 1 bit, vs d1 and d2: 4 → 1; q1 vs d0: 4, vs d1 and d2: 1 → 1.
  assert.equal(maxSimScore('HAMMING', q, 2, d, 3, 8, new Float64Array(3)), 2)
})
