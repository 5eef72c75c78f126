// The Timestamptz type through the embedded API: ISO 8601 text in (offsets honoured, naive text read
// in the collection's timezone), int64 microseconds stored, RFC 3339 text out in the collection's
// timezone, ISO/INTERVAL filters (fixed and calendar intervals, both sides), defaults and nulls,
// entity-level TTL (`ttl_field`), and the same answers after flush (segment files) and reopen (WAL).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType, MilvusError } from '../../src/index.ts'
import { openTemp } from '../support/temp-db.ts'

const fields = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'v', data_type: DataType.FloatVector, dim: 2 },
  { name: 'ts', data_type: DataType.Timestamptz, default_value: '2000-01-01T00:00:00Z' },
  { name: 'exp', data_type: DataType.Timestamptz, nullable: true },
]

const rows = [
  { id: 1, v: [1, 0], ts: '2024-01-31T10:00:00Z' },
  { id: 2, v: [0, 1], ts: '2024-02-29T23:30:00.5-05:00' }, // 2024-03-01T04:30:00.5Z
  { id: 3, v: [1, 1], ts: '2024-03-01 12:00:00' }, // naive: Asia/Tokyo (+09:00) → 03:00Z
  { id: 4, v: [2, 1], ts: new Date('1969-12-31T23:59:59.250Z') },
  { id: 5, v: [1, 2] }, // default
  { id: 6, v: [3, 1], ts: '1712000000000000' }, // microseconds (2024-04-01T19:33:20Z)
]

describe('Timestamptz', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  before(async () => {
    env = await openTemp()
    const st = await env.client.createCollection({ collection_name: 'tz', fields, properties: { timezone: 'Asia/Tokyo' } })
    assert.equal(st.code, 0, st.reason)
    await env.client.collection('tz').insert(rows)
  })
  after(() => env.cleanup())

  const ids = async (filter: string) =>
    (await env.client.collection('tz').query({ filter, outputFields: ['id'] })).map((r) => Number(r.id)).sort((a, b) => a - b)

  const checkAll = async () => {
    const got = await env.client.collection('tz').query({ filter: 'id > 0', outputFields: ['ts', 'exp'] })
    const byId = Object.fromEntries(got.map((r) => [Number(r.id), r]))
    assert.equal(byId[1]!.ts, '2024-01-31T19:00:00+09:00')
    assert.equal(byId[2]!.ts, '2024-03-01T13:30:00.5+09:00')
    assert.equal(byId[3]!.ts, '2024-03-01T12:00:00+09:00')
    assert.equal(byId[4]!.ts, '1970-01-01T08:59:59.25+09:00')
    assert.equal(byId[5]!.ts, '2000-01-01T09:00:00+09:00')
    assert.equal(byId[6]!.ts, '2024-04-02T04:33:20+09:00')
    assert.equal(byId[1]!.exp, null)
    assert.deepEqual(await ids("ts > ISO '2024-03-01T03:00:00Z'"), [2, 6])
    assert.deepEqual(await ids("ts >= iso '2024-03-01T12:00:00+09:00'"), [2, 3, 6])
    assert.deepEqual(await ids("ISO '2000-01-01T00:00:00Z' == ts"), [5])
    // an ISO literal without an offset is read in the collection's timezone (Asia/Tokyo), as Milvus
    assert.deepEqual(await ids("ts >= ISO '2024-03-01 12:00:00'"), [2, 3, 6])
    assert.deepEqual(await ids("ts < iso \"2024-03-01T12:00:00\" and id > 1"), [4, 5])
    assert.deepEqual(await ids("ts < ISO '1970-01-01T00:00:00Z'"), [4])
    // fixed-length interval: a shifted int64 comparison
    assert.deepEqual(await ids("ts + INTERVAL 'P1DT1H' <= ISO '2024-02-01T11:00:00Z'"), [1, 4, 5])
    assert.deepEqual(await ids("ISO '2024-03-31T00:00:00Z' < ts - INTERVAL 'PT1M'"), [6])
    // calendar interval (months): Jan 31 + 1 month is normalised to Mar 2 in a leap year, as Milvus (timegm)
    assert.deepEqual(await ids("ts + INTERVAL 'P1M' == ISO '2024-03-02T10:00:00Z'"), [1])
    assert.deepEqual(await ids("ts - interval 'P1Y' <= ISO '1999-01-01T00:00:00Z'"), [4, 5])
    assert.deepEqual(await ids('exp is null'), [1, 2, 3, 4, 5, 6])
    const hits = await env.client.collection('tz').search([[1, 0]], { limit: 1, outputFields: ['ts'] })
    assert.equal(hits[0]![0]!.row.ts, '2024-01-31T19:00:00+09:00')
  }

  test('ISO text in, RFC 3339 out in the collection timezone; ISO and INTERVAL filters', async () => {
    await checkAll()
  })

  test('the same after flush (segment files) and after reopen (WAL replay)', async () => {
    await env.client.collection('tz').flush()
    await checkAll()
    await env.client.collection('tz').upsert([{ id: 7, v: [0, 0], ts: '2030-05-05T05:05:05Z' }])
    await env.reopen()
    assert.deepEqual(await ids("ts > ISO '2030-01-01T00:00:00Z'"), [7])
    await env.client.collection('tz').delete({ filter: 'id == 7' })
    await checkAll()
  })

  test('bad values are refused whole: 1100 naming field, row and what was expected', async () => {
    const c = env.client.collection('tz')
    const refused = (data: unknown[], re: RegExp) => assert.rejects(c.insert(data), (e) => e instanceof MilvusError && e.code === 1100 && re.test(e.message))
    await refused([{ id: 20, v: [0, 0], ts: '2024-01-01T00:00:00Z' }, { id: 21, v: [0, 0], ts: '2024-13-01T00:00:00Z' }], /field ts at row 1: invalid timestamp string: '2024-13-01T00:00:00Z'/)
    await refused([{ id: 22, v: [0, 0], ts: '2024-01-01T00:00:00-13:00' }], /UTC offset hour -13 is out of the valid range \[-12, 14\]/)
    await refused([{ id: 23, v: [0, 0], ts: true }], /field ts at row 0: .*expected Timestamptz/)
    assert.deepEqual(await ids('id >= 20'), [])
  })

  test('filter errors name the problem', async () => {
    const q = (filter: string) => env.client.collection('tz').query({ filter, outputFields: ['id'] })
    const rejects = (filter: string, re: RegExp) => assert.rejects(q(filter), (e) => e instanceof MilvusError && e.code === 1100 && re.test(e.message), filter)
    await rejects("id > ISO '2024-01-01T00:00:00Z'", /field 'id' is not a timestamptz datatype/)
    await rejects("ts > ISO 'yesterday'", /invalid timestamp string: 'yesterday'/)
    await rejects("ts + INTERVAL '1 day' > ISO '2024-01-01T00:00:00Z'", /invalid ISO 8601 duration: '1 day'/)
  })

  test('timezone: validated; an alter changes how values are shown', async () => {
    const bad = await env.client.alterCollectionProperties({ collection_name: 'tz', properties: { timezone: 'Mars/Olympus' } })
    assert.equal(bad.code, 1100)
    assert.match(bad.reason, /unknown or invalid IANA Time Zone ID: Mars\/Olympus/)
    await env.client.alterCollectionProperties({ collection_name: 'tz', properties: { timezone: 'UTC' } })
    const got = await env.client.collection('tz').query({ filter: 'id == 1', outputFields: ['ts'] })
    assert.equal(got[0]!.ts, '2024-01-31T10:00:00Z')
    await env.client.alterCollectionProperties({ collection_name: 'tz', properties: { timezone: 'Asia/Tokyo' } })
  })

  test('entity-level TTL: rows whose ttl_field time has passed are invisible; null, 0 and future never expire', async () => {
    const st = await env.client.createCollection({ collection_name: 'ttl', fields, properties: { ttl_field: 'exp' } })
    assert.equal(st.code, 0, st.reason)
    const c = env.client.collection('ttl')
    const future = new Date(Date.now() + 3_600_000).toISOString()
    await c.insert([
      { id: 1, v: [1, 0], exp: '2001-01-01T00:00:00Z' },
      { id: 2, v: [0, 1], exp: future },
      { id: 3, v: [1, 1], exp: null },
      { id: 4, v: [2, 2], exp: '0' },
    ])
    const live = async () => (await env.client.collection('ttl').query({ filter: 'id > 0', outputFields: ['id'] })).map((r) => Number(r.id)).sort()
    assert.deepEqual(await live(), [2, 3, 4])
    assert.equal(await c.count(), 3)
    assert.deepEqual((await env.client.get({ collection_name: 'ttl', ids: [1, 2] })).data.map((r) => Number(r.id)), [2])
    assert.deepEqual((await c.search([[1, 0]], { limit: 10 }))[0]!.map((h) => Number(h.id)).sort(), [2, 3, 4])
    await c.upsert([{ id: 1, v: [1, 0], exp: null }])
    assert.deepEqual(await live(), [1, 2, 3, 4], 'an upsert with a null expiry brings the row back')
    assert.match((await env.client.createCollection({ collection_name: 'ttl2', fields, properties: { ttl_field: 'id' } })).reason, /ttl field must be timestamptz, field name = id/)
    assert.match((await env.client.alterCollectionProperties({ collection_name: 'ttl', properties: { 'collection.ttl.seconds': '60' } })).reason, /collection TTL and ttl field cannot be set at the same time/)
    await env.reopen()
    assert.deepEqual(await live(), [1, 2, 3, 4])
    // compaction turns expired rows into deletes and purges them: the key is free for an insert again
    await env.client.collection('ttl').insert([{ id: 5, v: [5, 5], exp: '2002-02-02T00:00:00Z' }])
    await assert.rejects(env.client.collection('ttl').insert([{ id: 5, v: [5, 5] }]), /5/, 'an expired row still holds its key until compaction')
    const compacted = await env.client.compact({ collection_name: 'ttl' })
    assert.equal(compacted.status.code, 0, compacted.status.reason)
    await env.client.collection('ttl').insert([{ id: 5, v: [5, 5], exp: null }])
    assert.deepEqual(await live(), [1, 2, 3, 4, 5])
    await env.reopen()
    assert.deepEqual(await live(), [1, 2, 3, 4, 5])
  })
})

describe('Timestamptz added to a live collection', () => {
  test('addCollectionField: old rows read the default; a naive default is read in the collection timezone', async () => {
    const env = await openTemp()
    try {
      const c = env.client
      assert.equal((await c.createCollection({ collection_name: 'live', fields: fields.slice(0, 2), properties: { timezone: 'Asia/Tokyo' } })).code, 0)
      await c.collection('live').insert([{ id: 1, v: [1, 0] }])
      const added = await c.addCollectionField({ collection_name: 'live', field: { name: 'seen', data_type: DataType.Timestamptz, nullable: true, default_value: '2024-05-05 09:00:00' } })
      assert.equal(added.code, 0, added.reason)
      await c.collection('live').insert([{ id: 2, v: [0, 1], seen: '2024-05-06T00:00:00Z' }])
      const rows = await c.collection('live').query({ filter: 'id > 0', outputFields: ['seen'] })
      assert.deepEqual(rows.map((r) => [Number(r.id), r.seen]).sort(), [[1, '2024-05-05T09:00:00+09:00'], [2, '2024-05-06T09:00:00+09:00']])
      await env.reopen()
      assert.deepEqual((await env.client.collection('live').query({ filter: "seen < ISO '2024-05-05T01:00:00Z'", outputFields: ['id'] })).map((r) => Number(r.id)), [1])
    } finally {
      await env.cleanup()
    }
  })
})
