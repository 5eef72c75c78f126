// entities/get reads its keys as Milvus does (`pk in [...]`): each key once, in the order first
// asked, at most inListLengthMax of them (1100 naming the count), so a list of a million copies of
// one key costs one lookup.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { assertMilvusError } from '../../column/test-fixtures.ts'
import { exprLimits } from '../../expr/expr-limits.ts'
import { getIdsOf } from './entity-routes.ts'

test('entities/get keys: one or a list, each once in first-asked order; none is undefined', () => {
  assert.deepEqual(getIdsOf({ id: 7 }), [7])
  assert.deepEqual(getIdsOf({ ids: ['b', 'a', 'b'] }), ['b', 'a'])
  assert.deepEqual(getIdsOf({ id: [3, '3', 1, 3] }), [3, 1])
  assert.equal(getIdsOf({}), undefined)
  const started = performance.now()
  assert.deepEqual(getIdsOf({ id: new Array(1_000_000).fill(1) }), [1])
  assert.ok(performance.now() - started < 2_000)
})

test('entities/get keys: more distinct keys than a filter list may hold is 1100', () => {
  const max = exprLimits.inListLengthMax
  assert.equal(getIdsOf({ id: Array.from({ length: max }, (_, i) => i) })?.length, max)
  assertMilvusError(() => getIdsOf({ id: Array.from({ length: max + 1 }, (_, i) => i) }), 1100, `asks for ${max + 1} primary keys, more than ${max}`)
})
