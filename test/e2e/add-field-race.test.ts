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
    const described = await env.client.describeCollection({ collection_name: 'st' })
    assert.deepEqual((described.schema as { fields: { name: string }[] }).fields.map((f) => f.name), ['id', 'v'])
    assert.equal((await env.client.collection('st').insert({ id: [2], v: [3, 4] })).insertCount, 1)
    const reopened = await env.reopen()
    assert.equal((await reopened.collection('st').query({ filter: 'id >= 0', outputFields: ['id'] })).length, 2)
  } finally {
    await env.cleanup()
  }
})
