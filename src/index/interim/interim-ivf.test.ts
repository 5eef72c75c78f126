// The interim IVF: recall against the exact top-k on seeded clustered data for every float metric; a
// search with a budget of every row is the exact answer, scores equal to the kernel's; disallowed rows
// and rows past the allowed count never come back; rows added later (nearest centroid here) are found;
// a training in a worker gives the same centroids and lists as one in this thread.
import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import { Bitset } from '../../common/bitset.ts'
import type { FloatMetric } from '../../vector/metric.ts'
import { VectorArena } from '../../vector/vector-arena.ts'
import { exactTopK } from '../hnsw-native/exact-top-k.ts'
import { clusteredVectors, recallAt } from '../test-fixtures.ts'
import { InterimIvf } from './interim-ivf.ts'
import { interimBudget, interimListCount } from './interim-policy.ts'
import { trainInterim } from './interim-train.ts'
import { interimTrainOutput, trainInterimInWorker } from './interim-trainer.ts'

const dim = 32
const rows = 6000
const k = 10
let arena: VectorArena
const data = clusteredVectors(11, rows, dim, 40, 0.3)
const queries = clusteredVectors(11, 50, dim, 40, 0.3, 1)

before(async () => {
  await VectorArena.init()
  arena = VectorArena.shared()
})

/** An interim index trained on the first `trained` rows, then given every row (the rest by nearest centroid). */
function build(metric: FloatMetric, trained: number): InterimIvf {
  const t = trainInterim(arena, metric, dim, interimListCount(trained), [data.subarray(0, trained * dim)], trained)
  const index = new InterimIvf(arena, metric, dim, t.centroids, trained)
  index.add(data.subarray(0, trained * dim), trained, t.lists)
  index.add(data.subarray(trained * dim), rows - trained)
  assert.equal(index.coveredRows, rows)
  return index
}

for (const metric of ['L2', 'IP', 'COSINE'] as const) {
  test(`${metric}: recall@10 ≥ 0.95 at the default budget, exact with a budget of every row`, () => {
    const index = build(metric, 2000)
    try {
      const truth: Int32Array[] = []
      const found: Int32Array[] = []
      for (let q = 0; q < 50; q++) {
        const query = queries.subarray(q * dim, (q + 1) * dim)
        const exact = exactTopK(metric, query, data, rows, k, null)
        truth.push(exact.rows)
        found.push(index.search(query, k, null, rows, interimBudget(k, { ef: 64 })).rows)
        const all = index.search(query, k, null, rows, { rows, lists: 1, rowsMax: rows })
        assert.deepEqual([...all.rows], [...exact.rows], `query ${q}: every list scanned is the exact answer`)
        for (let i = 0; i < k; i++) assert.ok(Math.abs(all.scores[i]! - exact.scores[i]!) <= 1e-4 * Math.max(1, Math.abs(exact.scores[i]!)))
      }
      const recall = recallAt(k, truth, found)
      assert.ok(recall >= 0.95, `recall ${recall}`)
    } finally {
      index.release()
    }
  })
}

test('allowed rows: never a disallowed row nor one past the allowed count; few allowed rows are all found', () => {
  const index = build('L2', rows)
  try {
    const allowed = new Bitset(rows)
    for (let r = 0; r < rows; r += 97) allowed.set(r)
    for (let q = 0; q < 20; q++) {
      const query = queries.subarray(q * dim, (q + 1) * dim)
      const hits = index.search(query, k, allowed.words, rows, { rows: 1024, lists: 4, rowsMax: 4096 })
      const exact = exactTopK('L2', query, data, rows, k, allowed)
      assert.deepEqual([...hits.rows], [...exact.rows], 'a selective filter scans lists until enough allowed rows were scored')
      const capped = index.search(query, k, null, 3000, { rows: 1024, lists: 4, rowsMax: 4096 })
      for (const r of capped.rows) assert.ok(r < 3000, `row ${r} is past the allowed count`)
    }
    const none = new Bitset(rows)
    assert.equal(index.search(queries.subarray(0, dim), k, none.words, rows, { rows: 1024, lists: 4, rowsMax: 4096 }).rows.length, 0)
  } finally {
    index.release()
  }
})

test('a training in a worker equals the one in this thread (same centroids and lists)', async () => {
  const here = trainInterim(arena, 'L2', dim, 50, [data.subarray(0, 2500 * dim), data.subarray(2500 * dim, rows * dim)], rows)
  const inArena = arena.allocFloat32(rows * dim, false)
  try {
    inArena.set(data)
    const there = interimTrainOutput(50, dim, rows)
    await trainInterimInWorker('L2', dim, [inArena.subarray(0, 4000 * dim), inArena.subarray(4000 * dim)], rows, there)
    assert.equal(Atomics.load(there.done, 0), 1)
    assert.deepEqual([...there.centroids], [...here.centroids])
    assert.deepEqual([...there.lists], [...here.lists])
  } finally {
    arena.free(inArena)
  }
})

test('reserve: lists filled from a known assignment hold exactly their rows (no growth slack); later rows still grow', () => {
  const t = trainInterim(arena, 'L2', dim, interimListCount(rows), [data], rows)
  const reserved = new InterimIvf(arena, 'L2', dim, t.centroids, rows)
  reserved.reserve(t.lists)
  reserved.add(data, rows, t.lists)
  const growing = new InterimIvf(arena, 'L2', dim, t.centroids, rows)
  growing.add(data, rows, t.lists)
  const centroidBytes = interimListCount(rows) * dim * 4
  assert.equal(reserved.sizeBytes(), rows * (dim * 4 + 4) + centroidBytes, 'exactly the rows: vectors, row numbers, centroids')
  const slack = growing.sizeBytes() / reserved.sizeBytes()
  assert.ok(slack > 1 && slack < 1.3, `lists grown row by row hold more, within 30 %: ${growing.sizeBytes()} vs ${reserved.sizeBytes()}`)
  const q = queries.subarray(0, dim)
  const all = { rows, lists: interimListCount(rows), rowsMax: rows }
  assert.deepEqual([...reserved.search(q, k, null, rows, all).rows], [...growing.search(q, k, null, rows, all).rows], 'same answers')
  reserved.add(data.subarray(0, dim), 1)
  assert.equal(reserved.coveredRows, rows + 1)
  reserved.release()
  growing.release()
})
