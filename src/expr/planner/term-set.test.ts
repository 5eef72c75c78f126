// Proves the typed-array TermSet answers exactly as the Set-based one it replaced: its lookup sets,
// values and sorted int64 halves are compared with a reference built the old way (one Set per type,
// a BigInt round trip per number) on random lists with the edge values (fast-check).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import type { Scalar } from '../expr-plan.ts'
import { createTermSet, hasInt64, hasValue, termCount, termLookup, termValues } from './term-set.ts'

/** The TermSet before typed arrays: what every probe must still find. */
function reference(input: readonly Scalar[]) {
  const seen = new Set<unknown>()
  const values: Scalar[] = []
  const numbers = new Set<number>()
  const bigints = new Set<bigint>()
  const strings = new Set<string>()
  const bools = new Set<boolean>()
  for (const s of input) {
    if (seen.has(s.value)) continue
    seen.add(s.value)
    values.push(s)
    if (s.type === 'string') strings.add(s.value)
    else if (s.type === 'bool') bools.add(s.value)
    else if (typeof s.value === 'bigint') {
      bigints.add(s.value)
      const d = Number(s.value)
      if (Number.isFinite(d) && BigInt(d) === s.value) numbers.add(d)
    } else {
      numbers.add(s.value)
      if (Number.isInteger(s.value)) bigints.add(BigInt(s.value))
    }
  }
  const ints = [...new Set(values.flatMap((s) => (s.type === 'int' ? [s.value] : [])))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return { values, numbers, bigints, strings, bools, boolNumbers: new Set([...bools].map((b) => (b ? 1 : 0))), ints }
}

const edgeInts = [0n, 1n, -1n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n), -(2n ** 53n) - 1n, 2n ** 60n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 32n, 2n ** 32n - 1n, -(2n ** 32n), 2n ** 32n * 2097151n + 4294967295n, 2n ** 53n + 2n, -(2n ** 53n) - 2n]
const intArb = fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.constantFrom(...edgeInts), fc.bigInt({ min: -20n, max: 20n }))
const floatArb = fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(0, -0, 0.5, -1, 3, 2 ** 53, 2 ** 60, -(2 ** 63), Infinity, -Infinity), fc.integer({ min: -20, max: 20 }))
const scalarArb: fc.Arbitrary<Scalar> = fc.oneof(
  intArb.map((value) => ({ type: 'int' as const, value })),
  floatArb.map((value) => ({ type: 'float' as const, value })),
  fc.string({ maxLength: 3 }).map((value) => ({ type: 'string' as const, value })),
  fc.boolean().map((value) => ({ type: 'bool' as const, value })),
)
/** A value a column, a JSON document or an array element may hold. */
const probeArb = fc.oneof(intArb, floatArb, fc.string({ maxLength: 3 }), fc.boolean(), fc.constant(null))

const sorted = <T>(xs: Iterable<T>) => [...xs].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0))

test('lookup sets, values and int64 halves equal the Set-based reference', () => {
  fc.assert(
    fc.property(fc.array(scalarArb, { maxLength: 40 }), fc.array(probeArb, { maxLength: 20 }), (input, probes) => {
      const set = createTermSet(input)
      const ref = reference(input)
      const lookup = termLookup(set)
      assert.deepEqual(lookup.numbers, ref.numbers)
      assert.deepEqual(lookup.bigints, ref.bigints)
      assert.deepEqual(lookup.strings, ref.strings)
      assert.deepEqual(lookup.bools, ref.bools)
      assert.deepEqual(lookup.boolNumbers, ref.boolNumbers)
      assert.deepEqual([...set.ints], ref.ints)
      assert.equal(termCount(set), ref.values.length)
      // The same values (a float -0 is kept as 0; equal as constants).
      const key = (s: Scalar) => `${s.type}:${String(s.value)}`
      assert.deepEqual(sorted(termValues(set).map(key)), sorted(ref.values.map((s) => key({ ...s, value: s.type === 'float' ? s.value + 0 : s.value } as Scalar))))
      for (let i = 0; i < set.ints.length; i++) {
        const v = set.ints[i]!
        assert.equal(set.intHi[i], Number(BigInt.asIntN(32, v >> 32n)))
        assert.equal(set.intLo[i], Number(BigInt.asUintN(32, v)))
        assert.ok(hasInt64(set, set.intHi[i]!, set.intLo[i]!))
      }
      for (const p of [...probes, ...input.map((s) => s.value)]) {
        const want = typeof p === 'number' ? ref.numbers.has(p) : typeof p === 'bigint' ? ref.bigints.has(p) : typeof p === 'string' ? ref.strings.has(p) : typeof p === 'boolean' ? ref.bools.has(p) : false
        assert.equal(hasValue(lookup, p), want, String(p))
      }
    }),
    { numRuns: 2000, seed: 11 },
  )
})

test('the typed arrays hold exactly the distinct values (no spare buffer is cloned)', () => {
  const set = createTermSet([3n, 1n, 3n, 2n, 1n].map((value) => ({ type: 'int' as const, value })))
  assert.deepEqual([...set.ints], [1n, 2n, 3n])
  assert.equal(set.ints.buffer.byteLength, 3 * 8)
  const floats = createTermSet([0.5, -0, 0, 0.5].map((value) => ({ type: 'float' as const, value })))
  assert.deepEqual([...floats.floats], [0, 0.5])
  assert.ok(Object.is(floats.floats[0], 0))
  assert.equal(floats.floats.buffer.byteLength, 2 * 8)
})
