// The per-search shortcuts (docs/design/0007-search-hot-path.md, issue 14) answer as the general path:
// hits gathered from several segments keep their own rows, a remembered output plan follows a schema
// change, and a filtered search of indexed segments still finds the filtered top k (the walk's own
// ef scaling is tested in src/index/hnsw-native/filter-strategy.test.ts).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType } from '../index.ts'
import { openTemp, randomVector, rng } from '../../test/support/temp-db.ts'

const DIM = 8

describe('search hot path', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  const vectors = new Map<number, number[]>()
  before(async () => {
    env = await openTemp({ segmentRowsMax: 100 })
    await env.client.createCollection({
      collection_name: 'c',
      enable_dynamic_field: true,
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'tag', data_type: DataType.Int64 },
        { name: 'vec', data_type: DataType.FloatVector, dim: DIM },
      ],
    })
    const next = rng(7)
    const coll = env.client.collection('c')
    for (let b = 0; b < 5; b++) {
      const ids = Array.from({ length: 100 }, (_, i) => b * 100 + i)
      const vecs = ids.map(() => randomVector(next, DIM))
      ids.forEach((id, i) => vectors.set(id, vecs[i]!))
      await coll.insert({ id: ids, tag: ids.map((id) => id % 10), vec: vecs, extra: ids.map((id) => `e${id}`) })
      if (b < 4) await coll.flush()
    }
  })
  after(async () => env.cleanup())

  test('hits from several segments carry their own rows', async () => {
    const coll = env.client.collection('c')
    const segments = new Set<number>()
    for (const s of env.client.database.state.collection('c').segments.values()) if (s.rowCount > 0) segments.add(s.id)
    assert.ok(segments.size >= 3, `several segments (${segments.size})`)
    const [hits] = await coll.search(vectors.get(250)!, { limit: 50, outputFields: ['tag', 'extra'] })
    assert.equal(hits!.length, 50)
    for (const h of hits!) {
      assert.equal(h.row.id, h.id)
      assert.equal(h.row.tag, BigInt(Number(h.id) % 10))
      assert.equal(h.row.extra, `e${h.id}`)
    }
    assert.equal(hits![0]!.id, 250n)
  })

  test('a remembered output plan follows the schema: an added field shows up in `*`', async () => {
    const coll = env.client.collection('c')
    const [before] = await coll.search(vectors.get(3)!, { limit: 1, outputFields: ['*'] })
    assert.equal('note' in before![0]!.row, false)
    const r = await env.client.addCollectionField({ collection_name: 'c', field: { name: 'note', data_type: DataType.VarChar, max_length: 16, nullable: true } })
    assert.equal(r.code, 0, r.reason)
    const [afterAdd] = await coll.search(vectors.get(3)!, { limit: 1, outputFields: ['*'] })
    assert.equal(afterAdd![0]!.row.note, null)
    assert.equal(afterAdd![0]!.row.extra, 'e3')
  })

  test('a filtered HNSW search finds the filtered top k', async () => {
    const coll = env.client.collection('c')
    await coll.flush()
    const ok = await env.client.createIndex({ collection_name: 'c', field_name: 'vec', index_type: 'HNSW', metric_type: 'L2', params: { M: 8, efConstruction: 64 } })
    assert.equal(ok.code, 0, ok.reason)
    await env.client.database.indexBuilds.idle()
    const q = vectors.get(42)!
    const want = [...vectors]
      .filter(([id]) => id % 10 === 2)
      .map(([id, v]) => ({ id, d: v.reduce((s, x, i) => s + (x - q[i]!) ** 2, 0) }))
      .sort((a, b) => a.d - b.d || a.id - b.id)
      .slice(0, 5)
      .map((x) => BigInt(x.id))
    const [hits] = await coll.search(q, { limit: 5, ef: 16, filter: 'tag == 2' })
    assert.deepEqual(hits!.map((h) => h.id), want)
  })
})
