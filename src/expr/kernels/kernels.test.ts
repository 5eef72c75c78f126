// Proves the BigInt-free int64 kernels are exact: double-vs-int64 three-way comparison, int64
// arithmetic on 32-bit halves (with its BigInt fallback) and the sorted-halves `in` lookup, each
// against plain BigInt arithmetic on random values including the extremes (fast-check).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import type { IntArithOp } from '../expr-plan.ts'
import { createTermSet, hasInt64 } from '../planner/term-set.ts'
import { applyBigInt, arithInt64 } from './arith-kernels.ts'
import { compareNumberToInt64, EQUAL, GREATER, int64Halves, LESS, UNORDERED } from './compare-mask.ts'
import { wordsOf } from './vector.ts'

const edge = [0n, 1n, -1n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n), -(2n ** 53n) - 1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 32n, 2n ** 32n - 1n, -(2n ** 32n)]
const int64Arb = fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.constantFrom(...edge), fc.bigInt({ min: -(2n ** 54n), max: 2n ** 54n }))
const doubleArb = fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(...edge.map(Number), 2 ** 63, -(2 ** 63), 0.5, -0.5, -0), int64Arb.map(Number))

function exact(v: number, x: bigint): number {
  if (!Number.isFinite(v)) return v > 0 ? GREATER : LESS
  // compare v with x exactly via fractions: v = m * 2^e
  const vi = BigInt(Math.trunc(v))
  if (vi !== x) return vi < x ? LESS : GREATER
  const frac = v - Math.trunc(v)
  return frac > 0 ? GREATER : frac < 0 ? LESS : EQUAL
}

test('compareNumberToInt64 is exact for every double and int64', () => {
  fc.assert(
    fc.property(doubleArb, int64Arb, (v, x) => {
      const { hi, lo } = int64Halves(x)
      assert.equal(compareNumberToInt64(v, hi, lo), exact(v, x), `${v} vs ${x}`)
    }),
    { numRuns: 20000, seed: 3 },
  )
  assert.equal(compareNumberToInt64(Number.NaN, 0, 0), UNORDERED)
})

test('arithInt64 equals BigInt arithmetic wrapped to 64 bits', () => {
  const ops: IntArithOp[] = ['+', '-', '*', '/', '%']
  fc.assert(
    fc.property(fc.array(int64Arb, { minLength: 1, maxLength: 40 }), fc.constantFrom(...ops), int64Arb, fc.boolean(), (xs, op, c, left) => {
      if ((op === '/' || op === '%') && c === 0n) return
      const values = BigInt64Array.from(xs)
      const out = arithInt64(wordsOf(values), values, xs.length, op, c, left && op === '-')
      xs.forEach((x, i) => assert.equal(out[i], applyBigInt(op, x, c, left && op === '-'), `${x} ${op} ${c}`))
    }),
    { numRuns: 3000, seed: 4 },
  )
})

test('hasInt64 finds exactly the members of the set', () => {
  fc.assert(
    fc.property(fc.array(int64Arb, { maxLength: 30 }), fc.array(int64Arb, { maxLength: 30 }), (members, probes) => {
      const set = createTermSet(members.map((value) => ({ type: 'int' as const, value })))
      for (const p of [...members, ...probes]) {
        const { hi, lo } = int64Halves(p)
        assert.equal(hasInt64(set, hi, lo), members.includes(p), String(p))
      }
    }),
    { numRuns: 1000, seed: 5 },
  )
})
