// Exact search through the public API equals a brute-force oracle computed here: L2, IP, COSINE,
// across growing and sealed segments (a small seal size forces many), with deletes, upserts,
// filters, partitions, offset, nq > 1 and range search.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType } from '../../src/index.ts'
import { openTemp, randomVector, rng } from '../support/temp-db.ts'

const DIM = 16
const ROWS = 600

function score(metric: string, q: number[], x: number[]): number {
  let dot = 0
  let l2 = 0
  let qq = 0
  let xx = 0
  for (let i = 0; i < q.length; i++) {
    dot += q[i]! * x[i]!
    l2 += (q[i]! - x[i]!) ** 2
    qq += q[i]! ** 2
    xx += x[i]! ** 2
  }
  if (metric === 'L2') return l2
  if (metric === 'IP') return dot
  return dot / Math.sqrt(qq * xx)
}

function oracle(metric: string, q: number[], live: Map<number, number[]>, k: number, keep: (id: number) => boolean = () => true) {
  const all = [...live].filter(([id]) => keep(id)).map(([id, x]) => ({ id, s: score(metric, q, x) }))
  all.sort((a, b) => (metric === 'L2' ? a.s - b.s : b.s - a.s) || a.id - b.id)
  return all.slice(0, k)
}

describe('search', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  const live = new Map<number, number[]>()
  const next = rng(42)
  before(async () => {
    env = await openTemp({ segmentRowsMax: 128 })
    await env.client.createCollection({
      collection_name: 'docs',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'tag', data_type: DataType.Int64 },
        { name: 'v', data_type: DataType.FloatVector, dim: DIM },
      ],
    })
    await env.client.createPartition({ collection_name: 'docs', partition_name: 'p1' })
    const docs = env.client.collection('docs')
    for (let start = 0; start < ROWS; start += 100) {
      const rows = Array.from({ length: 100 }, (_, i) => ({ id: start + i, tag: (start + i) % 3, v: randomVector(next, DIM) }))
      await docs.upsert(rows)
      for (const r of rows) live.set(r.id, r.v)
    }
    // Overwrite some keys (the old versions must never be found) and delete others.
    const over = Array.from({ length: 50 }, (_, i) => ({ id: i * 7, tag: (i * 7) % 3, v: randomVector(next, DIM) }))
    await docs.upsert(over)
    for (const r of over) live.set(r.id, r.v)
    await docs.delete(Array.from({ length: 30 }, (_, i) => i * 11 + 1))
    for (let i = 0; i < 30; i++) live.delete(i * 11 + 1)
  })
  after(() => env.cleanup())

  for (const metric of ['L2', 'IP', 'COSINE']) {
    test(`${metric} top-k equals brute force over live rows`, async () => {
      const docs = env.client.collection('docs')
      const q = randomVector(next, DIM)
      const hits = (await docs.search(q, { limit: 15, metric }))[0]!
      const want = oracle(metric, q, live, 15)
      assert.deepEqual(hits.map((h) => Number(h.id)), want.map((w) => w.id))
      hits.forEach((h, i) => assert.ok(Math.abs(h.score - want[i]!.s) < 1e-4 * Math.max(1, Math.abs(want[i]!.s))))
    })
  }

  test('filter, offset and several query vectors', async () => {
    const docs = env.client.collection('docs')
    const qs = [randomVector(next, DIM), randomVector(next, DIM)]
    const res = await docs.search(qs, { limit: 5, offset: 3, metric: 'L2', filter: 'tag == 1', outputFields: ['tag'] })
    assert.equal(res.length, 2)
    res.forEach((hits, i) => {
      const want = oracle('L2', qs[i]!, live, 8, (id) => id % 3 === 1).slice(3)
      assert.deepEqual(hits.map((h) => Number(h.id)), want.map((w) => w.id))
      for (const h of hits) assert.equal(h.row.tag, 1n)
    })
  })

  test('partitions restrict the search; flush and reopen keep the same answers', async () => {
    const docs = env.client.collection('docs')
    await docs.partition('p1').upsert([{ id: 5000, tag: 0, v: Array(DIM).fill(0.5) }])
    live.set(5000, Array(DIM).fill(0.5))
    const q = Array(DIM).fill(0.5)
    const inP1 = await docs.partition('p1').search(q, { limit: 3, metric: 'L2' })
    assert.deepEqual(inP1[0]!.map((h) => h.id), [5000n])
    const before = await docs.search(q, { limit: 20, metric: 'COSINE' })
    await docs.flush()
    const client = await env.reopen()
    const after = await client.collection('docs').search(q, { limit: 20, metric: 'COSINE' })
    assert.deepEqual(after[0]!.map((h) => h.id), before[0]!.map((h) => h.id))
    assert.equal(await client.collection('docs').count(), live.size)
  })

  test('range search keeps scores inside (range_filter, radius]', async () => {
    const docs = env.client.collection('docs')
    const q = randomVector(next, DIM)
    const hits = (await docs.search(q, { limit: 100, metric: 'L2', radius: 2.5, rangeFilter: 1 }))[0]!
    const want = oracle('L2', q, live, 100000).filter((w) => w.s < 2.5 && w.s >= 1).slice(0, 100)
    assert.deepEqual(hits.map((h) => Number(h.id)), want.map((w) => w.id))
  })
})

test('ignore_growing searches sealed segments only (SDK-style search)', async () => {
  const env = await openTemp({})
  try {
    const client = env.client
    await client.createCollection({ collection_name: 'g', dimension: 2, metric_type: 'L2' })
    await client.insert({ collection_name: 'g', data: [{ id: 1, vector: [1, 0] }, { id: 2, vector: [2, 0] }] })
    await client.flush({ collection_names: ['g'] })
    await client.insert({ collection_name: 'g', data: [{ id: 3, vector: [1, 0] }] }) // growing
    const ids = (r: { results: unknown[] }) => (r.results as { id: string }[]).map((h) => h.id)
    const all = await client.search({ collection_name: 'g', data: [1, 0], limit: 3 })
    assert.deepEqual(ids(all).sort(), ['1', '2', '3'])
    const sealed = await client.search({ collection_name: 'g', data: [1, 0], limit: 3, ignore_growing: true })
    assert.equal(sealed.status.error_code, 'Success')
    assert.deepEqual(ids(sealed), ['1', '2'])
  } finally {
    await env.cleanup()
  }
})

test('group_by_field: the best groups, group_size hits each, strict and not; errors name the field', async () => {
  const env = await openTemp({ segmentRowsMax: 64 })
  try {
    const client = env.client
    await client.createCollection({
      collection_name: 'grp',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'doc', data_type: DataType.VarChar, max_length: 16 },
        { name: 'vector', data_type: DataType.FloatVector, dim: 2 },
      ],
    })
    // Row i is at distance i from the query [0, 0] (L2 squared i²); doc = i % 5, except docs d9 with one row.
    const rows = Array.from({ length: 200 }, (_, i) => ({ id: i, doc: i === 199 ? 'd9' : `d${i % 5}`, vector: [i, 0] }))
    await client.insert({ collection_name: 'grp', data: rows })
    await client.flush({ collection_names: ['grp'] })
    const search = (extra: Record<string, unknown>) =>
      client.search({ collection_name: 'grp', data: [0, 0], metric_type: 'L2', limit: 3, output_fields: ['doc'], ...extra })
    const hits = (r: { results: unknown[] }) => (r.results as { id: string; doc: string }[]).map((h) => `${h.doc}:${h.id}`)
    assert.deepEqual(hits(await search({ group_by_field: 'doc' })), ['d0:0', 'd1:1', 'd2:2'])
    assert.deepEqual(hits(await search({ group_by_field: 'doc', group_size: 2 })), ['d0:0', 'd0:5', 'd1:1', 'd1:6', 'd2:2', 'd2:7'])
    assert.deepEqual(hits(await search({ group_by_field: 'doc', group_size: 2, offset: 3, limit: 2 })), ['d3:3', 'd3:8', 'd4:4', 'd4:9'])
    // d9 has one row: strict grouping skips it, plain grouping keeps it in rank order.
    const far = { data: [199, 0], limit: 2, group_size: 2 }
    assert.deepEqual(hits(await search({ ...far, group_by_field: 'doc' })), ['d9:199', 'd3:198', 'd3:193'])
    assert.deepEqual(hits(await search({ ...far, group_by_field: 'doc', strict_group_size: true })), ['d3:198', 'd3:193', 'd2:197', 'd2:192'])
    const bad = await search({ group_by_field: 'vector' })
    assert.equal(bad.status.code, 1100)
    assert.match(bad.status.reason, /group_by_field vector/)
    assert.equal((await search({ group_by_field: 'nope' })).status.code, 1100)
  } finally {
    await env.cleanup()
  }
})

test('a filter repeated across writes sees every change (its per-segment result is remembered only until the segment changes)', async () => {
  const env = await openTemp({ segmentRowsMax: 64 })
  try {
    await env.client.createCollection({
      collection_name: 'f',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'tag', data_type: DataType.Int64 },
        { name: 'v', data_type: DataType.FloatVector, dim: 2 },
      ],
    })
    const f = env.client.collection('f')
    await f.upsert(Array.from({ length: 200 }, (_, i) => ({ id: i, tag: i % 4, v: [i, 0] })))
    await f.flush()
    const near = async (asOf?: bigint) =>
      ((await f.search([0, 0], { limit: 3, metric: 'L2', filter: 'tag == 1', ...(asOf === undefined ? {} : { asOf }) }))[0] ?? []).map((h) => Number(h.id))
    assert.deepEqual(await near(), [1, 5, 9])
    assert.deepEqual(await near(), [1, 5, 9]) // answered from the remembered result
    const del = await f.delete([5])
    assert.deepEqual(await near(), [1, 9, 13])
    await f.upsert([{ id: 2, tag: 1, v: [2, 0] }, { id: 9, tag: 0, v: [9, 0] }]) // 2 now matches, 9 no longer
    assert.deepEqual(await near(), [1, 2, 13])
    assert.deepEqual(await f.count('tag == 1'), 49)
    // An older snapshot still answers as it was.
    assert.deepEqual(await near(del.timestamp), [1, 9, 13])
  } finally {
    await env.cleanup()
  }
})
