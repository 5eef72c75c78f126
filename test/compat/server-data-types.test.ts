// Every data type through the official Node SDK and `quiver serve`: rows inserted with the SDK come
// back equal from query (nulls, defaults, JSON, arrays, int64 beyond 2^53, dynamic keys), and each
// vector type (float, binary, float16, bfloat16, sparse) is searchable with its metric.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType, ErrorCode, type MilvusClient } from '@zilliz/milvus2-sdk-node'
import { startTestServer, type TestServer } from './server-fixture.ts'

describe('Node SDK against quiver serve: data types', () => {
  let env: TestServer
  let c: MilvusClient
  before(async () => {
    env = await startTestServer()
    c = env.connect()
  })
  after(() => env.stop())

  test('scalars, nullable, defaults, JSON, arrays and dynamic keys round-trip', async () => {
    await c.createCollection({
      collection_name: 'scalars',
      enable_dynamic_field: true,
      fields: [
        { name: 'id', data_type: DataType.VarChar, is_primary_key: true, max_length: 16 },
        { name: 'vec', data_type: DataType.FloatVector, dim: 2 },
        { name: 'flag', data_type: DataType.Bool },
        { name: 'i8', data_type: DataType.Int8 },
        { name: 'i16', data_type: DataType.Int16 },
        { name: 'i32', data_type: DataType.Int32, nullable: true },
        { name: 'big', data_type: DataType.Int64 },
        { name: 'f', data_type: DataType.Float },
        { name: 'd', data_type: DataType.Double },
        { name: 'note', data_type: DataType.VarChar, max_length: 32, nullable: true },
        { name: 'level', data_type: DataType.Int32, default_value: 7 },
        { name: 'meta', data_type: DataType.JSON },
        { name: 'tags', data_type: DataType.Array, element_type: DataType.VarChar, max_capacity: 4, max_length: 8 },
        { name: 'nums', data_type: DataType.Array, element_type: DataType.Int64, max_capacity: 4 },
      ],
    })
    const rows = [
      { id: 'a', vec: [0.5, 1], flag: true, i8: -128, i16: 32767, i32: 5, big: '9007199254740993', f: 1.5, d: 1e300, note: 'hé', level: 1, meta: { k: [1, { x: null }] }, tags: ['x', 'y'], nums: ['-9223372036854775808', 3], color: 'red' },
      { id: 'b', vec: [0, -1], flag: false, i8: 0, i16: 0, i32: null, big: '-1', f: 0, d: -2.5, note: null, meta: [1, 'two'], tags: [], nums: [], size: { w: 2 } },
    ]
    const ins = await c.insert({ collection_name: 'scalars', data: rows })
    assert.equal(ins.status.error_code, ErrorCode.SUCCESS, ins.status.reason)
    assert.deepEqual((ins.IDs as { str_id: { data: string[] } }).str_id.data, ['a', 'b'])
    const q = await c.query({ collection_name: 'scalars', filter: 'id in ["a", "b"]', output_fields: ['*'] })
    assert.equal(q.status.error_code, ErrorCode.SUCCESS)
    const byId = Object.fromEntries(q.data.map((r) => [r.id, r]))
    assert.deepEqual(byId.a, {
      id: 'a', vec: [0.5, 1], flag: true, i8: -128, i16: 32767, i32: 5, big: '9007199254740993', f: 1.5, d: 1e300, note: 'hé', level: 1,
      meta: { k: [1, { x: null }] }, tags: ['x', 'y'], nums: ['-9223372036854775808', '3'], $meta: { color: 'red' },
    })
    assert.deepEqual(byId.b, {
      id: 'b', vec: [0, -1], flag: false, i8: 0, i16: 0, i32: null, big: '-1', f: 0, d: -2.5, note: null, level: 7,
      meta: [1, 'two'], tags: [], nums: [], $meta: { size: { w: 2 } },
    })
    const named = await c.query({ collection_name: 'scalars', filter: 'color == "red"', output_fields: ['color', 'level'] })
    assert.deepEqual(named.data, [{ id: 'a', level: 1, $meta: { color: 'red' } }])
    const hits = await c.search({ collection_name: 'scalars', data: [0.5, 1], limit: 2, output_fields: ['color', 'size', 'note'] })
    assert.deepEqual(hits.results.map((h) => [h.id, h.color, h.size, h.note]), [['a', 'red', undefined, 'hé'], ['b', undefined, { w: 2 }, null]])
  })

  test('binary vectors with HAMMING, float16 and bfloat16 with L2, sparse with IP', async () => {
    await c.createCollection({
      collection_name: 'vecs',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'bin', data_type: DataType.BinaryVector, dim: 16 },
        { name: 'h', data_type: DataType.Float16Vector, dim: 2 },
        { name: 'bh', data_type: DataType.BFloat16Vector, dim: 2 },
        { name: 'sp', data_type: DataType.SparseFloatVector },
      ],
    })
    const data = [
      { id: 1, bin: [255, 0], h: [1, 0.5], bh: [1, 2], sp: { 1: 0.5, 100: 2 } },
      { id: 2, bin: [0, 255], h: [-1, 2], bh: [-4, 0.5], sp: { 7: 1 } },
      { id: 3, bin: [15, 15], h: [0.25, 0.25], bh: [8, 8], sp: { 1: 3, 7: 3 } },
    ]
    const ins = await c.insert({ collection_name: 'vecs', data })
    assert.equal(ins.status.error_code, ErrorCode.SUCCESS, ins.status.reason)
    const q = await c.query({ collection_name: 'vecs', filter: 'id == 1', output_fields: ['bin', 'h', 'bh', 'sp'] })
    assert.deepEqual(q.data[0]!.bin, [255, 0])
    assert.deepEqual(q.data[0]!.h, [1, 0.5])
    assert.deepEqual(q.data[0]!.bh, [1, 2])
    assert.deepEqual(q.data[0]!.sp, { 1: 0.5, 100: 2 })
    const bin = await c.search({ collection_name: 'vecs', anns_field: 'bin', data: [255, 0], limit: 3, metric_type: 'HAMMING' })
    assert.deepEqual(bin.results.map((h) => [h.id, h.score]), [['1', 0], ['3', 8], ['2', 16]])
    const h = await c.search({ collection_name: 'vecs', anns_field: 'h', data: [-1, 2], limit: 1, metric_type: 'L2' })
    assert.equal(h.results[0]!.id, '2')
    const bh = await c.search({ collection_name: 'vecs', anns_field: 'bh', data: [8, 8], limit: 1, metric_type: 'L2' })
    assert.equal(bh.results[0]!.id, '3')
    const sp = await c.search({ collection_name: 'vecs', anns_field: 'sp', data: { 7: 1 }, limit: 2, metric_type: 'IP' })
    assert.deepEqual(sp.results.map((x) => [x.id, x.score]), [['3', 3], ['2', 1]])
  })
})
