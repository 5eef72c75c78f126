// Search options through the official Node SDK against the real server: group_by_field with
// group_size / strict_group_size (a grouping search), and ignore_growing (sealed segments only).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { DataType } from '@zilliz/milvus2-sdk-node'
import { startTestServer, type TestServer } from './server-fixture.ts'

let srv: TestServer

before(async () => {
  srv = await startTestServer()
  const c = srv.connect()
  const created = await c.createCollection({
    collection_name: 'grp',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'doc', data_type: DataType.VarChar, max_length: 16 },
      { name: 'vector', data_type: DataType.FloatVector, dim: 2 },
    ],
  })
  assert.equal(created.error_code, 'Success')
  // Row i lies at L2² i² from [0, 0]; doc = i % 4.
  await c.insert({ collection_name: 'grp', data: Array.from({ length: 40 }, (_, i) => ({ id: i, doc: `d${i % 4}`, vector: [i, 0] })) })
  await c.flush({ collection_names: ['grp'] })
  await c.createIndex({ collection_name: 'grp', field_name: 'vector', index_type: 'HNSW', metric_type: 'L2', params: { M: 8, efConstruction: 64 } })
  await c.loadCollectionSync({ collection_name: 'grp' })
})
after(() => srv.stop())

const idsOf = (r: { results: unknown[] }) => (r.results as { id: string }[]).map((h) => Number(h.id))

test('group_by_field with group_size returns the best groups, hits of a group together', async () => {
  const c = srv.connect()
  const r = await c.search({ collection_name: 'grp', data: [[0, 0]], limit: 2, group_by_field: 'doc', group_size: 2, output_fields: ['doc'] })
  assert.equal(r.status.error_code, 'Success', r.status.reason)
  assert.deepEqual(idsOf(r), [0, 4, 1, 5])
  const strict = await c.search({ collection_name: 'grp', data: [[0, 0]], limit: 3, group_by_field: 'doc', group_size: 3, strict_group_size: true })
  assert.deepEqual(idsOf(strict), [0, 4, 8, 1, 5, 9, 2, 6, 10])
  // The group value of each hit comes back in group_by_field_values even when not an output field.
  const groups = (strict.results as { group_by_field_values?: { doc?: string } }[]).map((h) => h.group_by_field_values?.doc)
  assert.deepEqual(groups, ['d0', 'd0', 'd0', 'd1', 'd1', 'd1', 'd2', 'd2', 'd2'])
  const bad = await c.search({ collection_name: 'grp', data: [[0, 0]], limit: 2, group_by_field: 'vector' })
  assert.equal(bad.status.error_code, 'IllegalArgument')
})

test('ignore_growing leaves out rows not yet sealed', async () => {
  const c = srv.connect()
  await c.insert({ collection_name: 'grp', data: [{ id: 100, doc: 'new', vector: [0, 0] }] })
  const all = await c.search({ collection_name: 'grp', data: [[0, 0]], limit: 2 })
  assert.deepEqual(idsOf(all).sort((a, b) => a - b), [0, 100])
  const sealed = await c.search({ collection_name: 'grp', data: [[0, 0]], limit: 2, ignore_growing: true })
  assert.deepEqual(idsOf(sealed), [0, 1])
})
