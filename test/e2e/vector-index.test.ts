// Automatic indexing of new data, end to end: with an index on the vector field, segments that seal
// get indexed in the background; upserted rows are found and replaced versions never are — while
// segments are growing, sealed-but-unindexed, indexed, and after reopen (indexes loaded, not rebuilt).
// Concurrent searches walk the native HNSW on the libuv pool and answer what one search alone does.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType } from '../../src/index.ts'
import { NativeHnswIndex } from '../../src/index/hnsw-native/native-hnsw-index.ts'
import { openTemp, randomVector, rng } from '../support/temp-db.ts'

const DIM = 8

describe('vector indexes', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  const next = rng(9)
  const live = new Map<number, number[]>()
  before(async () => {
    env = await openTemp({ segmentRowsMax: 300 })
  })
  after(() => env.cleanup())

  for (const [indexType, params] of [
    ['HNSW', { M: 16, efConstruction: 64 }],
    ['IVF_FLAT', { nlist: 8 }],
    ['FLAT', {}],
  ] as const) {
    test(`${indexType}: upserts are found, replaced rows never, across seal, build and reopen`, async () => {
      const name = `vi_${indexType.toLowerCase()}`
      await env.client.createCollection({
        collection_name: name,
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true },
          { name: 'v', data_type: DataType.FloatVector, dim: DIM },
        ],
      })
      const st = await env.client.createIndex({ collection_name: name, field_name: 'v', index_type: indexType, metric_type: 'L2', params })
      assert.equal(st.code, 0, st.reason)
      const coll = () => env.client.collection(name)
      live.clear()
      const write = async (ids: number[]) => {
        const rows = ids.map((id) => ({ id, v: randomVector(next, DIM) }))
        await coll().upsert(rows)
        for (const r of rows) live.set(r.id, r.v)
      }
      // Every key's current vector must be its own nearest neighbour (score 0), and only the current one.
      const checkAll = async () => {
        for (const [id, v] of [...live].filter((_, i) => i % 25 === 0)) {
          const hits = (await coll().search(v, { limit: 3, ef: 64, nprobe: 8 }))[0]!
          assert.equal(hits[0]!.id, BigInt(id), `key ${id} finds itself`)
          assert.ok(hits[0]!.score < 1e-6)
          assert.equal(new Set(hits.map((h) => h.id)).size, hits.length, 'no key twice')
        }
        assert.equal(await coll().count(), live.size)
      }
      await write(Array.from({ length: 1000 }, (_, i) => i))
      await checkAll()
      await env.client.database.indexBuilds.idle()
      const d1 = await env.client.describeIndex({ collection_name: name, field_name: 'v' })
      const desc = d1.index_descriptions[0] as Record<string, string>
      assert.equal(desc.index_name, 'v')
      assert.deepEqual([...env.client.database.indexBuilds.failures], [])
      assert.equal(desc.state, 'Finished')
      assert.equal(desc.pending_index_rows, '0')
      assert.ok(Number(desc.indexed_rows) >= 900, `indexed rows ${desc.indexed_rows}`)
      // Overwrite keys that live in indexed segments: the old vectors must never come back.
      await write(Array.from({ length: 200 }, (_, i) => i * 5))
      await checkAll()
      await coll().flush()
      await env.client.database.indexBuilds.idle()
      await checkAll()
      const again = await env.reopen()
      const built = again.database.indexBuilds.builtCount
      await checkAll()
      assert.equal(built, 0, 'indexes were loaded from files, not rebuilt')
      const d2 = await again.describeIndex({ collection_name: name })
      assert.equal((d2.index_descriptions[0] as Record<string, string>).pending_index_rows, '0')
    })
  }

  test('HNSW: concurrent searches walk on the libuv pool and answer exactly what a search alone answers', async () => {
    const name = 'vi_concurrent'
    await env.client.createCollection({ collection_name: name, fields: [{ name: 'id', data_type: DataType.Int64, is_primary_key: true }, { name: 'v', data_type: DataType.FloatVector, dim: DIM }] })
    assert.equal((await env.client.createIndex({ collection_name: name, field_name: 'v', index_type: 'HNSW', metric_type: 'L2', params: { M: 16, efConstruction: 64 } })).code, 0)
    const coll = env.client.collection(name)
    await coll.upsert(Array.from({ length: 900 }, (_, id) => ({ id, v: randomVector(next, DIM) })))
    await coll.flush()
    await env.client.database.indexBuilds.idle()
    const queries = Array.from({ length: 16 }, () => randomVector(next, DIM))
    const search = (q: number[], filter?: string) => coll.search(q, { limit: 5, ef: 32, ...(filter === undefined ? {} : { filter }) })
    for (const filter of [undefined, 'id % 3 == 0', 'id < 100']) {
      const alone: unknown[] = []
      for (const q of queries) alone.push(await search(q, filter))
      const offloaded = NativeHnswIndex.prototype.searchAsync
      let walksOnPool = 0
      NativeHnswIndex.prototype.searchAsync = function (...args) {
        walksOnPool++
        return offloaded.apply(this, args)
      }
      try {
        assert.deepEqual(await Promise.all(queries.map((q) => search(q, filter))), alone, `filter ${filter}`)
      } finally {
        NativeHnswIndex.prototype.searchAsync = offloaded
      }
      assert.ok(walksOnPool > 0, `filter ${filter}: no walk went to the pool`)
    }
  })

  test('index errors: bad parameters name the parameter; one index per field; drop', async () => {
    await env.client.createCollection({ collection_name: 'ierr', dimension: 4 })
    const listed = await env.client.listIndexes({ collection_name: 'ierr' })
    assert.deepEqual(listed.indexes, ['vector'], 'the quick form creates an AUTOINDEX like the SDK')
    const bad = await env.client.createIndex({ collection_name: 'ierr', field_name: 'vector', index_type: 'HNSW', metric_type: 'L2', params: { M: 1 } })
    assert.equal(bad.code, 1100)
    assert.match(bad.reason, /M/)
    const other = await env.client.createIndex({ collection_name: 'ierr', field_name: 'vector', index_type: 'IVF_FLAT', metric_type: 'L2', params: { nlist: 4 } })
    assert.equal(other.code, 1100)
    assert.match(other.reason, /at most one distinct index/)
    assert.equal((await env.client.dropIndex({ collection_name: 'ierr', index_name: 'vector' })).code, 0)
    assert.equal((await env.client.describeIndex({ collection_name: 'ierr' })).status.code, 700)
    assert.equal((await env.client.createIndex({ collection_name: 'ierr', field_name: 'nope', index_type: 'HNSW', metric_type: 'L2' })).code, 65535) // Milvus's plain error for a missing field
  })
})
