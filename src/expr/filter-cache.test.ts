// The compiled-filter cache: the same text on the same schema gives the same plan object; another
// schema, template parameters and errors are never served from it; the cache stays bounded.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createCollectionSchema } from '../schema/collection-schema.ts'
import { DataType } from '../schema/data-type.ts'
import { compileFilterCached, FILTER_CACHE_ENTRIES_MAX } from './filter-cache.ts'

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
