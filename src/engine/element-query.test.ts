// element_filter parsing: the struct and predicate ($[sub] read as the sub-field), the row filter
// joined by AND on either side, and the placements Quiver refuses (1100), with quotes and nesting.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MilvusError } from '../errors/errors.ts'
import { createCollectionSchema } from '../schema/collection-schema.ts'
import { parseElementFilter } from './element-query.ts'

const schema = createCollectionSchema({
  name: 'c',
  fields: [
    { name: 'id', dataType: 'Int64', isPrimaryKey: true },
    { name: 'v', dataType: 'FloatVector', dim: 2 },
  ],
  structArrayFields: [{ name: 'items', maxCapacity: 4, fields: [{ name: 'label', dataType: 'VarChar', maxLength: 8 }, { name: 'n', dataType: 'Int32' }] }],
})

test('whole filter, and row filters joined by and / && on either side', () => {
  const whole = parseElementFilter('element_filter(items, $[n] > 2 && $[label] == "a,b)")', schema)!
  assert.equal(whole.struct.name, 'items')
  assert.equal(whole.predicate, 'n > 2 && label == "a,b)"')
  assert.equal(whole.rowFilter, undefined)
  assert.equal(parseElementFilter('id > 3 and element_filter(items, $[n] in [1, 2])', schema)!.rowFilter, 'id > 3')
  assert.equal(parseElementFilter('ELEMENT_FILTER(items, ($[n] + 1) > 2) && (id < 9)', schema)!.rowFilter, '(id < 9)')
  assert.equal(parseElementFilter('id > 3', schema), undefined)
  assert.equal(parseElementFilter('label == "element_filter(items, x)"', schema), undefined)
})

test('refused: not a struct field, missing predicate, joined by or', () => {
  const refused = (f: string, re: RegExp) =>
    assert.throws(() => parseElementFilter(f, schema), (e: unknown) => e instanceof MilvusError && e.code === 1100 && re.test(e.message))
  refused('element_filter(v, $[n] > 1)', /v is not a struct array field/)
  refused('element_filter(items)', /needs two arguments/)
  refused('id > 1 or element_filter(items, $[n] > 1)', /whole filter or joined to a row filter by AND/)
  refused('element_filter(items, $[n] > 1', /no closing parenthesis/)
})
