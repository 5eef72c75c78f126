// Every REST v2 endpoint against the real server with plain fetch (HTTP/1.1 on the gRPC port):
// success shapes, Milvus's envelope and codes (100, 1801, 1802, 1100, 200, 800, 3000), the int64
// rule, and real HTTP 404 for unknown paths.
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

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Json> {
  const res = await fetch(`${base}/${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) })
  assert.equal(res.status, 200, `${path}: HTTP ${res.status}`)
  return res.json()
}

async function ok(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Json> {
  const r = await post(path, body, headers)
  assert.equal(r.code, 0, `${path}: ${JSON.stringify(r)}`)
  return r.data
}

async function fails(path: string, body: unknown, code: number): Promise<string> {
  const r = await post(path, body)
  assert.equal(r.code, code, `${path}: ${JSON.stringify(r)}`)
  assert.equal(typeof r.message, 'string')
  return r.message
}

test('collections: quick create, describe, list, has, stats, load state, rename, flush, compaction, drop', async () => {
  assert.deepEqual(await ok('collections/create', { collectionName: 'quick', dimension: 4, metricType: 'L2' }), {})
  const d = await ok('collections/describe', { collectionName: 'quick' })
  assert.equal(d.collectionName, 'quick')
  assert.equal(d.enableDynamicField, true)
  assert.equal(d.load, 'LoadStateLoaded')
  assert.deepEqual(d.fields.map((f: Json) => [f.name, f.type, f.primaryKey]), [['id', 'Int64', true], ['vector', 'FloatVector', false]])
  assert.deepEqual(d.fields[1].params, [{ key: 'dim', value: '4' }])
  assert.deepEqual(d.indexes, [{ fieldName: 'vector', indexName: 'vector', metricType: 'L2' }])
  assert.ok((await ok('collections/list', {})).includes('quick'))
  assert.deepEqual(await ok('collections/has', { collectionName: 'quick' }), { has: true })
  assert.deepEqual(await ok('collections/has', { collectionName: 'nope' }), { has: false })
  assert.deepEqual(await ok('collections/get_load_state', { collectionName: 'quick' }), { loadState: 'LoadStateLoaded', loadProgress: 100 })
  await ok('collections/release', { collectionName: 'quick' })
  assert.deepEqual(await ok('collections/get_load_state', { collectionName: 'quick' }), { loadState: 'LoadStateNotLoad' })
  await ok('collections/load', { collectionName: 'quick' })
  await ok('entities/insert', { collectionName: 'quick', data: [{ id: 1, vector: [1, 2, 3, 4] }, { id: 2, vector: [0, 0, 0, 1] }] })
  await ok('collections/flush', { collectionName: 'quick' })
  assert.deepEqual(await ok('collections/get_stats', { collectionName: 'quick' }), { rowCount: 2 })
  const { compactionID } = await ok('collections/compact', { collectionName: 'quick' })
  assert.equal(typeof compactionID, 'number')
  const { state } = await ok('collections/get_compaction_state', { jobID: compactionID })
  assert.ok(['Completed', 'Executing'].includes(state), state)
  await ok('collections/rename', { collectionName: 'quick', newCollectionName: 'quick2' })
  assert.deepEqual(await ok('collections/has', { collectionName: 'quick2' }), { has: true })
  await ok('collections/drop', { collectionName: 'quick2' })
  assert.deepEqual(await ok('collections/has', { collectionName: 'quick2' }), { has: false })
})

test('collections: full form with schema and indexParams is created, indexed and loaded; without indexes it is only created', async () => {
  const schema = {
    autoID: false,
    enableDynamicField: false,
    fields: [
      { fieldName: 'pk', dataType: 'VarChar', isPrimary: true, elementTypeParams: { max_length: 32 } },
      { fieldName: 'emb', dataType: 'FloatVector', elementTypeParams: { dim: 3 } },
      { fieldName: 'n', dataType: 'Int64', nullable: true },
      { fieldName: 'tags', dataType: 'Array', elementDataType: 'Int64', elementTypeParams: { max_capacity: 4 } },
    ],
  }
  const indexParams = [{ fieldName: 'emb', indexName: 'emb_idx', metricType: 'IP', indexType: 'HNSW', params: { M: 8, efConstruction: 64 } }]
  await ok('collections/create', { collectionName: 'full', schema, indexParams })
  const d = await ok('collections/describe', { collectionName: 'full' })
  assert.equal(d.load, 'LoadStateLoaded')
  assert.deepEqual(d.fields.map((f: Json) => f.type), ['VarChar', 'FloatVector', 'Int64', 'Array'])
  assert.equal(d.fields[3].elementType, 'Int64')
  assert.equal(d.fields[2].nullable, true)
  // Without indexParams: created only (Quiver's engine decides the load state, as for gRPC CreateCollection).
  await ok('collections/create', { collectionName: 'bare', schema })
  assert.deepEqual(await ok('collections/has', { collectionName: 'bare' }), { has: true })
  // A failing index leaves nothing behind (an index on a missing field is Milvus's plain error, 65535).
  await fails('collections/create', { collectionName: 'badidx', schema, indexParams: [{ fieldName: 'nope', metricType: 'L2' }] }, 65535)
  assert.deepEqual(await ok('collections/has', { collectionName: 'badidx' }), { has: false })
})

test('entities: insert, upsert (partial), get, query, count(*), delete by filter and by id, int64 rule', async () => {
  await ok('collections/create', { collectionName: 'ents', dimension: 2 })
  const ins = await ok('entities/insert', { collectionName: 'ents', data: [{ id: '9007199254740993', vector: [1, 0], color: 'red' }, { id: 2, vector: [0, 1], color: 'blue' }, { id: 3, vector: [1, 1] }] })
  assert.deepEqual(ins, { insertCount: 3, insertIds: ['9007199254740993', '2', '3'] })
  const raw = await fetch(`${base}/entities/get`, { method: 'POST', headers: { 'Accept-Type-Allow-Int64': 'true' }, body: JSON.stringify({ collectionName: 'ents', id: ['9007199254740993'], outputFields: ['id'] }) })
  assert.match(await raw.text(), /"id":9007199254740993[,}]/)
  assert.deepEqual(await ok('entities/get', { collectionName: 'ents', id: 2, outputFields: ['id', 'color'] }), [{ id: '2', color: 'blue' }])
  const up = await ok('entities/upsert', { collectionName: 'ents', data: [{ id: 2, vector: [0.5, 0.5], color: 'green' }] })
  assert.deepEqual(up, { upsertCount: 1, upsertIds: ['2'] })
  await ok('entities/upsert', { collectionName: 'ents', partialUpdate: true, data: [{ id: 2, color: 'teal' }] })
  const [row] = await ok('entities/get', { collectionName: 'ents', id: [2], outputFields: ['*'] })
  assert.deepEqual([row.id, row.color, row.vector], ['2', 'teal', [0.5, 0.5]])
  const rows = await ok('entities/query', { collectionName: 'ents', filter: 'id < 10', outputFields: ['id'], limit: 10 })
  assert.deepEqual(rows.map((r: Json) => r.id).sort(), ['2', '3'])
  assert.deepEqual(await ok('entities/query', { collectionName: 'ents', filter: '', outputFields: ['count(*)'] }), [{ 'count(*)': '3' }])
  assert.deepEqual(await ok('entities/query', { collectionName: 'ents', filter: 'color == {c}', exprParams: { c: 'teal' }, outputFields: ['count(*)'] }), [{ 'count(*)': '1' }])
  await ok('entities/delete', { collectionName: 'ents', filter: 'id == 3' })
  await ok('entities/delete', { collectionName: 'ents', id: ['9007199254740993'] })
  assert.deepEqual(await ok('entities/query', { collectionName: 'ents', outputFields: ['count(*)'] }), [{ 'count(*)': '1' }])
})

test('entities: search (nq 1 and 2, topks, range, filter) and hybrid_search with rrf and weighted rerank', async () => {
  const schema = {
    fields: [
      { fieldName: 'id', dataType: 'Int64', isPrimary: true },
      { fieldName: 'a', dataType: 'FloatVector', elementTypeParams: { dim: 2 } },
      { fieldName: 'b', dataType: 'FloatVector', elementTypeParams: { dim: 2 } },
      { fieldName: 'tag', dataType: 'VarChar', elementTypeParams: { max_length: 8 } },
    ],
  }
  const indexParams = [
    { fieldName: 'a', metricType: 'L2', indexType: 'FLAT' },
    { fieldName: 'b', metricType: 'L2', indexType: 'FLAT' },
  ]
  await ok('collections/create', { collectionName: 'srch', schema, indexParams })
  const data = [0, 1, 2, 3, 4].map((i) => ({ id: i, a: [i, 0], b: [0, 4 - i], tag: i % 2 === 0 ? 'even' : 'odd' }))
  await ok('entities/insert', { collectionName: 'srch', data })
  const one = await post('entities/search', { collectionName: 'srch', annsField: 'a', data: [[0, 0]], limit: 2, outputFields: ['tag'] })
  assert.equal(one.code, 0)
  assert.deepEqual(one.data, [{ id: '0', tag: 'even', distance: 0 }, { id: '1', tag: 'odd', distance: 1 }])
  assert.deepEqual(one.topks, [2])
  const two = await post('entities/search', { collectionName: 'srch', annsField: 'a', data: [[0, 0], [4, 0]], limit: 1, filter: 'tag == "even"' })
  assert.deepEqual(two.topks, [1, 1])
  assert.deepEqual(two.data.map((h: Json) => h.id), ['0', '4'])
  const range = await ok('entities/search', { collectionName: 'srch', annsField: 'a', data: [[0, 0]], limit: 5, searchParams: { metricType: 'L2', params: { radius: 5, range_filter: 0.5 } } })
  assert.deepEqual(range.map((h: Json) => h.id), ['1', '2'])
  const rrf = await post('entities/hybrid_search', {
    collectionName: 'srch',
    search: [{ data: [[0, 0]], annsField: 'a', limit: 3 }, { data: [[0, 0]], annsField: 'b', limit: 3 }],
    rerank: { strategy: 'rrf', params: { k: 10 } },
    limit: 2,
  })
  assert.equal(rrf.code, 0, JSON.stringify(rrf))
  assert.equal(rrf.data.length, 2)
  assert.deepEqual(rrf.topks, [2])
  const weighted = await ok('entities/advanced_search', {
    collectionName: 'srch',
    search: [{ data: [[0, 0]], annsField: 'a', limit: 5 }, { data: [[0, 0]], annsField: 'b', limit: 5 }],
    rerank: { strategy: 'weighted', params: { weights: [1, 0] } },
    limit: 1,
    outputFields: ['tag'],
  })
  assert.deepEqual(weighted.map((h: Json) => [h.id, h.tag]), [['0', 'even']])
  // Grouping: the best hit of each tag group, two groups; a vector field cannot group (1100).
  const grouped = await ok('entities/search', { collectionName: 'srch', annsField: 'a', data: [[0, 0]], limit: 2, groupingField: 'tag', groupSize: 1, outputFields: ['tag'] })
  assert.deepEqual(grouped.map((h: Json) => [h.id, h.tag]), [['0', 'even'], ['1', 'odd']])
  await fails('entities/search', { collectionName: 'srch', annsField: 'a', data: [[0, 0]], groupingField: 'a' }, 1100)
  await fails('entities/hybrid_search', { collectionName: 'srch', search: [{ data: [[0, 0]], annsField: 'a', limit: 3 }], rerank: { strategy: 'rrf', params: { k: 10 } }, groupingField: 'tag' }, 3000)
})

test('partitions: create, has, list, load, release, stats, drop', async () => {
  await ok('collections/create', { collectionName: 'parts', dimension: 2 })
  await ok('partitions/create', { collectionName: 'parts', partitionName: 'p1' })
  assert.deepEqual(await ok('partitions/has', { collectionName: 'parts', partitionName: 'p1' }), { has: true })
  assert.deepEqual(await ok('partitions/list', { collectionName: 'parts' }), ['_default', 'p1'])
  await ok('entities/insert', { collectionName: 'parts', partitionName: 'p1', data: [{ id: 1, vector: [1, 0] }] })
  assert.deepEqual(await ok('partitions/get_stats', { collectionName: 'parts', partitionName: 'p1' }), { rowCount: 1 })
  await ok('partitions/release', { collectionName: 'parts', partitionNames: ['p1'] })
  await ok('partitions/load', { collectionName: 'parts', partitionNames: ['p1'] })
  await fails('partitions/load', { collectionName: 'parts', partitionNames: ['nope'] }, 200)
  await ok('partitions/drop', { collectionName: 'parts', partitionName: 'p1' })
  assert.deepEqual(await ok('partitions/has', { collectionName: 'parts', partitionName: 'p1' }), { has: false })
})

test('indexes: create, list, describe, drop', async () => {
  await ok('collections/create', { collectionName: 'idx', schema: { fields: [{ fieldName: 'id', dataType: 'Int64', isPrimary: true }, { fieldName: 'v', dataType: 'FloatVector', elementTypeParams: { dim: 2 } }] } })
  await ok('indexes/create', { collectionName: 'idx', indexParams: [{ fieldName: 'v', indexName: 'vi', metricType: 'COSINE', indexType: 'HNSW', params: { M: 8 } }] })
  assert.deepEqual(await ok('indexes/list', { collectionName: 'idx' }), ['vi'])
  const [d] = await ok('indexes/describe', { collectionName: 'idx', indexName: 'vi' })
  assert.deepEqual([d.indexName, d.fieldName, d.metricType, d.indexType], ['vi', 'v', 'COSINE', 'HNSW'])
  await ok('indexes/drop', { collectionName: 'idx', indexName: 'vi' })
  assert.deepEqual(await ok('indexes/list', { collectionName: 'idx' }), [])
  await fails('indexes/describe', { collectionName: 'idx', indexName: 'vi' }, 700)
})

test('aliases and databases', async () => {
  await ok('collections/create', { collectionName: 'target', dimension: 2 })
  await ok('collections/create', { collectionName: 'other', dimension: 2 })
  await ok('aliases/create', { collectionName: 'target', aliasName: 'al' })
  assert.deepEqual(await ok('aliases/describe', { aliasName: 'al' }), { aliasName: 'al', collectionName: 'target', dbName: 'default' })
  assert.deepEqual(await ok('aliases/list', { collectionName: 'target' }), ['al'])
  await ok('aliases/alter', { collectionName: 'other', aliasName: 'al' })
  assert.equal((await ok('aliases/describe', { aliasName: 'al' })).collectionName, 'other')
  await ok('aliases/drop', { aliasName: 'al' })
  assert.deepEqual(await ok('aliases/list', {}), [])

  await ok('databases/create', { dbName: 'db2' })
  assert.ok((await ok('databases/list', {})).includes('db2'))
  assert.equal((await ok('databases/describe', { dbName: 'db2' })).dbName, 'db2')
  await ok('databases/alter', { dbName: 'db2', properties: { 'database.replica.number': 1 } })
  // The database of a request: body dbName, else the DB-Name header.
  await ok('collections/create', { dbName: 'db2', collectionName: 'indb2', dimension: 2 })
  assert.deepEqual(await ok('collections/list', {}, { 'DB-Name': 'db2' }), ['indb2'])
  assert.deepEqual(await ok('collections/has', { collectionName: 'indb2' }), { has: false })
  await ok('collections/drop', { collectionName: 'indb2' }, { 'DB-Name': 'db2' })
  await ok('databases/drop', { dbName: 'db2' })
  await fails('databases/describe', { dbName: 'db2' }, 800)
})

test('errors: 100 missing collection, 1801 bad JSON or type, 1802 missing parameter, 1100 wrong dim, 3000, users without auth', async () => {
  await fails('collections/describe', { collectionName: 'missing' }, 100)
  await fails('entities/query', { collectionName: 'missing', filter: 'id > 0' }, 100)
  await fails('collections/get_load_state', { collectionName: 'missing' }, 100)
  await fails('collections/describe', '{not json', 1801)
  await fails('collections/describe', '[1]', 1801)
  await fails('collections/describe', { collectionName: 5 }, 1801)
  assert.match(await fails('collections/describe', {}, 1802), /collectionName/)
  await fails('entities/search', { collectionName: 'srch', annsField: 'a' }, 1802)
  await ok('collections/create', { collectionName: 'dims', dimension: 3 })
  await fails('entities/insert', { collectionName: 'dims', data: [{ id: 1, vector: [1, 2] }] }, 1100)
  await fails('entities/search', { collectionName: 'dims', data: [[1, 2]] }, 1100)
  assert.deepEqual(await ok('collections/get_stats', { collectionName: 'dims' }), { rowCount: 0 })
  await fails('collections/alter_properties', { collectionName: 'dims', properties: { 'collection.ttl.seconds': 'soon' } }, 1100)
  await fails('users/describe', {}, 1802)
  await fails('roles/drop', { roleName: 'admin' }, 1100)
  await fails('privilege_groups/create', { privilegeGroupName: 'Search' }, 1100)
})

test('unknown paths and methods are real HTTP 404s', async () => {
  const cases: [string, string][] = [['POST', '/v2/vectordb/collections/nope'], ['POST', '/v2/vectordb/nope/list'], ['GET', '/v2/vectordb/collections/list'], ['POST', '/']]
  for (const [method, path] of cases) {
    const res = await fetch(`http://127.0.0.1:${t.server.port}${path}`, { method, ...(method === 'POST' ? { body: '{}' } : {}) })
    assert.equal(res.status, 404, `${method} ${path}`)
    await res.arrayBuffer()
  }
})
