// Repeated upsert + search + flush + compaction cycles release what they replace (issue 11's RSS growth):
// segments compacted away, their HNSW graphs, interim indexes once a segment's graph is built, and the
// vector arena gives freed pages back to the OS. Checked through the live-object counters and the arena's
// own accounting (embedded, public API), never through RSS.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { liveObjectCounts } from '../common/live-objects.ts'
import { readGate } from '../common/read-gate.ts'
import { nativePageDiscarder } from '../index/hnsw-native/native-addon.ts'
import { DataType } from '../index.ts'
import { VectorArena } from '../vector/vector-arena.ts'
import { openTemp, randomVector, rng } from '../../test/support/temp-db.ts'
import { memoryStats } from './memory-stats.ts'

const dim = 128
const keyCount = 3_000
const cycles = 6
const batchRows = 500

let env: Awaited<ReturnType<typeof openTemp>>
const next = rng(11)
const rowsOf = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: from + i, v: randomVector(next, dim) }))

before(async () => {
  env = await openTemp({ segmentRowsMax: 1_000, timeTravelRetentionMs: 0, autoCompaction: false })
  await env.client.createCollection({
    collection_name: 'm',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'v', data_type: DataType.FloatVector, dim },
    ],
  })
  const r = await env.client.createIndex({ collection_name: 'm', field_name: 'v', index_type: 'HNSW', metric_type: 'L2', params: { M: 8, efConstruction: 32 } })
  assert.equal(r.code, 0)
  await env.client.loadCollection({ collection_name: 'm' })
})
after(() => env.cleanup())

/** Waits until no index build, interim training, compaction or checkpoint is left (bounded). */
async function settle(): Promise<void> {
  const db = env.client.database
  const deadline = performance.now() + 30_000
  for (;;) {
    await db.indexBuilds.idle()
    await db.indexBuilds.interim.idle()
    await db.compactions.idle()
    const stats = memoryStats(db)
    const unindexed = db.state.collection('m').segmentsOf().some((s) => s.state === 'sealed' && s.rowCount > 0 && !s.vectorIndexes.has('v'))
    if (!unindexed && stats.interimIndexes === 0) {
      // Arena frees wait while a checkpoint writes (it may read the vectors): flush waits for it.
      await env.client.collection('m').flush()
      return
    }
    assert.ok(performance.now() < deadline, 'index builds did not settle within 30 s')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** What the collection holds now: segments, native graphs (all indexes here are HNSW), interim index objects. */
function held(): { segments: number; graphs: number; interims: number } {
  const data = env.client.database.state.collection('m')
  let graphs = 0
  let interims = 0
  for (const s of data.segmentsOf()) {
    graphs += s.vectorIndexes.size
    for (const slot of s.interimIndexes.values()) interims += (slot.index === null ? 0 : 1) + (slot.next === null ? 0 : 1)
  }
  return { segments: data.segmentsOf().length + data.retiredCount, graphs, interims }
}

test('upsert + search + flush + compaction cycles release replaced segments, graphs and interim indexes; the arena stays bounded', async () => {
  const c = env.client.collection('m')
  const live0 = liveObjectCounts()
  for (let from = 0; from < keyCount; from += batchRows) await c.insert(rowsOf(from, batchRows))
  await c.flush()
  await settle()
  const arena = VectorArena.shared()
  assert.ok(nativePageDiscarder() !== null, 'the native addon predates discardPages: rebuild it (npm rebuild quiverdb, in a clone: node-gyp rebuild)')
  const usedAfterLoad = arena.bytesUsed
  const discarded0 = arena.trimStats.discardedBytes
  const vectorBytes = keyCount * dim * 4
  for (let cycle = 0; cycle < cycles; cycle++) {
    // Every key gets a new vector: each cycle replaces every row (the old ones are deleted, then compacted away).
    for (let from = 0; from < keyCount; from += batchRows) {
      await c.upsert(rowsOf(from, batchRows))
      const hits = await c.search(randomVector(next, dim), { limit: 5, ef: 32 })
      assert.equal(hits[0]!.length, 5, `cycle ${cycle}: a search finds 5 rows`)
    }
    await c.flush()
    const compacted = await env.client.compact({ collection_name: 'm' })
    assert.equal(compacted.status.code, 0)
    await settle()
    assert.equal(await c.count(), keyCount, `cycle ${cycle}: every key once`)
    const live = liveObjectCounts()
    const h = held()
    assert.equal(readGate.pendingReleases, 0, `cycle ${cycle}: no release waits for a read`)
    assert.equal(live.segment - live0.segment, h.segments, `cycle ${cycle}: live segments = segments the collection holds`)
    assert.equal(live.nativeHnsw - live0.nativeHnsw, h.graphs, `cycle ${cycle}: live HNSW graphs = graphs of its segments`)
    assert.equal(live.interimIndex - live0.interimIndex, h.interims, `cycle ${cycle}: no interim index outlives its slot`)
    assert.equal(h.interims, 0, `cycle ${cycle}: every sealed segment is indexed, so no interim index is left`)
    const deleted = env.client.database.state.collection('m').segmentsOf().reduce((n, s) => n + s.deletes.count, 0)
    assert.equal(deleted, 0, `cycle ${cycle}: compaction purged every replaced row`)
    // The live rows' vectors, plus one growing chunk and scratch: not one more copy per cycle.
    assert.ok(arena.bytesUsed - usedAfterLoad <= vectorBytes, `cycle ${cycle}: arena used ${arena.bytesUsed} B, after the load ${usedAfterLoad} B`)
  }
  // Each cycle freed at least the replaced rows' vectors and the growing segments' chunks: their pages went back.
  assert.ok(arena.trimStats.discardedBytes - discarded0 >= cycles * vectorBytes, `arena gave back ${arena.trimStats.discardedBytes - discarded0} B`)
  // Dropping the collection releases everything it held.
  await env.client.dropCollection({ collection_name: 'm' })
  const live = liveObjectCounts()
  assert.deepEqual({ segment: live.segment - live0.segment, nativeHnsw: live.nativeHnsw - live0.nativeHnsw, interimIndex: live.interimIndex - live0.interimIndex }, { segment: 0, nativeHnsw: 0, interimIndex: 0 })
})
