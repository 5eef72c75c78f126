// A write checked against the schema while an AddCollectionField is on its way to the WAL is applied
// after the field exists: its rows read the field's default (else null) — live and after WAL replay —
// instead of the apply failing after the write was durable (found by the long fuzz run, seed 20261207).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DataType } from '../../src/index.ts'
import { openTemp } from '../support/temp-db.ts'

test('an insert racing AddCollectionField gets the new field as null or its default, also after a reopen', async () => {
  const env = await openTemp({})
  try {
    let client = env.client
    const created = await client.createCollection({
      collection_name: 'race',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: 2 },
      ],
    })
    assert.equal(created.error_code, 'Success')
    // Neither call is awaited before the other starts: the insert is checked first, the field added first.
    const inserted = client.collection('race').insert({ id: [1, 2], v: [1, 2, 3, 4] })
    const added = client.addCollectionField({ collection_name: 'race', field: { name: 'extra', data_type: DataType.Int32, nullable: true } })
    const addedDefault = client.addCollectionField({ collection_name: 'race', field: { name: 'level', data_type: DataType.Int32, nullable: true, default_value: 7 } })
    const [ins, st, st2] = await Promise.all([inserted, added, addedDefault])
    assert.equal(ins.insertCount, 2)
    assert.equal(st.code, 0, st.reason)
    assert.equal(st2.code, 0, st2.reason)
    const read = async (): Promise<unknown[]> =>
      (await client.collection('race').query({ filter: 'id in [1, 2]', outputFields: ['id', 'extra', 'level'] })).map((r) => [Number(r.id), r.extra, r.level])
    assert.deepEqual(await read(), [[1, null, 7], [2, null, 7]])
    await client.collection('race').insert({ id: [3], v: [5, 6], extra: [9] })
    client = await env.reopen()
    assert.deepEqual(await read(), [[1, null, 7], [2, null, 7]])
    const third = await client.collection('race').query({ filter: 'id == 3', outputFields: ['extra', 'level'] })
    assert.deepEqual([third[0]!.extra, third[0]!.level], [9, 7])
  } finally {
    await env.cleanup()
  }
})

test('AddCollectionField of a struct array is refused with 1100 and the collection stays writable', async () => {
  const env = await openTemp({})
  try {
    await env.client.createCollection({
      collection_name: 'st',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: 2 },
      ],
    })
    await env.client.collection('st').insert({ id: [1], v: [1, 2] })
    const st = await env.client.addCollectionField({ collection_name: 'st', field: { name: 'parts', data_type: DataType.ArrayOfStruct, nullable: true } })
    assert.equal(st.code, 1100, st.reason)
    assert.match(st.reason, /struct array field, field name = parts/)
    const struct = await env.client.addCollectionField({ collection_name: 'st', field: { name: 'one', data_type: DataType.Struct, nullable: true } })
    assert.equal(struct.code, 1100, struct.reason)
    // An array of vectors exists only inside a struct: its add was applied half (schema yes, segments
    // no) and a later partial upsert of a stored row failed with 65535 (fuzz seed 424242).
    const vectors = await env.client.addCollectionField({ collection_name: 'st', field: { name: 'embs', data_type: DataType.ArrayOfVector, element_type: DataType.FloatVector, dim: 2, nullable: true } as never })
    assert.equal(vectors.code, 1100, vectors.reason)
    const partial = await env.client.collection('st').upsert([{ id: 1, v: [9, 9] }], { partialUpdate: true })
    assert.equal(partial.upsertCount, 1)
    const described = await env.client.describeCollection({ collection_name: 'st' })
    assert.deepEqual((described.schema as { fields: { name: string }[] }).fields.map((f) => f.name), ['id', 'v'])
    assert.equal((await env.client.collection('st').insert({ id: [2], v: [3, 4] })).insertCount, 1)
    const reopened = await env.reopen()
    assert.equal((await reopened.collection('st').query({ filter: 'id >= 0', outputFields: ['id'] })).length, 2)
  } finally {
    await env.cleanup()
  }
})

test('a field added while a compaction runs: the compacted rows read it as null, partial upserts merge into them, a reopen agrees', async () => {
  const env = await openTemp({ segmentRowsMax: 2_000, autoCompaction: false, timeTravelRetentionMs: 0 })
  try {
    let client = env.client
    await client.createCollection({
      collection_name: 'cmp',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: 8 },
        { name: 'tag', data_type: DataType.Int32 },
      ],
    })
    const coll = client.collection('cmp')
    for (let from = 0; from < 8_000; from += 2_000) {
      await coll.insert({ id: Array.from({ length: 2_000 }, (_, i) => from + i), v: new Float32Array(2_000 * 8).fill(0.5), tag: new Int32Array(2_000).fill(1) })
      await coll.flush()
    }
    await coll.delete({ filter: 'id % 3 == 0' })
    // Compaction takes segments whose vector index is built (Milvus's indexBasedCompaction).
    assert.equal((await client.createIndex({ collection_name: 'cmp', field_name: 'v', index_type: 'FLAT', metric_type: 'L2' })).code, 0)
    await client.database.indexBuilds.idle()
    // The compaction's worker is held once it has its inputs (built from the schema without the
    // field); the field is added; then the worker goes on and its output is swapped in.
    const hold = new Int32Array(new SharedArrayBuffer(4))
    let onHeld!: () => void
    const held = new Promise<void>((resolve) => (onHeld = resolve))
    client.database.compactions.hooks = { hold, holdMs: 20_000, onHeld }
    const compacted = client.compact({ collection_name: 'cmp' })
    await held
    const st = await client.addCollectionField({ collection_name: 'cmp', field: { name: 'extra', data_type: DataType.Int32, nullable: true } })
    const added = st.code === 0
    Atomics.store(hold, 0, 1)
    Atomics.notify(hold, 0)
    const done = await compacted
    client.database.compactions.hooks = {}
    assert.equal(done.status.code, 0, done.status.reason)
    assert.ok(added, st.reason)
    assert.ok(done.compactionPlanCount > 0, 'nothing was compacted')
    const upserted = await coll.upsert({ id: [1, 2], tag: [9, 9] }, { partialUpdate: true })
    assert.equal(upserted.upsertCount, 2)
    const read = async (): Promise<unknown[]> => (await client.collection('cmp').query({ filter: 'id in [1, 2, 4]', outputFields: ['id', 'tag', 'extra'] })).map((r) => [Number(r.id), r.tag, r.extra])
    assert.deepEqual(await read(), [[1, 9, null], [2, 9, null], [4, 1, null]])
    client = await env.reopen()
    assert.deepEqual(await read(), [[1, 9, null], [2, 9, null], [4, 1, null]])
  } finally {
    await env.cleanup()
  }
})
