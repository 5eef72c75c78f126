// Proves radixArgsort sorts stably by unsigned 32- and 64-bit keys, and that the key transforms
// order doubles (with ±Infinity, -0, denormals) and int64s (beyond 2^53) as `<` does, and that
// stringArgsort orders strings (surrogates, U+0000 padding, long shared prefixes) as `<` does.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { doubleSortKeys, int32SortKeys, int64SortKeys, radixArgsort } from './radix-argsort.ts'
import { stringArgsort } from './string-argsort.ts'

function expectedOrder<T>(values: readonly T[], less: (a: T, b: T) => boolean): number[] {
  return values.map((_, i) => i).sort((a, b) => (less(values[a]!, values[b]!) ? -1 : less(values[b]!, values[a]!) ? 1 : a - b))
}

test('doubles sort as `<` orders them, ties in entry order (both the comparison and the radix path)', () => {
  const double = fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(0, 1, -1, Infinity, -Infinity, 5e-324, -5e-324))
  fc.assert(
    fc.property(fc.array(double, { maxLength: 1500 }), (xs) => {
      const values = Float64Array.from(xs, (x) => (x === 0 ? 0 : x))
      const k = doubleSortKeys(values, values.length)
      assert.deepEqual([...radixArgsort(k.lo, k.hi, values.length)], expectedOrder([...values], (a, b) => a < b))
    }),
    { numRuns: 60, seed: 5 },
  )
})

test('int64s sort as bigint `<` orders them', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.bigInt({ min: -5n, max: 5n })), { maxLength: 1500 }), (xs) => {
      const values = BigInt64Array.from(xs)
      const k = int64SortKeys(values, values.length)
      assert.deepEqual([...radixArgsort(k.lo, k.hi, values.length)], expectedOrder(xs, (a, b) => a < b))
    }),
    { numRuns: 60, seed: 6 },
  )
})

test('int32s sort with one 32-bit key', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.integer(), fc.integer({ min: -3, max: 3 })), { maxLength: 2000 }), (xs) => {
      const values = Float64Array.from(xs)
      assert.deepEqual([...radixArgsort(int32SortKeys(values, values.length), null, values.length)], expectedOrder(xs, (a, b) => a < b))
    }),
    { numRuns: 60, seed: 7 },
  )
})

test('strings sort by UTF-16 code units as `<` orders them, ties in entry order', () => {
  const alphabet = ['', 'a', 'b', '\u0000', '\uffff', '\ud83d', '\ude00', 'é', 'ab', 'aaaa', 'aaaab']
  const str = fc.oneof(fc.string({ maxLength: 12 }), fc.array(fc.constantFrom(...alphabet), { maxLength: 6 }).map((xs) => xs.join('')), fc.constantFrom('abcdabcd', 'abcdabce', 'abcd', 'abcd\u0000', 'abcd\u0000\u0000'))
  fc.assert(
    fc.property(fc.array(str, { maxLength: 1200 }), fc.boolean(), (xs, repeat) => {
      const values = repeat ? xs.flatMap((x) => [x, x, `${x}\u0000`]) : xs
      assert.deepEqual([...stringArgsort(values)], expectedOrder(values, (a, b) => a < b))
    }),
    { numRuns: 80, seed: 8 },
  )
})
