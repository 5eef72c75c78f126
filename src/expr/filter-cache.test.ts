// The compiled-filter cache: the same text on the same schema gives the same plan object; another
// schema, template parameters and errors are never served from it; the cache stays bounded in
// entries and in characters of filter text.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createCollectionSchema } from '../schema/collection-schema.ts'
import { DataType } from '../schema/data-type.ts'
import { compileFilter } from './compile-filter.ts'
import { cachedFilter, compileFilterCached, FILTER_CACHE_CHARS_MAX, FILTER_CACHE_ENTRIES_MAX, isSharedPlan, pinFilter } from './filter-cache.ts'

const schemaOf = () =>
  createCollectionSchema({
    name: 'c',
    fields: [
      { name: 'id', dataType: DataType.Int64, isPrimaryKey: true },
      { name: 'n', dataType: DataType.Int64 },
      { name: 'v', dataType: DataType.FloatVector, dim: 2 },
    ],
  })

test('same schema and text: one plan; other schema or templates: compiled again', () => {
  const a = schemaOf()
  const b = schemaOf()
  const p = compileFilterCached('n > 3', a)
  assert.equal(compileFilterCached('n > 3', a), p)
  assert.notEqual(compileFilterCached('n > 3', b), p)
  assert.notEqual(compileFilterCached('n > {x}', a, { x: 1 }), compileFilterCached('n > {x}', a, { x: 1 }))
})

test('errors are thrown every time, and the cache stays bounded', () => {
  const a = schemaOf()
  assert.throws(() => compileFilterCached('nope > 1', a))
  assert.throws(() => compileFilterCached('nope > 1', a))
  const first = compileFilterCached('n == 0', a)
  for (let i = 1; i <= FILTER_CACHE_ENTRIES_MAX; i++) compileFilterCached(`n == ${i}`, a)
  assert.notEqual(compileFilterCached('n == 0', a), first, 'the oldest entry was forgotten')
})

test('FILTER_CACHE_CHARS_MAX: texts are kept up to that many characters in all, oldest forgotten first', () => {
  const a = schemaOf()
  const padded = (i: number, chars: number) => `n == ${i}${' '.repeat(chars - `n == ${i}`.length)}`
  const third = Math.floor(FILTER_CACHE_CHARS_MAX / 3)
  const texts = [0, 1, 2].map((i) => padded(i, third))
  const plans = texts.map((t) => compileFilterCached(t, a))
  texts.forEach((t, i) => assert.equal(cachedFilter(t, a), plans[i]))
  compileFilterCached(padded(3, third), a)
  assert.equal(cachedFilter(texts[0]!, a), undefined, 'the oldest was forgotten to make room')
  assert.equal(cachedFilter(texts[1]!, a), plans[1])
  const exact = padded(4, FILTER_CACHE_CHARS_MAX)
  assert.ok(isSharedPlan(compileFilterCached(exact, a)), 'a text of exactly the maximum is kept (alone)')
  const tooLong = padded(5, FILTER_CACHE_CHARS_MAX + 1)
  const p = compileFilterCached(tooLong, a)
  assert.ok(!isSharedPlan(p) && cachedFilter(tooLong, a) === undefined, 'a longer text is compiled, not kept')
  assert.ok(isSharedPlan(compileFilterCached(exact, a)))
})

test('a plan pinned to a params object is returned for that object, text and schema only', () => {
  const a = schemaOf()
  const params = { x: [1, 2] }
  const plan = compileFilter('n in {x}', a, params)
  pinFilter('n in {x}', a, params, plan)
  assert.equal(compileFilterCached('n in {x}', a, params), plan)
  assert.ok(!isSharedPlan(plan), 'pinned plans are not shared by other reads')
  assert.notEqual(compileFilterCached('n in {x}', a, { x: [1, 2] }), plan, 'another params object')
  assert.notEqual(compileFilterCached('n in {x} ', a, params), plan, 'another text')
  assert.notEqual(compileFilterCached('n in {x}', schemaOf(), params), plan, 'another schema')
})
