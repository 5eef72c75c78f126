// FieldData encode/decode are inverses through the real wire: result rows → fieldDataOfRows → an
// InsertRequest serialised and parsed by the service's own codec → columnarDataOf → the engine's
// normalizeData → rows again, for every data type, nulls, the dynamic field and one-row batches.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { batchToRows } from '../../../column/rows.ts'
import { normalizeData } from '../../../column/normalize-data.ts'
import { assertMilvusError, schemaOf } from '../../../column/test-fixtures.ts'
import { type CollectionSchema, createCollectionSchema } from '../../../schema/collection-schema.ts'
import { columnarDataOf } from './field-data-decode.ts'
import { countFieldData, fieldDataOfRows } from './field-data-encode.ts'
import { loadMilvusProto } from '../milvus-proto.ts'

// biome-ignore lint/suspicious/noExplicitAny: wire messages are loosely typed objects
type Wire = Record<string, any>

/** Through the wire as an Insert: what a handler receives. */
function viaWire(fieldsData: Wire[], numRows: number): Wire {
  const insert = loadMilvusProto().services.milvus.Insert!
  return insert.requestDeserialize(insert.requestSerialize({ collection_name: 'c', fields_data: fieldsData, num_rows: numRows })) as Wire
}

function roundTrip(schema: CollectionSchema, rows: Record<string, unknown>[], withDynamic: boolean): Record<string, unknown>[] {
  const req = viaWire(fieldDataOfRows(rows, schema.fields, withDynamic), rows.length)
  const batch = normalizeData(columnarDataOf(req.fields_data, req.num_rows), { schema, mode: 'insert' })
  return batchToRows(batch, undefined, 'bigint')
}

const scalarSchema = schemaOf(
  [
    { name: 'id', dataType: 'Int64', isPrimaryKey: true },
    { name: 'vec', dataType: 'FloatVector', dim: 2 },
    { name: 'b', dataType: 'Bool' },
    { name: 'i8', dataType: 'Int8' },
    { name: 'i16', dataType: 'Int16' },
    { name: 'i32', dataType: 'Int32', nullable: true },
    { name: 'f', dataType: 'Float' },
    { name: 'd', dataType: 'Double' },
    { name: 's', dataType: 'VarChar', maxLength: 16, nullable: true },
    { name: 'j', dataType: 'JSON', nullable: true },
    { name: 'ai', dataType: 'Array', elementType: 'Int64', maxCapacity: 4 },
    { name: 'as', dataType: 'Array', elementType: 'VarChar', maxCapacity: 4, maxLength: 8, nullable: true },
  ],
  true,
)

const vectorSchema = schemaOf([
  { name: 'id', dataType: 'VarChar', isPrimaryKey: true, maxLength: 8 },
  { name: 'bin', dataType: 'BinaryVector', dim: 16 },
  { name: 'h', dataType: 'Float16Vector', dim: 3 },
  { name: 'bh', dataType: 'BFloat16Vector', dim: 3 },
  { name: 'sp', dataType: 'SparseFloatVector' },
])

describe('FieldData', () => {
  test('every scalar type, nulls, int64 beyond 2^53 and dynamic keys survive the round trip', () => {
    const rows = [
      { id: 9007199254740993n, vec: [0.5, -1], b: true, i8: -8, i16: 300, i32: 7, f: 1.5, d: 2.25, s: 'héllo', j: { a: [1, { b: null }] }, ai: [1n, -2n], as: ['x', 'y'], color: 'red', n: 1 },
      { id: -1n, vec: [0, 2], b: false, i8: 127, i16: -300, i32: null, f: -0.5, d: 1e300, s: null, j: null, ai: [], as: null },
      { id: 3n, vec: [1, 1], b: true, i8: 0, i16: 0, i32: -70000, f: 0, d: -0, s: '', j: [1, 'two'], ai: [9223372036854775807n], as: [], n: 2 },
    ]
    assert.deepEqual(roundTrip(scalarSchema, rows, true), rows)
  })

  test('binary, float16, bfloat16 and sparse vectors survive the round trip', () => {
    const rows = [
      { id: 'a', bin: [255, 1], h: [0.5, -2, 1024], bh: [1, -0.5, 256], sp: { 0: 0.5, 7: -1, 4294967294: 2 } },
      { id: 'b', bin: [0, 128], h: [0, 0.25, 3], bh: [2, 4, -8], sp: {} },
    ]
    assert.deepEqual(roundTrip(vectorSchema, rows, false), rows)
  })

  test('a one-row batch stays one row even when no plain scalar decides the form', () => {
    const schema = schemaOf([
      { name: 'id', dataType: 'Int64', isPrimaryKey: true, autoId: true },
      { name: 'vec', dataType: 'FloatVector', dim: 2 },
      { name: 'j', dataType: 'JSON' },
    ])
    const fd = fieldDataOfRows([{ vec: [1, 2], j: [3, 4] }], schema.fields.slice(1), false)
    const req = viaWire(fd, 1)
    const batch = normalizeData(columnarDataOf(req.fields_data, 1), { schema, mode: 'insert', allocateIds: (n) => new BigInt64Array(n).fill(5n) })
    assert.deepEqual(batchToRows(batch, ['vec', 'j'], 'bigint'), [{ vec: [1, 2], j: [3, 4] }])
  })

  test('compacted valid_data (values only for valid rows) and row-dense values both read as nulls', () => {
    const base = { type: 4, field_name: 'x', valid_data: [true, false, true] }
    const compact = viaWire([{ ...base, scalars: { int_data: { data: [1, 3] } } }], 3)
    const dense = viaWire([{ ...base, scalars: { int_data: { data: [1, 0, 3] } } }], 3)
    assert.deepEqual(columnarDataOf(compact.fields_data, 3).x, [1, null, 3])
    assert.deepEqual(columnarDataOf(dense.fields_data, 3).x, [1, null, 3])
    const wrong = viaWire([{ ...base, scalars: { int_data: { data: [1] } } }], 3)
    assertMilvusError(() => columnarDataOf(wrong.fields_data, 3), 1100, 'field x', '2 are valid')
  })

  test('the dynamic field is found by is_dynamic even without a name (pymilvus 2.3), and spread per key', () => {
    const meta = [{ a: 1 }, {}, { a: 2, b: 'x' }].map((o) => Buffer.from(JSON.stringify(o)))
    const req = viaWire([{ type: 5, field_name: 'id', scalars: { long_data: { data: ['1', '2', '3'] } } }, { type: 23, field_name: '', is_dynamic: true, scalars: { json_data: { data: meta } } }], 3)
    const data = columnarDataOf(req.fields_data, 3)
    assert.deepEqual(data.id, ['1', '2', '3'])
    assert.deepEqual(data.a, [1, undefined, 2])
    assert.deepEqual(data.b, [undefined, undefined, 'x'])
  })

  test('an empty column without valid_data is not given; bad JSON is refused; WKT and int8 vectors are read', () => {
    const req = viaWire([{ type: 5, field_name: 'id', scalars: { long_data: { data: [] } } }, { type: 21, field_name: 's', scalars: { string_data: { data: ['a'] } } }], 1)
    assert.equal(Object.hasOwn(columnarDataOf(req.fields_data, 1), 'id'), false)
    const bad = viaWire([{ type: 23, field_name: 'j', scalars: { json_data: { data: [Buffer.from('{nope')] } } }], 1)
    assertMilvusError(() => columnarDataOf(bad.fields_data, 1), 1100, 'field j at row 0', 'invalid JSON')
    const geo = viaWire([{ type: 24, field_name: 'g', scalars: { geometry_wkt_data: { data: ['POINT (1 2)'] } } }], 1)
    assert.deepEqual(columnarDataOf(geo.fields_data, 1).g, ['POINT (1 2)'], 'Geometry WKT is read since the Geometry type landed')
    const int8 = viaWire([{ type: 105, field_name: 'v', vectors: { dim: 2, int8_vector: Buffer.from([1, 254]) } }], 1)
    assert.deepEqual(columnarDataOf(int8.fields_data, 1).v, [Int8Array.of(1, -2)])
  })

  test('nullable vectors: valid_data per row and the valid rows only, both ways; int8 vectors as bytes', () => {
    const fields = ['FloatVector', 'Int8Vector', 'BinaryVector', 'Float16Vector'].map((dataType, i) => ({ name: `v${i}`, dataType, dim: dataType === 'BinaryVector' ? 16 : 2, nullable: true }))
    const schema = createCollectionSchema({ name: 'nv', fields: [{ name: 'id', dataType: 'Int64', isPrimaryKey: true }, ...fields] })
    const rows = [
      { id: 1n, v0: [1, 2], v1: [-1, 127], v2: [1, 255], v3: [0.5, 2] },
      { id: 2n, v0: null, v1: null, v2: null, v3: null },
      { id: 3n, v0: [3, 4], v1: [-128, 0], v2: null, v3: [1, -1] },
    ]
    const wire = fieldDataOfRows(rows, schema.fields, false)
    assert.deepEqual(wire[1]!.valid_data, [true, false, true])
    assert.equal(wire[1]!.vectors.float_vector.data.length, 4, 'the valid rows only')
    assert.equal(wire[2]!.vectors.int8_vector.length, 4)
    assert.deepEqual(roundTrip(schema, rows, false), rows)
  })

  test('count(*) is one Int64 column', () => {
    assert.deepEqual(countFieldData(42).scalars, { long_data: { data: ['42'] } })
    assert.equal(countFieldData(42).field_name, 'count(*)')
  })
})

test('a dynamic field without JSON: nothing is not given; vectors or other scalars are 1100 (found by the fuzzer)', () => {
  assert.deepEqual(Object.keys(columnarDataOf([{ field_name: '$meta', is_dynamic: true, type: 'JSON' }], 0)), [])
  assertMilvusError(() => columnarDataOf([{ field_name: '$meta', is_dynamic: true, vectors: { dim: 2, data: 'float_vector', float_vector: { data: [1, 2] } } }], 1), 1100, 'dynamic field must carry JSON objects')
  assertMilvusError(() => columnarDataOf([{ field_name: '$meta', is_dynamic: true, scalars: { data: 'long_data', long_data: { data: ['1'] } } }], 1), 1100, 'dynamic field must carry JSON objects')
})
