// Scalar and JSON path indexes through the official Node SDK against a real server (the scalar
// steps of the SDK suite's Index.spec and Data.spec, on its default schema minus Geometry and
// Timestamptz), and through REST v2 (`indexes/create` with `indexType` or `params.index_type`):
// created, described with their params, used by filters (same rows as computed here), dropped.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { DataType, ErrorCode, type MilvusClient } from '@zilliz/milvus2-sdk-node'
import { startTestServer, type TestServer, vectors } from './server-fixture.ts'

let t: TestServer
let c: MilvusClient
let base: string

const fields = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'vector', data_type: DataType.FloatVector, dim: 4 },
  { name: 'int64', data_type: DataType.Int64 },
  { name: 'float', data_type: DataType.Float },
  { name: 'bool', data_type: DataType.Bool },
  { name: 'varChar', data_type: DataType.VarChar, max_length: 64 },
  { name: 'json', data_type: DataType.JSON },
  { name: 'int32_array', data_type: DataType.Array, element_type: DataType.Int32, max_capacity: 4 },
]
const ROWS = 400
const rows = vectors(7, ROWS, 4).map((vector, i) => ({
  id: i,
  vector,
  int64: i % 50,
  float: (i % 20) / 4,
  bool: i % 3 === 0,
  varChar: `v${i % 30}`,
  json: i % 7 === 0 ? { other: 1 } : { static: { string_key: `s${i % 5}`, n: i % 11 }, tags: [`t${i % 4}`, `t${(i + 1) % 4}`] },
  int32_array: [i % 5, (i * 3) % 7],
  color: i % 4 === 0 ? 'red' : 'blue',
}))

before(async () => {
  t = await startTestServer()
  c = t.connect()
  base = `http://127.0.0.1:${t.server.port}/v2/vectordb`
  const created = await c.createCollection({ collection_name: 'scalar', fields, enable_dynamic_field: true })
  assert.equal(created.error_code, ErrorCode.SUCCESS, created.reason)
})
after(() => t.stop())

test('Index.spec: STL_SORT, Trie, INVERTED, BITMAP on an array; batch create; errors as Milvus', async () => {
  const ok = (r: { error_code: string | number; reason: string }) => assert.equal(r.error_code, ErrorCode.SUCCESS, r.reason)
  ok(await c.createIndex({ collection_name: 'scalar', field_name: 'vector', index_type: 'HNSW', metric_type: 'L2', params: { M: 4, efConstruction: 8 } }))
  ok(await c.createIndex([{ collection_name: 'scalar', index_name: 'int64_index', field_name: 'int64', index_type: 'STL_SORT', params: { nlist: 1024 } }]))
  ok(await c.createIndex({ index_name: 'varchar_index', collection_name: 'scalar', field_name: 'varChar', index_type: 'Trie' }))
  ok(await c.createIndex({ index_name: 'float_index', collection_name: 'scalar', field_name: 'float', index_type: 'INVERTED' }))
  ok(await c.createIndex({ index_name: 'bitmap_index', collection_name: 'scalar', field_name: 'int32_array', index_type: 'BITMAP' }))
  ok(await c.createIndex({ index_name: 'bool_index', collection_name: 'scalar', field_name: 'bool', index_type: 'AUTOINDEX' }))
  // Without a name, the field's one index is meant: the same definition again is a no-op (Index.spec's batch), another is refused.
  ok(await c.createIndex({ collection_name: 'scalar', field_name: 'float', index_type: 'INVERTED' }))
  const other = await c.createIndex({ collection_name: 'scalar', field_name: 'float', index_type: 'STL_SORT' })
  assert.equal(other.code, 1100, other.reason)
  assert.match(other.reason, /at most one distinct index is allowed per field/)
  // A field that does not exist: Milvus answers a plain error (UnexpectedError), also for an unknown type.
  const missing = await c.createIndex([{ collection_name: 'scalar', field_name: 'int642', index_type: 'STL_SORT', params: { nlist: 1024 } }])
  assert.equal(missing.error_code, 'UnexpectedError', missing.reason)
  const abcd = await c.createIndex({ collection_name: 'scalar', field_name: 'vector_02', extra_params: { index_type: 'abcd', metric_type: 'HAMMING', params: JSON.stringify({ nlist: 1024 }) } })
  assert.equal(abcd.error_code, 'UnexpectedError', abcd.reason)
  const wrong = await c.createIndex({ collection_name: 'scalar', field_name: 'bool', index_name: 'x', index_type: 'STL_SORT' })
  assert.equal(wrong.code, 1100)
  assert.match(wrong.reason, /STL_SORT index is only supported on numeric, VarChar and Timestamptz fields/)

  const d = await c.describeIndex({ collection_name: 'scalar', index_name: 'int64_index' })
  assert.equal(d.status.error_code, ErrorCode.SUCCESS)
  assert.equal(d.index_descriptions[0]!.field_name, 'int64')
  assert.equal(d.index_descriptions[0]!.params.find((p) => p.key === 'index_type')?.value, 'STL_SORT')
  // Params are echoed with the types the request gave them, as Milvus keeps the user's params.
  const echoed = (desc: typeof d) => JSON.parse(String(desc.index_descriptions[0]!.params.find((p) => p.key === 'params')?.value))
  assert.deepEqual(echoed(d), { nlist: 1024 })
  assert.deepEqual(echoed(await c.describeIndex({ collection_name: 'scalar', index_name: 'vector' })), { M: 4, efConstruction: 8 })
  const list = await c.listIndexes({ collection_name: 'scalar' })
  assert.deepEqual([...list.indexes].sort(), ['bitmap_index', 'bool_index', 'float_index', 'int64_index', 'varchar_index', 'vector'])
  const state = await c.getIndexState({ collection_name: 'scalar', index_name: 'varchar_index' })
  assert.equal(state.status.error_code, ErrorCode.SUCCESS)
})

test('Data.spec: a JSON path index (json["static"]["string_key"], varchar) and a dynamic key index; filters use them', async () => {
  const json = await c.createIndex({
    index_name: 'json',
    collection_name: 'scalar',
    field_name: 'json',
    index_type: 'INVERTED',
    params: { json_path: 'json["static"]["string_key"]', json_cast_type: 'varchar' },
  })
  assert.equal(json.error_code, ErrorCode.SUCCESS, json.reason)
  const n = await c.createIndex({ index_name: 'json_n', collection_name: 'scalar', field_name: 'json', index_type: 'INVERTED', params: { json_path: 'json["static"]["n"]', json_cast_type: 'double' } })
  assert.equal(n.error_code, ErrorCode.SUCCESS, n.reason)
  const color = await c.createIndex({ index_name: 'color', collection_name: 'scalar', field_name: 'color', index_type: 'BITMAP', params: { json_path: 'color', json_cast_type: 'varchar' } })
  assert.equal(color.error_code, ErrorCode.SUCCESS, color.reason)
  const bad = await c.createIndex({ index_name: 'bad', collection_name: 'scalar', field_name: 'json', index_type: 'BITMAP', params: { json_path: 'json["a"]', json_cast_type: 'double' } })
  assert.equal(bad.code, 1100)
  assert.match(bad.reason, /json_cast_type double is not supported for BITMAP index/)

  const inserted = await c.insert({ collection_name: 'scalar', data: rows })
  assert.equal(inserted.status.error_code, ErrorCode.SUCCESS, inserted.status.reason)
  assert.equal((await c.flushSync({ collection_names: ['scalar'] })).status.error_code, ErrorCode.SUCCESS)
  await t.server.client.database.indexBuilds.idle()
  const described = await c.describeIndex({ collection_name: 'scalar', index_name: 'json' })
  const desc = described.index_descriptions[0]!
  assert.equal(desc.state, 'Finished')
  assert.equal(Number(desc.indexed_rows), ROWS)
  const params = JSON.parse(String(desc.params.find((p) => p.key === 'params')!.value))
  assert.deepEqual(params, { json_path: 'json["static"]["string_key"]', json_cast_type: 'varchar' })
  assert.equal((await c.loadCollectionSync({ collection_name: 'scalar' })).error_code, ErrorCode.SUCCESS)

  const expect = (pred: (r: (typeof rows)[number]) => boolean) => rows.filter(pred).map((r) => r.id)
  const cases: [string, number[]][] = [
    ['json["static"]["string_key"] == "s3"', expect((r) => 'static' in r.json && r.json.static.string_key === 's3')],
    ['json["static"]["string_key"] in ["s1", "s4"] and int64 < 20', expect((r) => 'static' in r.json && ['s1', 's4'].includes(r.json.static.string_key) && r.int64 < 20)],
    ['json["static"]["n"] >= 9', expect((r) => 'static' in r.json && r.json.static.n >= 9)],
    ['json["static"]["n"] != 2', expect((r) => !('static' in r.json) || r.json.static.n !== 2)],
    ['color == "red" and varChar like "v1%"', expect((r) => r.color === 'red' && r.varChar.startsWith('v1'))],
    ['array_contains(int32_array, 3) and float > 2', expect((r) => r.int32_array.includes(3) && r.float > 2)],
    ['bool and int64 in [3, 6, 9]', expect((r) => r.bool && [3, 6, 9].includes(r.int64))],
  ]
  for (const [filter, ids] of cases) {
    const q = await c.query({ collection_name: 'scalar', filter, output_fields: ['id'], limit: 16384 })
    assert.equal(q.status.error_code, ErrorCode.SUCCESS, q.status.reason)
    assert.deepEqual(q.data.map((r) => Number(r.id)).sort((a, b) => a - b), ids, filter)
  }
  const dropped = await c.dropIndex({ collection_name: 'scalar', index_name: 'json_n' })
  assert.equal(dropped.error_code, ErrorCode.SUCCESS)
  assert.ok(!(await c.listIndexes({ collection_name: 'scalar' })).indexes.includes('json_n'))
})

test('REST v2 indexes/create: scalar types by indexType or params.index_type, JSON path params; describe', async () => {
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
  const post = async (path: string, body: unknown): Promise<any> => (await fetch(`${base}/${path}`, { method: 'POST', body: JSON.stringify(body) })).json()
  const created = await post('indexes/create', {
    collectionName: 'scalar',
    indexParams: [
      { fieldName: 'json', indexName: 'rest_json', params: { index_type: 'INVERTED', json_path: 'json["tags"]', json_cast_type: 'ARRAY_VARCHAR' } },
      { fieldName: 'json', indexName: 'rest_bitmap', indexType: 'BITMAP', params: { json_path: 'json["other"]', json_cast_type: 'bool' } },
    ],
  })
  assert.equal(created.code, 0, JSON.stringify(created))
  const described = await post('indexes/describe', { collectionName: 'scalar', indexName: 'rest_json' })
  assert.equal(described.code, 0, JSON.stringify(described))
  assert.equal(described.data[0].indexType, 'INVERTED')
  assert.deepEqual(described.data[0].params, { json_path: 'json["tags"]', json_cast_type: 'ARRAY_VARCHAR' })
  const bad = await post('indexes/create', { collectionName: 'scalar', indexParams: [{ fieldName: 'float', indexName: 'f2', params: { index_type: 'Trie' } }] })
  assert.equal(bad.code, 1100, JSON.stringify(bad))
  await t.server.client.database.indexBuilds.idle()
  const q = await post('entities/query', { collectionName: 'scalar', filter: 'json_contains(json["tags"], "t2")', outputFields: ['id'], limit: 1000 })
  assert.equal(q.code, 0, JSON.stringify(q))
  const want = rows.filter((r) => 'tags' in r.json && r.json.tags.includes('t2')).map((r) => r.id)
  assert.deepEqual(q.data.map((r: { id: number }) => Number(r.id)).sort((a: number, b: number) => a - b), want)
})
