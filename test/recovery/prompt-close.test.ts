// close() returns promptly whatever runs, and loses nothing: a vector index build and a compaction
// running at close are cancelled (test hooks hold their workers, so neither could finish first), the
// reopened directory has every row, and the build / compaction runs again by itself and completes; a
// last checkpoint cut by `closeCheckpointMsMax` leaves the writes to WAL replay; one with nothing new is skipped.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { DataType, Quiver } from '../../src/index.ts'
import { randomVector, rng, tempDir } from '../support/temp-db.ts'

/** Generous, for a busy CI machine: a close that waited for the held work would take `HOLD_MS`. */
const CLOSE_MS_MAX = 5_000
const HOLD_MS = 60_000
/** Background work that resumes after reopen must finish within this. */
const RESUME_MS_MAX = 60_000
const DIM = 16
const next = rng(23)
const dirs: ReturnType<typeof tempDir>[] = []
after(() => {
  for (const d of dirs) d.cleanup()
})

function freshDir(): string {
  const d = tempDir('quiver-close-')
  dirs.push(d)
  return d.path
}

async function createWithRows(client: Quiver, segments: number, rowsPerSegment: number): Promise<void> {
  await client.createCollection({
    collection_name: 'c',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'v', data_type: DataType.FloatVector, dim: DIM },
    ],
  })
  const coll = client.collection('c')
  for (let s = 0; s < segments; s++) {
    await coll.upsert(Array.from({ length: rowsPerSegment }, (_, i) => ({ id: s * rowsPerSegment + i, v: randomVector(next, DIM) })))
    await coll.flush()
  }
}

function hold() {
  const cell = new Int32Array(new SharedArrayBuffer(4))
  let started!: () => void
  const running = new Promise<void>((resolve) => {
    started = resolve
  })
  return { cell, running, started }
}

async function timedClose(client: Quiver): Promise<number> {
  const t = performance.now()
  await client.close()
  return performance.now() - t
}

async function within<T>(ms: number, what: string, run: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([run(), timeout])
  } finally {
    clearTimeout(timer)
  }
}

test('close during a vector index build cancels it; after reopen the build runs again and completes', async () => {
  const path = freshDir()
  const logs: string[] = []
  const first = await Quiver.open({ path, log: (m) => logs.push(m) })
  await createWithRows(first, 1, 3_000)
  const builds = first.database.indexBuilds
  const { cell, running, started } = hold()
  builds.hooks = { hold: cell, holdMs: HOLD_MS, onStart: started }
  await first.createIndex({ collection_name: 'c', field_name: 'v', index_type: 'HNSW', metric_type: 'L2', params: { M: 8, efConstruction: 32 } })
  await running
  const closeMs = await timedClose(first)
  assert.ok(closeMs < CLOSE_MS_MAX, `close took ${closeMs.toFixed(0)} ms`)
  assert.equal(builds.builtCount, 0)
  assert.equal(first.database.closeStats?.cancelledBuilds, 1)
  assert.ok(logs.some((m) => /index build .* cancelled by close/.test(m)), logs.join('\n'))

  const second = await Quiver.open({ path, log: (m) => logs.push(m) })
  try {
    assert.equal((await second.count({ collection_name: 'c' })).data, 3_000)
    await within(RESUME_MS_MAX, 'the index build after reopen', () => second.database.indexBuilds.idle())
    assert.equal(second.database.indexBuilds.builtCount, 1)
    const progress = await second.getIndexBuildProgress({ collection_name: 'c', field_name: 'v' })
    assert.equal(progress.indexed_rows, 3_000)
    const probe = await second.query({ collection_name: 'c', filter: 'id == 1234', output_fields: ['v'] })
    const hits = await second.collection('c').search(probe.data[0]!.v as number[], { limit: 1 })
    assert.equal(Number(hits[0]![0]!.id), 1234)
  } finally {
    await second.close()
  }
})

test('close during a compaction cancels it and leaves the segments; after reopen it compacts them by itself', async () => {
  const path = freshDir()
  const logs: string[] = []
  const first = await Quiver.open({ path, autoCompaction: false, timeTravelRetentionMs: 0, log: (m) => logs.push(m) })
  await createWithRows(first, 6, 200)
  const segments = () => first.database.state.collection('c').segmentsOf().filter((s) => s.rowCount > 0).length
  assert.equal(segments(), 6)
  const { cell, running, started } = hold()
  first.database.compactions.hooks = { hold: cell, holdMs: HOLD_MS, onHeld: started }
  const manual = first.compact({ collection_name: 'c' })
  await running
  assert.equal(first.database.compactions.runningCount, 1)
  const closeMs = await timedClose(first)
  assert.ok(closeMs < CLOSE_MS_MAX, `close took ${closeMs.toFixed(0)} ms`)
  const record = await manual
  assert.equal(record.compactionPlanCount, 1)
  assert.equal(first.database.compactions.completedCount, 0)
  assert.equal(first.database.closeStats?.cancelledCompactions, 1)
  assert.ok(logs.some((m) => /compaction of segments .* cancelled by close, nothing changed/.test(m)), logs.join('\n'))

  const second = await Quiver.open({ path, timeTravelRetentionMs: 0, log: (m) => logs.push(m) })
  try {
    assert.equal((await second.count({ collection_name: 'c' })).data, 1_200)
    const live = () => second.database.state.collection('c').segmentsOf().filter((s) => s.rowCount > 0).length
    await within(RESUME_MS_MAX, 'the compaction after reopen', async () => {
      while (second.database.compactions.completedCount === 0) await new Promise((resolve) => setTimeout(resolve, 50))
    })
    assert.ok(live() < 6, `${live()} segments after the compaction`)
    assert.equal((await second.count({ collection_name: 'c' })).data, 1_200)
    const ids = (await second.query({ collection_name: 'c', filter: 'id >= 0', output_fields: ['id'] })).data.map((r) => Number(r.id))
    assert.deepEqual(ids.sort((a, b) => a - b), Array.from({ length: 1_200 }, (_, i) => i))
  } finally {
    await second.close()
  }
})

test('a last checkpoint cut by closeCheckpointMsMax loses nothing: the next open replays the WAL', async () => {
  const path = freshDir()
  const first = await Quiver.open({ path, closeCheckpointMsMax: 0 })
  await createWithRows(first, 0, 0)
  await first.collection('c').upsert(Array.from({ length: 500 }, (_, i) => ({ id: i, v: randomVector(next, DIM) })))
  await first.close()
  assert.equal(first.database.closeStats?.checkpoint, 'cancelled')
  assert.equal(existsSync(join(path, 'manifest.json')), false)

  const second = await Quiver.open({ path })
  assert.equal(second.database.openStats?.walRecords, 2)
  assert.equal((await second.count({ collection_name: 'c' })).data, 500)
  await second.close()
  assert.equal(second.database.closeStats?.checkpoint, 'written')

  const third = await Quiver.open({ path })
  assert.equal(third.database.openStats?.walRecords, 0)
  assert.equal((await third.count({ collection_name: 'c' })).data, 500)
  await third.close()
  assert.equal(third.database.closeStats?.checkpoint, 'skipped')
})
