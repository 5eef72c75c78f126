// The WASM kernels (L2, IP, COSINE) agree with the plain-JS reference on seeded random data for many
// dims and row counts, whether base, query and out live in the arena or in ordinary Float32Arrays.
// Tolerance: 1e-5 relative to the magnitude of the terms summed (|q|·|x| for IP/COSINE).
import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { scanFloat } from './float-scan.ts'
import { type FloatMetric, Metric } from './metric.ts'
import { referenceFloatScores } from './reference-distance.ts'
import { randomFloats, seededRandom } from './seeded-random.ts'
import { VectorArena } from './vector-arena.ts'

const dims = [1, 2, 3, 4, 7, 8, 15, 16, 17, 31, 64, 128, 129, 768]
const rowCounts = [0, 1, 5, 1000]
const metrics: FloatMetric[] = [Metric.L2, Metric.IP, Metric.COSINE]

let arena: VectorArena
before(async () => {
  arena = await VectorArena.open({ initialBytes: 1 << 16 })
})

/** Asserts kernel scores match the reference within 1e-5 of the summed magnitude. */
function assertClose(metric: FloatMetric, got: Float32Array, query: Float32Array, base: Float32Array, n: number, dim: number): void {
  const want = new Float64Array(n)
  referenceFloatScores(metric, query, base, n, dim, want)
  const qNorm = Math.sqrt(query.subarray(0, dim).reduce((s, v) => s + v * v, 0))
  for (let i = 0; i < n; i++) {
    let scale = Math.abs(want[i]!)
    if (metric !== Metric.L2) {
      const row = base.subarray(i * dim, (i + 1) * dim)
      const xNorm = Math.sqrt(row.reduce((s, v) => s + v * v, 0))
      scale = Math.max(scale, metric === Metric.IP ? qNorm * xNorm : 1)
    }
    const err = Math.abs(got[i]! - want[i]!)
    assert.ok(err <= 1e-5 * scale + 1e-30, `${metric} dim=${dim} row ${i}: got ${got[i]}, want ${want[i]}`)
  }
}

describe('scanFloat against the reference', () => {
  for (const dim of dims) {
    test(`dim ${dim}`, () => {
      const random = seededRandom(dim * 7919)
      for (const n of rowCounts) {
        const query = randomFloats(random, dim)
        const plainBase = randomFloats(random, n * dim)
        const arenaBase = arena.allocFloat32(n * dim)
        arenaBase.set(plainBase)
        for (const metric of metrics) {
          const out = new Float32Array(n)
          scanFloat(arena, metric, query, arenaBase, n, dim, out)
          assertClose(metric, out, query, plainBase, n, dim)
          const outCopied = new Float32Array(n)
          scanFloat(arena, metric, query, plainBase, n, dim, outCopied)
          assert.deepEqual(outCopied, out, 'copied base gives the same scores as the in-arena base')
        }
        arena.free(arenaBase)
      }
    })
  }
})

describe('scanFloat placements', () => {
  const dim = 19
  const n = 5000 // more than one block of scores (4096) and of copied rows (256 KiB / 76 B = 3449)
  const random = seededRandom(42)
  const query = randomFloats(random, dim)
  const base = randomFloats(random, n * dim)
  const want = new Float32Array(n)

  test('every combination of query/base/out inside or outside the arena gives the same scores', () => {
    for (const metric of metrics) {
      scanFloat(arena, metric, query, base, n, dim, want)
      assertClose(metric, want, query, base, n, dim)
      const arenaQuery = arena.allocFloat32(dim)
      const arenaBase = arena.allocFloat32(n * dim)
      const arenaOut = arena.allocFloat32(n)
      arenaQuery.set(query)
      arenaBase.set(base)
      for (const q of [query, arenaQuery]) {
        for (const b of [base, arenaBase]) {
          for (const o of [new Float32Array(n), arenaOut]) {
            o.fill(Number.NaN)
            scanFloat(arena, metric, q, b, n, dim, o)
            assert.deepEqual(o, want)
          }
        }
      }
      arena.free(arenaQuery)
      arena.free(arenaBase)
      arena.free(arenaOut)
    }
  })

  test('scans a sub-range of a larger array and leaves out beyond n untouched', () => {
    const out = new Float32Array(12).fill(-1)
    const offsetBase = base.subarray(3 * dim)
    scanFloat(arena, Metric.L2, query, offsetBase, 10, dim, out)
    scanFloat(arena, Metric.L2, query, base, n, dim, want)
    assert.deepEqual(out.subarray(0, 10), want.subarray(3, 13))
    assertClose(Metric.L2, out, query, offsetBase, 10, dim)
    assert.equal(out[10], -1)
    assert.equal(out[11], -1)
  })
})

describe('kernel edge values', () => {
  test('COSINE is 0 when the query or the row is all zeros; identical rows give 1', () => {
    const dim = 20
    const zeros = new Float32Array(dim)
    const ones = new Float32Array(dim).fill(0.5)
    const base = new Float32Array(2 * dim)
    base.set(ones, dim)
    const out = new Float32Array(2)
    scanFloat(arena, Metric.COSINE, ones, base, 2, dim, out)
    assert.equal(out[0], 0)
    assert.ok(Math.abs(out[1]! - 1) < 1e-6)
    scanFloat(arena, Metric.COSINE, zeros, base, 2, dim, out)
    assert.deepEqual(out, new Float32Array(2))
  })

  test('L2 is the squared distance and IP the dot product', () => {
    const query = new Float32Array([1, 2, 3])
    const base = new Float32Array([4, 6, 3, 0, 0, 0])
    const out = new Float32Array(2)
    scanFloat(arena, Metric.L2, query, base, 2, 3, out)
    assert.deepEqual(out, new Float32Array([25, 14]))
    scanFloat(arena, Metric.IP, query, base, 2, 3, out)
    assert.deepEqual(out, new Float32Array([25, 0]))
  })

  test('rejects shapes that do not fit (programmer errors)', () => {
    const out = new Float32Array(1)
    assert.throws(() => scanFloat(arena, Metric.L2, new Float32Array(2), new Float32Array(3), 1, 3, out))
    assert.throws(() => scanFloat(arena, Metric.L2, new Float32Array(3), new Float32Array(5), 2, 3, new Float32Array(2)))
    assert.throws(() => scanFloat(arena, Metric.L2, new Float32Array(3), new Float32Array(6), 2, 3, out))
    assert.throws(() => scanFloat(arena, Metric.L2, new Float32Array(3), new Float32Array(6), 2, 0, out))
  })
})
