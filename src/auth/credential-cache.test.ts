// The credential cache with an injected clock: entries expire after the TTL, are forgotten per user,
// and the cache stays within its entry limit.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CREDENTIAL_CACHE_ENTRIES_MAX, CREDENTIAL_CACHE_TTL_MS, CredentialCache } from './credential-cache.ts'

test('expires after the TTL', () => {
  let now = 1_000
  const cache = new CredentialCache(() => now)
  cache.set('a:pw', 'a')
  now += CREDENTIAL_CACHE_TTL_MS - 1
  assert.equal(cache.get('a:pw'), 'a')
  now += 1
  assert.equal(cache.get('a:pw'), undefined)
})

test('forgets a user, keeps the others; bounded', () => {
  const cache = new CredentialCache(() => 0)
  cache.set('a:pw', 'a')
  cache.set('a:other', 'a')
  cache.set('b:pw', 'b')
  cache.forgetUser('a')
  assert.equal(cache.get('a:pw'), undefined)
  assert.equal(cache.get('a:other'), undefined)
  assert.equal(cache.get('b:pw'), 'b')
  for (let i = 0; i < CREDENTIAL_CACHE_ENTRIES_MAX + 10; i++) cache.set(`u${i}:pw`, `u${i}`)
  assert.equal(cache.size, CREDENTIAL_CACHE_ENTRIES_MAX)
  assert.equal(cache.get('b:pw'), undefined, 'the oldest went first')
})
