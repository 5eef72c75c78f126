// User, role and password rules at their boundaries (Milvus ValidateUsername / ValidateRoleName /
// ValidatePassword): the limit passes, one past it fails with 1100 naming what was expected.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { authLimits, validatePassword, validateRoleName, validateUserName } from './auth-names.ts'

const invalid = (re: RegExp) => (e: unknown) => (e as { code: number }).code === 1100 && re.test((e as Error).message)

test('user names: a letter first, [A-Za-z0-9_], at most 32', () => {
  assert.equal(validateUserName('a'.repeat(authLimits.userNameLengthMax)), 'a'.repeat(32))
  assert.equal(validateUserName('user_1'), 'user_1')
  assert.throws(() => validateUserName('a'.repeat(33)), invalid(/less than 32/))
  assert.throws(() => validateUserName('1abc'), invalid(/first character must be a letter/))
  assert.throws(() => validateUserName('_abc'), invalid(/first character must be a letter/))
  assert.throws(() => validateUserName('ab/../c'), invalid(/only numbers, letters and underscores/))
  assert.throws(() => validateUserName(''), invalid(/not empty/))
  assert.throws(() => validateUserName(undefined), invalid(/not empty/))
})

test('role names: an underscore or letter first, at most 255', () => {
  assert.equal(validateRoleName('_reader'), '_reader')
  assert.equal(validateRoleName('r'.repeat(255)), 'r'.repeat(255))
  assert.throws(() => validateRoleName('r'.repeat(256)), invalid(/255/))
  assert.throws(() => validateRoleName('9r'), invalid(/first character/))
  assert.throws(() => validateRoleName('a-b'), invalid(/only contain numbers, letters and underscores/))
})

test('passwords: 6 to 72 bytes; the message never shows the password', () => {
  assert.equal(validatePassword('123456'), '123456')
  assert.equal(validatePassword('x'.repeat(72)), 'x'.repeat(72))
  assert.throws(() => validatePassword('12345'), invalid(/6 <= value <= 72/))
  assert.throws(() => validatePassword('x'.repeat(73)), invalid(/got 73 bytes/))
  // 36 two-byte characters are 72 bytes; 37 are 74.
  assert.equal(validatePassword('é'.repeat(36)), 'é'.repeat(36))
  assert.throws(() => validatePassword('é'.repeat(37)), (e: unknown) => !(e as Error).message.includes('é'))
})

test('passwords: no control characters (credentials may not carry them)', () => {
  for (const pw of ['secret\0', 'sec\nret', 'secret\x7f', 'secret\u0085']) {
    assert.throws(() => validatePassword(pw), (e: unknown) => invalid(/control characters/)(e) && !(e as Error).message.includes('secret'))
  }
  assert.equal(validatePassword('sp ace:colon'), 'sp ace:colon')
})
