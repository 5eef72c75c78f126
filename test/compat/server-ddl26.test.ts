// The Milvus 2.6 DDL RPCs through the official Node SDK (3.0.6) against a real `quiver serve`:
// AddCollectionField (old rows read default/null, also after a restart), AlterCollectionSchema as
// pymilvus 3.x sends it, AlterCollectionField, AlterIndex, GetIndexStatistics, TruncateCollection,
// BatchDescribeCollection, FlushAll, and the idempotent DDL and name checks of Milvus 2.6.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Client, credentials } from '@grpc/grpc-js'
import { DataType, ErrorCode, type MilvusClient } from '@zilliz/milvus2-sdk-node'
import { loadMilvusProto } from '../../src/server/grpc/milvus-proto.ts'
import { startTestServer, type TestServer, vectors } from './server-fixture.ts'

const fields = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: false },
  { name: 'vec', data_type: DataType.FloatVector, dim: 4 },
  { name: 'tag', data_type: DataType.VarChar, max_length: 16 },
]
const rows = (from: number, n: number) => vectors(from + 1, n, 4).map((vec, i) => ({ id: from + i, vec, tag: `t${from + i}` }))

/** One unary MilvusService call with a request object (for RPCs the Node SDK does not send). */
function rawCall(client: Client, method: string, request: Record<string, unknown>): Promise<Record<string, unknown>> {
  const def = loadMilvusProto().services.milvus[method]!
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(def.path, def.requestSerialize, (b: Buffer) => def.responseDeserialize(b) as Record<string, unknown>, request, { deadline: Date.now() + 10_000 }, (err, res) => (err === null ? resolve(res!) : reject(err)))
  })
}

describe('Node SDK against quiver serve: Milvus 2.6 DDL', () => {
  let env: TestServer
  let c: MilvusClient
  before(async () => {
    env = await startTestServer()
    c = env.connect()
    await c.createCollection({ collection_name: 'ddl', fields })
    await c.createIndex({ collection_name: 'ddl', field_name: 'vec', index_name: 'vi', index_type: 'HNSW', metric_type: 'L2', params: { M: 8, efConstruction: 32 } })
    await c.insert({ collection_name: 'ddl', data: rows(0, 5) })
    await c.flushSync({ collection_names: ['ddl'] })
    await c.insert({ collection_name: 'ddl', data: rows(5, 5) })
  })
  after(() => env.stop())

  test('addCollectionField: old rows read the default or null; new rows, search and query see the field', async () => {
    const a = await c.addCollectionField({ collection_name: 'ddl', field: { name: 'color', data_type: DataType.VarChar, max_length: 8, nullable: true, default_value: 'none' } })
    assert.equal(a.error_code, ErrorCode.SUCCESS, a.reason)
    const b = await c.addCollectionField({ collection_name: 'ddl', field: { name: 'labels', data_type: DataType.Array, element_type: DataType.VarChar, max_capacity: 4, max_length: 8, nullable: true, 'mmap.enabled': true } })
    assert.equal(b.error_code, ErrorCode.SUCCESS, b.reason)
    const d = await c.describeCollection({ collection_name: 'ddl' })
    assert.deepEqual(d.schema.fields.map((f) => f.name), ['id', 'vec', 'tag', 'color', 'labels'])
    assert.equal((d.schema.fields[4] as unknown as Record<string, unknown>)['mmap.enabled'], 'true')
    const q = await c.query({ collection_name: 'ddl', filter: 'id >= 0', output_fields: ['color', 'labels'], limit: 20 })
    assert.equal(q.data.length, 10)
    for (const r of q.data) assert.deepEqual([r.color, r.labels], ['none', null])
    assert.equal((await c.insert({ collection_name: 'ddl', data: [{ ...rows(100, 1)[0]!, color: 'red', labels: ['a', 'b'] }] })).status.error_code, ErrorCode.SUCCESS)
    const s = await c.search({ collection_name: 'ddl', data: rows(100, 1)[0]!.vec, limit: 1, output_fields: ['color', 'labels'] })
    assert.deepEqual([s.results[0]!.id, s.results[0]!.color, s.results[0]!.labels], ['100', 'red', ['a', 'b']])
    assert.equal((await c.count({ collection_name: 'ddl', filter: 'color == "none"' })).data, 10)
    const wrong = await c.addCollectionFields({ collection_name: 'ddl', fields: [{ name: 'strict', data_type: DataType.Int64, nullable: false }] })
    assert.equal(wrong.error_code, 'IllegalArgument')
    assert.match(wrong.reason, /added field must be nullable, please check it, field name = strict/)
    const dup = await c.addCollectionField({ collection_name: 'ddl', field: { name: 'color', data_type: DataType.Int64, nullable: true } })
    assert.match(dup.reason, /duplicate field name: color/)
  })

  test('AlterCollectionSchema (pymilvus 3.x add_collection_field) adds fields; a drop action is 3000', async () => {
    const raw = new Client(env.address, credentials.createInsecure())
    try {
      const FieldSchema = loadMilvusProto().root.lookupType('milvus.proto.schema.FieldSchema')
      const field = FieldSchema.toObject(FieldSchema.fromObject({ name: 'rank', data_type: 'Int32', nullable: true, default_value: { int_data: 3 } }))
      const res = await rawCall(raw, 'AlterCollectionSchema', { collection_name: 'ddl', action: { add_request: { field_infos: [{ field_schema: field }] } } })
      assert.equal((res.alter_status as { code: number }).code, 0)
      const q = await c.query({ collection_name: 'ddl', filter: 'id == 1', output_fields: ['rank'] })
      assert.equal(q.data[0]!.rank, 3)
      const drop = await rawCall(raw, 'AlterCollectionSchema', { collection_name: 'ddl', action: { drop_request: { field_name: 'rank' } } })
      assert.equal((drop.alter_status as { code: number }).code, 3000)
      const notNull = FieldSchema.toObject(FieldSchema.fromObject({ name: 'x', data_type: 'Int32' }))
      const refused = await rawCall(raw, 'AlterCollectionSchema', { collection_name: 'ddl', action: { add_request: { field_infos: [{ field_schema: notNull }] } } })
      assert.equal((refused.alter_status as { code: number }).code, 1100)
    } finally {
      raw.close()
    }
  })

  test('alterCollectionFieldProperties, alterIndex, dropIndexProperties, getIndexStatistics', async () => {
    assert.equal((await c.alterCollectionFieldProperties({ collection_name: 'ddl', field_name: 'tag', properties: { max_length: 1024, 'mmap.enabled': true } })).error_code, ErrorCode.SUCCESS)
    const tag = (await c.describeCollection({ collection_name: 'ddl' })).schema.fields.find((f) => f.name === 'tag') as unknown as Record<string, unknown>
    assert.deepEqual([tag.max_length, tag['mmap.enabled']], ['1024', 'true'])
    assert.equal((await c.alterCollectionFieldProperties({ collection_name: 'ddl', field_name: 'vec', properties: { dim: 8 } })).error_code, 'IllegalArgument')
    assert.equal((await c.alterIndexProperties({ collection_name: 'ddl', index_name: 'vi', params: { 'mmap.enabled': true } })).error_code, ErrorCode.SUCCESS)
    const mmap = async () => (await c.describeIndex({ collection_name: 'ddl', index_name: 'vi' })).index_descriptions[0]!.params.find((p) => p.key === 'mmap.enabled')?.value
    assert.equal(await mmap(), 'true')
    assert.equal((await c.dropIndexProperties({ collection_name: 'ddl', index_name: 'vi', properties: ['mmap.enabled'] })).error_code, ErrorCode.SUCCESS)
    assert.equal(await mmap(), undefined)
    const bad = await c.alterIndexProperties({ collection_name: 'ddl', index_name: 'vi', params: { efConstruction: 8 } })
    assert.match(bad.reason, /efConstruction is not configable index param/)
    const stats = await c.getIndexStatistics({ collection_name: 'ddl' })
    assert.equal(stats.status.error_code, ErrorCode.SUCCESS)
    assert.deepEqual(stats.index_descriptions.map((i) => [i.index_name, i.field_name]), [['vi', 'vec']])
  })

  test('a restart keeps the added fields, their defaults and the altered properties', async () => {
    await env.stop(true)
    env = await startTestServer(env.dataDir)
    c = env.connect()
    const q = await c.query({ collection_name: 'ddl', filter: 'id in [1, 100]', output_fields: ['color', 'labels', 'rank'] })
    const byId = Object.fromEntries(q.data.map((r) => [r.id, [r.color, r.labels, r.rank]]))
    assert.deepEqual(byId, { 1: ['none', null, 3], 100: ['red', ['a', 'b'], 3] })
    const tag = (await c.describeCollection({ collection_name: 'ddl' })).schema.fields.find((f) => f.name === 'tag') as unknown as Record<string, unknown>
    assert.equal(tag.max_length, '1024')
  })

  test('truncateCollection, batchDescribeCollections, flushAll, getFlushAllState', async () => {
    await c.createCollection({ collection_name: 'ddl2', fields, consistency_level: 'Eventually' })
    await c.insert({ collection_name: 'ddl2', data: rows(0, 3) })
    const b = await c.batchDescribeCollections({ collection_names: ['ddl', 'ddl2'] })
    assert.equal(b.status.error_code, ErrorCode.SUCCESS)
    assert.deepEqual(b.responses.map((r) => r.collection_name), ['ddl', 'ddl2'])
    assert.deepEqual(b.responses.map((r) => r.consistency_level), ['Bounded', 'Eventually'])
    for (const f of b.responses[1]!.schema.fields) assert.equal(typeof f.dataType, 'number')
    assert.notEqual((await c.batchDescribeCollections({ collection_names: [] })).status.error_code, ErrorCode.SUCCESS)
    const f = await c.flushAll()
    assert.equal(f.status.error_code, ErrorCode.SUCCESS)
    assert.ok(BigInt(f.flush_all_ts) > 0n)
    assert.equal((await c.getFlushAllState({ flush_all_ts: f.flush_all_ts })).flushed, true)
    assert.equal((await c.flushAllSync()).flushed, true)
    const t = await c.truncateCollection({ collection_name: 'ddl2' })
    assert.equal(t.status.error_code, ErrorCode.SUCCESS)
    assert.equal((await c.count({ collection_name: 'ddl2' })).data, 0)
    assert.equal((await c.describeCollection({ collection_name: 'ddl2' })).schema.fields.length, 3)
    assert.notEqual((await c.truncateCollection({ collection_name: 'missing_one' })).status.error_code, ErrorCode.SUCCESS)
  })

  test('idempotent DDL; a bad name is IllegalArgument before any existence check', async () => {
    assert.equal((await c.dropAlias({ alias: 'never_made' })).error_code, ErrorCode.SUCCESS)
    assert.equal((await c.dropIndex({ collection_name: 'ddl2', index_name: 'never_made' })).error_code, ErrorCode.SUCCESS)
    assert.equal((await c.dropPartition({ collection_name: 'ddl2', partition_name: 'never_made' })).error_code, ErrorCode.SUCCESS)
    assert.equal((await c.createPartition({ collection_name: 'ddl2', partition_name: 'p' })).error_code, ErrorCode.SUCCESS)
    assert.equal((await c.createPartition({ collection_name: 'ddl2', partition_name: 'p' })).error_code, ErrorCode.SUCCESS)
    assert.equal((await c.createCollection({ collection_name: 'ddl2', fields, consistency_level: 'Eventually' })).error_code, ErrorCode.SUCCESS)
    const d = await c.describeCollection({ collection_name: '12-s' })
    assert.equal(d.status.error_code, 'IllegalArgument')
    assert.match(d.status.reason, /Invalid collection name: 12-s/)
    const drop = await c.dropCollection({ collection_name: '12-s' })
    assert.equal(drop.code, 1100)
  })
})
