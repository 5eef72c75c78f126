// Proves createIndex's scalar rules follow Milvus: which types each field takes (BITMAP not on
// Float/Double/JSON/primary key, STL_SORT numeric, VarChar and Timestamptz, Trie VarChar only), AUTOINDEX → INVERTED,
// and every refusal is a 1100 naming the field and the types it does take.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MilvusError } from '../../errors/errors.ts'
import { createCollectionSchema } from '../../schema/collection-schema.ts'
import { DataType } from '../../schema/data-type.ts'
import { scalarIndexSpecOf, scalarIndexTypeOf, scalarIndexTypesFor } from './scalar-index-rules.ts'

const schema = createCollectionSchema({
  name: 'r',
  fields: [
    { name: 'pk', dataType: 'Int64', isPrimaryKey: true },
    { name: 'v', dataType: 'FloatVector', dim: 2 },
    { name: 'b', dataType: 'Bool' },
    { name: 'i8', dataType: 'Int8' },
    { name: 'i32', dataType: 'Int32' },
    { name: 'f', dataType: 'Float' },
    { name: 'd', dataType: 'Double' },
    { name: 's', dataType: 'VarChar', maxLength: 8 },
    { name: 'j', dataType: 'JSON' },
    { name: 'as', dataType: 'Array', elementType: 'VarChar', maxCapacity: 2, maxLength: 8 },
    { name: 'ai', dataType: 'Array', elementType: 'Int16', maxCapacity: 2 },
    { name: 'af', dataType: 'Array', elementType: 'Double', maxCapacity: 2 },
    { name: 'ab', dataType: 'Array', elementType: 'Bool', maxCapacity: 2 },
  ],
})
const field = (name: string) => schema.fields.find((f) => f.name === name)!

test('the types each field takes', () => {
  const table: Record<string, string> = {
    pk: 'INVERTED STL_SORT AUTOINDEX',
    b: 'INVERTED BITMAP AUTOINDEX',
    i8: 'INVERTED STL_SORT BITMAP AUTOINDEX',
    i32: 'INVERTED STL_SORT BITMAP AUTOINDEX',
    f: 'INVERTED STL_SORT AUTOINDEX',
    d: 'INVERTED STL_SORT AUTOINDEX',
    s: 'INVERTED STL_SORT BITMAP Trie AUTOINDEX',
    j: '',
    as: 'INVERTED BITMAP AUTOINDEX',
    ai: 'INVERTED BITMAP AUTOINDEX',
    af: 'INVERTED AUTOINDEX',
    ab: 'INVERTED BITMAP AUTOINDEX',
  }
  for (const [name, types] of Object.entries(table)) assert.equal(scalarIndexTypesFor(field(name)).join(' '), types, name)
})

test('specs: value kinds, arrays are multi-valued, AUTOINDEX is INVERTED, Trie in any case', () => {
  assert.deepEqual(scalarIndexSpecOf('autoindex', field('pk')), { indexType: 'INVERTED', valueKind: 'i64', multiValued: false })
  assert.deepEqual(scalarIndexSpecOf('Trie', field('s')), { indexType: 'TRIE', valueKind: 'str', multiValued: false })
  assert.deepEqual(scalarIndexSpecOf('BITMAP', field('b')), { indexType: 'BITMAP', valueKind: 'bool', multiValued: false })
  assert.deepEqual(scalarIndexSpecOf('stl_sort', field('f')), { indexType: 'STL_SORT', valueKind: 'num', multiValued: false })
  // STL_SORT on VarChar (Milvus 2.6) is built as INVERTED's sorted dictionary.
  assert.deepEqual(scalarIndexSpecOf('STL_SORT', field('s')), { indexType: 'INVERTED', valueKind: 'str', multiValued: false })
  assert.deepEqual(scalarIndexSpecOf('INVERTED', field('as')), { indexType: 'INVERTED', valueKind: 'str', multiValued: true })
  assert.deepEqual(scalarIndexSpecOf('BITMAP', field('ai')), { indexType: 'BITMAP', valueKind: 'num', multiValued: true })
  assert.equal(scalarIndexTypeOf('HNSW'), undefined)
})

test('refusals are 1100 naming the field, its type and the types it takes', () => {
  const refuse = (type: string, name: string, ...parts: (string | RegExp)[]) => {
    assert.throws(
      () => scalarIndexSpecOf(type, field(name)),
      (e: unknown) => {
        assert.ok(e instanceof MilvusError)
        assert.equal(e.code, 1100)
        assert.ok(e.message.includes(`[field=${name}]`), e.message)
        for (const p of parts) assert.match(e.message, typeof p === 'string' ? new RegExp(p.replace(/[()[\]]/g, '\\$&')) : p)
        return true
      },
    )
  }
  refuse('BITMAP', 'pk', 'primary key not supported', 'supported: INVERTED, STL_SORT, AUTOINDEX')
  refuse('BITMAP', 'd', 'field d is Double', 'supported: INVERTED, STL_SORT, AUTOINDEX')
  refuse('BITMAP', 'af', 'field af is Array of Double')
  refuse('STL_SORT', 'b', 'STL_SORT index is only supported on numeric, VarChar and Timestamptz fields', 'field b is Bool', 'supported: INVERTED, BITMAP, AUTOINDEX')
  refuse('STL_SORT', 'ai', 'field ai is Array of Int16')
  refuse('Trie', 'i8', 'Trie index is only supported on VarChar fields', 'field i8 is Int8')
  refuse('INVERTED', 'j', 'JSON field j needs json_path and json_cast_type')
  refuse('IVF_FLAT', 'b', 'index type IVF_FLAT is not supported on scalar field b (Bool); supported: INVERTED, BITMAP, AUTOINDEX')
})

test('Timestamptz (int64 microseconds): STL_SORT as Milvus 2.6, the other types refused', () => {
  const ts = { ...field('i8'), name: 'ts', dataType: DataType.Timestamptz }
  assert.deepEqual(scalarIndexSpecOf('STL_SORT', ts), { indexType: 'STL_SORT', valueKind: 'i64', multiValued: false })
  assert.throws(() => scalarIndexSpecOf('BITMAP', ts), /BITMAP index is only supported on .*field ts is Timestamptz/)
  assert.throws(() => scalarIndexSpecOf('INVERTED', ts), /INVERTED index is only supported on .*supported: STL_SORT, AUTOINDEX/)
})
