// Timestamptz over REST v2 with plain fetch: a schema field of type Timestamptz with an ISO default,
// ISO text inserted (offsets honoured), RFC 3339 text queried back in the collection's `timezone`
// (set with collections/alter_properties), ISO/INTERVAL filters, describe showing the default as text.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startTestServer, type TestServer } from './server-fixture.ts'

let t: TestServer
let base: string

before(async () => {
  t = await startTestServer()
  base = `http://127.0.0.1:${t.server.port}/v2/vectordb`
})
after(() => t.stop())

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
type Json = any

async function call(path: string, body: unknown): Promise<Json> {
  const res = await fetch(`${base}/${path}`, { method: 'POST', body: JSON.stringify(body) })
  assert.equal(res.status, 200, `${path}: HTTP ${res.status}`)
  return res.json()
}

async function ok(path: string, body: unknown): Promise<Json> {
  const r = await call(path, body)
  assert.equal(r.code, 0, `${path}: ${JSON.stringify(r)}`)
  return r.data
}

test('Timestamptz through REST v2: ISO in, RFC 3339 out in the collection timezone, filters, describe', async () => {
  await ok('collections/create', {
    collectionName: 'events',
    schema: {
      fields: [
        { fieldName: 'id', dataType: 'Int64', isPrimary: true },
        { fieldName: 'vec', dataType: 'FloatVector', elementTypeParams: { dim: 2 } },
        { fieldName: 'at', dataType: 'Timestamptz', defaultValue: '2020-02-02T02:02:02+02:00' },
      ],
    },
  })
  await ok('collections/alter_properties', { collectionName: 'events', properties: { timezone: 'Europe/Berlin' } })
  const described = await ok('collections/describe', { collectionName: 'events' })
  const at = described.fields.find((f: Json) => f.name === 'at')
  assert.equal(at.type, 'Timestamptz')
  assert.equal(at.defaultValue, '2020-02-02T01:02:02+01:00')
  await ok('entities/insert', { collectionName: 'events', data: [{ id: 1, vec: [1, 0], at: '2024-07-01T12:00:00Z' }, { id: 2, vec: [0, 1] }] })
  const rows = await ok('entities/query', { collectionName: 'events', filter: "at > ISO '2021-01-01T00:00:00Z'", outputFields: ['at'] })
  assert.deepEqual(rows.map((r: Json) => [String(r.id), r.at]), [['1', '2024-07-01T14:00:00+02:00']])
  const shifted = await ok('entities/query', { collectionName: 'events', filter: "at + INTERVAL 'P5Y' > ISO '2024-07-01T00:00:00Z'", outputFields: ['at'] })
  assert.deepEqual(shifted.map((r: Json) => String(r.id)).sort(), ['1', '2'])
  const bad = await call('entities/insert', { collectionName: 'events', data: [{ id: 3, vec: [1, 1], at: 'noon' }] })
  assert.equal(bad.code, 1100)
  assert.match(bad.message, /field at at row 0: invalid timestamp string: 'noon'/)
  const tz = await call('collections/alter_properties', { collectionName: 'events', properties: { timezone: 'Nowhere/City' } })
  assert.equal(tz.code, 1100)
  assert.match(tz.message, /unknown or invalid IANA Time Zone ID: Nowhere\/City/)
})
