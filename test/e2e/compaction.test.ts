// Compaction through the public API: frequent flushes leave small segments that merge; a segment
// whose rows were mostly deleted is rewritten without them; reads before and after are identical
// (query, count, search), deletes never come back (also after reopen), and time-travel reads older
// than the purge horizon are refused rather than answered wrongly.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType, MilvusError } from '../../src/index.ts'
import { openTemp, randomVector, rng } from '../support/temp-db.ts'

describe('compaction', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  const next = rng(5)
  before(async () => {
    env = await openTemp({ segmentRowsMax: 400, timeTravelRetentionMs: 0, autoCompaction: false })
    await env.client.createCollection({
      collection_name: 'c',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'tag', data_type: DataType.VarChar, max_length: 8, nullable: true },
        { name: 'v', data_type: DataType.FloatVector, dim: 4 },
      ],
    })
  })
  after(() => env.cleanup())

  const snapshot = async () => {
    const c = env.client.collection('c')
    const rows = await c.query({ filter: 'id >= 0', outputFields: ['*'] })
    const hits = await c.search([0.1, 0.2, 0.3, 0.4], { limit: 20, metric: 'L2' })
    return { rows: rows.sort((a, b) => Number(a.id) - Number(b.id)), count: await c.count(), hits: hits[0]!.map((h) => h.id) }
  }
  const segments = () => env.client.database.state.collection('c').segmentsOf()

  test('small flushed segments merge and deleted rows are purged; results unchanged', async () => {
    const c = env.client.collection('c')
    for (let b = 0; b < 6; b++) {
      await c.upsert(Array.from({ length: 30 }, (_, i) => ({ id: b * 30 + i, tag: i % 3 === 0 ? null : `t${i}`, v: randomVector(next, 4) })))
      await c.flush()
    }
    await c.upsert(Array.from({ length: 40 }, (_, i) => ({ id: i * 4, tag: 'new', v: randomVector(next, 4) })))
    await c.delete('id >= 150')
    await c.flush()
    const before = await snapshot()
    const segsBefore = segments().length
    assert.ok(segsBefore >= 6, `segments before: ${segsBefore}`)
    const res = await env.client.compact({ collection_name: 'c' })
    assert.equal(res.status.code, 0)
    assert.ok(res.compactionPlanCount >= 1, `plans: ${res.compactionPlanCount}`)
    const plans = await env.client.getCompactionStateWithPlans({ compactionID: res.compactionID })
    assert.equal(plans.state, 'Completed')
    assert.ok(plans.mergeInfos.some((m) => m.sources.length >= 2), JSON.stringify(plans.mergeInfos))
    assert.ok(segments().length < segsBefore, `${segments().length} segments after, ${segsBefore} before`)
    const deletedLeft = segments().reduce((n, s) => n + s.deletes.count, 0)
    assert.equal(deletedLeft, 0, 'every deleted row was purged')
    assert.deepEqual(await snapshot(), before)
    await c.flush()
    await env.reopen()
    assert.deepEqual(await snapshot(), before)
    const again = env.client.collection('c')
    assert.deepEqual(await again.get([155, 4]), [{ id: 4n }], 'deleted stays deleted, upserted version stays')
  })

  test('reads as of a time before the purge horizon are refused', async () => {
    const c = env.client.collection('c')
    const r = await c.upsert({ id: 9999, tag: 'x', v: [1, 1, 1, 1] })
    await c.delete([9999])
    await c.flush()
    await env.client.compact({ collection_name: 'c' })
    await assert.rejects(c.query({ filter: 'id == 9999', asOf: r.timestamp }), (e) => e instanceof MilvusError && e.code === 1100 && /horizon/.test(e.message))
  })
})

describe('memory protection', () => {
  test('a write past memoryBytesMax fails with code 9 and changes nothing; deleting and compacting frees room', async () => {
    const env = await openTemp({ memoryBytesMax: 200_000, timeTravelRetentionMs: 0, autoCompaction: false })
    try {
      await env.client.createCollection({ collection_name: 'm', dimension: 64 })
      const m = env.client.collection('m')
      const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: from + i, vector: Array(64).fill(0.5) }))
      await m.insert(rows(0, 500))
      await assert.rejects(m.insert(rows(500, 500)), (e) => e instanceof MilvusError && e.code === 9 && /memory quota exceeded/.test(e.message))
      assert.equal(await m.count(), 500)
      await m.delete('id >= 0')
      await m.flush()
      await env.client.compact({ collection_name: 'm' })
      await m.insert(rows(500, 500))
      assert.equal(await m.count(), 500)
    } finally {
      await env.cleanup()
    }
  })
})

describe('index-based compaction (dataCoord.compaction.indexBasedCompaction)', () => {
  test('a segment waiting for its vector index build is not compacted; once built it is, and a fully deleted one is dropped at once', async () => {
    const env = await openTemp({ segmentRowsMax: 400, timeTravelRetentionMs: 0, autoCompaction: false })
    const hold = new Int32Array(new SharedArrayBuffer(4))
    const builds = env.client.database.indexBuilds
    try {
      await env.client.createCollection({
        collection_name: 'x',
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true },
          { name: 'vector', data_type: DataType.FloatVector, dim: 8 },
        ],
      })
      assert.equal((await env.client.createIndex({ collection_name: 'x', field_name: 'vector', index_type: 'HNSW', metric_type: 'L2', params: { M: 8, efConstruction: 32 } })).code, 0)
      const x = env.client.collection('x')
      const next = rng(9)
      builds.hooks = { hold, holdMs: 20_000 }
      for (let b = 0; b < 3; b++) {
        await x.insert(Array.from({ length: 50 }, (_, i) => ({ id: b * 50 + i, vector: randomVector(next, 8) })))
        await x.flush()
      }
      await x.delete('id < 50') // every row of the first segment
      await x.flush()
      const segs = () => env.client.database.state.collection('x').segmentsOf()
      assert.equal(segs().length, 3)
      const held = await env.client.compact({ collection_name: 'x' })
      assert.equal(held.status.code, 0)
      assert.equal(segs().length, 2, 'the fully deleted segment is dropped, indexed or not')
      assert.ok(segs().every((s) => s.vectorIndexes.size === 0), 'builds are held')
      assert.equal(segs().reduce((n, s) => n + s.rowCount, 0), 100, 'the two unindexed segments are not merged')
      Atomics.store(hold, 0, 1)
      Atomics.notify(hold, 0)
      builds.hooks = {}
      await builds.idle()
      const merged = await env.client.compact({ collection_name: 'x' })
      assert.ok(merged.compactionPlanCount >= 1, `plans: ${merged.compactionPlanCount}`)
      await builds.idle()
      assert.equal(segs().length, 1, 'indexed now: merged')
      assert.equal(await x.count(), 100)
    } finally {
      Atomics.store(hold, 0, 1)
      Atomics.notify(hold, 0)
      await env.cleanup()
    }
  })
})
