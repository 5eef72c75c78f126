// The int64 rule of REST responses: int64 values are JSON strings unless the client allows int64,
// then bare JSON numbers with every digit kept (past 2^53 too); other values are untouched.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { int64, renderJson } from './rest-json.ts'

const body = { code: 0, data: [{ id: int64('9007199254740993'), n: 3, s: '12', nested: [int64(-5)], b: 7n }] }

test('int64 values are strings by default', () => {
  assert.equal(renderJson(body, false), '{"code":0,"data":[{"id":"9007199254740993","n":3,"s":"12","nested":["-5"],"b":"7"}]}')
})

test('Accept-Type-Allow-Int64: int64 values are bare numbers with all their digits', () => {
  const text = renderJson(body, true)
  assert.equal(text, '{"code":0,"data":[{"id":9007199254740993,"n":3,"s":"12","nested":[-5],"b":7}]}')
  assert.doesNotThrow(() => JSON.parse(text))
})

test('strings that merely look like numbers stay strings', () => {
  assert.equal(renderJson({ a: '123', b: 'int64:5' }, true), '{"a":"123","b":"int64:5"}')
})
