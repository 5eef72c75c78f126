// Client JSON is measured before it is parsed: nesting is counted in one pass (brackets in strings
// and escapes skipped), deep values are refused with 1100, and already-parsed values are measured
// without recursion.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MilvusError } from '../errors/errors.ts'
import { checkValueNesting, jsonLimits, jsonNestingDepth, parseClientJson, valueNestingDepth } from './bounded-json.ts'

test('nesting depth of JSON text: brackets in strings and escaped quotes do not count', () => {
  assert.equal(jsonNestingDepth('1'), 0)
  assert.equal(jsonNestingDepth('{"a":[1,{"b":[]}]}'), 4)
  assert.equal(jsonNestingDepth('{"a":"[[[[{{{{"}'), 1)
  assert.equal(jsonNestingDepth('{"a":"\\"[[[["}'), 1)
  assert.equal(jsonNestingDepth('['.repeat(100_000)), 100_000)
})

test('parseClientJson: the limit is inclusive; one level more is 1100 naming the value', () => {
  const max = jsonLimits.jsonNestingDepthMax
  assert.equal(jsonNestingDepth(JSON.stringify(parseClientJson(`${'['.repeat(max)}${']'.repeat(max)}`, 'x'))), max)
  assert.throws(
    () => parseClientJson(`${'['.repeat(max + 1)}${']'.repeat(max + 1)}`, 'field j at row 3'),
    (e) => e instanceof MilvusError && e.code === 1100 && /field j at row 3: JSON nested 65 levels deep, more than 64/.test(e.message),
  )
  assert.throws(() => parseClientJson('{"a":', 'params'), (e) => e instanceof MilvusError && e.code === 1100 && /params: invalid JSON/.test(e.message))
})

test('parsed values: depth measured iteratively, a million levels do not overflow the stack', () => {
  let deep: unknown = 1
  for (let i = 0; i < 1_000_000; i++) deep = [deep]
  assert.equal(valueNestingDepth(deep, 64), 65)
  assert.throws(() => checkValueNesting(deep, 'params'), (e) => e instanceof MilvusError && e.code === 1100)
  assert.equal(valueNestingDepth({ a: [1, 2, { b: new Float32Array(4) }] }), 3)
  checkValueNesting({ vectors: [[1, 2], [3, 4]] }, 'body')
})
