// The failure cache with an injected clock: an entry lives for the TTL, the table is bounded, and
// attempt keys differ per stored hash (a changed password is a new key) and per process.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { AttemptKeys, LOGIN_FAILURE_CACHE_ENTRIES_MAX, LOGIN_FAILURE_CACHE_TTL_MS, LoginFailureCache } from './login-failure-cache.ts'
import type { PasswordHash } from './password-hash.ts'

const stored = (hash: string): PasswordHash => ({ algorithm: 'scrypt', cost: 16_384, blockSize: 8, parallelization: 1, salt: 'c2FsdA==', hash })

test('expires after the TTL; bounded, oldest first', () => {
  let now = 0
  const cache = new LoginFailureCache(() => now)
  cache.add('k')
  now += LOGIN_FAILURE_CACHE_TTL_MS - 1
  assert.equal(cache.has('k'), true)
  now += 1
  assert.equal(cache.has('k'), false)
  for (let i = 0; i <= LOGIN_FAILURE_CACHE_ENTRIES_MAX; i++) cache.add(`k${i}`)
  assert.equal(cache.size, LOGIN_FAILURE_CACHE_ENTRIES_MAX)
  assert.equal(cache.has('k0'), false)
  assert.equal(cache.has(`k${LOGIN_FAILURE_CACHE_ENTRIES_MAX}`), true)
})

test('attempt keys: per credentials, per stored hash, per process; no plaintext', () => {
  const keys = new AttemptKeys()
  const a = keys.keyOf('root:wrong', stored('aGFzaDE='))
  assert.equal(keys.keyOf('root:wrong', stored('aGFzaDE=')), a)
  assert.notEqual(keys.keyOf('root:wrong', stored('aGFzaDI=')), a, 'the password changed')
  assert.notEqual(keys.keyOf('root:wrong2', stored('aGFzaDE=')), a)
  assert.notEqual(new AttemptKeys().keyOf('root:wrong', stored('aGFzaDE=')), a)
  assert.equal(a.includes('wrong'), false)
})
