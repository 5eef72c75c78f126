// output_fields as reads take them: trimmed, empty names dropped, each name once in first-asked
// order, so a million copies of a name cost one column; then the columns a read answers with.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DataType } from '../../../schema/data-type.ts'
import { createCollectionSchema } from '../../../schema/collection-schema.ts'
import { outputColumnsOf, requestedOutputFields } from './output-columns.ts'

test('requested output fields: trimmed, non-empty, each once in first-asked order', () => {
  assert.deepEqual(requestedOutputFields([' title ', '', 'meta', 'title', '  ', 'color']), ['title', 'meta', 'color'])
  assert.deepEqual(requestedOutputFields(undefined), [])
  const started = performance.now()
  assert.deepEqual(requestedOutputFields(new Array(1_000_000).fill('meta')), ['meta'])
  assert.ok(performance.now() - started < 2_000)
})

test('output columns of deduplicated names: fields once, dynamic keys once', () => {
  const schema = createCollectionSchema({
    name: 'c',
    enableDynamicField: true,
    fields: [
      { name: 'id', dataType: DataType.Int64, isPrimaryKey: true },
      { name: 'v', dataType: DataType.FloatVector, dim: 2 },
      { name: 'title', dataType: DataType.VarChar, maxLength: 8 },
    ],
  })
  const out = outputColumnsOf(schema, requestedOutputFields(['title', 'color', 'title', 'color']), 'id')
  assert.deepEqual(out.names, ['id', 'title', 'color'])
})
