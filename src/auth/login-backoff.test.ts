// Per-client backoff with an injected clock: free failures, then waits that double up to the cap;
// a client is forgotten after a quiet period; the table is bounded; failuresFree 0 turns it off.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { LOGIN_BACKOFF_DEFAULTS, LoginBackoff } from './login-backoff.ts'

const limits = { ...LOGIN_BACKOFF_DEFAULTS, failuresFree: 3, waitMsMin: 1_000, waitMsMax: 8_000, forgetAfterMs: 60_000, clientCountMax: 3 }

test('free failures, then 1 s, 2 s, 4 s, capped at 8 s', () => {
  let now = 0
  const b = new LoginBackoff(limits, () => now)
  for (let i = 0; i < 3; i++) b.failed('a')
  assert.equal(b.waitMs('a'), 0, 'three failures are free')
  const waits: number[] = []
  for (let i = 0; i < 5; i++) {
    b.failed('a')
    waits.push(b.waitMs('a'))
    now += b.waitMs('a')
    assert.equal(b.waitMs('a'), 0, 'the wait ends')
  }
  assert.deepEqual(waits, [1_000, 2_000, 4_000, 8_000, 8_000])
  assert.equal(b.waitMs('b'), 0, 'other clients are not affected')
  assert.equal(b.waitMs(undefined), 0)
})

test('forgotten after a quiet period; the oldest client goes first past the bound; 0 = off', () => {
  let now = 0
  const b = new LoginBackoff(limits, () => now)
  for (let i = 0; i < 4; i++) b.failed('a')
  assert.ok(b.waitMs('a') > 0)
  now += limits.forgetAfterMs
  assert.equal(b.waitMs('a'), 0)
  b.failed('a')
  assert.equal(b.waitMs('a'), 0, 'counting starts over')
  for (const k of ['b', 'c', 'd']) b.failed(k)
  assert.equal(b.clientCount, 3)
  b.failed(undefined)
  assert.equal(b.clientCount, 3, 'no key, nothing tracked')
  const off = new LoginBackoff({ ...limits, failuresFree: 0 }, () => now)
  for (let i = 0; i < 100; i++) off.failed('a')
  assert.equal(off.waitMs('a'), 0)
  assert.equal(off.clientCount, 0)
})
