// Collection and database properties through the SDK-shaped API: alter, describe, drop keys, reopen;
// invalid values are 1100 and change nothing; the enforced keys (database.max.collections,
// database.force.deny.writing/reading, collection.autocompaction.enabled) behave as in Milvus.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { openTemp } from '../support/temp-db.ts'

const asObject = (list: { key: string; value: string }[]) => Object.fromEntries(list.map((kv) => [kv.key, kv.value]))

describe('properties', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  before(async () => {
    env = await openTemp({ segmentRowsMax: 50, timeTravelRetentionMs: 0 })
  })
  after(() => env.cleanup())

  const collectionProps = async (name: string, db_name?: string) =>
    asObject((await env.client.describeCollection({ collection_name: name, ...(db_name === undefined ? {} : { db_name }) })).properties as { key: string; value: string }[])

  test('collection properties: set, describe, drop keys, survive reopen', async () => {
    const c = env.client
    await c.createCollection({ collection_name: 'books', dimension: 2 })
    assert.deepEqual(await collectionProps('books'), { timezone: 'UTC' }, 'Milvus 2.6 records the timezone on every new collection')
    const r = await c.alterCollectionProperties({ collection_name: 'books', properties: { 'collection.ttl.seconds': 60, 'mmap.enabled': true, 'my.tag': 'x' } })
    assert.equal(r.code, 0, r.reason)
    assert.deepEqual(await collectionProps('books'), { timezone: 'UTC', 'collection.ttl.seconds': '60', 'mmap.enabled': 'true', 'my.tag': 'x' })
    assert.equal((await c.dropCollectionProperties({ collection_name: 'books', properties: ['my.tag', 'absent.key'] })).code, 0)
    assert.equal((await c.alterCollection({ collection_name: 'books', properties: { 'collection.ttl.seconds': '120' } })).code, 0)
    assert.deepEqual(await collectionProps('books'), { timezone: 'UTC', 'collection.ttl.seconds': '120', 'mmap.enabled': 'true' })
    await env.reopen()
    assert.deepEqual(await collectionProps('books'), { timezone: 'UTC', 'collection.ttl.seconds': '120', 'mmap.enabled': 'true' })
  })

  test('invalid values are 1100 naming the key and change nothing', async () => {
    const c = env.client
    const before = await collectionProps('books')
    const bad = [
      { 'collection.ttl.seconds': 'soon' },
      { 'collection.ttl.seconds': -5 },
      { 'mmap.enabled': 'yes' },
      { 'my.ok': 'fine', 'collection.autocompaction.enabled': 'maybe' },
    ]
    for (const properties of bad) {
      const r = await c.alterCollectionProperties({ collection_name: 'books', properties })
      assert.equal(r.code, 1100, JSON.stringify(properties))
      assert.match(r.reason, /property (collection\.ttl\.seconds|mmap\.enabled|collection\.autocompaction\.enabled)/)
    }
    const both = await c.alterCollectionProperties({ collection_name: 'books', properties: { a: '1' }, delete_keys: ['b'] })
    assert.equal(both.code, 1100)
    assert.equal((await c.alterCollectionProperties({ collection_name: 'nope', properties: { a: '1' } })).code, 100)
    assert.deepEqual(await collectionProps('books'), before)
    assert.equal((await c.alterDatabase({ db_name: 'default', properties: { 'database.max.collections': 'many' } })).code, 1100)
    assert.equal((await c.alterDatabase({ db_name: 'nope', properties: { a: '1' } })).code, 800)
    assert.deepEqual((await c.describeDatabase({ db_name: 'default' })).properties, [])
    const created = await c.createCollection({ collection_name: 'badttl', dimension: 2, properties: { 'collection.ttl.seconds': 'x' } })
    assert.equal(created.code, 1100)
    assert.equal((await c.hasCollection({ collection_name: 'badttl' })).value, false)
  })

  test('database properties: create with, alter, drop keys, describe; default database survives reopen', async () => {
    const c = env.client
    assert.equal((await c.createDatabase({ db_name: 'ro', properties: { 'database.replica.number': 1 } })).code, 0)
    assert.deepEqual(asObject((await c.describeDatabase({ db_name: 'ro' })).properties), { 'database.replica.number': '1' })
    assert.equal((await c.alterDatabaseProperties({ db_name: 'ro', properties: { 'database.resource_groups': 'rg1' } })).code, 0)
    assert.equal((await c.dropDatabaseProperties({ db_name: 'ro', properties: ['database.replica.number'] })).code, 0)
    assert.deepEqual(asObject((await c.describeDatabase({ db_name: 'ro' })).properties), { 'database.resource_groups': 'rg1' })
    assert.equal((await c.alterDatabase({ db_name: 'default', properties: { team: 'search' } })).code, 0)
    await env.reopen()
    assert.deepEqual(asObject((await env.client.describeDatabase({ db_name: 'default' })).properties), { team: 'search' })
    assert.deepEqual(asObject((await env.client.describeDatabase({ db_name: 'ro' })).properties), { 'database.resource_groups': 'rg1' })
  })

  test('database.max.collections: CreateCollection beyond it fails as in Milvus; other databases are not limited', async () => {
    const c = env.client
    await c.createDatabase({ db_name: 'small' })
    assert.equal((await c.alterDatabase({ db_name: 'small', properties: { 'database.max.collections': 1 } })).code, 0)
    assert.equal((await c.createCollection({ collection_name: 'one', dimension: 2, db_name: 'small' })).code, 0)
    const two = await c.createCollection({ collection_name: 'two', dimension: 2, db_name: 'small' })
    assert.equal(two.code, 102)
    assert.equal(two.reason, 'exceeded the limit number of collections[dbName=small][limit=1]')
    assert.equal((await c.hasCollection({ collection_name: 'two', db_name: 'small' })).value, false)
    assert.equal((await c.createCollection({ collection_name: 'two', dimension: 2 })).code, 0, 'default database unaffected')
    await c.dropDatabaseProperties({ db_name: 'small', properties: ['database.max.collections'] })
    assert.equal((await c.createCollection({ collection_name: 'two', dimension: 2, db_name: 'small' })).code, 0)
  })

  test('database.force.deny.writing / reading refuse writes / reads into that database (code 9)', async () => {
    const c = env.client
    await c.createCollection({ collection_name: 'items', dimension: 2, db_name: 'ro' })
    await c.insert({ collection_name: 'items', db_name: 'ro', data: [{ id: 1, vector: [1, 0] }] })
    assert.equal((await c.alterDatabase({ db_name: 'ro', properties: { 'database.force.deny.writing': true } })).code, 0)
    const ins = await c.insert({ collection_name: 'items', db_name: 'ro', data: [{ id: 2, vector: [0, 1] }] })
    assert.equal(ins.status.code, 9)
    assert.equal(ins.status.reason, 'quota exceeded[reason=access has been disabled by the administrator]')
    assert.equal((await c.upsert({ collection_name: 'items', db_name: 'ro', data: [{ id: 2, vector: [0, 1] }] })).status.code, 9)
    assert.equal((await c.delete({ collection_name: 'items', db_name: 'ro', ids: [1] })).status.code, 9)
    assert.equal((await c.count({ collection_name: 'items', db_name: 'ro' })).data, 1, 'reads still work; nothing was written')
    assert.equal((await c.insert({ collection_name: 'two', data: [{ id: 5, vector: [1, 1] }] })).status.code, 0, 'other databases write')
    await c.alterDatabase({ db_name: 'ro', properties: { 'database.force.deny.writing': 'false', 'database.force.deny.reading': 'true' } })
    assert.equal((await c.insert({ collection_name: 'items', db_name: 'ro', data: [{ id: 2, vector: [0, 1] }] })).status.code, 0)
    assert.equal((await c.query({ collection_name: 'items', db_name: 'ro', filter: 'id > 0' })).status.code, 9)
    assert.equal((await c.search({ collection_name: 'items', db_name: 'ro', data: [1, 0], limit: 1 })).status.code, 9)
    await c.dropDatabaseProperties({ db_name: 'ro', properties: ['database.force.deny.reading'] })
    assert.equal((await c.count({ collection_name: 'items', db_name: 'ro' })).data, 2)
  })

  test('collection.autocompaction.enabled=false: background compaction skips the collection, manual compaction still runs', async () => {
    const c = env.client
    await c.createCollection({ collection_name: 'quiet', dimension: 2, properties: { 'collection.autocompaction.enabled': false } })
    for (let b = 0; b < 4; b++) {
      await c.insert({ collection_name: 'quiet', data: Array.from({ length: 5 }, (_, i) => ({ id: b * 10 + i, vector: [b, i] })) })
      await c.flush({ collection_names: ['quiet'] })
    }
    const db = env.client.database
    const segments = () => db.state.collection('quiet').segmentsOf().length
    const before = segments()
    assert.ok(before >= 4, `segments: ${before}`)
    db.compactions.schedule(() => db.latestTs())
    await new Promise((resolve) => setImmediate(resolve))
    for (let i = 0; i < 200 && db.compactions.runningCount > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10))
    assert.equal(segments(), before, 'no background merge')
    const manual = await c.compact({ collection_name: 'quiet' })
    assert.equal(manual.status.code, 0)
    assert.ok(segments() < before, `${segments()} segments after a manual compaction, ${before} before`)
    assert.equal((await c.count({ collection_name: 'quiet' })).data, 20)
  })
})
