// Proves the delete fast path: primaryKeysOf returns the exact, deduplicated key set for
// `pk in [...]`, `pk == x` and `or`s of those (Int64 beyond 2^53 and VarChar), and undefined otherwise.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createCollectionSchema, primaryField } from '../schema/collection-schema.ts'
import { compileFilter } from './compile-filter.ts'
import { primaryKeysOf } from './primary-keys.ts'
import { testSchema } from './test-fixtures.ts'

const intPk = primaryField(testSchema)
const strSchema = createCollectionSchema({
  name: 'docs',
  fields: [
    { name: 'id', dataType: 'VarChar', isPrimaryKey: true, maxLength: 20 },
    { name: 'v', dataType: 'FloatVector', dim: 2 },
    { name: 'n', dataType: 'Int64' },
  ],
})
const strPk = primaryField(strSchema)

test('int64 keys: in, ==, or of both; exact beyond 2^53; deduplicated (the keys of one in-set ascending)', () => {
  const keys = (text: string, params?: Record<string, unknown>) => primaryKeysOf(compileFilter(text, testSchema, params), intPk)
  assert.deepEqual(keys('pk in [3, 1, 3]'), { kind: 'int64', keys: [1n, 3n] })
  assert.deepEqual(keys('pk == 9007199254740993'), { kind: 'int64', keys: [9007199254740993n] })
  assert.deepEqual(keys('pk >= 5'), undefined)
  assert.deepEqual(keys('pk == 1 or pk in [2, 1] or 4 == pk'), { kind: 'int64', keys: [1n, 2n, 4n] })
  assert.deepEqual(keys('(pk == 1 or pk == 2) or pk == 3'), { kind: 'int64', keys: [1n, 2n, 3n] })
  assert.deepEqual(keys('pk in []'), { kind: 'int64', keys: [] })
  assert.deepEqual(keys('pk in {ids}', { ids: [5, 6] }), { kind: 'int64', keys: [5n, 6n] })
  assert.deepEqual(keys('pk == 1 and pk == 1'), undefined)
  assert.deepEqual(keys('pk == 1 or i32 == 2'), undefined)
  assert.deepEqual(keys('pk != 1'), undefined)
  assert.deepEqual(keys('not (pk in [1])'), undefined)
  assert.deepEqual(keys('pk not in [1]'), undefined)
  assert.deepEqual(keys('i64 in [1]'), undefined)
  assert.deepEqual(keys('pk + 1 == 2'), undefined)
})

test('varchar keys', () => {
  const keys = (text: string) => primaryKeysOf(compileFilter(text, strSchema), strPk)
  assert.deepEqual(keys('id in ["a", "b", "a"]'), { kind: 'varchar', keys: ['a', 'b'] })
  assert.deepEqual(keys('id == "x" or id == "y"'), { kind: 'varchar', keys: ['x', 'y'] })
  assert.deepEqual(keys('id like "x%"'), undefined)
  assert.deepEqual(keys('n == 1'), undefined)
})
