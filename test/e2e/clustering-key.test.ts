// Clustering key (Milvus is_clustering_key / clustering_key_field): stored in the schema, described,
// kept across a reopen; at most one per collection and only on the types Milvus allows.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { DataType } from '../../src/index.ts'
import { openTemp } from '../support/temp-db.ts'

let env: Awaited<ReturnType<typeof openTemp>>
before(async () => {
  env = await openTemp()
})
after(() => env.cleanup())

const base = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'v', data_type: DataType.FloatVector, dim: 2 },
]

test('is_clustering_key on a field and clustering_key_field on the request both mark it; describe shows it after a reopen', async () => {
  const a = await env.client.createCollection({ collection_name: 'a', fields: [...base, { name: 'city', data_type: DataType.VarChar, max_length: 8, is_clustering_key: true }] })
  assert.equal(a.code, 0, a.reason)
  const b = await env.client.createCollection({ collection_name: 'b', fields: [...base, { name: 'n', data_type: DataType.Int32 }], clustering_key_field: 'n' })
  assert.equal(b.code, 0, b.reason)
  const keysOf = async (name: string) =>
    ((await env.client.describeCollection({ collection_name: name })).schema as { fields: { name: string; is_clustering_key: boolean }[] }).fields.filter((f) => f.is_clustering_key).map((f) => f.name)
  assert.deepEqual(await keysOf('a'), ['city'])
  assert.deepEqual(await keysOf('b'), ['n'])
  await env.reopen()
  assert.deepEqual(await keysOf('a'), ['city'])
})

test('two clustering keys, or one on a JSON field: 1100, nothing created', async () => {
  const two = await env.client.createCollection({
    collection_name: 'two',
    fields: [...base, { name: 'x', data_type: DataType.Int32, is_clustering_key: true }, { name: 'y', data_type: DataType.Int32, is_clustering_key: true }],
  })
  assert.equal(two.code, 1100)
  assert.match(two.reason, /there are more than one clustering key, field name = x, y/)
  const json = await env.client.createCollection({ collection_name: 'json', fields: [...base, { name: 'j', data_type: DataType.JSON, is_clustering_key: true }] })
  assert.equal(json.code, 1100)
  assert.match(json.reason, /clustering key field j is JSON/)
  assert.deepEqual((await env.client.hasCollection({ collection_name: 'two' })).value, false)
})
