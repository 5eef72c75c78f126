// Upsert `field_ops` (Milvus 2.6): ARRAY_APPEND / ARRAY_REMOVE merge into the stored arrays of a
// partial upsert (any non-REPLACE op makes the upsert partial), new keys start from an empty array,
// an append past max_capacity or an op on a non-Array field is refused with nothing changed, and
// the merged rows survive a reopen that replays the WAL.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType } from '../../src/index.ts'
import { openTemp } from '../support/temp-db.ts'

describe('upsert field_ops on array fields', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  before(async () => {
    // closeCheckpointMsMax 0: the reopen replays the upserts from the WAL.
    env = await openTemp({ closeCheckpointMsMax: 0 })
    await env.client.createCollection({
      collection_name: 'c',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: 2 },
        { name: 'tags', data_type: DataType.Array, element_type: DataType.VarChar, max_capacity: 5, max_length: 16 },
        { name: 'scores', data_type: DataType.Array, element_type: DataType.Int64, max_capacity: 8, nullable: true },
        { name: 'n', data_type: DataType.Int32 },
      ],
    })
    const r = await env.client.insert({
      collection_name: 'c',
      data: [
        { id: 1, v: [0, 1], tags: ['red', 'green'], scores: [1, 2, 3], n: 1 },
        { id: 2, v: [1, 0], tags: ['blue'], scores: null, n: 2 },
      ],
    })
    assert.equal(r.status.code, 0, r.status.reason)
  })
  after(() => env.cleanup())

  const rows = async () => {
    const q = await env.client.query({ collection_name: 'c', filter: 'id > 0', output_fields: ['id', 'tags', 'scores', 'n'] })
    assert.equal(q.status.code, 0, q.status.reason)
    return [...q.data].sort((a, b) => Number(a.id) - Number(b.id)).map((r) => ({ id: Number(r.id), tags: r.tags, scores: (r.scores as unknown[] | null)?.map(Number) ?? null, n: r.n }))
  }

  test('ARRAY_APPEND appends, keeps the other fields, and starts a new key from an empty array', async () => {
    const ops = [
      { field_name: 'tags', op: 'ARRAY_APPEND' },
      { field_name: 'scores', op: 1 },
    ]
    const r = await env.client.upsert({ collection_name: 'c', data: [{ id: 1, tags: ['blue'], scores: [4, 5] }, { id: 2, tags: ['yellow', 'purple'], scores: [30] }], field_ops: ops })
    assert.equal(r.status.code, 0, r.status.reason)
    // A partial upsert gives a field at every row or at none: the new key comes in its own request.
    const fresh = await env.client.upsert({ collection_name: 'c', data: [{ id: 3, v: [1, 1], tags: ['new'], scores: [7], n: 3 }], field_ops: ops })
    assert.equal(fresh.status.code, 0, fresh.status.reason)
    assert.deepEqual(await rows(), [
      { id: 1, tags: ['red', 'green', 'blue'], scores: [1, 2, 3, 4, 5], n: 1 },
      { id: 2, tags: ['blue', 'yellow', 'purple'], scores: [30], n: 2 },
      { id: 3, tags: ['new'], scores: [7], n: 3 },
    ])
  })

  test('ARRAY_REMOVE removes every element equal to a given one; REPLACE on another field replaces it', async () => {
    const r = await env.client.upsert({
      collection_name: 'c',
      data: [{ id: 1, tags: ['green', 'absent'], scores: [2, 5] }],
      field_ops: [
        { field_name: 'tags', op: 'ARRAY_REMOVE' },
        { field_name: 'scores', op: 'REPLACE' },
      ],
    })
    assert.equal(r.status.code, 0, r.status.reason)
    assert.deepEqual((await rows())[0], { id: 1, tags: ['red', 'blue'], scores: [2, 5], n: 1 })
  })

  test('an append past max_capacity, an op on a non-Array field, an unknown op or field: 1100, nothing changed', async () => {
    const before = await rows()
    const cases: [unknown[], RegExp][] = [
      [[{ field_name: 'tags', op: 'ARRAY_APPEND' }], /field tags at row 1: ARRAY_APPEND makes the array 6 elements long \(3 stored \+ 3 given\), more than its max_capacity 5/],
      [[{ field_name: 'n', op: 'ARRAY_APPEND' }], /applies to Array fields only; field n is Int32/],
      [[{ field_name: 'tags', op: 'ARRAY_SORT' }], /unknown op ARRAY_SORT/],
      [[{ field_name: 'nope', op: 'ARRAY_REMOVE' }], /field nope, which is not in the collection's schema/],
    ]
    for (const [ops, message] of cases) {
      const r = await env.client.upsert({ collection_name: 'c', data: [{ id: 1, tags: ['x'], n: 4 }, { id: 2, tags: ['a', 'b', 'c'], n: 5 }], field_ops: ops })
      assert.equal(r.status.code, 1100, JSON.stringify(ops))
      assert.match(r.status.reason, message)
    }
    assert.deepEqual(await rows(), before)
  })

  test('merged rows survive a reopen that replays the WAL', async () => {
    const live = await rows()
    const reopened = await env.reopen()
    assert.ok((reopened.database.openStats?.walRecords ?? 0) >= 3, 'the upserts were replayed from the WAL')
    assert.deepEqual(await rows(), live)
  })
})
