// Failed logins cost the attacker, not the server: with a counting (and, where needed, held) scrypt
// and an injected clock, a repeated wrong password runs scrypt once, concurrent identical logins share
// one run, impossible credentials run none, pending checks are bounded (in all and per client), and a
// client past its free failures is refused at once while other clients and cached logins still pass.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { test } from 'node:test'
import type { Credentials } from './credentials.ts'
import { LOGIN_BACKOFF_DEFAULTS } from './login-backoff.ts'
import { LoginVerifier, type LoginVerifierOptions } from './login-verifier.ts'
import { type DeriveKey, hashPassword, type PasswordHash } from './password-hash.ts'

/** A stand-in for scrypt: fast, deterministic, counted; `hold()` makes the next runs wait for `release()`. */
function fakeScrypt() {
  let gate: Promise<void> | undefined
  let open: (() => void) | undefined
  const s = {
    runs: 0,
    derive: (async (password, salt, _params, keyBytes) => {
      s.runs++
      if (gate !== undefined) await gate
      return createHash('sha256').update(salt).update(password).digest().subarray(0, keyBytes)
    }) as DeriveKey,
    hold: () => {
      gate = new Promise((r) => (open = r))
    },
    release: () => {
      gate = undefined
      open?.()
    },
  }
  return s
}

const creds = (text: string): Credentials => ({ user: text.slice(0, text.indexOf(':')), password: text.slice(text.indexOf(':') + 1) })
const refused = (re: RegExp) => (e: unknown) => (e as { code: number }).code === 1400 && re.test((e as Error).message)
const WRONG = /username and password are correct/

async function setup(opts: Partial<LoginVerifierOptions> = {}) {
  const scrypt = fakeScrypt()
  const users = new Map<string, PasswordHash>([['alice', await hashPassword('alice-pw', scrypt.derive)]])
  const decoy = await hashPassword('decoy-pw', scrypt.derive)
  scrypt.runs = 0
  const v = new LoginVerifier({ decoy, derive: scrypt.derive, ...opts })
  const login = (text: string, client?: string) => v.verify(creds(text), client, () => users.get(creds(text).user))
  return { v, scrypt, users, login }
}

test('a repeated wrong password runs scrypt once; the right one once, then from the cache', async () => {
  const { v, scrypt, login } = await setup()
  for (let i = 0; i < 5; i++) await assert.rejects(login('alice:wrong-pw'), refused(WRONG))
  assert.equal(scrypt.runs, 1)
  assert.equal(v.counters.failureCacheHits, 4)
  for (let i = 0; i < 5; i++) await login('alice:alice-pw')
  assert.equal(scrypt.runs, 2)
  assert.equal(v.counters.verifiedCacheHits, 4)
  await assert.rejects(login('nobody:some-pw'), refused(WRONG))
  assert.equal(scrypt.runs, 3, 'a missing user costs a scrypt (the decoy)')
})

test('concurrent identical logins share one scrypt run', async () => {
  const { scrypt, login } = await setup()
  scrypt.hold()
  const wrong = Array.from({ length: 32 }, () => login('alice:wrong-pw'))
  const right = Array.from({ length: 8 }, () => login('alice:alice-pw'))
  scrypt.release()
  const results = await Promise.allSettled(wrong)
  assert.ok(results.every((r) => r.status === 'rejected'))
  await Promise.all(right)
  assert.equal(scrypt.runs, 2)
})

test('credentials no user can have fail without scrypt', async () => {
  const { scrypt, login } = await setup()
  for (const text of ['alice:', `alice:${'x'.repeat(73)}`, '1alice:pw-pw-pw', 'al-ice:pw-pw-pw', `${'a'.repeat(33)}:pw-pw-pw`]) {
    await assert.rejects(login(text), refused(WRONG), text)
  }
  assert.equal(scrypt.runs, 0)
})

test('pending checks are bounded: the excess is refused at once, then checks resume', async () => {
  const { v, scrypt, login } = await setup({ checksPendingMax: 2 })
  scrypt.hold()
  const attempts = Array.from({ length: 10 }, (_, i) => login(`alice:wrong-${i}-pw`))
  const settled = await Promise.allSettled(attempts.slice(2))
  assert.ok(settled.every((r) => r.status === 'rejected' && refused(/too many logins are being checked/)(r.reason)))
  assert.equal(v.counters.overloaded, 8)
  scrypt.release()
  for (const r of await Promise.allSettled(attempts.slice(0, 2))) assert.ok(r.status === 'rejected' && refused(WRONG)(r.reason))
  await login('alice:alice-pw')
  assert.equal(scrypt.runs, 3)
})

test('a client past its free failures is refused at once; other clients and cached logins pass', async () => {
  let now = 0
  const backoff = { ...LOGIN_BACKOFF_DEFAULTS, failuresFree: 3, waitMsMin: 1_000 }
  const { v, scrypt, users, login } = await setup({ backoff, nowMs: () => now })
  users.set('bob', await hashPassword('bob-pw-1', scrypt.derive))
  await login('alice:alice-pw', '10.0.0.1') // cached before the attack
  for (let i = 0; i < 4; i++) await assert.rejects(login(`alice:guess-${i}`, '10.0.0.1'), refused(WRONG))
  const runs = scrypt.runs
  await assert.rejects(login('bob:bob-pw-1', '10.0.0.1'), refused(/too many failed logins from 10\.0\.0\.1, retry in 1 s/))
  for (let i = 0; i < 50; i++) await assert.rejects(login(`alice:guess-x${i}`, '::ffff:10.0.0.1'), refused(/too many failed logins/))
  assert.equal(scrypt.runs, runs, 'no scrypt while backed off')
  assert.equal(v.counters.backedOff, 51)
  await login('alice:alice-pw', '10.0.0.1') // verified and cached: costs nothing, passes
  await login('bob:bob-pw-1', '10.0.0.2')
  await login('bob:bob-pw-1') // in-process callers have no address
  now += 1_000 // refusals while waiting did not extend the wait
  await assert.rejects(login('alice:guess-5', '10.0.0.1'), refused(WRONG))
  await assert.rejects(login('alice:guess-6', '10.0.0.1'), refused(/retry in 2 s/))
})

test('a cached failure never outlives a password change; a change during the check is refused', async () => {
  const { v, scrypt, users, login } = await setup()
  await assert.rejects(login('alice:new-alice-pw'), refused(WRONG))
  users.set('alice', await hashPassword('new-alice-pw', scrypt.derive))
  v.forgetUser('alice')
  await login('alice:new-alice-pw')
  await assert.rejects(login('alice:alice-pw'), refused(WRONG))
  // The password changes while scrypt checks the old one: the old one is not accepted.
  v.forgetUser('alice')
  scrypt.hold()
  const pending = login('alice:new-alice-pw')
  users.set('alice', await hashPassword('other-pw', fakeScrypt().derive))
  scrypt.release()
  await assert.rejects(pending, refused(WRONG))
  await login('alice:other-pw')
})

test('one client holds at most its share of the pending checks; the others keep theirs', async () => {
  const { v, scrypt, login } = await setup({ checksPendingMax: 4, checksPendingPerClientMax: 2 })
  scrypt.hold()
  const flood = Array.from({ length: 10 }, (_, i) => login(`alice:wrong-${i}-pw`, '10.0.0.9'))
  const refusedAtOnce = await Promise.allSettled(flood.slice(2))
  assert.ok(refusedAtOnce.every((r) => r.status === 'rejected' && refused(/too many logins are being checked/)(r.reason)))
  const other = login('alice:alice-pw', '10.0.0.1')
  scrypt.release()
  await other
  await Promise.allSettled(flood.slice(0, 2))
  assert.equal(scrypt.runs, 3)
  assert.equal(v.counters.overloaded, 8)
})
