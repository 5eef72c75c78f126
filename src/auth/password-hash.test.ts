// Password hashing: scrypt with a per-user random salt verifies the right password only, and the
// stored record never contains the password.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { hashPassword, verifyPassword } from './password-hash.ts'

test('a hash verifies its password and nothing else', async () => {
  const h = await hashPassword('s3cret-pass')
  assert.equal(await verifyPassword('s3cret-pass', h), true)
  assert.equal(await verifyPassword('s3cret-pasS', h), false)
  assert.equal(await verifyPassword('', h), false)
})

test('two hashes of one password differ (salted) and hold no plaintext', async () => {
  const a = await hashPassword('Milvus')
  const b = await hashPassword('Milvus')
  assert.notEqual(a.salt, b.salt)
  assert.notEqual(a.hash, b.hash)
  assert.equal(JSON.stringify(a).includes('Milvus'), false)
  assert.equal(a.algorithm, 'scrypt')
})

test('non-ASCII passwords round trip', async () => {
  const h = await hashPassword('pässwörd-密码')
  assert.equal(await verifyPassword('pässwörd-密码', h), true)
})
