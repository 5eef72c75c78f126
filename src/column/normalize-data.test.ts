// normalizeData end to end: the five data forms give the same batch, the detection rule between a
// row and a columnar object, dynamic fields, autoID, upsert and partial-update rules, row counts,
// the request size limit, and that a failed request allocates nothing and aliases no input.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Field, FixedSizeList, Float32, Int64, List, makeData, makeVector, Table, Utf8, vectorFromArray } from 'apache-arrow'
import { ErrorCode } from '../errors/errors.ts'
import type { ColumnBatch } from './column.ts'
import { normalizeData } from './normalize-data.ts'
import { assertMilvusError, basicSchema, pkField, schemaOf, vecField } from './test-fixtures.ts'

const schema = basicSchema(
  [
    { name: 'name', dataType: 'VarChar', maxLength: 16 },
    { name: 'score', dataType: 'Float', nullable: true },
    { name: 'tags', dataType: 'Array', elementType: 'Int64', maxCapacity: 4 },
  ],
  true,
)
const insert = { schema, mode: 'insert' } as const
const upsert = { schema, mode: 'upsert' } as const

const rows = [
  { id: 1, vec: [0.5, 1, 1.5, 2], name: 'a', score: 0.25, tags: [1, 2], extra: 'x' },
  { id: 2, vec: [2.5, 3, 3.5, 4], name: 'b', score: null, tags: [] },
]
const flatVec = new Float32Array([0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4])

function withoutMeta(b: ColumnBatch): ColumnBatch {
  const columns = new Map(b.columns)
  columns.delete('$meta')
  return { rowCount: b.rowCount, columns }
}

describe('data forms', () => {
  const expected = normalizeData(rows, insert)

  it('a list of rows gives one column per schema field plus $meta', () => {
    assert.equal(expected.rowCount, 2)
    assert.deepEqual([...expected.columns.keys()], ['id', 'vec', 'name', 'score', 'tags', '$meta'])
    assert.deepEqual(expected.columns.get('$meta')?.values, [{ extra: 'x' }, {}])
  })

  it('one row object equals a list of that one row', () => {
    assert.deepEqual(normalizeData(rows[0], insert), normalizeData([rows[0]], insert))
  })

  it('a columnar object (nested or flat vectors) gives the same batch', () => {
    const columnar = {
      id: [1, 2],
      vec: rows.map((r) => r.vec),
      name: ['a', 'b'],
      score: [0.25, null],
      tags: [[1, 2], []],
      extra: ['x', undefined],
    }
    assert.deepEqual(normalizeData(columnar, insert), expected)
    assert.deepEqual(normalizeData({ ...columnar, vec: flatVec }, insert), expected)
    assert.deepEqual(normalizeData({ ...columnar, id: new BigInt64Array([1n, 2n]) }, insert), expected)
  })

  it('a list of columns in schema order gives the same batch (no dynamic keys)', () => {
    const list = [[1, 2], rows.map((r) => r.vec), ['a', 'b'], [0.25, null], [[1, 2], []]]
    const b = normalizeData(list, insert)
    assert.deepEqual(withoutMeta(b), withoutMeta(expected))
    assert.deepEqual(b.columns.get('$meta')?.values, [{}, {}])
    assert.deepEqual(normalizeData([list[0], flatVec, ...list.slice(2)], insert), b)
  })

  it('an Arrow table gives the same batch, the vector column read flat', () => {
    const vecType = new FixedSizeList(4, new Field('item', new Float32()))
    const vec = makeVector(makeData({ type: vecType, length: 2, child: makeData({ type: new Float32(), data: flatVec }) }))
    const table = new Table({
      id: makeVector(new BigInt64Array([1n, 2n])),
      vec,
      name: vectorFromArray(['a', 'b'], new Utf8()),
      score: vectorFromArray([0.25, null], new Float32()),
      tags: vectorFromArray([[1n, 2n], []], new List(new Field('item', new Int64()))),
      extra: vectorFromArray(['x', null], new Utf8()),
    })
    assert.deepEqual(normalizeData(table, insert), expected)
  })
})

describe('row or columnar object', () => {
  const s = basicSchema([{ name: 'doc', dataType: 'JSON' }])
  const opts = { schema: s, mode: 'insert' } as const

  it('a scalar field holding an array means columnar', () => {
    assert.equal(normalizeData({ id: [1, 2], vec: [[1, 2, 3, 4], [1, 2, 3, 4]], doc: [[1], [2]] }, opts).rowCount, 2)
  })

  it('a scalar field holding a scalar means one row, even if a JSON value is an array', () => {
    const b = normalizeData({ id: 7, vec: [1, 2, 3, 4], doc: [1, 2] }, opts)
    assert.equal(b.rowCount, 1)
    assert.deepEqual(b.columns.get('doc')?.values, [[1, 2]])
  })

  it('without a scalar, the vector decides: array of arrays or a typed array of several rows', () => {
    const auto = schemaOf([{ ...pkField, autoId: true }, vecField])
    const o = { schema: auto, mode: 'insert', allocateIds: (n: number) => BigInt64Array.from({ length: n }, (_, i) => BigInt(i)) } as const
    assert.equal(normalizeData({ vec: [[1, 2, 3, 4], [5, 6, 7, 8]] }, o).rowCount, 2)
    assert.equal(normalizeData({ vec: new Float32Array(8) }, o).rowCount, 2)
    assert.equal(normalizeData({ vec: new Float32Array(4) }, o).rowCount, 1)
    assert.equal(normalizeData({ vec: [1, 2, 3, 4] }, o).rowCount, 1)
    // a plain number[] of the wrong length is one row with a wrong dim, not two rows
    assertMilvusError(() => normalizeData({ vec: [1, 2, 3, 4, 5, 6, 7, 8] }, o), ErrorCode.ParameterInvalid, 'the dim (8) of field data(vec)')
  })

  it('a sparse vector: COO entries are one row, a list of dicts is columnar', () => {
    const sp = schemaOf([{ ...pkField, autoId: true }, { name: 'sp', dataType: 'SparseFloatVector' }])
    const o = { schema: sp, mode: 'insert', allocateIds: (n: number) => new BigInt64Array(n) } as const
    assert.equal(normalizeData({ sp: [{ index: 3, value: 1 }, { index: 1, value: 2 }] }, o).rowCount, 1)
    assert.equal(normalizeData({ sp: [{ 3: 1 }, { 1: 2 }, {}] }, o).rowCount, 3)
  })

  it('anything else is refused', () => {
    assertMilvusError(() => normalizeData(42, insert), ErrorCode.ParameterInvalid, 'data must be a list of rows')
    assertMilvusError(() => normalizeData([rows[0], 'x'], insert), ErrorCode.ParameterInvalid, 'row 1 is not an object')
  })
})

describe('list of columns', () => {
  it('a wrong number of columns names the expected fields', () => {
    assertMilvusError(() => normalizeData([[1], [[1, 2, 3, 4]]], insert), ErrorCode.ParameterInvalid,
      'the number of fields is less than needed', 'got 2 columns, expected 5', '[id, vec, name, score, tags]')
    assertMilvusError(() => normalizeData([[1], [[1, 2, 3, 4]], ['a'], [1], [[]], [1]], insert), ErrorCode.ParameterInvalid,
      'the number of fields is more than needed')
  })

  it('omits the autoID key on insert and holds it on upsert', () => {
    const auto = schemaOf([{ ...pkField, autoId: true }, vecField])
    const b = normalizeData([[[1, 2, 3, 4]]], { schema: auto, mode: 'insert', allocateIds: () => BigInt64Array.of(42n) })
    assert.deepEqual(b.columns.get('id')?.values, BigInt64Array.of(42n))
    const u = normalizeData([[5], [[1, 2, 3, 4]]], { schema: auto, mode: 'upsert' })
    assert.deepEqual(u.columns.get('id')?.values, BigInt64Array.of(5n))
    assertMilvusError(() => normalizeData([[[1, 2, 3, 4]]], { schema: auto, mode: 'upsert' }), ErrorCode.ParameterInvalid,
      'less than needed', '[id, vec]')
  })

  it('a null column means not given (defaults apply)', () => {
    const s = basicSchema([{ name: 'n', dataType: 'Int32', defaultValue: 3 }])
    const b = normalizeData([[1], [[1, 2, 3, 4]], null], { schema: s, mode: 'insert' })
    assert.deepEqual(b.columns.get('n')?.values, Int32Array.of(3))
  })
})

describe('row counts', () => {
  it('columns of different lengths are refused with Milvus wording', () => {
    assertMilvusError(() => normalizeData({ id: [1, 2], vec: [[1, 2, 3, 4]], name: ['a', 'b'], tags: [[], []] }, insert),
      ErrorCode.ParameterInvalid, 'the num_rows (1) of field (vec) is not equal to passed num_rows (2)')
    assertMilvusError(() => normalizeData({ id: [1, 2], vec: new Float32Array(12), name: ['a', 'b'], tags: [[], []] }, insert),
      ErrorCode.ParameterInvalid, 'the num_rows (3) of field (vec)')
    assertMilvusError(() => normalizeData({ id: [1, 2], vec: new Float32Array(6), name: ['a', 'b'], tags: [[], []] }, insert),
      ErrorCode.ParameterInvalid, 'the length (6) of field data(vec) should divide the row size (4 values for dim 4)')
    assertMilvusError(() => normalizeData({ id: [1], vec: [[1, 2, 3, 4]], name: ['a'], tags: [[]], extra: [1, 2] }, insert),
      ErrorCode.ParameterInvalid, 'the num_rows (2) of field (extra)')
  })

  it('zero rows give a batch of zero rows, whatever the form', () => {
    for (const data of [[], { id: [], vec: [], name: [], tags: [] }, [[], [], [], [], []]]) {
      const b = normalizeData(data, insert)
      assert.equal(b.rowCount, 0)
      assert.equal(b.columns.get('vec')?.values.length, 0)
    }
    assert.equal(normalizeData([], upsert).rowCount, 0)
  })

  it('a missing column without default or nullable is refused with the proxy wording', () => {
    assertMilvusError(() => normalizeData([{ id: 1, vec: [1, 2, 3, 4], tags: [] }], insert), ErrorCode.ParameterInvalid,
      'fieldSchema(name) has no corresponding fieldData pass in')
    assertMilvusError(() => normalizeData({ id: [1], name: ['a'], tags: [[]] }, insert), ErrorCode.ParameterInvalid,
      'fieldSchema(vec) has no corresponding fieldData pass in')
  })
})

describe('dynamic fields', () => {
  const closed = basicSchema()
  it('an unknown key without dynamic field is refused (pymilvus wording)', () => {
    const e = assertMilvusError(() => normalizeData([{ id: 1, vec: [1, 2, 3, 4] }, { id: 2, vec: [1, 2, 3, 4], color: 'red' }],
      { schema: closed, mode: 'insert' }), ErrorCode.ParameterInvalid,
      "Attempt to insert an unexpected field 'color' to collection without enabling dynamic field")
    assert.equal(e.details.row, 1)
    assertMilvusError(() => normalizeData({ id: [1], vec: [[1, 2, 3, 4]], color: ['red'] }, { schema: closed, mode: 'insert' }),
      ErrorCode.ParameterInvalid, "unexpected field 'color'")
  })

  it('with dynamic field, unknown keys go to $meta and rows without any get {}', () => {
    const b = normalizeData([{ id: 1, vec: [1, 2, 3, 4], name: 'a', tags: [], k: { deep: [1] } }, { id: 2, vec: [1, 2, 3, 4], name: 'b', tags: [] }], insert)
    assert.deepEqual(b.columns.get('$meta'), { kind: 'json', values: [{ k: { deep: [1] } }, {}], validBits: null })
    assert.equal(closed.enableDynamicField, false)
    assert.equal(normalizeData([{ id: 1, vec: [1, 2, 3, 4] }], { schema: closed, mode: 'insert' }).columns.has('$meta'), false)
  })

  it('a key named $meta is refused, dynamic field or not', () => {
    for (const s of [schema, closed]) {
      assertMilvusError(() => normalizeData([{ id: 1, vec: [1, 2, 3, 4], $meta: {} }], { schema: s, mode: 'insert' }),
        ErrorCode.ParameterInvalid, 'cannot set json key to: $meta')
    }
  })

  it('dynamic values must be JSON and fit jsonBytesMax', () => {
    assertMilvusError(() => normalizeData([{ ...rows[1], k: 1n }], insert), ErrorCode.ParameterInvalid, 'dynamic field at row 0', 'bigint')
    assertMilvusError(() => normalizeData([rows[1], { ...rows[1], k: 'x'.repeat(50) }], { ...insert, jsonBytesMax: 40 }),
      ErrorCode.ParameterInvalid, 'the length (58) of dynamic field at row 1 exceeds max length (40)')
  })
})

describe('primary keys and modes', () => {
  const auto = schemaOf([{ ...pkField, autoId: true }, vecField, { name: 'n', dataType: 'Int32', nullable: true }])

  it('insert into an autoID collection fills keys from allocateIds', () => {
    const calls: number[] = []
    const allocateIds = (n: number) => {
      calls.push(n)
      return BigInt64Array.from({ length: n }, (_, i) => BigInt(100 + i))
    }
    const b = normalizeData([{ vec: [1, 2, 3, 4] }, { vec: [1, 2, 3, 4], n: 3 }], { schema: auto, mode: 'insert', allocateIds })
    assert.deepEqual(calls, [2])
    assert.deepEqual([...b.columns.keys()], ['id', 'vec', 'n'])
    assert.deepEqual(b.columns.get('id')?.values, BigInt64Array.of(100n, 101n))
  })

  it('a key given on insert into an autoID collection is refused, and nothing is allocated on failure', () => {
    let called = false
    const allocateIds = (n: number) => {
      called = true
      return new BigInt64Array(n)
    }
    assertMilvusError(() => normalizeData([{ vec: [1, 2, 3, 4] }, { id: 5, vec: [1, 2, 3, 4] }], { schema: auto, mode: 'insert', allocateIds }),
      ErrorCode.ParameterInvalid, 'can not assign primary field data when auto id enabled: id (given at row 1)')
    assertMilvusError(() => normalizeData([{ vec: [1, 2, 3] }], { schema: auto, mode: 'insert', allocateIds }), ErrorCode.ParameterInvalid, 'dim')
    assert.equal(called, false)
  })

  it('upsert needs a key at every row, also in an autoID collection', () => {
    assertMilvusError(() => normalizeData([{ vec: [1, 2, 3, 4] }], { schema: auto, mode: 'upsert' }),
      ErrorCode.ParameterInvalid, 'must assign pk when upsert, primary field: id')
    assertMilvusError(() => normalizeData([{ id: 1, vec: [1, 2, 3, 4] }, { id: null, vec: [1, 2, 3, 4] }], { schema: auto, mode: 'upsert' }),
      ErrorCode.ParameterInvalid, 'must assign pk when upsert, primary field: id (missing at row 1)')
    const b = normalizeData([{ id: 9, vec: [1, 2, 3, 4] }], { schema: auto, mode: 'upsert' })
    assert.deepEqual(b.columns.get('id')?.values, BigInt64Array.of(9n))
  })

  it('insert into a non-autoID collection needs the key', () => {
    assertMilvusError(() => normalizeData([{ vec: [1, 2, 3, 4], name: 'a', tags: [] }], insert), ErrorCode.ParameterInvalid,
      'fieldSchema(id) has no corresponding fieldData pass in')
    assertMilvusError(() => normalizeData([rows[1], { ...rows[1], id: null }], insert), ErrorCode.ParameterInvalid,
      'field id at row 1: missing value')
  })

  it('partial upsert keeps only the key and the fields given', () => {
    const b = normalizeData([{ id: 1, name: 'x' }, { id: 2, name: 'y' }], { schema, mode: 'partialUpsert' })
    assert.deepEqual([...b.columns.keys()], ['id', 'name'])
    const withNull = normalizeData([{ id: 1, score: null }], { schema, mode: 'partialUpsert' })
    assert.deepEqual([...withNull.columns.keys()], ['id', 'score'])
    const dyn = normalizeData([{ id: 1, k: 1 }, { id: 2 }], { schema, mode: 'partialUpsert' })
    assert.deepEqual([...dyn.columns.keys()], ['id', '$meta'])
    assert.deepEqual(dyn.columns.get('$meta')?.values, [{ k: 1 }, {}])
    const columnar = normalizeData({ id: [1, 2], vec: flatVec }, { schema, mode: 'partialUpsert' })
    assert.deepEqual([...columnar.columns.keys()], ['id', 'vec'])
  })

  it('partial upsert: a field given at some rows only, or no key, is refused', () => {
    assertMilvusError(() => normalizeData([{ id: 1, name: 'x' }, { id: 2 }], { schema, mode: 'partialUpsert' }),
      ErrorCode.ParameterInvalid, 'field name is given at some rows but not at row 1')
    assertMilvusError(() => normalizeData([{ name: 'x' }], { schema, mode: 'partialUpsert' }),
      ErrorCode.ParameterInvalid, 'must assign pk when upsert, primary field: id')
  })
})

describe('request size', () => {
  it('over requestBytesMax is 1102 with the sizes', () => {
    const many = Array.from({ length: 100 }, (_, i) => ({ id: i, vec: [1, 2, 3, 4], name: 'n', tags: [] }))
    assertMilvusError(() => normalizeData(many, { ...insert, requestBytesMax: 1000 }), ErrorCode.ParameterTooLarge,
      'request data size 2400 bytes (counted up to field vec) exceeds requestBytesMax 1000 bytes', 'parameter too large')
    assert.equal(normalizeData(many, { ...insert, requestBytesMax: 5000 }).rowCount, 100)
  })
})

describe('field names every object inherits', () => {
  it('a field named constructor or valueOf is read only from own keys', () => {
    const s = basicSchema([{ name: 'constructor', dataType: 'Int32', nullable: true }, { name: 'valueOf', dataType: 'VarChar', maxLength: 4, defaultValue: 'd' }])
    const opts = { schema: s, mode: 'insert' } as const
    const b = normalizeData([{ id: 1, vec: [1, 2, 3, 4] }, { id: 2, vec: [1, 2, 3, 4], constructor: 5 }], opts)
    assert.deepEqual(b.columns.get('constructor')?.values, Int32Array.of(0, 5))
    assert.deepEqual(b.columns.get('valueOf')?.values, ['d', 'd'])
    assert.equal(normalizeData({ id: [1], vec: [[1, 2, 3, 4]] }, opts).rowCount, 1)
  })
})

describe('ownership', () => {
  it('the batch aliases no input: later changes to the input do not reach it', () => {
    const vec = new Float32Array([1, 2, 3, 4])
    const doc = { a: [1] }
    const s = basicSchema([{ name: 'doc', dataType: 'JSON' }])
    const b = normalizeData({ id: [1], vec, doc: [doc] }, { schema: s, mode: 'insert' })
    vec[0] = 99
    doc.a.push(2)
    assert.deepEqual(b.columns.get('vec')?.values, Float32Array.of(1, 2, 3, 4))
    assert.deepEqual(b.columns.get('doc')?.values, [{ a: [1] }])
  })

  it('normalising does not modify the input rows', () => {
    const input = structuredClone(rows)
    normalizeData(input, insert)
    assert.deepEqual(input, rows)
  })
})
