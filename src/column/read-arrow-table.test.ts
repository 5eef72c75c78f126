// Arrow tables through normalizeData: FixedSizeList vector columns read flat across chunks and
// slices (Float32, Float16, Uint8 children), other vector layouts row by row, nulls, JSON text
// columns, dynamic columns, and tables from another copy of the library (duck typing).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  Field, FixedSizeList, Float16, Float32, Int32, Int64, List, makeData, makeVector, Table, Uint8, Utf8, vectorFromArray,
} from 'apache-arrow'
import { ErrorCode } from '../errors/errors.ts'
import { normalizeData } from './normalize-data.ts'
import { assertMilvusError, basicSchema, pkField, schemaOf } from './test-fixtures.ts'

/** A FixedSizeList column of `rows` vectors of `size` elements from a flat typed array. */
function fixedList(child: Float32 | Float16 | Uint8, size: number, flat: Float32Array | Uint16Array | Uint8Array) {
  // typed as Float32 only to pick one makeData overload; Arrow reads the real child type at run time
  const type = new FixedSizeList(size, new Field('item', child as Float32))
  const childData = makeData({ type: child as Float32, data: flat as Float32Array })
  return makeVector(makeData({ type, length: flat.length / size, child: childData }))
}

const ids = (n: number) => makeVector(BigInt64Array.from({ length: n }, (_, i) => BigInt(i)))
const schema = basicSchema([{ name: 'n', dataType: 'Int32', nullable: true }])
const insert = { schema, mode: 'insert' } as const

describe('Arrow tables', () => {
  it('reads a FixedSizeList<Float32> column flat, across chunks and slices', () => {
    const flat = Float32Array.from({ length: 12 }, (_, i) => i)
    const t = new Table({ id: ids(3), vec: fixedList(new Float32(), 4, flat) })
    const twice = t.concat(t)
    assert.equal(twice.getChild('vec')!.data.length, 2)
    const b = normalizeData(twice, insert)
    assert.deepEqual(b.columns.get('vec')?.values, Float32Array.from([...flat, ...flat]))
    const sliced = normalizeData(t.slice(1, 3), insert)
    assert.deepEqual(sliced.columns.get('vec')?.values, flat.subarray(4))
    assert.deepEqual(sliced.columns.get('id')?.values, BigInt64Array.of(1n, 2n))
  })

  it('a list size other than the dim is a dim error', () => {
    const t = new Table({ id: ids(2), vec: fixedList(new Float32(), 3, new Float32Array(6)) })
    assertMilvusError(() => normalizeData(t, insert), ErrorCode.ParameterInvalid, 'the dim (3) of field data(vec) is not equal to schema dim (4)')
  })

  it('Float16 children stay raw for a Float16Vector and are decoded for a FloatVector; Uint8 for binary', () => {
    const halves = Uint16Array.of(0x3c00, 0x3800, 0xc000, 0)
    const s = schemaOf([pkField, { name: 'h', dataType: 'Float16Vector', dim: 2 }, { name: 'f', dataType: 'FloatVector', dim: 2 },
      { name: 'b', dataType: 'BinaryVector', dim: 8 }])
    const t = new Table({ id: ids(2), h: fixedList(new Float16(), 2, halves), f: fixedList(new Float16(), 2, halves),
      b: fixedList(new Uint8(), 1, Uint8Array.of(3, 4)) })
    const b = normalizeData(t, { schema: s, mode: 'insert' })
    assert.deepEqual(b.columns.get('h')?.values, halves)
    assert.deepEqual(b.columns.get('f')?.values, Float32Array.of(1, 0.5, -2, 0))
    assert.deepEqual(b.columns.get('b')?.values, Uint8Array.of(3, 4))
  })

  it('reads a List<Float32> vector column row by row, with row numbers in errors', () => {
    const type = new List(new Field('item', new Float32()))
    const good = new Table({ id: ids(2), vec: vectorFromArray([[1, 2, 3, 4], [5, 6, 7, 8]], type) })
    assert.deepEqual(normalizeData(good, insert).columns.get('vec')?.values, Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8))
    const bad = new Table({ id: ids(2), vec: vectorFromArray([[1, 2, 3, 4], [5, 6]], type) })
    assertMilvusError(() => normalizeData(bad, insert), ErrorCode.ParameterInvalid, 'the dim (2) of field data(vec) is not equal to schema dim (4) at row 1')
  })

  it('nulls: null for a nullable field, an error (with row) otherwise and for vectors', () => {
    const vec = fixedList(new Float32(), 4, new Float32Array(8))
    const b = normalizeData(new Table({ id: ids(2), vec, n: vectorFromArray([5, null], new Int32()) }), insert)
    const n = b.columns.get('n')!
    assert.ok(n.kind === 'int32' && n.validBits !== null && n.validBits.get(0) && !n.validBits.get(1))
    const strict = basicSchema([{ name: 'n', dataType: 'Int32' }])
    assertMilvusError(() => normalizeData(new Table({ id: ids(2), vec, n: vectorFromArray([5, null], new Int32()) }), { schema: strict, mode: 'insert' }),
      ErrorCode.ParameterInvalid, 'field n at row 1: missing value')
    const nullVec = vectorFromArray([[1, 2, 3, 4], null], new FixedSizeList(4, new Field('item', new Float32())))
    assertMilvusError(() => normalizeData(new Table({ id: ids(2), vec: nullVec }), insert), ErrorCode.ParameterInvalid, 'field vec at row 1: missing value')
  })

  it('parses a Utf8 column of a JSON field as JSON text', () => {
    const s = basicSchema([{ name: 'doc', dataType: 'JSON' }])
    const vec = fixedList(new Float32(), 4, new Float32Array(8))
    const b = normalizeData(new Table({ id: ids(2), vec, doc: vectorFromArray(['{"a":1}', '"s"'], new Utf8()) }), { schema: s, mode: 'insert' })
    assert.deepEqual(b.columns.get('doc')?.values, [{ a: 1 }, 's'])
    assertMilvusError(() => normalizeData(new Table({ id: ids(2), vec, doc: vectorFromArray(['{}', '{a'], new Utf8()) }), { schema: s, mode: 'insert' }),
      ErrorCode.ParameterInvalid, 'field doc at row 1: invalid JSON text')
  })

  it('columns not in the schema are dynamic keys (int64 as numbers) or an error without dynamic field', () => {
    const s = basicSchema([], true)
    const vec = fixedList(new Float32(), 4, new Float32Array(8))
    const t = new Table({ id: ids(2), vec, count: vectorFromArray([7n, null], new Int64()), tags: vectorFromArray([['a'], ['b', 'c']], new List(new Field('item', new Utf8()))) })
    assert.deepEqual(normalizeData(t, { schema: s, mode: 'insert' }).columns.get('$meta')?.values, [{ count: 7, tags: ['a'] }, { tags: ['b', 'c'] }])
    assertMilvusError(() => normalizeData(t, insert), ErrorCode.ParameterInvalid, "Attempt to insert an unexpected field 'count'")
  })

  it('an Int64 Arrow column feeds Int32 and Array<Int32> fields when the values fit', () => {
    const s = basicSchema([{ name: 'n', dataType: 'Int32' }, { name: 'a', dataType: 'Array', elementType: 'Int32', maxCapacity: 2 }])
    const vec = fixedList(new Float32(), 4, new Float32Array(8))
    const t = new Table({ id: ids(2), vec, n: makeVector(BigInt64Array.of(5n, -6n)), a: vectorFromArray([[1n], [2n, 3n]], new List(new Field('item', new Int64()))) })
    const b = normalizeData(t, { schema: s, mode: 'insert' })
    assert.deepEqual(b.columns.get('n')?.values, Int32Array.of(5, -6))
    assert.deepEqual(b.columns.get('a')?.values, [[1], [2, 3]])
  })

  it('accepts a table-like object from another copy of the library', () => {
    const t = new Table({ id: ids(2), vec: fixedList(new Float32(), 4, Float32Array.from({ length: 8 }, (_, i) => i)) })
    const foreign = { numRows: t.numRows, schema: { fields: t.schema.fields }, getChild: (name: string) => t.getChild(name as 'id' | 'vec') }
    assert.ok(!(foreign instanceof Table))
    assert.deepEqual(normalizeData(foreign, insert), normalizeData(t, insert))
  })
})
