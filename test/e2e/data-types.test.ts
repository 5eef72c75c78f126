// Every data type round-trips through upsert → query, and again after flush (Arrow segment files) and
// reopen (WAL replay for what was not flushed): nullable values, JSON, arrays (int64 elements as
// bigint), binary / float16 / bfloat16 / sparse vectors, several vector fields, dynamic keys,
// partition-key routing, and search on each vector kind.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Field, FixedSizeList, Float32, Int64, Table, Utf8, vectorFromArray } from 'apache-arrow'
import { DataType, MilvusError } from '../../src/index.ts'
import { openTemp } from '../support/temp-db.ts'

const fields = [
  { name: 'pk', data_type: DataType.VarChar, is_primary_key: true, max_length: 16 },
  { name: 'b', data_type: DataType.Bool, nullable: true },
  { name: 'i8', data_type: DataType.Int8 },
  { name: 'i16', data_type: DataType.Int16 },
  { name: 'i32', data_type: DataType.Int32 },
  { name: 'i64', data_type: DataType.Int64, nullable: true },
  { name: 'f', data_type: DataType.Float },
  { name: 'd', data_type: DataType.Double },
  { name: 's', data_type: DataType.VarChar, max_length: 32, default_value: 'none' },
  { name: 'j', data_type: DataType.JSON, nullable: true },
  { name: 'arr', data_type: DataType.Array, element_type: DataType.Int64, max_capacity: 4 },
  { name: 'tags', data_type: DataType.Array, element_type: DataType.VarChar, max_capacity: 3, max_length: 8 },
  { name: 'fv', data_type: DataType.FloatVector, dim: 4 },
  { name: 'bv', data_type: DataType.BinaryVector, dim: 16 },
  { name: 'hv', data_type: DataType.Float16Vector, dim: 2 },
  { name: 'bfv', data_type: DataType.BFloat16Vector, dim: 2 },
]
const sparseFields = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'sp', data_type: DataType.SparseFloatVector },
]

function row(i: number) {
  return {
    pk: `k${i}`,
    b: i % 3 === 0 ? null : i % 2 === 0,
    i8: -i,
    i16: i * 100,
    i32: i * 100000,
    i64: i === 1 ? null : BigInt(i) * 10_000_000_000n,
    f: i + 0.5,
    d: i / 3,
    ...(i === 2 ? {} : { s: `s${i}` }),
    j: i === 4 ? null : { n: i, list: [i, 'x'], nested: { ok: true } },
    arr: [BigInt(i), 2n ** 62n],
    tags: ['a', `t${i}`],
    fv: [i, 0, 0, 1],
    bv: [i, 255 - i],
    hv: [i + 0.25, -1],
    bfv: [i * 2, 0.5],
    color: i % 2 === 0 ? 'red' : 'blue',
  }
}

function expected(i: number) {
  const r = row(i)
  return { ...r, i8: i === 0 ? 0 : -i, s: i === 2 ? 'none' : `s${i}` }
}

describe('data types', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  before(async () => {
    env = await openTemp()
    const st = await env.client.createCollection({ collection_name: 'all', fields, enable_dynamic_field: true })
    assert.equal(st.code, 0, st.reason)
  })
  after(() => env.cleanup())

  const readAll = async () => env.client.collection('all').query({ filter: 'pk >= ""', outputFields: ['*'] })
  const check = async (n: number) => {
    const got = await readAll()
    assert.equal(got.length, n)
    for (let i = 0; i < n; i++) assert.deepEqual(got.find((r) => r.pk === `k${i}`), expected(i), `row ${i}`)
  }

  test('every type round-trips through upsert, flush and reopen', async () => {
    const all = env.client.collection('all')
    await all.upsert([0, 1, 2, 3, 4].map(row))
    await check(5)
    await all.flush()
    await all.upsert([5, 6].map(row))
    await env.reopen()
    await check(7)
  })

  test('search works on binary, float16 and bfloat16 vector fields', async () => {
    const all = env.client.collection('all')
    const bin = (await all.search([3, 252], { annsField: 'bv', limit: 1 }))[0]!
    assert.equal(bin[0]!.row.pk, 'k3')
    assert.equal(bin[0]!.score, 0, 'HAMMING distance to itself')
    const half = (await all.search([4.25, -1], { annsField: 'hv', metric: 'L2', limit: 1 }))[0]!
    assert.equal(half[0]!.row.pk, 'k4')
    const bf = (await all.search([8, 0.5], { annsField: 'bfv', metric: 'L2', limit: 1 }))[0]!
    assert.equal(bf[0]!.row.pk, 'k4')
    await assert.rejects(all.search([1, 0, 0, 1], { limit: 1 }), (e) => e instanceof MilvusError && e.code === 1100 && /anns_field/.test(e.message))
  })

  test('sparse vectors: upsert, IP search, flush and reopen', async () => {
    await env.client.createCollection({ collection_name: 'sparse', fields: sparseFields })
    const sp = env.client.collection('sparse')
    await sp.upsert([
      { id: 1, sp: { 3: 0.5, 10: 1 } },
      { id: 2, sp: { indices: [1, 3], values: [2, 2] } },
      { id: 3, sp: [{ index: 7, value: 1 }] },
    ])
    const q = { 3: 1, 10: 1 }
    const before = (await sp.search(q, { limit: 3 }))[0]!
    // Only positive inner products are hits (as Milvus's sparse search): row 3 shares no dimension with q.
    assert.deepEqual(before.map((h) => [h.id, h.score]), [[2n, 2], [1n, 1.5]])
    await sp.flush()
    await env.reopen()
    const after = (await env.client.collection('sparse').search(q, { limit: 3 }))[0]!
    assert.deepEqual(after.map((h) => h.id), [2n, 1n])
    assert.deepEqual((await env.client.collection('sparse').get([1], { outputFields: ['sp'] }))[0]!.sp, { 3: 0.5, 10: 1 })
  })

  test('partition key routes rows to partitions; a key keeps one live row when its partition key changes', async () => {
    const st = await env.client.createCollection({
      collection_name: 'tenants',
      num_partitions: 4,
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'tenant', data_type: DataType.VarChar, max_length: 16, is_partition_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: 2 },
      ],
    })
    assert.equal(st.code, 0, st.reason)
    const parts = await env.client.listPartitions({ collection_name: 'tenants' })
    assert.equal(parts.partition_names.length, 4)
    const t = env.client.collection('tenants')
    await t.upsert(Array.from({ length: 40 }, (_, i) => ({ id: i, tenant: `t${i % 5}`, v: [i, 1] })))
    await t.upsert([{ id: 0, tenant: 'moved', v: [0, 1] }])
    assert.equal(await t.count(), 40)
    assert.deepEqual(await t.get([0], { outputFields: ['tenant'] }), [{ id: 0n, tenant: 'moved' }])
    await assert.rejects(t.partition('_default_0').upsert({ id: 1, tenant: 'x', v: [1, 1] }), /partition key mode/)
    // As Milvus 2.6: creating a partition there is 65535, naming partitions in a read is 1100.
    assert.equal((await env.client.createPartition({ collection_name: 'tenants', partition_name: 'p' })).code, 65535)
    const q = await env.client.query({ collection_name: 'tenants', filter: 'id >= 0', partition_names: ['_default_0'] })
    assert.equal(q.status.code, 1100)
    assert.match(q.status.reason, /not support manually specifying the partition names if partition key mode is used/)
    const s = await env.client.search({ collection_name: 'tenants', data: [[1, 1]], limit: 1, partition_names: ['_default_0'] })
    assert.equal(s.status.code, 65535) // Milvus's search answers this with a plain error
  })

  test('VarChar primary key with autoID: keys are the allocated ids as text (Milvus); upsert keeps them; too short a max_length is 1100', async () => {
    const st = await env.client.createCollection({
      collection_name: 'vauto',
      fields: [
        { name: 'id', data_type: DataType.VarChar, is_primary_key: true, max_length: 32, autoID: true },
        { name: 'n', data_type: DataType.Int32 },
        { name: 'v', data_type: DataType.FloatVector, dim: 2 },
      ],
    })
    assert.equal(st.code, 0, st.reason)
    const r = await env.client.insert({ collection_name: 'vauto', data: [{ n: 1, v: [1, 0] }, { n: 2, v: [0, 1] }] })
    assert.equal(r.status.code, 0, r.status.reason)
    const keys = (r.IDs as { str_id: { data: string[] } }).str_id.data
    assert.equal(keys.length, 2)
    assert.ok(keys.every((k) => /^[1-9][0-9]*$/.test(k)) && BigInt(keys[1]!) > BigInt(keys[0]!), keys.join(','))
    const up = await env.client.upsert({ collection_name: 'vauto', data: [{ id: keys[0], n: 10, v: [1, 1] }] })
    assert.equal(up.status.code, 0, up.status.reason)
    const q = await env.client.query({ collection_name: 'vauto', filter: `id == "${keys[0]}"`, output_fields: ['n'] })
    assert.deepEqual(q.data.map((x) => x.n), [10])
    await env.client.createCollection({
      collection_name: 'vshort',
      fields: [
        { name: 'id', data_type: DataType.VarChar, is_primary_key: true, max_length: 4, autoID: true },
        { name: 'v', data_type: DataType.FloatVector, dim: 2 },
      ],
    })
    const short = await env.client.insert({ collection_name: 'vshort', data: [{ v: [1, 0] }] })
    assert.equal(short.status.code, 1100)
    assert.match(short.status.reason, /more than its max_length 4/)
  })

  test('an Apache Arrow table is accepted as data', async () => {
    await env.client.createCollection({
      collection_name: 'arrow',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'name', data_type: DataType.VarChar, max_length: 8 },
        { name: 'v', data_type: DataType.FloatVector, dim: 2 },
      ],
    })
    const table = new Table({
      id: vectorFromArray([1n, 2n], new Int64()),
      name: vectorFromArray(['a', 'b'], new Utf8()),
      v: vectorFromArray([[1, 2], [3, 4]], new FixedSizeList(2, new Field('item', new Float32()))),
    })
    const r = await env.client.collection('arrow').upsert(table)
    assert.equal(r.upsertCount, 2)
    assert.deepEqual(await env.client.collection('arrow').query({ filter: 'id > 0', outputFields: ['*'] }), [
      { id: 1n, name: 'a', v: [1, 2] },
      { id: 2n, name: 'b', v: [3, 4] },
    ])
  })
})
