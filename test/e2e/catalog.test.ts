// Collections and partitions through the SDK-shaped API, durable across reopen: create (three forms),
// rename, drop, partitions, load/release, name rules at their boundary, and write timeouts.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType, MilvusError } from '../../src/index.ts'
import { openTemp } from '../support/temp-db.ts'

const fields = [
  { name: 'id', data_type: 'Int64', is_primary_key: true },
  { name: 'v', data_type: 'FloatVector', type_params: { dim: 2 } },
]

describe('catalog', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  before(async () => {
    env = await openTemp()
  })
  after(() => env.cleanup())

  test('schema form, names in any case, type_params; rename and drop survive reopen', async () => {
    const c = env.client
    assert.equal((await c.createCollection({ collection_name: 'a', schema: fields })).code, 0)
    assert.equal((await c.createCollection({ collection_name: 'b', fields: [{ name: 'id', data_type: 'int64', is_primary_key: true }, { name: 'v', data_type: 101, dim: 2 }] })).code, 0)
    await c.collection('a').upsert({ id: 1, v: [1, 2] })
    assert.equal((await c.renameCollection({ collection_name: 'a', new_collection_name: 'a2' })).code, 0)
    assert.equal((await c.dropCollection({ collection_name: 'b' })).code, 0)
    const again = await env.reopen()
    assert.deepEqual((await again.showCollections()).data.map((x) => x.name).sort(), ['a2'])
    assert.deepEqual(await again.collection('a2').get([1]), [{ id: 1n }])
    assert.equal((await again.hasCollection({ collection_name: 'a' })).value, false)
  })

  test('name rules at the boundary: 255 characters, first character, allowed characters', async () => {
    const c = env.client
    assert.equal((await c.createCollection({ collection_name: `x${'a'.repeat(254)}`, fields })).code, 0)
    const long = await c.createCollection({ collection_name: `x${'a'.repeat(255)}`, fields })
    assert.equal(long.code, 1100)
    assert.match(long.reason, /must be less than 255 characters/)
    assert.equal((await c.createCollection({ collection_name: '_ok_1', fields })).code, 0)
    assert.equal((await c.createCollection({ collection_name: 'bad-name', fields })).code, 1100)
    assert.equal((await c.createCollection({ collection_name: 'nofields', fields: [{ name: 'id', data_type: 'Int64', is_primary_key: true }] })).code, 1100)
    assert.equal((await c.createCollection({ collection_name: 'dim0', fields: [fields[0]!, { name: 'v', data_type: 'FloatVector', dim: 0 }] })).code, 1100)
    assert.equal((await c.createCollection({ collection_name: 'dimmax', fields: [fields[0]!, { name: 'v', data_type: 'FloatVector', dim: 32768 }] })).code, 0)
    assert.equal((await c.createCollection({ collection_name: 'dimover', fields: [fields[0]!, { name: 'v', data_type: 'FloatVector', dim: 32769 }] })).code, 1100)
  })

  test('partitions: create, list, drop with its data; durable', async () => {
    const c = env.client
    await c.createCollection({ collection_name: 'p', fields })
    await c.createPartition({ collection_name: 'p', partition_name: 'x' })
    await c.collection('p').partition('x').upsert([{ id: 1, v: [0, 0] }, { id: 2, v: [0, 0] }])
    await c.collection('p').upsert({ id: 3, v: [0, 0] })
    assert.equal((await c.createPartition({ collection_name: 'p', partition_name: 'x' })).code, 0) // Milvus 2.6: an existing partition is created again without error
    assert.equal((await c.getPartitionStatistics({ collection_name: 'p', partition_name: 'x' })).data.row_count, '2')
    assert.equal((await c.dropPartition({ collection_name: 'p', partition_name: 'x' })).code, 0)
    assert.equal(await c.collection('p').count(), 1)
    const again = await env.reopen()
    assert.deepEqual((await again.listPartitions({ collection_name: 'p' })).partition_names, ['_default'])
    assert.equal(await again.collection('p').count(), 1)
    // The dropped partition's keys are free again.
    await again.collection('p').insert({ id: 1, v: [0, 0] })
  })

  test('release makes reads fail; load restores them', async () => {
    const c = env.client
    await c.createCollection({ collection_name: 'l', fields })
    await c.releaseCollection({ collection_name: 'l' })
    assert.equal((await c.getLoadState({ collection_name: 'l' })).state, 'LoadStateNotLoad')
    const q = await c.query({ collection_name: 'l', filter: 'id > 0' })
    assert.equal(q.status.code, 101)
    assert.match(q.status.reason, /collection not loaded/)
    await c.loadCollection({ collection_name: 'l' })
    assert.equal((await c.query({ collection_name: 'l', filter: 'id > 0' })).status.code, 0)
  })

  test('a write whose timeout has passed before it is submitted fails with code 5 and changes nothing', async () => {
    const c = env.client
    await c.createCollection({ collection_name: 't', fields })
    const rows = Array.from({ length: 50_000 }, (_, i) => ({ id: i, v: [i, i] }))
    const r = await c.upsert({ collection_name: 't', data: rows, timeout: 1 })
    if (r.status.code === 0) {
      // Normalising 50k rows took under 1 ms: the write completed within its deadline.
      assert.equal(await c.collection('t').count(), 50_000)
    } else {
      assert.equal(r.status.code, 5)
      assert.match(r.status.reason, /nothing was changed/)
      assert.equal(await c.collection('t').count(), 0)
    }
    await assert.rejects(c.collection('t').upsert({ id: 1, v: [1, 1] }, { timeout: -1 }), (e) => e instanceof MilvusError && e.code === 1100)
  })

  test('data_type names and numbers are both accepted; unknown types are 1100', async () => {
    const c = env.client
    assert.equal((await c.createCollection({ collection_name: 'dt', fields: [fields[0]!, { name: 'v', data_type: DataType.BinaryVector, dim: 12 }] })).code, 1100)
    assert.equal((await c.createCollection({ collection_name: 'dt', fields: [fields[0]!, { name: 'v', data_type: 'Nope', dim: 8 }] })).code, 1100)
  })
})
