// The official Node SDK (MilvusClient 3.0.6) as a client of a real `quiver serve` on 127.0.0.1: the
// handshake, collections, partitions, indexes, flush, aliases, databases, segments, replicas and
// metrics RPCs answer what the SDK expects, with Milvus's codes on errors and 3000 for the rest.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType, ErrorCode, type MilvusClient } from '@zilliz/milvus2-sdk-node'
import { startTestServer, type TestServer, vectors } from './server-fixture.ts'

const fields = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'vec', data_type: DataType.FloatVector, dim: 4 },
  { name: 'title', data_type: DataType.VarChar, max_length: 32, default_value: 'untitled' },
]

describe('Node SDK against quiver serve: RPCs', () => {
  let env: TestServer
  let c: MilvusClient
  before(async () => {
    env = await startTestServer()
    c = env.connect()
    await c.connectPromise
  })
  after(() => env.stop())

  test('Connect, GetVersion, CheckHealth', async () => {
    const info = (c as unknown as { serverInfo: { build_tags: string; deploy_mode: string } }).serverInfo
    assert.match(info.build_tags, /^quiver-/)
    assert.equal(info.deploy_mode, 'STANDALONE')
    const v = await c.getVersion()
    assert.match(v.version, /^v2\.\d+\.\d+$/)
    const h = await c.checkHealth()
    assert.equal(h.isHealthy, true)
  })

  test('create, describe, has, list, statistics, rename, drop a collection', async () => {
    const created = await c.createCollection({ collection_name: 'books', fields, enable_dynamic_field: true, description: 'shelf' })
    assert.equal(created.error_code, ErrorCode.SUCCESS)
    await assert.rejects(c.createCollection({ collection_name: 'books', fields }), (e: { code: number; reason: string }) => e.code === 1100 && /create duplicate collection with different parameters, collection: books/.test(e.reason))
    const d = await c.describeCollection({ collection_name: 'books' })
    assert.equal(d.status.error_code, ErrorCode.SUCCESS)
    assert.equal(d.schema.description, 'shelf')
    assert.equal(d.schema.enable_dynamic_field, true)
    assert.deepEqual(d.schema.fields.map((f) => [f.name, f.data_type, f.is_primary_key]), [['id', 'Int64', true], ['vec', 'FloatVector', false], ['title', 'VarChar', false]])
    assert.equal(d.schema.fields[1]!.type_params.find((p) => p.key === 'dim')!.value, '4')
    assert.equal(d.schema.fields[2]!.default_value, 'untitled')
    assert.ok(Number(d.collectionID) > 0)
    assert.equal((await c.hasCollection({ collection_name: 'books' })).value, true)
    assert.equal((await c.hasCollection({ collection_name: 'nope' })).value, false)
    const list = await c.showCollections()
    assert.deepEqual(list.data.map((x) => x.name), ['books'])
    await c.insert({ collection_name: 'books', data: vectors(1, 3, 4).map((vec, id) => ({ id, vec })) })
    const stats = await c.getCollectionStatistics({ collection_name: 'books' })
    assert.equal(stats.data.row_count, '3')
    assert.equal((await c.renameCollection({ collection_name: 'books', new_collection_name: 'tomes' })).error_code, ErrorCode.SUCCESS)
    assert.equal((await c.hasCollection({ collection_name: 'tomes' })).value, true)
    assert.equal((await c.hasCollection({ collection_name: 'books' })).value, false)
    assert.equal((await c.dropCollection({ collection_name: 'tomes' })).error_code, ErrorCode.SUCCESS)
    const gone = await c.describeCollection({ collection_name: 'tomes' })
    assert.equal(gone.status.error_code, 'CollectionNotExists')
    assert.equal(gone.status.code, 100)
    assert.match(gone.status.reason, /collection not found.*\[collection=tomes\]/)
  })

  test('quick setup (dimension only): the SDK creates, indexes (COSINE) and loads; dynamic keys work', async () => {
    assert.equal((await c.createCollection({ collection_name: 'quick', dimension: 4 })).error_code, ErrorCode.SUCCESS)
    const d = await c.describeCollection({ collection_name: 'quick' })
    assert.deepEqual(d.schema.fields.map((f) => f.name), ['id', 'vector'])
    assert.equal(d.schema.enable_dynamic_field, true)
    const idx = await c.describeIndex({ collection_name: 'quick' })
    assert.equal(idx.index_descriptions[0]!.params.find((p) => p.key === 'metric_type')!.value, 'COSINE')
    await c.insert({ collection_name: 'quick', data: [{ id: 1, vector: [1, 2, 3, 4], extra: 'x' }, { id: 2, vector: [-1, 0, 0, 0] }] })
    const r = await c.search({ collection_name: 'quick', data: [1, 2, 3, 4], limit: 1, output_fields: ['extra'] })
    assert.equal(r.results[0]!.id, '1')
    assert.equal(r.results[0]!.extra, 'x')
    assert.ok(Math.abs(r.results[0]!.score - 1) < 1e-6)
  })

  test('load, release, load state and loading progress', async () => {
    await c.createCollection({ collection_name: 'ld', fields })
    assert.equal((await c.loadCollectionSync({ collection_name: 'ld' })).error_code, ErrorCode.SUCCESS)
    assert.equal((await c.getLoadState({ collection_name: 'ld' })).state, 'LoadStateLoaded')
    assert.equal((await c.getLoadingProgress({ collection_name: 'ld' })).progress, '100')
    assert.equal((await c.releaseCollection({ collection_name: 'ld' })).error_code, ErrorCode.SUCCESS)
    assert.equal((await c.getLoadState({ collection_name: 'ld' })).state, 'LoadStateNotLoad')
    const progress = await c.getLoadingProgress({ collection_name: 'ld' })
    assert.equal(progress.status.code, 101)
    const q = await c.query({ collection_name: 'ld', filter: 'id > 0' })
    assert.notEqual(q.status.error_code, ErrorCode.SUCCESS)
    assert.equal((await c.loadCollection({ collection_name: 'ld' })).error_code, ErrorCode.SUCCESS)
    const missing = await c.getLoadingProgress({ collection_name: 'nope' })
    assert.equal(missing.status.code, 100)
  })

  test('partitions: create, has, show, statistics, load, release, drop', async () => {
    await c.createCollection({ collection_name: 'parts', fields })
    assert.equal((await c.createPartition({ collection_name: 'parts', partition_name: 'comedy' })).error_code, ErrorCode.SUCCESS)
    assert.equal((await c.hasPartition({ collection_name: 'parts', partition_name: 'comedy' })).value, true)
    assert.equal((await c.hasPartition({ collection_name: 'parts', partition_name: 'drama' })).value, false)
    const shown = await c.showPartitions({ collection_name: 'parts' })
    assert.deepEqual(shown.partition_names, ['_default', 'comedy'])
    assert.equal(shown.partitionIDs.length, 2)
    await c.insert({ collection_name: 'parts', partition_name: 'comedy', data: vectors(2, 2, 4).map((vec, id) => ({ id, vec })) })
    const stats = await c.getPartitionStatistics({ collection_name: 'parts', partition_name: 'comedy' })
    assert.equal(stats.data.row_count, '2')
    assert.equal((await c.getPartitionStatistics({ collection_name: 'parts', partition_name: '_default' })).data.row_count, '0')
    assert.equal((await c.loadPartitions({ collection_name: 'parts', partition_names: ['comedy'] })).error_code, ErrorCode.SUCCESS)
    assert.equal((await c.releasePartitions({ collection_name: 'parts', partition_names: ['comedy'] })).error_code, ErrorCode.SUCCESS)
    const bad = await c.loadPartitions({ collection_name: 'parts', partition_names: ['drama'] })
    assert.equal(bad.code, 200)
    assert.match(bad.reason, /partition not found\[partition=drama\]/)
    assert.equal((await c.dropPartition({ collection_name: 'parts', partition_name: 'comedy' })).error_code, ErrorCode.SUCCESS)
    assert.deepEqual((await c.showPartitions({ collection_name: 'parts' })).partition_names, ['_default'])
  })

  test('indexes: create, describe, state, build progress, drop; a missing index is IndexNotExist', async () => {
    await c.createCollection({ collection_name: 'idx', fields })
    await c.insert({ collection_name: 'idx', data: vectors(3, 50, 4).map((vec, id) => ({ id, vec })) })
    await c.flushSync({ collection_names: ['idx'] })
    const none = await c.describeIndex({ collection_name: 'idx' })
    assert.equal(none.status.error_code, 'IndexNotExist')
    assert.equal(none.status.code, 700)
    const created = await c.createIndex({ collection_name: 'idx', field_name: 'vec', index_name: 'v_hnsw', index_type: 'HNSW', metric_type: 'L2', params: { M: 8, efConstruction: 64 } })
    assert.equal(created.error_code, ErrorCode.SUCCESS)
    const d = await c.describeIndex({ collection_name: 'idx', index_name: 'v_hnsw' })
    const desc = d.index_descriptions[0]!
    assert.equal(desc.index_name, 'v_hnsw')
    assert.equal(desc.field_name, 'vec')
    const params = Object.fromEntries(desc.params.map((p) => [p.key, p.value]))
    assert.equal(params.index_type, 'HNSW')
    assert.equal(params.metric_type, 'L2')
    assert.deepEqual(JSON.parse(String(params.params)), { M: 8, efConstruction: 64 }, 'params echoed with their types, as Milvus')
    const state = await c.getIndexState({ collection_name: 'idx', index_name: 'v_hnsw' })
    assert.ok(['Finished', 'InProgress'].includes(String(state.state)))
    const progress = await c.getIndexBuildProgress({ collection_name: 'idx', index_name: 'v_hnsw' })
    assert.equal(progress.total_rows, '50')
    const bad = await c.createIndex({ collection_name: 'idx', field_name: 'nope', index_type: 'HNSW', metric_type: 'L2' })
    // Milvus answers a plain error for a field that does not exist: 65535, legacy UnexpectedError (Index.spec).
    assert.equal(bad.code, 65535)
    assert.equal(bad.error_code, 'UnexpectedError')
    assert.equal((await c.dropIndex({ collection_name: 'idx', index_name: 'v_hnsw' })).error_code, ErrorCode.SUCCESS)
    assert.equal((await c.describeIndex({ collection_name: 'idx' })).status.code, 700)
  })

  test('flush returns the sealed segments; GetFlushState, segment info and replicas describe them', async () => {
    await c.createCollection({ collection_name: 'fl', fields })
    await c.insert({ collection_name: 'fl', data: vectors(4, 10, 4).map((vec, id) => ({ id, vec })) })
    const growing = await c.getPersistentSegmentInfo({ collectionName: 'fl' })
    assert.deepEqual(growing.infos.map((s) => [s.state, s.num_rows]), [['Growing', '10']])
    const f = await c.flush({ collection_names: ['fl'] })
    assert.equal(f.status.error_code, ErrorCode.SUCCESS)
    const segIds = (f.coll_segIDs as unknown as Record<string, { data: string[] }>).fl!.data
    assert.equal(segIds.length, 1)
    assert.equal((await c.getFlushState({ segmentIDs: segIds.map(Number) })).flushed, true)
    assert.equal((await c.flushSync({ collection_names: ['fl'] })).status.error_code, ErrorCode.SUCCESS)
    const persisted = await c.getPersistentSegmentInfo({ collectionName: 'fl' })
    assert.deepEqual(persisted.infos.map((s) => [s.segmentID, s.state, s.num_rows]), [[segIds[0], 'Flushed', '10']])
    const query = await c.getQuerySegmentInfo({ collectionName: 'fl' })
    assert.deepEqual(query.infos.map((s) => [s.segmentID, s.state, s.num_rows]), [[segIds[0], 'Sealed', '10']])
    const d = await c.describeCollection({ collection_name: 'fl' })
    const replicas = await c.getReplicas({ collectionID: d.collectionID })
    assert.equal(replicas.replicas.length, 1)
    assert.equal(replicas.replicas[0]!.collectionID, d.collectionID)
    assert.equal(replicas.replicas[0]!.shard_replicas[0]!.leader_addr, env.address)
    assert.equal((await c.getQuerySegmentInfo({ collectionName: 'nope' })).status.code, 100)
  })

  test('manual compaction runs on the engine; its state reads Completed; an unknown id is 1100', async () => {
    await c.createCollection({ collection_name: 'cp', fields })
    for (let b = 0; b < 3; b++) {
      await c.insert({ collection_name: 'cp', data: vectors(20 + b, 5, 4).map((vec, i) => ({ id: b * 5 + i, vec })) })
      await c.flushSync({ collection_names: ['cp'] })
    }
    await c.delete({ collection_name: 'cp', ids: [0, 1] })
    const r = await c.compact({ collection_name: 'cp' })
    assert.equal(r.status.error_code, ErrorCode.SUCCESS)
    assert.ok(Number(r.compactionID) > 0)
    const state = await c.getCompactionState({ compactionID: r.compactionID })
    assert.equal(state.state, 'Completed')
    const plans = await c.getCompactionStateWithPlans({ compactionID: r.compactionID })
    assert.equal(plans.status.error_code, ErrorCode.SUCCESS)
    assert.ok(Array.isArray(plans.mergeInfos))
    assert.equal((await c.count({ collection_name: 'cp' })).data, 13)
    assert.equal((await c.getCompactionState({ compactionID: 987654 })).status.code, 1100)
    // target_size (MB) as Milvus checks it: below the segment size 1100 with Milvus's words; above it Quiver refuses (3000).
    const small = await c.compact({ collection_name: 'cp', target_size: 1 } as never)
    assert.equal(small.status.code, 1100)
    assert.match(small.status.reason, /targetSize 1 MB should be greater than or equal to configMaxSize 64 MB/)
    assert.equal((await c.compact({ collection_name: 'cp', target_size: 4096 } as never)).status.code, 3000)
    assert.equal((await c.compact({ collection_name: 'cp', target_size: 64 } as never)).status.code, 0)
  })

  test('LoadBalance: a missing or unnamed collection is 100 (Milvus checks it first); otherwise 3000 on one node', async () => {
    assert.equal((await c.loadBalance({ src_nodeID: 1 } as never)).error_code, ErrorCode.CollectionNotExists)
    await c.createCollection({ collection_name: 'lb', fields })
    const r = await c.loadBalance({ src_nodeID: 1, collectionName: 'lb' } as never)
    assert.equal(r.code, 3000)
  })

  test('aliases: create, describe, list, alter, drop; reads through an alias', async () => {
    await c.createCollection({ collection_name: 'al1', fields })
    await c.createCollection({ collection_name: 'al2', fields })
    await c.insert({ collection_name: 'al2', data: [{ id: 7, vec: [1, 0, 0, 0] }] })
    assert.equal((await c.createAlias({ collection_name: 'al1', alias: 'current' })).error_code, ErrorCode.SUCCESS)
    const d = await c.describeAlias({ collection_name: 'al1', alias: 'current' })
    assert.equal(d.collection, 'al1')
    assert.deepEqual((await c.listAliases({ collection_name: 'al1' })).aliases, ['current'])
    assert.equal((await c.alterAlias({ collection_name: 'al2', alias: 'current' })).error_code, ErrorCode.SUCCESS)
    const q = await c.query({ collection_name: 'current', filter: 'id >= 0', output_fields: ['id'] })
    assert.deepEqual(q.data, [{ id: '7' }])
    assert.equal((await c.dropAlias({ alias: 'current' })).error_code, ErrorCode.SUCCESS)
    assert.notEqual((await c.describeAlias({ collection_name: 'al2', alias: 'current' })).status.error_code, ErrorCode.SUCCESS)
  })

  test('databases: create, list, describe, use, collections scoped by database, drop', async () => {
    assert.equal((await c.createDatabase({ db_name: 'lib' })).error_code, ErrorCode.SUCCESS)
    assert.deepEqual((await c.listDatabases()).db_names.sort(), ['default', 'lib'])
    const described = await c.describeDatabase({ db_name: 'lib' })
    assert.equal(described.db_name, 'lib')
    const inLib = env.connect({ database: 'lib' })
    await inLib.connectPromise
    assert.equal((await inLib.createCollection({ collection_name: 'only_in_lib', fields })).error_code, ErrorCode.SUCCESS)
    await inLib.insert({ collection_name: 'only_in_lib', data: [{ id: 1, vec: [1, 0, 0, 0] }] })
    assert.equal((await inLib.count({ collection_name: 'only_in_lib' })).data, 1)
    assert.equal((await c.hasCollection({ collection_name: 'only_in_lib' })).value, false)
    assert.equal((await c.hasCollection({ collection_name: 'only_in_lib', db_name: 'lib' })).value, true)
    assert.notEqual((await c.dropDatabase({ db_name: 'lib' })).error_code, ErrorCode.SUCCESS)
    await inLib.dropCollection({ collection_name: 'only_in_lib' })
    assert.equal((await c.dropDatabase({ db_name: 'lib' })).error_code, ErrorCode.SUCCESS)
    const missing = await c.describeCollection({ collection_name: 'x', db_name: 'nowhere' })
    assert.equal(missing.status.code, 800)
  })

  test('GetMetrics answers system_info; an unknown metric is 1100', async () => {
    const m = await c.getMetric({ request: { metric_type: 'system_info' } })
    assert.equal(m.status.error_code, ErrorCode.SUCCESS)
    const info = m.response as unknown as { nodes_info: { infos: { system_info: { deploy_mode: string } } }[] }
    assert.equal(info.nodes_info[0]!.infos.system_info.deploy_mode, 'STANDALONE')
    const bad = await c.getMetric({ request: { metric_type: 'nope' as never } })
    assert.equal(bad.status.code, 1100)
  })

  test('an RPC Quiver does not implement answers 3000 with a legacy error code, not UNIMPLEMENTED', async () => {
    const files = await c.listFileResources()
    assert.equal(files.status.code, 3000)
    assert.equal(files.status.error_code, 'UnexpectedError')
    assert.match(files.status.reason, /ListFileResources is not supported by Quiver/)
  })
})
