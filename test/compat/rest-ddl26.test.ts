// The Milvus 2.6 REST v2 DDL endpoints against the real server with plain fetch: collections/fields/add
// (old rows read the default), collections/fields/alter_properties, collections/truncate,
// collections/refresh_load, indexes/alter_properties and indexes/drop_properties, createIndex with
// `params.index_type`, and the codes of their refusals.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startTestServer, type TestServer } from './server-fixture.ts'

let t: TestServer
let base: string

before(async () => {
  t = await startTestServer()
  base = `http://127.0.0.1:${t.server.port}/v2/vectordb`
})
after(() => t.stop())

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
type Json = any

async function post(path: string, body: unknown): Promise<Json> {
  const res = await fetch(`${base}/${path}`, { method: 'POST', body: JSON.stringify(body) })
  assert.equal(res.status, 200, `${path}: HTTP ${res.status}`)
  return res.json()
}

async function ok(path: string, body: unknown): Promise<Json> {
  const r = await post(path, body)
  assert.equal(r.code, 0, `${path}: ${JSON.stringify(r)}`)
  return r.data
}

const schema = {
  fields: [
    { fieldName: 'id', dataType: 'Int64', isPrimary: true },
    { fieldName: 'vec', dataType: 'FloatVector', elementTypeParams: { dim: 2 } },
  ],
}

test('fields/add and fields/alter_properties: old rows read the default; properties described', async () => {
  await ok('collections/create', { collectionName: 'rf', schema, indexParams: [{ fieldName: 'vec', indexName: 'vi', metricType: 'L2', params: { index_type: 'HNSW', M: 8, efConstruction: 32 } }] })
  const idx = await ok('indexes/describe', { collectionName: 'rf', indexName: 'vi' })
  assert.equal(idx[0].indexType, 'HNSW') // params.index_type honoured
  await ok('entities/insert', { collectionName: 'rf', data: [{ id: 1, vec: [0, 1] }, { id: 2, vec: [1, 0] }] })
  await ok('collections/fields/add', { collectionName: 'rf', schema: { fieldName: 'note', dataType: 'VarChar', nullable: true, defaultValue: 'dflt', elementTypeParams: { max_length: 16 } } })
  const rows = await ok('entities/query', { collectionName: 'rf', filter: 'id > 0', outputFields: ['note'] })
  assert.deepEqual(rows.map((r: Json) => r.note), ['dflt', 'dflt'])
  await ok('collections/fields/alter_properties', { collectionName: 'rf', fieldName: 'note', fieldParams: { max_length: 100 } })
  const d = await ok('collections/describe', { collectionName: 'rf' })
  const note = d.fields.find((f: Json) => f.name === 'note')
  assert.deepEqual(note.params, [{ key: 'max_length', value: '100' }])
  assert.equal(note.nullable, true)
  const refused = await post('collections/fields/add', { collectionName: 'rf', schema: { fieldName: 'strict', dataType: 'Int64' } })
  assert.equal(refused.code, 1100)
  assert.match(refused.message, /added field must be nullable/)
  assert.equal((await post('collections/fields/add', { collectionName: 'rf' })).code, 1802)
  assert.equal((await post('collections/fields/alter_properties', { collectionName: 'rf', fieldName: 'nope', fieldParams: { max_length: 3 } })).code, 1700)
})

test('indexes/alter_properties and indexes/drop_properties', async () => {
  await ok('indexes/alter_properties', { collectionName: 'rf', indexName: 'vi', properties: { 'mmap.enabled': true } })
  assert.equal((await post('indexes/alter_properties', { collectionName: 'rf', indexName: 'vi', properties: { M: 4 } })).code, 1100)
  await ok('indexes/drop_properties', { collectionName: 'rf', indexName: 'vi', propertyKeys: ['mmap.enabled'] })
  assert.equal((await post('indexes/drop_properties', { collectionName: 'rf', indexName: 'nope', propertyKeys: ['mmap.enabled'] })).code, 700)
})

test('collections/truncate and collections/refresh_load', async () => {
  await ok('collections/refresh_load', { collectionName: 'rf' })
  await ok('collections/truncate', { collectionName: 'rf' })
  assert.deepEqual(await ok('collections/get_stats', { collectionName: 'rf' }), { rowCount: 0 })
  assert.equal((await ok('collections/describe', { collectionName: 'rf' })).fields.length, 3)
  assert.equal((await post('collections/truncate', { collectionName: 'missing' })).code, 100)
  await ok('collections/release', { collectionName: 'rf' })
  assert.equal((await post('collections/refresh_load', { collectionName: 'rf' })).code, 101)
})
