// The official Node SDK's HttpClient against Quiver's REST API, and its MilvusClient (gRPC) on the
// same port at the same time: each sees the other's collections and rows.
import assert from 'node:assert/strict'
import { DataType, HttpClient } from '@zilliz/milvus2-sdk-node'
import { after, before, test } from 'node:test'
import { startTestServer, type TestServer } from './server-fixture.ts'

let t: TestServer
let http: HttpClient

before(async () => {
  t = await startTestServer()
  http = new HttpClient({ endpoint: `http://127.0.0.1:${t.server.port}`, timeout: 10_000 })
})
after(() => t.stop())

// biome-ignore lint/suspicious/noExplicitAny: the SDK's HTTP results are loosely typed
type Json = any
// biome-ignore lint/suspicious/noExplicitAny: the SDK's HTTP request types lag its server
const req = (o: Record<string, unknown>): any => o

function data(r: Json): Json {
  assert.equal(r.code, 0, JSON.stringify(r))
  return r.data
}

test('gRPC and REST on one port see each other', async () => {
  const grpc = t.connect()
  // REST creates, gRPC writes; gRPC creates, REST writes; both read both.
  data(await http.createCollection(req({ collectionName: 'from_rest', dimension: 2 })))
  const ins = await grpc.insert({ collection_name: 'from_rest', data: [{ id: 1, vector: [1, 0], who: 'grpc' }] })
  assert.equal(ins.status.error_code, 'Success')
  assert.deepEqual(data(await http.get(req({ collectionName: 'from_rest', id: 1, outputFields: ['id', 'who'] }))), [{ id: '1', who: 'grpc' }])

  const created = await grpc.createCollection({ collection_name: 'from_grpc', fields: [
    { name: 'pk', data_type: DataType.VarChar, is_primary_key: true, max_length: 16 },
    { name: 'v', data_type: DataType.FloatVector, dim: 2 },
  ], index_params: [{ field_name: 'v', index_type: 'FLAT', metric_type: 'L2' }] })
  assert.equal(created.error_code, 'Success')
  assert.deepEqual(data(await http.listCollections(req({}))).sort(), ['from_grpc', 'from_rest'])
  data(await http.insert(req({ collectionName: 'from_grpc', data: [{ pk: 'a', v: [0, 1] }, { pk: 'b', v: [3, 3] }] })))
  const q = await grpc.query({ collection_name: 'from_grpc', filter: 'pk == "a"', output_fields: ['pk', 'v'] })
  assert.deepEqual(q.data, [{ pk: 'a', v: [0, 1] }])
  const hits = await http.search(req({ collectionName: 'from_grpc', data: [[0, 1]], limit: 1, annsField: 'v' }))
  assert.deepEqual(data(hits), [{ pk: 'a', distance: 0 }])
})

test('HttpClient: collections, entities, partitions, indexes, aliases, databases', async () => {
  data(await http.createCollection(req({ collectionName: 'sdk', dimension: 3, metricType: 'L2' })))
  assert.deepEqual(data(await http.hasCollection(req({ collectionName: 'sdk' }))), { has: true })
  assert.equal(data(await http.describeCollection(req({ collectionName: 'sdk' }))).fields.length, 2)
  assert.equal(data(await http.getCollectionLoadState(req({ collectionName: 'sdk' }))).loadState, 'LoadStateLoaded')
  const rows = [0, 1, 2, 3].map((i) => ({ id: i, vector: [i, i, i], even: i % 2 === 0 }))
  assert.deepEqual(data(await http.insert(req({ collectionName: 'sdk', data: rows }))), { insertCount: 4, insertIds: ['0', '1', '2', '3'] })
  data(await http.upsert(req({ collectionName: 'sdk', data: [{ id: 3, vector: [9, 9, 9], even: true }] })))
  assert.deepEqual(data(await http.query(req({ collectionName: 'sdk', filter: 'even == true', outputFields: ['count(*)'] }))), [{ 'count(*)': '3' }])
  // nq = 2: the SDK splits the flat hits by `topks`.
  const two = data(await http.search(req({ collectionName: 'sdk', data: [[0, 0, 0], [9, 9, 9]], limit: 1 })))
  assert.deepEqual(two.map((list: Json[]) => list.map((h) => h.id)), [['0'], ['3']])
  const fused = data(await http.hybridSearch(req({
    collectionName: 'sdk',
    search: [{ data: [[1, 1, 1]], annsField: 'vector', limit: 2 }, { data: [[2, 2, 2]], annsField: 'vector', limit: 2 }],
    rerank: { strategy: 'rrf', params: { k: 60 } },
    limit: 2,
  })))
  assert.deepEqual(fused.map((h: Json) => h.id).sort(), ['1', '2'])
  data(await http.delete(req({ collectionName: 'sdk', filter: 'id in [0, 1]' })))
  assert.deepEqual(data(await http.getCollectionStatistics(req({ collectionName: 'sdk' }))), { rowCount: 2 })
  data(await http.flushCollection(req({ collectionName: 'sdk' })))

  data(await http.createPartition(req({ collectionName: 'sdk', partitionName: 'p' })))
  assert.deepEqual(data(await http.listPartitions(req({ collectionName: 'sdk' }))), ['_default', 'p'])
  assert.deepEqual(data(await http.hasPartition(req({ collectionName: 'sdk', partitionName: 'p' }))), { has: true })
  data(await http.loadPartitions(req({ collectionName: 'sdk', partitionNames: ['p'] })))
  data(await http.releasePartitions(req({ collectionName: 'sdk', partitionNames: ['p'] })))
  assert.deepEqual(data(await http.getPartitionStatistics(req({ collectionName: 'sdk', partitionName: 'p' }))), { rowCount: 0 })
  data(await http.dropPartition(req({ collectionName: 'sdk', partitionName: 'p' })))

  assert.deepEqual(data(await http.listIndexes(req({ collectionName: 'sdk' }))), ['vector'])
  assert.equal(data(await http.describeIndex(req({ collectionName: 'sdk', indexName: 'vector' })))[0].metricType, 'L2')
  data(await http.releaseCollection(req({ collectionName: 'sdk' })))
  data(await http.dropIndex(req({ collectionName: 'sdk', indexName: 'vector' })))
  data(await http.createIndex(req({ collectionName: 'sdk', indexParams: [{ fieldName: 'vector', indexName: 'vector', metricType: 'IP', indexType: 'FLAT' }] })))
  data(await http.loadCollection(req({ collectionName: 'sdk' })))

  data(await http.createAlias(req({ collectionName: 'sdk', aliasName: 'sdk_alias' })))
  assert.equal(data(await http.describeAlias(req({ aliasName: 'sdk_alias' }))).collectionName, 'sdk')
  assert.deepEqual(data(await http.listAliases(req({ collectionName: 'sdk' }))), ['sdk_alias'])
  data(await http.dropAlias(req({ aliasName: 'sdk_alias' })))

  data(await http.createDatabase(req({ dbName: 'sdkdb' })))
  assert.ok(data(await http.listDatabases(req({}))).includes('sdkdb'))
  assert.equal(data(await http.describeDatabase(req({ dbName: 'sdkdb' }))).dbName, 'sdkdb')
  data(await http.dropDatabase(req({ dbName: 'sdkdb' })))
  data(await http.renameCollection(req({ collectionName: 'sdk', newCollectionName: 'sdk2' })))
  data(await http.dropCollection(req({ collectionName: 'sdk2' })))
})

test('HttpClient errors: missing collection 100, wrong dim 1100; acceptInt64 renders numbers', async () => {
  assert.equal((await http.describeCollection(req({ collectionName: 'absent' }))).code, 100)
  data(await http.createCollection(req({ collectionName: 'd3', dimension: 3 })))
  assert.equal((await http.insert(req({ collectionName: 'd3', data: [{ id: 1, vector: [1] }] }))).code, 1100)
  const int64 = new HttpClient({ endpoint: `http://127.0.0.1:${t.server.port}`, acceptInt64: true })
  assert.deepEqual(data(await int64.insert(req({ collectionName: 'd3', data: [{ id: 7, vector: [1, 2, 3] }] }))), { insertCount: 1, insertIds: [7] })
})
