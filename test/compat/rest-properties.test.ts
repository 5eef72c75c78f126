// REST v2 properties endpoints against the real server with plain fetch: collections/alter_properties
// and drop_properties, databases/alter (and alter_properties), drop_properties, describe showing
// `properties: [{key, value}]`, 1100 for a bad value (nothing changed) and force-deny on insert.
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

test('collections/alter_properties and drop_properties; describe lists them', async () => {
  await ok('collections/create', { collectionName: 'books', dimension: 2 })
  assert.deepEqual(await ok('collections/alter_properties', { collectionName: 'books', properties: { 'collection.ttl.seconds': 60, 'mmap.enabled': false } }), {})
  assert.deepEqual((await ok('collections/describe', { collectionName: 'books' })).properties, [
    { key: 'timezone', value: 'UTC' },
    { key: 'collection.ttl.seconds', value: '60' },
    { key: 'mmap.enabled', value: 'false' },
  ])
  const bad = await call('collections/alter_properties', { collectionName: 'books', properties: { 'collection.ttl.seconds': 'soon' } })
  assert.equal(bad.code, 1100)
  assert.match(bad.message, /collection\.ttl\.seconds/)
  await ok('collections/drop_properties', { collectionName: 'books', propertyKeys: ['mmap.enabled'] })
  assert.deepEqual((await ok('collections/describe', { collectionName: 'books' })).properties, [{ key: 'timezone', value: 'UTC' }, { key: 'collection.ttl.seconds', value: '60' }])
  assert.equal((await call('collections/drop_properties', { collectionName: 'books' })).code, 1802)
  assert.equal((await call('collections/alter_properties', { collectionName: 'nope', properties: { a: 1 } })).code, 100)
})

test('databases/alter, alter_properties, drop_properties; force deny writing', async () => {
  await ok('databases/create', { dbName: 'shop', properties: { 'database.replica.number': 1 } })
  await ok('databases/alter', { dbName: 'shop', properties: { 'database.force.deny.writing': true } })
  await ok('databases/alter_properties', { dbName: 'shop', properties: { 'database.resource_groups': 'rg1' } })
  const props = (await ok('databases/describe', { dbName: 'shop' })).properties
  assert.deepEqual(Object.fromEntries(props.map((p: Json) => [p.key, p.value])), {
    'database.replica.number': '1',
    'database.force.deny.writing': 'true',
    'database.resource_groups': 'rg1',
  })
  await ok('collections/create', { dbName: 'shop', collectionName: 'items', dimension: 2 })
  const denied = await call('entities/insert', { dbName: 'shop', collectionName: 'items', data: [{ id: 1, vector: [1, 2] }] })
  assert.equal(denied.code, 9, JSON.stringify(denied))
  assert.equal((await call('databases/alter', { dbName: 'shop', properties: { 'database.max.collections': -1 } })).code, 1100)
  await ok('databases/drop_properties', { dbName: 'shop', propertyKeys: ['database.force.deny.writing'] })
  await ok('entities/insert', { dbName: 'shop', collectionName: 'items', data: [{ id: 1, vector: [1, 2] }] })
  assert.equal((await call('databases/alter', { dbName: 'nope', properties: { a: 1 } })).code, 800)
})
