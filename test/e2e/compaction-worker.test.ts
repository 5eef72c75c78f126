// Compaction runs in a worker thread: while a test hook holds the worker, searches, upserts and deletes
// on the very segments being merged complete, and the swap keeps them (also after reopen); a worker that
// throws or exits changes nothing, is logged and counted, and the same plan succeeds when run again.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType, type Quiver } from '../../src/index.ts'
import { openTemp, randomVector, rng } from '../support/temp-db.ts'

type Env = Awaited<ReturnType<typeof openTemp>>
const logs: string[] = []
const next = rng(11)

async function setUp(env: Env, partitions: readonly string[]): Promise<void> {
  const c = env.client
  await c.createCollection({
    collection_name: 'w',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'tag', data_type: DataType.VarChar, max_length: 16 },
      { name: 'v', data_type: DataType.FloatVector, dim: 4 },
    ],
  })
  for (const p of partitions) await c.createPartition({ collection_name: 'w', partition_name: p })
  const w = c.collection('w')
  for (let b = 0; b < 4; b++) {
    for (const [k, p] of ['_default', ...partitions].entries()) {
      const rows = Array.from({ length: 25 }, (_, i) => ({ id: k * 10_000 + b * 25 + i, tag: `b${b}`, v: randomVector(next, 4) }))
      await w.upsert(rows, p === '_default' ? {} : { partitionName: p })
    }
    await w.flush()
  }
  await w.delete('id < 10')
  await w.flush()
}

async function rowsOf(c: Quiver): Promise<string> {
  const rows = await c.collection('w').query({ filter: 'id >= 0', outputFields: ['id', 'tag'] })
  return JSON.stringify(rows.map((r) => [Number(r.id), r.tag]).sort((a, b) => (a[0] as number) - (b[0] as number)))
}

/** A hold for the worker: `held` resolves once it waits, `release()` lets it go on. */
function holdHook() {
  const hold = new Int32Array(new SharedArrayBuffer(4))
  let onHeld!: () => void
  const held = new Promise<void>((resolve) => {
    onHeld = resolve
  })
  const release = () => {
    Atomics.store(hold, 0, 1)
    Atomics.notify(hold, 0)
  }
  return { hooks: { hold, holdMs: 20_000, onHeld }, held, release }
}

describe('compaction in a worker thread', () => {
  let env: Env
  before(async () => {
    env = await openTemp({ segmentRowsMax: 400, timeTravelRetentionMs: 0, autoCompaction: false, log: (m) => logs.push(m) })
    await setUp(env, [])
  })
  after(() => env.cleanup())

  test('search, upsert and delete complete while the worker is held; the swap keeps their effects', async () => {
    const c = env.client
    const w = c.collection('w')
    const compactions = c.database.compactions
    const segsBefore = c.database.state.collection('w').segmentsOf().length
    const { hooks, held, release } = holdHook()
    compactions.hooks = hooks
    const compacting = c.compact({ collection_name: 'w' })
    try {
      await held
      assert.equal(compactions.runningCount, 1)
      const hits = await w.search(randomVector(next, 4), { limit: 5, metric: 'L2' })
      assert.equal(hits[0]!.length, 5)
      // Rows of the segments being merged: an upsert replaces one, a delete removes another, a new key lands.
      await w.upsert([
        { id: 30, tag: 'during', v: [1, 1, 1, 1] },
        { id: 5000, tag: 'new', v: [0, 0, 0, 1] },
      ])
      await w.delete([31, 77])
      assert.equal(compactions.runningCount, 1, 'the worker is still held')
    } finally {
      release()
    }
    const expected = await rowsOf(c)
    const res = await compacting
    assert.equal(res.status.code, 0)
    assert.ok(res.compactionPlanCount >= 1)
    assert.equal((await c.getCompactionState({ compactionID: res.compactionID })).state, 'Completed')
    assert.equal(await rowsOf(c), expected)
    assert.ok(c.database.state.collection('w').segmentsOf().length < segsBefore)
    assert.deepEqual(await w.get([30, 31, 77, 5]), [{ id: 30n }])
    assert.equal((await w.query({ filter: 'id == 30', outputFields: ['tag'] }))[0]!.tag, 'during')
    compactions.hooks = {}
    await w.flush()
    await env.reopen()
    assert.equal(await rowsOf(env.client), expected)
  })

  for (const fault of ['throw', 'exit'] as const) {
    test(`a worker that ${fault === 'throw' ? 'throws' : 'exits'} changes nothing and is logged; the plan runs again later`, async () => {
      const c = env.client
      const w = c.collection('w')
      await w.upsert(Array.from({ length: 30 }, (_, i) => ({ id: 20_000 + i, tag: fault, v: randomVector(next, 4) })))
      await w.flush()
      await w.delete('id >= 20000 and id < 20012')
      await w.flush()
      const before = await rowsOf(c)
      const segs = c.database.state.collection('w').segmentsOf().map((s) => s.id)
      const failedBefore = c.database.compactions.failedCount
      c.database.compactions.hooks = { fault }
      const res = await c.compact({ collection_name: 'w' })
      assert.equal(res.status.code, 0)
      assert.ok(res.compactionPlanCount >= 1)
      const state = await c.getCompactionState({ compactionID: res.compactionID })
      assert.equal(state.failedPlanNo, String(res.compactionPlanCount))
      assert.equal(c.database.compactions.failedCount, failedBefore + res.compactionPlanCount)
      assert.ok(logs.some((m) => /compaction of segments \[.+\] failed, nothing changed/.test(m)), logs.join('\n'))
      assert.deepEqual(c.database.state.collection('w').segmentsOf().map((s) => s.id), segs)
      assert.equal(await rowsOf(c), before)
      c.database.compactions.hooks = {}
      const again = await c.compact({ collection_name: 'w' })
      assert.equal(again.compactionPlanCount, res.compactionPlanCount)
      assert.equal((await c.getCompactionState({ compactionID: again.compactionID })).failedPlanNo, '0')
      assert.equal(await rowsOf(c), before)
      assert.equal(c.database.state.collection('w').segmentsOf().reduce((n, s) => n + s.deletes.count, 0), 0)
    })
  }
})

describe('compaction concurrency', () => {
  test('idle() resolves only once the running job has finished and its segments are swapped', async () => {
    const env = await openTemp({ segmentRowsMax: 400, timeTravelRetentionMs: 0, autoCompaction: false })
    try {
      await setUp(env, [])
      const compactions = env.client.database.compactions
      const segsBefore = env.client.database.state.collection('w').segmentsOf().length
      const { hooks, held, release } = holdHook()
      compactions.hooks = hooks
      const compacting = env.client.compact({ collection_name: 'w' })
      await held
      let idle = false
      const waiting = compactions.idle().then(() => {
        idle = true
      })
      await new Promise((resolve) => setTimeout(resolve, 100))
      assert.equal(idle, false, 'idle() waits for the held job')
      release()
      await waiting
      assert.equal(compactions.runningCount, 0)
      assert.ok(env.client.database.state.collection('w').segmentsOf().length < segsBefore, 'swapped before idle() resolved')
      assert.equal((await compacting).status.code, 0)
      compactions.hooks = {}
    } finally {
      await env.cleanup()
    }
  })

  test('compactionConcurrencyMax bounds the workers running at once', async () => {
    const env = await openTemp({ segmentRowsMax: 400, timeTravelRetentionMs: 0, autoCompaction: false, compactionConcurrencyMax: 1 })
    try {
      await setUp(env, ['p1', 'p2'])
      const compactions = env.client.database.compactions
      const seen: number[] = []
      const { hooks, release } = holdHook()
      compactions.hooks = { ...hooks, onHeld: () => seen.push(compactions.runningCount) }
      release() // held workers report, then go on at once
      const res = await env.client.compact({ collection_name: 'w' })
      assert.ok(res.compactionPlanCount >= 3, `plans: ${res.compactionPlanCount}`)
      assert.equal(seen.length, res.compactionPlanCount)
      assert.deepEqual(new Set(seen), new Set([1]))
    } finally {
      await env.cleanup()
    }
  })
})
