// Proves the lexer reads every literal form Milvus accepts (integers in four radices, floats,
// booleans, quoted and raw strings with escapes) and rejects malformed ones with a positioned 1100.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { assertInvalid } from '../test-fixtures.ts'
import { Lexer } from './lexer.ts'
import type { Token } from './token.ts'

function tokens(text: string): Token[] {
  const lx = new Lexer(text)
  const out: Token[] = []
  for (let t = lx.next(); t.kind !== 'end'; t = lx.next()) out.push(t)
  return out
}

function one(text: string): Token {
  const ts = tokens(text)
  assert.equal(ts.length, 1, `${text} → ${ts.length} tokens`)
  return ts[0]!
}

test('integer literals: decimal, hex, octal (0o and leading 0), binary, exact as bigint', () => {
  const cases: [string, bigint][] = [
    ['0', 0n],
    ['42', 42n],
    ['0x1F', 31n],
    ['0XfF', 255n],
    ['017', 15n],
    ['0o17', 15n],
    ['0O7', 7n],
    ['0b101', 5n],
    ['0B1', 1n],
    ['9223372036854775807', 9223372036854775807n],
    ['9223372036854775808', 9223372036854775808n],
    ['9007199254740993', 9007199254740993n],
  ]
  for (const [text, value] of cases) assert.deepEqual(one(text), { kind: 'integer', value, offset: 0, end: text.length }, text)
})

test('float literals: fraction, leading dot, trailing dot, exponent', () => {
  const cases: [string, number][] = [['1.5', 1.5], ['.5', 0.5], ['1.', 1], ['1e3', 1000], ['2.5E-3', 0.0025], ['1e+2', 100], ['00.5', 0.5]]
  for (const [text, value] of cases) assert.deepEqual(one(text), { kind: 'float', value, offset: 0, end: text.length }, text)
})

test('booleans in Milvus spellings; other cases are identifiers', () => {
  for (const t of ['true', 'True', 'TRUE']) assert.deepEqual(one(t), { kind: 'keyword', word: 'true', offset: 0, end: t.length })
  for (const t of ['false', 'False', 'FALSE']) assert.deepEqual(one(t), { kind: 'keyword', word: 'false', offset: 0, end: t.length })
  assert.equal(one('tRUE').kind, 'identifier')
})

test('keywords and symbol spellings normalise; mixed case is a name', () => {
  const words = (text: string) => tokens(text).map((t) => (t.kind === 'keyword' ? t.word : t.kind === 'punct' ? t.text : t.kind))
  assert.deepEqual(words('and AND && or OR || not NOT ! in IN like LIKE exists EXISTS'), [
    'and', 'and', 'and', 'or', 'or', 'or', 'not', 'not', 'not', 'in', 'in', 'like', 'like', 'exists', 'exists',
  ])
  assert.deepEqual(words('And Or'), ['identifier', 'identifier'])
  assert.deepEqual(words('a!=b<=c>=d==e**f'), ['identifier', '!=', 'identifier', '<=', 'identifier', '>=', 'identifier', '==', 'identifier', '**', 'identifier'])
  assert.deepEqual(one('$meta'), { kind: 'identifier', text: '$meta', offset: 0, end: 5 })
  assert.deepEqual(one('_a1'), { kind: 'identifier', text: '_a1', offset: 0, end: 3 })
})

test('strings: both quotes, escapes decoded, unknown escapes keep the backslash', () => {
  const value = (text: string) => {
    const t = one(text)
    assert.equal(t.kind, 'string')
    return t.kind === 'string' ? t.value : ''
  }
  assert.equal(value('"abc"'), 'abc')
  assert.equal(value("'abc'"), 'abc')
  assert.equal(value('"a\\"b"'), 'a"b')
  assert.equal(value("'it\\'s'"), "it's")
  assert.equal(value('"x\\\\y"'), 'x\\y')
  assert.equal(value('"\\n\\t\\r"'), '\n\t\r')
  assert.equal(value('"\\u00e9\\U0001F600"'), 'é😀')
  assert.equal(value('"\\x41\\101"'), 'AA')
  assert.equal(value('"a\\%b\\_"'), 'a\\%b\\_')
  assert.equal(value('""'), '')
  assert.equal(value("'say \"hi\"'"), 'say "hi"')
  assert.equal(value('r"a\\nb"'), 'a\\nb')
  assert.equal(value("R'a\\'b'"), "a\\'b")
})

test('malformed literals are 1100 errors naming the column', () => {
  assertInvalid(() => tokens('"abc'), 'column 1', 'unterminated string')
  assertInvalid(() => tokens('x == "a\nb"'), 'line break inside a string')
  assertInvalid(() => tokens('09'), 'invalid octal literal')
  assertInvalid(() => tokens('12abc'), 'invalid number literal')
  assertInvalid(() => tokens('1.2.3'), 'invalid number literal')
  assertInvalid(() => tokens('1e'), 'exponent has no digits')
  assertInvalid(() => tokens('0x'), "no digits after '0x'")
  assertInvalid(() => tokens('0x1.8p1'), 'hexadecimal floating literals are not supported')
  assertInvalid(() => tokens('1e999'), 'out of range')
  assertInvalid(() => tokens('a # b'), 'column 3', "unexpected character '#'")
  assertInvalid(() => tokens('a == 😀'), "unexpected character '😀'")
  assertInvalid(() => tokens('"\\u12"'), 'expected \\uXXXX')
  assertInvalid(() => tokens('$foo'), "unexpected character '$'")
})

test('integer literal length limit (integerLiteralCharsMax = 128 characters) at the boundary', () => {
  assert.equal(one(`0x${'0'.repeat(125)}1`).kind, 'integer')
  assertInvalid(() => tokens(`0x${'0'.repeat(126)}1`), 'longer than 128 characters')
})

test('mark and reset re-read the same tokens', () => {
  const lx = new Lexer('a < b <= c')
  lx.next()
  const m = lx.mark()
  const first = [lx.next(), lx.next()]
  lx.reset(m)
  assert.deepEqual([lx.next(), lx.next()], first)
})
