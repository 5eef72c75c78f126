import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errors } from '../errors/errors.ts'
import { OPEN_ATTEMPTS_MAX, isMissingFile, openAttempts } from './open-attempts.ts'

const missing = () => errors.io("read 'segments/1/4-1.del' failed (NoSuchKey) at s3://b/segments/1/4-1.del", Object.assign(new Error('gone'), { code: 'ENOENT' }))

test('a shared (cluster) open starts over when a file its manifest named is gone, discarding each failed attempt', async () => {
  const made: number[] = []
  const discarded: number[] = []
  const got = await openAttempts(true, () => made.push(made.length) - 1, async (n) => {
    if (n < 2) throw missing()
  }, (n) => void discarded.push(n))
  assert.equal(got, 2)
  assert.deepEqual(discarded, [0, 1])
})

test('it gives up after OPEN_ATTEMPTS_MAX, and never retries a local open or another error', async () => {
  let tries = 0
  await assert.rejects(openAttempts(true, () => ++tries, async () => Promise.reject(missing()), () => {}), (e) => isMissingFile(e))
  assert.equal(tries, OPEN_ATTEMPTS_MAX)
  tries = 0
  await assert.rejects(openAttempts(false, () => ++tries, async () => Promise.reject(missing()), () => {}))
  assert.equal(tries, 1)
  tries = 0
  await assert.rejects(openAttempts(true, () => ++tries, async () => Promise.reject(errors.invalid('bad')), () => {}))
  assert.equal(tries, 1)
  assert.equal(isMissingFile(new Error('x')), false)
})
