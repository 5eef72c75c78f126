// Databases and aliases through the SDK-shaped API: collections are scoped by database, aliases
// resolve for reads and writes, Milvus's rules for dropping hold, and everything survives reopen.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { openTemp } from '../support/temp-db.ts'

describe('databases and aliases', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  before(async () => {
    env = await openTemp()
  })
  after(() => env.cleanup())

  test('same collection name in two databases holds different data', async () => {
    const c = env.client
    assert.equal((await c.createDatabase({ db_name: 'shop' })).code, 0)
    assert.equal((await c.createDatabase({ db_name: 'shop' })).code, 1100)
    assert.deepEqual((await c.listDatabases()).db_names, ['default', 'shop'])
    await c.createCollection({ collection_name: 'items', dimension: 2 })
    await c.createCollection({ collection_name: 'items', dimension: 2, db_name: 'shop' })
    await c.upsert({ collection_name: 'items', data: [{ id: 1, vector: [1, 1] }] })
    await c.upsert({ collection_name: 'items', db_name: 'shop', data: [{ id: 1, vector: [1, 1] }, { id: 2, vector: [2, 2] }] })
    assert.equal((await c.count({ collection_name: 'items' })).data, 1)
    assert.equal((await c.count({ collection_name: 'items', db_name: 'shop' })).data, 2)
    assert.deepEqual((await c.showCollections({ db_name: 'shop' })).data.map((x) => x.name), ['items'])
    assert.equal((await c.describeCollection({ collection_name: 'items', db_name: 'shop' })).db_name, 'shop')
    assert.equal((await c.useDatabase({ db_name: 'shop' })).code, 0)
    assert.equal((await c.count({ collection_name: 'items' })).data, 2)
    await c.useDatabase({ db_name: 'default' })
    const missing = await c.count({ collection_name: 'items', db_name: 'nope' })
    assert.equal(missing.status.code, 800)
    assert.equal((await c.dropDatabase({ db_name: 'shop' })).code, 1100, 'not empty')
    assert.equal((await c.dropDatabase({ db_name: 'default' })).code, 1100)
  })

  test('aliases resolve for reads and writes, move with alterAlias, block drops, survive reopen', async () => {
    const c = env.client
    await c.createCollection({ collection_name: 'v1', dimension: 2 })
    await c.createCollection({ collection_name: 'v2', dimension: 2 })
    assert.equal((await c.createAlias({ collection_name: 'v1', alias: 'live' })).code, 0)
    await c.upsert({ collection_name: 'live', data: [{ id: 7, vector: [0, 1] }] })
    assert.equal((await c.count({ collection_name: 'v1' })).data, 1)
    assert.deepEqual((await c.describeCollection({ collection_name: 'v1' })).aliases, ['live'])
    assert.equal((await c.dropCollection({ collection_name: 'v1' })).code, 1100)
    assert.equal((await c.alterAlias({ collection_name: 'v2', alias: 'live' })).code, 0)
    assert.equal((await c.count({ collection_name: 'live' })).data, 0)
    assert.equal((await c.describeAlias({ alias: 'live' })).collection, 'v2')
    assert.equal((await c.createCollection({ collection_name: 'live', dimension: 2 })).code, 1100)
    const again = await env.reopen()
    assert.deepEqual((await again.listAliases({ collection_name: 'v2' })).aliases, ['live'])
    assert.equal((await again.count({ collection_name: 'items', db_name: 'shop' })).data, 2)
    assert.equal((await again.dropAlias({ alias: 'live' })).code, 0)
    assert.equal((await again.count({ collection_name: 'live' })).status.code, 100)
    assert.equal((await again.dropCollection({ collection_name: 'v1' })).code, 0)
  })
})
