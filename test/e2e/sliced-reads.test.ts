// Reads that pause between blocks see one snapshot: a compaction that merges (and retires) the
// segments a search is scanning, deletes and upserts that land meanwhile, and a drop of the collection
// change nothing in the answer of a read that started before; retired memory is released only after it.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { readGate } from '../../src/common/read-gate.ts'
import { DataType } from '../../src/index.ts'
import { openTemp, randomVector, rng } from '../support/temp-db.ts'

const DIM = 16
/** Query vectors of the long search: enough to take several 8 ms slices on any machine. */
const NQ = 4000

describe('sliced reads keep their snapshot', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  const next = rng(11)
  const queries = Array.from({ length: NQ }, () => randomVector(next, DIM))
  before(async () => {
    env = await openTemp({ segmentRowsMax: 300, autoCompaction: false, timeTravelRetentionMs: 0 })
    await env.client.createCollection({
      collection_name: 'c',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: DIM },
      ],
    })
    for (let f = 0; f < 6; f++) {
      await env.client.insert({ collection_name: 'c', data: Array.from({ length: 200 }, (_, i) => ({ id: f * 200 + i, v: randomVector(next, DIM) })) })
      await env.client.flush({ collection_names: ['c'] })
    }
  })
  after(() => env.cleanup())

  const search = () => env.client.search({ collection_name: 'c', data: queries, limit: 5, metric_type: 'L2' })
  const idsOf = (r: Awaited<ReturnType<typeof search>>) => (r.results as { id: string }[][]).map((hits) => hits.map((h) => h.id).join(','))

  test('a compaction, deletes and upserts during a long search do not change its answer', async () => {
    const before = await search()
    assert.equal(before.status.code, 0)
    const running = search()
    // Let the search start and pause, then change everything under it.
    await new Promise((r) => setImmediate(r))
    await env.client.delete({ collection_name: 'c', filter: 'id < 300' })
    await env.client.upsert({ collection_name: 'c', data: Array.from({ length: 100 }, (_, i) => ({ id: 600 + i, v: randomVector(next, DIM) })) })
    await env.client.flush({ collection_names: ['c'] })
    const compacted = await env.client.compact({ collection_name: 'c' })
    assert.equal(compacted.status.code, 0)
    const during = await running
    assert.equal(during.status.code, 0, during.status.reason)
    assert.deepEqual(idsOf(during), idsOf(before))
    assert.equal(readGate.readsInFlight, 0)
    assert.equal(readGate.pendingReleases, 0)
    const afterwards = await search()
    assert.notDeepEqual(idsOf(afterwards), idsOf(before))
  })

  test('segments a read holds survive a compaction swap until the read ends, then are released', async () => {
    for (let f = 0; f < 4; f++) {
      await env.client.insert({ collection_name: 'c', data: Array.from({ length: 50 }, (_, i) => ({ id: 5000 + f * 50 + i, v: randomVector(next, DIM) })) })
      await env.client.flush({ collection_names: ['c'] })
    }
    const d = env.client.database.state.collection('c')
    const held = [...d.segments.values()]
    const vectorsBefore = held.map((s) => Array.from(s.fields.get('v')!.view().values as Float32Array).slice(0, DIM))
    const epoch = readGate.enter()
    try {
      const compacted = await env.client.compact({ collection_name: 'c' })
      assert.equal(compacted.status.code, 0)
      assert.ok(held.some((s) => !d.segments.has(s.id)), 'the compaction retired some held segment')
      assert.ok(readGate.pendingReleases > 0, 'their release waits for the read')
      held.forEach((s, i) => {
        assert.equal(d.segmentById(s.id), s)
        assert.deepEqual(Array.from(s.fields.get('v')!.view().values as Float32Array).slice(0, DIM), vectorsBefore[i])
      })
    } finally {
      readGate.exit(epoch)
    }
    assert.equal(readGate.pendingReleases, 0)
    assert.ok(held.some((s) => d.segmentById(s.id) === undefined), 'released segments are forgotten')
  })

  test('dropping the collection during a search: the search answers or fails cleanly; nothing is left held', async () => {
    const running = search()
    await new Promise((r) => setImmediate(r))
    const dropped = await env.client.dropCollection({ collection_name: 'c' })
    assert.equal(dropped.error_code ?? dropped.code, dropped.error_code === undefined ? 0 : 'Success')
    const r = await running
    assert.ok(r.status.code === 0 || r.status.code === 100, `${r.status.code} ${r.status.reason}`)
    assert.equal(readGate.readsInFlight, 0)
    assert.equal(readGate.pendingReleases, 0)
  })
})
