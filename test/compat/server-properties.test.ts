// Properties through the official Node SDK against the real server: AlterCollection (properties and
// delete_keys), DescribeCollection's properties, AlterDatabase / DescribeDatabase, the Milvus codes
// for invalid values (1100), database.max.collections (102) and force deny writing (9).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { MilvusClient } from '@zilliz/milvus2-sdk-node'
import { startTestServer, type TestServer } from './server-fixture.ts'

const asObject = (list: readonly { key: string; value: string | number }[]) => Object.fromEntries(list.map((kv) => [kv.key, kv.value]))

describe('properties over gRPC', () => {
  let t: TestServer
  let c: MilvusClient
  before(async () => {
    t = await startTestServer()
    c = t.connect()
  })
  after(() => t.stop())

  test('alterCollectionProperties / dropCollectionProperties / describeCollection', async () => {
    assert.equal((await c.createCollection({ collection_name: 'books', dimension: 2 })).error_code, 'Success')
    const r = await c.alterCollectionProperties({ collection_name: 'books', properties: { 'collection.ttl.seconds': 60, 'collection.autocompaction.enabled': false } })
    assert.equal(r.code, 0, r.reason)
    const d = await c.describeCollection({ collection_name: 'books' })
    assert.deepEqual(asObject(d.properties), { timezone: 'UTC', 'collection.ttl.seconds': '60', 'collection.autocompaction.enabled': 'false' })
    assert.equal((await c.dropCollectionProperties({ collection_name: 'books', properties: ['collection.ttl.seconds'] })).code, 0)
    assert.deepEqual(asObject((await c.describeCollection({ collection_name: 'books' })).properties), { timezone: 'UTC', 'collection.autocompaction.enabled': 'false' })
    const bad = await c.alterCollectionProperties({ collection_name: 'books', properties: { 'mmap.enabled': 'sometimes' } })
    assert.equal(bad.code, 1100)
    assert.equal(bad.error_code, 'IllegalArgument')
    assert.match(bad.reason, /mmap\.enabled/)
    assert.equal((await c.alterCollectionProperties({ collection_name: 'missing', properties: { a: 1 } })).code, 100)
  })

  test('alterDatabase / dropDatabaseProperties / describeDatabase, max collections and force deny', async () => {
    assert.equal((await c.createDatabase({ db_name: 'shop' })).code, 0)
    assert.equal((await c.alterDatabase({ db_name: 'shop', properties: { 'database.max.collections': 1, 'database.force.deny.writing': true } })).code, 0)
    assert.deepEqual(asObject((await c.describeDatabase({ db_name: 'shop' })).properties), { 'database.max.collections': '1', 'database.force.deny.writing': 'true' })
    assert.equal((await c.createCollection({ db_name: 'shop', collection_name: 'a', dimension: 2 })).code, 0)
    // The SDK's createCollection throws the failed status.
    await assert.rejects(c.createCollection({ db_name: 'shop', collection_name: 'b', dimension: 2 }), (e: { code?: number; reason?: string }) => {
      assert.equal(e.code, 102)
      assert.equal(e.reason, 'exceeded the limit number of collections[dbName=shop][limit=1]')
      return true
    })
    assert.equal((await c.hasCollection({ db_name: 'shop', collection_name: 'b' })).value, false)
    const ins = await c.insert({ db_name: 'shop', collection_name: 'a', data: [{ id: 1, vector: [1, 2] }] })
    assert.equal(ins.status.code, 9)
    assert.match(ins.status.reason, /access has been disabled by the administrator/)
    assert.equal((await c.dropDatabaseProperties({ db_name: 'shop', properties: ['database.force.deny.writing'] })).code, 0)
    assert.equal((await c.insert({ db_name: 'shop', collection_name: 'a', data: [{ id: 1, vector: [1, 2] }] })).status.code, 0)
    const bad = await c.alterDatabaseProperties({ db_name: 'shop', properties: { 'database.force.deny.reading': 'nah' } })
    assert.equal(bad.code, 1100)
    assert.deepEqual(asObject((await c.describeDatabase({ db_name: 'shop' })).properties), { 'database.max.collections': '1' })
  })
})
