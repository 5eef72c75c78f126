// The Milvus 2.6 DDL through the embedded SDK-shaped API, each checked after a reopen: add a field to a
// collection holding rows (in growing segments and in segment files written before the field), alter
// field and index properties, truncate, flush all, describe many, and the rejections that change nothing.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { openTemp } from '../../../test/support/temp-db.ts'

const fields = [
  { name: 'id', data_type: 'Int64', is_primary_key: true },
  { name: 'v', data_type: 'FloatVector', dim: 2 },
  { name: 'tag', data_type: 'VarChar', max_length: 16 },
]
const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: from + i, v: [i, 1], tag: `t${(from + i) % 3}` }))

describe('AddCollectionField', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  before(async () => {
    env = await openTemp()
  })
  after(() => env.cleanup())

  test('old rows read the default or null, new rows their value; durable through segment files and the WAL', async () => {
    const c = env.client
    assert.equal((await c.createCollection({ collection_name: 'af', fields })).code, 0)
    await c.insert({ collection_name: 'af', data: rows(0, 4) })
    await c.flush({ collection_names: ['af'] }) // rows 0..3 live in a segment file without the new fields
    await c.insert({ collection_name: 'af', data: rows(4, 2) }) // rows 4..5 in a growing segment
    const add1 = await c.addCollectionField({ collection_name: 'af', field: { name: 'score', data_type: 'Int32', nullable: true, default_value: 7 } })
    assert.equal(add1.code, 0, add1.reason)
    assert.equal((await c.addCollectionField({ collection_name: 'af', field: { name: 'note', data_type: 'VarChar', max_length: 8, nullable: true, 'mmap.enabled': true } })).code, 0)
    await c.insert({ collection_name: 'af', data: [{ id: 10, v: [0, 1], tag: 'x', score: 1, note: 'hi' }] })

    const check = async (label: string) => {
      const q = await env.client.query({ collection_name: 'af', filter: 'id >= 0', output_fields: ['score', 'note'] })
      assert.equal(q.status.error_code, 'Success', label)
      const byId = new Map(q.data.map((r) => [String(r.id), r]))
      assert.equal(byId.size, 7, label)
      for (const id of ['0', '3', '4', '5']) assert.deepEqual([byId.get(id)!.score, byId.get(id)!.note], [7, null], `${label} row ${id}`)
      assert.deepEqual([byId.get('10')!.score, byId.get('10')!.note], [1, 'hi'], label)
      assert.equal((await env.client.count({ collection_name: 'af', filter: 'score == 7' })).data, 6, label)
      assert.equal((await env.client.count({ collection_name: 'af', filter: 'note is null' })).data, 6, label)
      const d = await env.client.describeCollection({ collection_name: 'af' })
      const described = (d.schema as { fields: Record<string, unknown>[] }).fields
      assert.deepEqual(described.map((f) => f.name), ['id', 'v', 'tag', 'score', 'note'], label)
      assert.equal(described[3]!.fieldID, '103', label)
      assert.equal(described[4]!['mmap.enabled'], 'true', label)
    }
    await check('live')
    await env.reopen() // the WAL replays the add over the segment file
    await check('after WAL replay')
    await env.client.flush({ collection_names: ['af'] })
    await env.reopen() // now from the checkpoint: old segment file without the columns, new ones with
    await check('after checkpoint')
  })

  test('compaction merges segments written before and after the add; values survive it and a reopen', async () => {
    const c = env.client
    await c.createCollection({ collection_name: 'cmp', fields })
    await c.insert({ collection_name: 'cmp', data: rows(0, 3) })
    await c.flush({ collection_names: ['cmp'] })
    await c.addCollectionField({ collection_name: 'cmp', field: { name: 'n', data_type: 'Int64', nullable: true, default_value: 5 } })
    await c.insert({ collection_name: 'cmp', data: rows(3, 3).map((r) => ({ ...r, n: r.id * 10 })) })
    await c.flush({ collection_names: ['cmp'] })
    await c.delete({ collection_name: 'cmp', ids: [1] })
    const compacted = await c.compact({ collection_name: 'cmp' })
    assert.equal(compacted.status.code, 0)
    for (let i = 0; i < 100 && (await c.getCompactionState({ compactionID: compacted.compactionID })).state !== 'Completed'; i++) await new Promise((r) => setTimeout(r, 50))
    const read = async () => (await env.client.query({ collection_name: 'cmp', filter: 'id >= 0', output_fields: ['n'] })).data.map((r) => [r.id, r.n]).sort((a, b) => Number(a[0]) - Number(b[0]))
    const expected = [['0', '5'], ['2', '5'], ['3', '30'], ['4', '40'], ['5', '50']]
    assert.deepEqual(await read(), expected)
    await env.client.flush({ collection_names: ['cmp'] })
    await env.reopen()
    assert.deepEqual(await read(), expected)
  })

  test('refused as Milvus refuses them, and nothing changes', async () => {
    const c = env.client
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ name: 'n1', data_type: 'Int64' }, /added field must be nullable, please check it, field name = n1/],
      [{ name: 'n2', data_type: 'FloatVector', dim: 2 }, /added field must be nullable, please check it, field name = n2/],
      [{ name: 'n3', data_type: 'Int64', nullable: true, is_primary_key: true }, /not support to add pk field, field name = n3/],
      [{ name: 'n4', data_type: 'Int64', nullable: true, is_partition_key: true }, /not support to add partition key field/],
      [{ name: 'tag', data_type: 'VarChar', max_length: 4, nullable: true }, /duplicate field name: tag/],
      [{ name: 'n5', data_type: 'VarChar', nullable: true }, /type param\(max_length\) should be specified for the field\(n5\)/],
      [{ name: 'n6', data_type: 'Int64', nullable: true, autoID: true }, /only primary field can speficy AutoID with true, field name = n6/],
    ]
    for (const [field, reason] of cases) {
      const r = await c.addCollectionField({ collection_name: 'af', field })
      assert.equal(r.code, 1100, String(field.name))
      assert.match(r.reason, reason)
    }
    const many = await c.addCollectionFields({ collection_name: 'af', fields: [{ name: 'ok1', data_type: 'Bool', nullable: true }, { name: 'bad', data_type: 'Bool' }, { name: 'ok2', data_type: 'Bool', nullable: true }] })
    assert.equal(many.code, 1100)
    const names = ((await c.describeCollection({ collection_name: 'af' })).schema as { fields: { name: string }[] }).fields.map((f) => f.name)
    assert.deepEqual(names, ['id', 'v', 'tag', 'score', 'note', 'ok1'])
    assert.equal((await c.addCollectionField({ collection_name: 'nope', field: { name: 'x', data_type: 'Bool', nullable: true } })).code, 100)
  })
})

describe('AlterCollectionField, AlterIndex, truncate, flush all, batch describe', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  before(async () => {
    env = await openTemp()
    await env.client.createCollection({ collection_name: 'al', fields })
    await env.client.createIndex({ collection_name: 'al', field_name: 'v', index_name: 'vi', index_type: 'HNSW', metric_type: 'L2', params: { M: 8, efConstruction: 32 } })
    await env.client.insert({ collection_name: 'al', data: rows(0, 20) })
  })
  after(() => env.cleanup())

  test('field properties: max_length and mmap.enabled set, removed, checked, durable', async () => {
    const c = env.client
    assert.equal((await c.alterCollectionFieldProperties({ collection_name: 'al', field_name: 'tag', properties: { max_length: 1024, 'mmap.enabled': true } })).code, 0)
    const long = 'x'.repeat(100)
    assert.equal((await c.insert({ collection_name: 'al', data: [{ id: 100, v: [1, 1], tag: long }] })).status.code, 0)
    const bad = await c.alterCollectionFieldProperties({ collection_name: 'al', field_name: 'tag', properties: { max_length: 70000 } })
    assert.equal(bad.code, 1100)
    assert.equal((await c.alterCollectionFieldProperties({ collection_name: 'al', field_name: 'id', properties: { 'mmap.enabled': true } })).code, 1100)
    assert.equal((await c.alterCollectionFieldProperties({ collection_name: 'al', field_name: 'tag', properties: { dim: 3 } })).code, 1100)
    assert.equal((await c.alterCollectionFieldProperties({ collection_name: 'al', field_name: 'nope', properties: { max_length: 3 } })).code, 1700)
    await env.reopen()
    const tag = ((await env.client.describeCollection({ collection_name: 'al' })).schema as { fields: Record<string, unknown>[] }).fields[2]!
    assert.equal(tag.max_length, '1024')
    assert.equal(tag['mmap.enabled'], 'true')
    assert.equal((await env.client.alterCollectionFieldProperties({ collection_name: 'al', field_name: 'tag', delete_keys: ['mmap.enabled'] })).code, 0)
    const after = ((await env.client.describeCollection({ collection_name: 'al' })).schema as { fields: Record<string, unknown>[] }).fields[2]!
    assert.equal(after['mmap.enabled'], undefined)
  })

  test('index properties: alter, drop, statistics; unknown keys and indexes refused', async () => {
    const c = env.client
    const param = async () => (await env.client.describeIndex({ collection_name: 'al', index_name: 'vi' })).index_descriptions[0]!.params as { key: string; value: string }[]
    assert.equal((await c.alterIndexProperties({ collection_name: 'al', index_name: 'vi', params: { 'mmap.enabled': true } })).code, 0)
    assert.equal((await param()).find((p) => p.key === 'mmap.enabled')?.value, 'true')
    await env.reopen()
    assert.equal((await param()).find((p) => p.key === 'mmap.enabled')?.value, 'true')
    assert.equal((await env.client.dropIndexProperties({ collection_name: 'al', index_name: 'vi', properties: ['mmap.enabled'] })).code, 0)
    assert.equal((await param()).find((p) => p.key === 'mmap.enabled'), undefined)
    const bad = await env.client.alterIndexProperties({ collection_name: 'al', index_name: 'vi', params: { M: 4 } })
    assert.equal(bad.code, 1100)
    assert.match(bad.reason, /M is not configable index param/)
    assert.equal((await env.client.alterIndexProperties({ collection_name: 'al', index_name: 'nope', params: { 'mmap.enabled': true } })).code, 700)
    const stats = await env.client.getIndexStatistics({ collection_name: 'al' })
    assert.equal(stats.status.code, 0)
    assert.deepEqual(stats.index_descriptions.map((d) => [d.index_name, d.field_name]), [['vi', 'v']])
  })

  test('truncate removes every row and keeps schema, index and load state, also after reopen', async () => {
    const c = env.client
    await c.createPartition({ collection_name: 'al', partition_name: 'p1' })
    await c.insert({ collection_name: 'al', partition_name: 'p1', data: rows(500, 3) })
    await c.flush({ collection_names: ['al'] })
    await c.insert({ collection_name: 'al', data: rows(600, 3) })
    const r = await c.truncateCollection({ collection_name: 'al' })
    assert.equal(r.status.code, 0)
    assert.equal((await c.count({ collection_name: 'al' })).data, 0)
    assert.equal((await c.insert({ collection_name: 'al', data: rows(0, 2) })).status.code, 0) // keys are free again
    await env.reopen()
    assert.equal((await env.client.count({ collection_name: 'al' })).data, 2)
    assert.deepEqual((await env.client.listIndexes({ collection_name: 'al' })).indexes, ['vi'])
    assert.deepEqual((await env.client.showPartitions({ collection_name: 'al' })).partition_names, ['_default', 'p1'])
    assert.equal((await env.client.getLoadState({ collection_name: 'al' })).state, 'LoadStateLoaded')
    assert.equal((await env.client.truncateCollection({ collection_name: 'nope' })).status.code, 100)
  })

  test('flushAll persists every collection; getFlushAllState; batchDescribeCollections; refreshLoad', async () => {
    const c = env.client
    await c.createCollection({ collection_name: 'other', fields })
    await c.insert({ collection_name: 'other', data: rows(0, 3) })
    const f = await c.flushAll()
    assert.equal(f.status.code, 0)
    assert.ok(BigInt(f.flush_all_ts) > 0n)
    assert.equal((await c.getFlushAllState({ flush_all_ts: f.flush_all_ts })).flushed, true)
    assert.equal((await c.flushAllSync()).flushed, true)
    for (const s of env.client.database.state.collection('other').segments.values()) assert.equal(s.state, 'sealed')
    const b = await c.batchDescribeCollections({ collection_names: ['al', 'other'] })
    assert.equal(b.status.code, 0)
    assert.deepEqual(b.responses.map((r) => r.collection_name), ['al', 'other'])
    assert.equal((await c.batchDescribeCollections({ collection_names: [] })).status.code, 1100)
    assert.equal((await c.batchDescribeCollections({ collection_names: ['al', 'nope'] })).status.code, 100)
    assert.equal((await c.refreshLoad({ collection_name: 'al' })).code, 0)
    await c.releaseCollection({ collection_name: 'other' })
    assert.equal((await c.refreshLoad({ collection_name: 'other' })).code, 101)
  })
})

describe('idempotent DDL and validation order (Milvus 2.6)', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  before(async () => {
    env = await openTemp()
    await env.client.createCollection({ collection_name: 'idem', fields })
  })
  after(() => env.cleanup())

  test('missing alias, index or partition drop succeeds; identical partition or collection create succeeds', async () => {
    const c = env.client
    assert.equal((await c.dropAlias({ alias: 'never' })).code, 0)
    assert.equal((await c.dropIndex({ collection_name: 'idem', index_name: 'never' })).code, 0)
    assert.equal((await c.dropPartition({ collection_name: 'idem', partition_name: 'never' })).code, 0)
    assert.equal((await c.createPartition({ collection_name: 'idem', partition_name: 'p' })).code, 0)
    assert.equal((await c.createPartition({ collection_name: 'idem', partition_name: 'p' })).code, 0)
    assert.deepEqual((await c.showPartitions({ collection_name: 'idem' })).partition_names, ['_default', 'p'])
    await c.insert({ collection_name: 'idem', data: rows(0, 2) })
    assert.equal((await c.createCollection({ collection_name: 'idem', fields })).code, 0)
    assert.equal((await c.count({ collection_name: 'idem' })).data, 2) // untouched
    const different = await c.createCollection({ collection_name: 'idem', fields: fields.slice(0, 2) })
    assert.equal(different.code, 1100)
    assert.match(different.reason, /create duplicate collection with different parameters, collection: idem/)
    assert.equal((await c.dropPartition({ collection_name: 'idem', partition_name: '_default' })).code, 1100)
    // Partition-key collections refuse partition DDL with Milvus's plain error (65535).
    await c.createCollection({ collection_name: 'pk', fields: [...fields, { name: 'k', data_type: 'Int64', is_partition_key: true }], num_partitions: 4 })
    const create = await c.createPartition({ collection_name: 'pk', partition_name: 'x' })
    assert.deepEqual([create.code, create.error_code], [65535, 'UnexpectedError'])
    assert.match(create.reason, /disable create partition if partition key mode is used/)
    assert.equal((await c.dropPartition({ collection_name: 'pk', partition_name: '_default_0' })).code, 65535)
    assert.equal((await c.dropIndex({ collection_name: 'nope', index_name: 'x' })).code, 100)
  })

  test('the consistency level is stored, described and kept (WAL and checkpoint); a different one is a different collection', async () => {
    const level = async () => (await env.client.describeCollection({ collection_name: 'cl' })).consistency_level
    assert.equal((await env.client.createCollection({ collection_name: 'cl', fields, consistency_level: 'Eventually' })).code, 0)
    assert.equal(await level(), 'Eventually')
    assert.equal((await env.client.createCollection({ collection_name: 'cl', fields, consistency_level: 'Eventually' })).code, 0)
    assert.equal((await env.client.createCollection({ collection_name: 'cl', fields, consistency_level: 'Strong' })).code, 1100)
    await env.reopen()
    assert.equal(await level(), 'Eventually')
    await env.client.flush({ collection_names: ['cl'] })
    await env.reopen()
    assert.equal(await level(), 'Eventually')
    await env.client.createCollection({ collection_name: 'cl2', fields })
    assert.equal((await env.client.describeCollection({ collection_name: 'cl2' })).consistency_level, 'Bounded') // what the SDKs send by default
  })

  test('a bad name is invalid (1100) before any existence check', async () => {
    const c = env.client
    for (const r of [await c.describeCollection({ collection_name: '12-s' }), await c.dropCollection({ collection_name: '12-s' }), await c.loadCollection({ collection_name: '12-s' })]) {
      const status = 'status' in r ? (r.status as { code: number; reason: string }) : (r as { code: number; reason: string })
      assert.equal(status.code, 1100)
      assert.match(status.reason, /Invalid collection name: 12-s/)
    }
    assert.equal((await c.hasCollection({ collection_name: '12-s' })).status.code, 1100)
    assert.equal((await c.hasCollection({ collection_name: 'fine_but_missing' })).value, false)
    assert.equal((await c.dropPartition({ collection_name: 'idem', partition_name: '1p' })).code, 1100)
    assert.equal((await c.dropAlias({ alias: '1a' })).code, 1100)
  })

  test('dropping a collection that does not exist succeeds, as Milvus 2.6 (also in a database that does not exist)', async () => {
    const c = env.client
    assert.equal((await c.dropCollection({ collection_name: 'never_created' })).code, 0)
    assert.equal((await c.dropCollection({ collection_name: 'never_created', db_name: 'no_such_db' })).code, 0)
    await c.createCollection({ collection_name: 'twice', dimension: 2 })
    assert.equal((await c.dropCollection({ collection_name: 'twice' })).code, 0)
    assert.equal((await c.dropCollection({ collection_name: 'twice' })).code, 0)
    assert.equal((await c.hasCollection({ collection_name: 'twice' })).value, false)
  })
})

describe('query count(*)', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  before(async () => {
    env = await openTemp()
    await env.client.createCollection({ collection_name: 'cnt', fields, enable_dynamic_field: true })
    await env.client.createPartition({ collection_name: 'cnt', partition_name: 'p' })
    await env.client.insert({ collection_name: 'cnt', data: rows(0, 6).map((r) => ({ ...r, extra: r.id })) })
    await env.client.insert({ collection_name: 'cnt', partition_name: 'p', data: rows(10, 3) })
  })
  after(() => env.cleanup())

  test('counts with and without a filter, partitions and ids, as the server answers', async () => {
    const c = env.client
    const count = async (req: Record<string, unknown>) => {
      const r = await c.query({ collection_name: 'cnt', output_fields: ['count(*)'], ...req })
      assert.equal(r.status.code, 0, r.status.reason)
      return r.data
    }
    assert.deepEqual(await count({}), [{ 'count(*)': '9' }])
    assert.deepEqual(await count({ filter: 'tag == "t0"' }), [{ 'count(*)': '3' }])
    assert.deepEqual(await count({ filter: 'extra >= 3' }), [{ 'count(*)': '3' }])
    assert.deepEqual(await count({ partition_names: ['p'] }), [{ 'count(*)': '3' }])
    assert.deepEqual(await count({ ids: [1, 2, 11, 99] }), [{ 'count(*)': '3' }])
    assert.deepEqual((await c.query({ collection_name: 'cnt', output_fields: [' COUNT( * ) '] })).data, [{ 'count(*)': '9' }])
    assert.equal((await c.query({ collection_name: 'cnt', output_fields: ['count(*)', 'tag'] })).status.code, 1100)
  })
})
