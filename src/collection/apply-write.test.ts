// Duplicate keys in one batch are found by the int64 word table exactly as a Set of bigints finds
// them (negative keys, keys past 2^53, keys equal in one 32-bit half), and by the string set.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MilvusError } from '../errors/errors.ts'
import { rejectDuplicateKeys } from './apply-write.ts'

function firstRepeat(keys: ArrayLike<bigint | string>): number {
  const seen = new Set<bigint | string>()
  for (let i = 0; i < keys.length; i++) {
    if (seen.has(keys[i]!)) return i
    seen.add(keys[i]!)
  }
  return -1
}

test('int64 batches: the first repeated key is named, as a set would find it', () => {
  let a = 7
  const next = () => {
    a = (a * 1103515245 + 12345) >>> 0
    return a
  }
  const pool = [0n, -1n, 1n, 2n ** 32n, 2n ** 32n + 1n, -(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n, 4294967295n, -4294967296n]
  for (let round = 0; round < 200; round++) {
    const n = 1 + (next() % 300)
    const keys = new BigInt64Array(n)
    for (let i = 0; i < n; i++) keys[i] = next() % 4 === 0 ? pool[next() % pool.length]! : BigInt(next() % 5000) - 2500n + (BigInt(next() % 3) << 40n)
    const at = firstRepeat(keys)
    if (at < 0) assert.doesNotThrow(() => rejectDuplicateKeys(keys))
    else assert.throws(() => rejectDuplicateKeys(keys), (e) => e instanceof MilvusError && e.code === 1100 && e.message.includes('duplicate primary keys') && e.details?.key === String(keys[at]))
  }
  const unique = BigInt64Array.from({ length: 100_000 }, (_, i) => BigInt(i) * 4294967296n + BigInt(i))
  assert.doesNotThrow(() => rejectDuplicateKeys(unique))
  assert.doesNotThrow(() => rejectDuplicateKeys(unique.subarray(10, 20)))
})

test('string batches', () => {
  assert.doesNotThrow(() => rejectDuplicateKeys(['a', 'b', 'c']))
  assert.throws(() => rejectDuplicateKeys(['a', 'b', 'a']), (e) => e instanceof MilvusError && e.code === 1100)
})
