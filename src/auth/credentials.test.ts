// Credentials parse exactly: split at the first colon, nothing trimmed, and any control character
// (NUL first: scrypt's HMAC would read `secret\0` as `secret`) refused with 1400 before any lookup.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseCredentials } from './credentials.ts'

const refused = (re: RegExp) => (e: unknown) => (e as { code: number }).code === 1400 && re.test((e as Error).message)

test('split at the first colon, verbatim', () => {
  assert.deepEqual(parseCredentials('alice:secret'), { user: 'alice', password: 'secret' })
  assert.deepEqual(parseCredentials('alice:se:cr et '), { user: 'alice', password: 'se:cr et ' })
  assert.deepEqual(parseCredentials(':pw'), { user: '', password: 'pw' })
})

test('missing, no colon, or a control character anywhere: 1400', () => {
  assert.throws(() => parseCredentials(undefined), refused(/missing authorization/))
  assert.throws(() => parseCredentials(''), refused(/missing authorization/))
  assert.throws(() => parseCredentials('api-key'), refused(/api key/))
  for (const c of ['alice:secret\0', 'alice\0:secret', 'alice:sec\tret', 'alice:secret\n', 'alice:secret\x7f', 'alice:secret\u0090']) {
    assert.throws(() => parseCredentials(c), refused(/control character/), JSON.stringify(c))
  }
})
