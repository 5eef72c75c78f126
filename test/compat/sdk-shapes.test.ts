// The SDK-style API returns what the official Node SDK's MilvusClient returns: each result is
// assigned to the SDK's own published type (a compile-time check, since tests are built with tsc) and
// its runtime fields are asserted (casts only where the SDK's declared type differs from what it
// returns at run time: int64 ids are strings on the wire; LoadState is a string enum); request errors come back as a status with Milvus codes, never thrown.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type {
  BoolResponse,
  CountResult,
  DescribeCollectionResponse,
  GetLoadStateResponse,
  MutationResult,
  QueryResults,
  ResStatus,
  ShowCollectionsResponse,
  ShowPartitionsResponse,
  StatisticsResponse,
} from '@zilliz/milvus2-sdk-node'
import { DataType } from '../../src/index.ts'
import { openTemp } from '../support/temp-db.ts'

const fields = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'title', data_type: DataType.VarChar, max_length: 32 },
  { name: 'v', data_type: DataType.FloatVector, dim: 4 },
]

describe('SDK result shapes', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  before(async () => {
    env = await openTemp()
  })
  after(() => env.cleanup())

  test('createCollection returns a success ResStatus; a bad name is 1100', async () => {
    const ok: ResStatus = (await env.client.createCollection({ collection_name: 'c', fields })) as unknown as ResStatus
    assert.equal(ok.error_code, 'Success')
    assert.equal(ok.code, 0)
    const bad = await env.client.createCollection({ collection_name: '1bad', fields })
    assert.equal(bad.code, 1100)
    assert.equal(bad.error_code, 'IllegalArgument')
    assert.match(bad.reason, /the first character of a collection name must be an underscore or letter/)
    // Milvus 2.6: the same collection again succeeds; a different one under the name is 1100.
    assert.equal((await env.client.createCollection({ collection_name: 'c', fields })).code, 0)
    const different = await env.client.createCollection({ collection_name: 'c', fields: [fields[0]!, fields[2]!] })
    assert.equal(different.code, 1100)
    assert.match(different.reason, /create duplicate collection with different parameters, collection: c/)
  })

  test('quick form creates id + vector with dynamic fields on', async () => {
    const st = await env.client.createCollection({ collection_name: 'quick', dimension: 4 })
    assert.equal(st.code, 0, st.reason)
    const d = (await env.client.describeCollection({ collection_name: 'quick' })) as unknown as DescribeCollectionResponse
    assert.deepEqual(d.schema.fields.map((f) => [f.name, f.data_type, f.is_primary_key]), [['id', 'Int64', true], ['vector', 'FloatVector', false]])
    assert.equal(d.schema.enable_dynamic_field, true)
    const up = await env.client.upsert({ collection_name: 'quick', data: [{ id: 1, vector: [1, 2, 3, 4], color: 'red' }] })
    assert.equal(up.status.code, 0, up.status.reason)
    const q = await env.client.query({ collection_name: 'quick', filter: 'id == 1', output_fields: ['color'] })
    assert.deepEqual(q.data, [{ id: '1', color: 'red' }])
  })

  test('describeCollection, hasCollection, showCollections, statistics, load state', async () => {
    const d = (await env.client.describeCollection({ collection_name: 'c' })) as unknown as DescribeCollectionResponse
    assert.equal(d.status.error_code, 'Success')
    assert.equal(d.collection_name, 'c')
    const v = d.schema.fields.find((f) => f.name === 'v')!
    assert.equal(v.data_type, 'FloatVector')
    assert.deepEqual(v.type_params, [{ key: 'dim', value: '4' }])
    const has: BoolResponse = (await env.client.hasCollection({ collection_name: 'c' })) as unknown as BoolResponse
    assert.equal(has.value, true)
    const show: ShowCollectionsResponse = await env.client.showCollections()
    assert.ok(show.data.some((c) => c.name === 'c'))
    const stats: StatisticsResponse = await env.client.getCollectionStatistics({ collection_name: 'c' })
    assert.equal(stats.data.row_count, '0')
    const ls: GetLoadStateResponse = (await env.client.getLoadState({ collection_name: 'c' })) as unknown as GetLoadStateResponse
    assert.equal(ls.state, 'LoadStateLoaded')
    const missing = await env.client.describeCollection({ collection_name: 'nope' })
    assert.equal(missing.status.code, 100)
    assert.equal(missing.status.error_code, 'CollectionNotExists')
    assert.match(missing.status.reason, /collection not found\[database=default\]\[collection=nope\]/)
  })

  test('insert / upsert / delete return MutationResult with honest counts and string ids', async () => {
    const ins: MutationResult = (await env.client.insert({ collection_name: 'c', data: [{ id: 1, title: 'a', v: [1, 0, 0, 0] }, { id: 2, title: 'b', v: [0, 1, 0, 0] }] })) as unknown as MutationResult
    assert.equal(ins.status.error_code, 'Success')
    assert.deepEqual([ins.insert_cnt, ins.delete_cnt, ins.upsert_cnt], ['2', '0', '0'])
    assert.deepEqual(ins.IDs, { int_id: { data: ['1', '2'] } })
    assert.deepEqual(ins.succ_index, [0, 1])
    assert.match(ins.timestamp, /^\d+$/)
    const up = await env.client.upsert({ collection_name: 'c', data: [{ id: 2, title: 'b2', v: [0, 1, 0, 0] }, { id: 3, title: 'c', v: [0, 0, 1, 0] }] })
    assert.deepEqual([up.insert_cnt, up.delete_cnt, up.upsert_cnt], ['1', '1', '2'])
    const bad = await env.client.upsert({ collection_name: 'c', data: [{ id: 9, title: 'x', v: [1, 2] }] })
    assert.equal(bad.status.code, 1100)
    assert.deepEqual(bad.err_index, [0])
    assert.match(bad.status.reason, /dim/)
    const del = await env.client.delete({ collection_name: 'c', ids: [3, 99] })
    assert.equal(del.delete_cnt, '1')
    const delf = await env.client.delete({ collection_name: 'c', filter: 'id in [1]' })
    assert.equal(delf.delete_cnt, '1')
    const missing = await env.client.insert({ collection_name: 'nope', data: [{ id: 1 }] })
    assert.equal(missing.status.code, 100)
  })

  test('query, get, count and search shapes', async () => {
    await env.client.upsert({ collection_name: 'c', data: [{ id: 10, title: 'x', v: [1, 1, 0, 0] }, { id: 11, title: 'y', v: [0, 1, 1, 0] }] })
    const q: QueryResults = await env.client.query({ collection_name: 'c', filter: 'id >= 10', output_fields: ['title'] })
    assert.deepEqual(q.data, [{ id: '10', title: 'x' }, { id: '11', title: 'y' }])
    const g = await env.client.get({ collection_name: 'c', ids: [11], output_fields: ['*'] })
    assert.deepEqual(g.data, [{ id: '11', title: 'y', v: [0, 1, 1, 0] }])
    const c: CountResult = await env.client.count({ collection_name: 'c', filter: 'id >= 10' })
    assert.equal(c.data, 2)
    const s = await env.client.search({ collection_name: 'c', data: [1, 1, 0, 0], limit: 2, metric_type: 'IP', output_fields: ['title'] })
    assert.equal(s.status.code, 0, s.status.reason)
    const hits = s.results as { id: string; score: number; title: string }[]
    assert.equal(hits[0]!.id, '10')
    assert.equal(hits[0]!.score, 2)
    assert.equal(hits[0]!.title, 'x')
    const multi = await env.client.search({ collection_name: 'c', data: [[1, 1, 0, 0], [0, 1, 1, 0]], limit: 1, metric_type: 'IP' })
    assert.equal((multi.results as unknown[][]).length, 2)
    const badFilter = await env.client.query({ collection_name: 'c', filter: 'id > > 3' })
    assert.equal(badFilter.status.code, 1100)
  })

  test('partitions', async () => {
    assert.equal((await env.client.createPartition({ collection_name: 'c', partition_name: 'p' })).code, 0)
    const list: ShowPartitionsResponse = await env.client.listPartitions({ collection_name: 'c' })
    assert.deepEqual(list.partition_names, ['_default', 'p'])
    assert.equal((await env.client.hasPartition({ collection_name: 'c', partition_name: 'p' })).value, true)
    const up = await env.client.upsert({ collection_name: 'c', partition_name: 'nope', data: [{ id: 1, title: 'a', v: [1, 0, 0, 0] }] })
    assert.equal(up.status.code, 200)
    assert.equal((await env.client.dropPartition({ collection_name: 'c', partition_name: '_default' })).code, 1100)
    assert.equal((await env.client.dropPartition({ collection_name: 'c', partition_name: 'p' })).code, 0)
  })
})
