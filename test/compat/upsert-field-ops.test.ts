// Upsert field_ops through the official Node SDK against the real server: ARRAY_APPEND and
// ARRAY_REMOVE as the SDK sends them (enum names in `field_ops`, partial update promoted by the
// server), and a refused op that changes nothing.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { DataType, FieldPartialUpdateOpType } from '@zilliz/milvus2-sdk-node'
import { startTestServer, type TestServer } from './server-fixture.ts'

let srv: TestServer

before(async () => {
  srv = await startTestServer()
  const c = srv.connect()
  const created = await c.createCollection({
    collection_name: 'ops',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'vector', data_type: DataType.FloatVector, dim: 4 },
      { name: 'tags', data_type: DataType.Array, element_type: DataType.VarChar, max_capacity: 4, max_length: 32 },
      { name: 'scores', data_type: DataType.Array, element_type: DataType.Int64, max_capacity: 8 },
    ],
  })
  assert.equal(created.error_code, 'Success', created.reason)
  const inserted = await c.insert({
    collection_name: 'ops',
    fields_data: [
      { id: 1, vector: [0.1, 0.2, 0.3, 0.4], tags: ['red', 'green'], scores: [1, 2, 3] },
      { id: 2, vector: [0.2, 0.3, 0.4, 0.5], tags: ['blue'], scores: [10, 20] },
    ],
  })
  assert.equal(inserted.status.error_code, 'Success', inserted.status.reason)
})
after(() => srv.stop())

async function rows() {
  const q = await srv.connect().query({ collection_name: 'ops', expr: 'id in [1, 2]', output_fields: ['id', 'tags', 'scores'] })
  assert.equal(q.status.error_code, 'Success', q.status.reason)
  return [...q.data].sort((a, b) => Number(a.id) - Number(b.id)).map((r) => ({ tags: r.tags, scores: r.scores }))
}

test('ARRAY_APPEND then ARRAY_REMOVE, as the SDK sends them', async () => {
  const c = srv.connect()
  const appended = await c.upsert({
    collection_name: 'ops',
    fields_data: [{ id: 1, tags: ['blue'], scores: [4, 5] }, { id: 2, tags: ['yellow', 'purple'], scores: [30] }],
    field_ops: [
      { field_name: 'tags', op: FieldPartialUpdateOpType.ARRAY_APPEND },
      { field_name: 'scores', op: 'ARRAY_APPEND' },
    ],
  } as never)
  assert.equal(appended.status.error_code, 'Success', appended.status.reason)
  assert.deepEqual(await rows(), [
    { tags: ['red', 'green', 'blue'], scores: ['1', '2', '3', '4', '5'] },
    { tags: ['blue', 'yellow', 'purple'], scores: ['10', '20', '30'] },
  ])
  const removed = await c.upsert({
    collection_name: 'ops',
    fields_data: [{ id: 1, tags: ['green'], scores: [2, 5] }],
    field_ops: [
      { field_name: 'tags', op: FieldPartialUpdateOpType.ARRAY_REMOVE },
      { field_name: 'scores', op: 'ARRAY_REMOVE' },
    ],
  } as never)
  assert.equal(removed.status.error_code, 'Success', removed.status.reason)
  assert.deepEqual((await rows())[0], { tags: ['red', 'blue'], scores: ['1', '3', '4'] })
})

test('an append past max_capacity is refused and changes nothing', async () => {
  const before = await rows()
  const r = await srv.connect().upsert({
    collection_name: 'ops',
    fields_data: [{ id: 2, tags: ['a', 'b'] }],
    field_ops: [{ field_name: 'tags', op: 'ARRAY_APPEND' }],
  } as never)
  assert.equal(r.status.error_code, 'IllegalArgument')
  assert.match(r.status.reason, /ARRAY_APPEND makes the array 5 elements long .* max_capacity 4/)
  assert.deepEqual(await rows(), before)
})
