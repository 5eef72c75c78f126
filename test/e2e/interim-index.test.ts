// The interim index on growing data, through the public API: with an HNSW index on the field, rows in
// a growing segment (and a sealed one whose HNSW build is held) are searched through their interim
// index; hits equal the exact answer within recall bounds, scores are exact, filters and deletes hold,
// an upserted key is found by its new vector only, after a reopen the interim index is rebuilt, and a
// large segment's centroids trained in a worker replace the quick ones.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType } from '../../src/index.ts'
import { interimWorkerRowsMin } from '../../src/index/interim/interim-policy.ts'
import { openTemp, rng } from '../support/temp-db.ts'

const DIM = 16
const CLUSTERS = 20
const next = rng(21)
const centres = Array.from({ length: CLUSTERS }, () => Array.from({ length: DIM }, () => next() * 4 - 2))
/** A vector near a random cluster centre. */
const vector = (): number[] => centres[Math.floor(next() * CLUSTERS)]!.map((c) => c + (next() - 0.5) * 0.6)
const l2 = (a: number[], b: number[]): number => a.reduce((s, x, i) => s + (x - b[i]!) ** 2, 0)

describe('interim index', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  const live = new Map<number, { v: number[]; tag: number }>()
  const coll = () => env.client.collection('c')
  const interimOf = () => env.client.database.state.collection('c').segmentsOf().map((s) => s.interimIndexes.get('v')?.index ?? null)
  const settle = async () => {
    await env.client.database.indexBuilds.interim.idle()
  }

  /** Recall@10 of 40 queries against the exact answer over `live` (filtered by `tag` when given); every hit checked. */
  const recall = async (tag?: number): Promise<number> => {
    let hit = 0
    let total = 0
    for (let q = 0; q < 40; q++) {
      const query = vector()
      const want = [...live]
        .filter(([, r]) => tag === undefined || r.tag === tag)
        .map(([id, r]) => ({ id, d: l2(query, r.v) }))
        .sort((a, b) => a.d - b.d)
        .slice(0, 10)
      const filter = tag === undefined ? undefined : `tag == ${tag}`
      const hits = (await coll().search(query, { limit: 10, ef: 32, ...(filter === undefined ? {} : { filter }) }))[0]!
      assert.equal(hits.length, Math.min(10, want.length))
      assert.equal(new Set(hits.map((h) => h.id)).size, hits.length, 'no key twice')
      for (const h of hits) {
        const row = live.get(Number(h.id))
        assert.ok(row !== undefined, `key ${h.id} is live`)
        if (tag !== undefined) assert.equal(row.tag, tag)
        assert.ok(Math.abs(h.score - l2(query, row.v)) < 1e-3, `key ${h.id}: score ${h.score} is its current vector's distance`)
      }
      const ids = new Set(want.map((w) => BigInt(w.id)))
      total += want.length
      for (const h of hits) if (ids.has(h.id as bigint)) hit++
    }
    return hit / total
  }

  const write = async (ids: number[]) => {
    const rows = ids.map((id) => ({ id, v: vector(), tag: id % 10 }))
    await coll().upsert(rows)
    for (const r of rows) live.set(r.id, { v: r.v, tag: r.tag })
  }

  before(async () => {
    env = await openTemp()
    await env.client.createCollection({
      collection_name: 'c',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'tag', data_type: DataType.Int64 },
        { name: 'v', data_type: DataType.FloatVector, dim: DIM },
      ],
    })
    const st = await env.client.createIndex({ collection_name: 'c', field_name: 'v', index_type: 'HNSW', metric_type: 'L2', params: { M: 8, efConstruction: 32 } })
    assert.equal(st.code, 0, st.reason)
  })
  after(() => env.cleanup())

  test('growing rows are searched through the interim index: exact scores, recall, filters', async () => {
    for (let b = 0; b < 6; b++) await write(Array.from({ length: 1000 }, (_, i) => b * 1000 + i))
    await settle()
    const [interim] = interimOf()
    assert.ok(interim !== null && interim !== undefined, 'the growing segment has an interim index')
    assert.equal(interim.coveredRows, 6000, 'every row is in its lists')
    assert.ok((await recall()) >= 0.9)
    assert.ok((await recall(3)) >= 0.9)
  })

  test('upserts and deletes: new vectors found at once (before and after the interim index takes them), old versions and deleted keys never', async () => {
    await write(Array.from({ length: 1500 }, (_, i) => i * 4))
    // Right after the upsert: the new rows may not be in the interim lists yet (scanned exactly).
    for (const id of [0, 400, 4000, 5996]) {
      const hits = (await coll().search(live.get(id)!.v, { limit: 3, ef: 32 }))[0]!
      assert.equal(hits[0]!.id, BigInt(id))
      assert.ok(hits[0]!.score < 1e-6)
    }
    await coll().delete(Array.from({ length: 300 }, (_, i) => i * 7))
    for (let i = 0; i < 300; i++) live.delete(i * 7)
    assert.ok((await recall()) >= 0.9)
    await settle()
    assert.equal(interimOf()[0]!.coveredRows, 7500)
    assert.ok((await recall()) >= 0.9)
    assert.ok((await recall(7)) >= 0.9)
    assert.equal(await coll().count(), live.size)
  })

  test('a sealed segment waiting for its HNSW build keeps its interim index; the built index replaces it', async () => {
    const hold = new Int32Array(new SharedArrayBuffer(4))
    const builds = env.client.database.indexBuilds
    builds.hooks = { hold, holdMs: 20_000 }
    await coll().flush()
    await settle()
    const sealed = env.client.database.state.collection('c').segmentsOf()[0]!
    assert.equal(sealed.state, 'sealed')
    assert.equal(sealed.vectorIndexes.size, 0, 'its HNSW build is held')
    assert.equal(sealed.interimIndexes.get('v')?.index?.coveredRows, 7500)
    assert.ok((await recall()) >= 0.9)
    Atomics.store(hold, 0, 1)
    Atomics.notify(hold, 0)
    builds.hooks = {}
    await builds.idle()
    await settle()
    assert.equal(sealed.vectorIndexes.size, 1)
    assert.equal(sealed.interimIndexes.size, 0, 'dropped once the index is built')
    assert.ok((await recall()) >= 0.9)
  })

  test('after a reopen the growing data gets its interim index again (it is not persisted)', async () => {
    await write(Array.from({ length: 3000 }, (_, i) => 10_000 + i))
    await settle()
    const again = await env.reopen()
    await again.database.indexBuilds.idle()
    await settle()
    const interims = interimOf().filter((i) => i !== null)
    assert.equal(interims.length, 1, 'the growing segment only')
    assert.equal(interims[0]!.coveredRows, 3000)
    assert.ok((await recall()) >= 0.9)
    assert.ok((await recall(1)) >= 0.9)
  })

  test('a large growing segment gets centroids trained in a worker, adopted without losing a row', async () => {
    await env.client.createCollection({ collection_name: 'big', dimension: 8, metric_type: 'L2' })
    await env.client.createIndex({ collection_name: 'big', field_name: 'vector', index_type: 'HNSW', metric_type: 'L2', params: { M: 8, efConstruction: 32 } })
    const big = env.client.collection('big')
    const rows = interimWorkerRowsMin + 4000
    const vectors: number[][] = []
    for (let from = 0; from < rows; from += 10_000) {
      const batch = Array.from({ length: Math.min(10_000, rows - from) }, (_, i) => ({ id: from + i, vector: centres[(from + i) % CLUSTERS]!.slice(0, 8).map((c) => c + (next() - 0.5)) }))
      await big.insert(batch)
      for (const r of batch) vectors.push(r.vector)
    }
    await settle()
    const slot = env.client.database.state.collection('big').segmentsOf()[0]!.interimIndexes.get('vector')!
    assert.ok(env.client.database.indexBuilds.interim.trainedCount >= 1, 'a worker training ran')
    assert.equal(slot.index!.trainedRows >= interimWorkerRowsMin, true, 'its centroids replaced the quick ones')
    assert.equal(slot.index!.coveredRows, rows)
    let hit = 0
    for (let q = 0; q < 20; q++) {
      const query = vectors[q * 997]!.map((x) => x + 0.01)
      const want = new Set(vectors.map((v, id) => ({ id, d: l2(query, v) })).sort((a, b) => a.d - b.d).slice(0, 10).map((w) => BigInt(w.id)))
      const hits = (await big.search(query, { limit: 10, ef: 128 }))[0]!
      for (const h of hits) if (want.has(h.id as bigint)) hit++
    }
    // Low-dimensional, overlapping clusters: IVF needs a larger probe than on the data above (ef 128).
    assert.ok(hit / 200 >= 0.9, `recall ${hit / 200}`)
  })

  test('a FLAT index promises exact answers: its growing rows get no interim index and every search equals brute force', async () => {
    await env.client.createCollection({
      collection_name: 'flat',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'vector', data_type: DataType.FloatVector, dim: DIM },
      ],
    })
    const st = await env.client.createIndex({ collection_name: 'flat', field_name: 'vector', index_type: 'FLAT', metric_type: 'L2' })
    assert.equal(st.code, 0, st.reason)
    const flat = env.client.collection('flat')
    const vectors = Array.from({ length: 6000 }, () => vector())
    for (let from = 0; from < vectors.length; from += 2000) await flat.insert(vectors.slice(from, from + 2000).map((v, i) => ({ id: from + i, vector: v })))
    await settle()
    assert.ok(env.client.database.state.collection('flat').segmentsOf().every((s) => !s.interimIndexes.has('vector')), 'no interim index on a FLAT field')
    for (let q = 0; q < 10; q++) {
      const query = vector()
      const want = vectors.map((v, id) => ({ id, d: l2(query, v) })).sort((a, b) => a.d - b.d).slice(0, 10).map((w) => BigInt(w.id))
      const hits = (await flat.search(query, { limit: 10 }))[0]!
      assert.deepEqual(hits.map((h) => h.id), want)
    }
  })
})
