// The Boost Ranker (Milvus 2.6 FunctionScore, reranker: boost) through the embedded API: boost functions
// with and without filters, weight and random_score, combined by function_mode, applied to the raw score by
// boost_mode, over the top offset + limit hits, re-sorted in the metric's order, then paged; restart kept.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { DataType } from '../../src/index.ts'
import { randomScore } from '../../src/engine/boost-rerank.ts'
import { openTemp } from '../support/temp-db.ts'

let env: Awaited<ReturnType<typeof openTemp>>
const N = 20
const f32 = Math.fround
before(async () => {
  env = await openTemp()
  await env.client.createCollection({
    collection_name: 'b',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'doctype', data_type: DataType.VarChar, max_length: 16 },
      { name: 'pop', data_type: DataType.Int64 },
      { name: 'v', data_type: DataType.FloatVector, dim: 2 },
    ],
  })
  const data = Array.from({ length: N }, (_, k) => ({ id: k + 1, doctype: (k + 1) % 3 === 0 ? 'abstract' : 'body', pop: (k + 1) * 1000, v: [(k + 1) / N, 0] }))
  assert.equal((await env.client.insert({ collection_name: 'b', data })).status.code, 0)
})
after(() => env.cleanup())

type Hit = { id: string; score: number; doctype?: string; pop?: number | string }
const boost = (params: Record<string, unknown>) => ({ name: 'boost', type: 3, input_field_names: [], params: { reranker: 'boost', ...params } })

async function search(extra: Record<string, unknown>, metric = 'IP'): Promise<Hit[]> {
  const r = await env.client.search({ collection_name: 'b', data: [[1, 0]], metric_type: metric, ...extra })
  assert.equal(r.status.code, 0, r.status.reason)
  return r.results as Hit[]
}

test('one boost with a filter: matching hits among the top limit have their IP score multiplied by weight', async () => {
  // Top 5 by IP: 20 (1.0), 19 (.95), 18 (.9, abstract), 17 (.85), 16 (.8); 18 × 2 = 1.8 leads; 15 is not a candidate.
  const got = await search({ limit: 5, output_fields: ['doctype'], rerank: boost({ filter: "doctype == 'abstract'", weight: 2 }) })
  assert.deepEqual(got.map((h) => h.id), ['18', '20', '19', '17', '16'])
  assert.deepEqual(got.map((h) => h.score), [f32(f32(0.9) * 2), 1, f32(0.95), f32(0.85), f32(0.8)])
  assert.equal(got[0]!.doctype, 'abstract')
})

test('offset pages after boosting the top offset + limit hits; boost_mode Sum adds the weight', async () => {
  const fs = { functions: [boost({ filter: "doctype == 'abstract'", weight: 0.2 })], params: { boost_mode: 'Sum' } }
  // Top 6: 20 1.0, 19 .95, 18 .9+.2=1.1, 17 .85, 16 .8, 15 .75+.2=.95 (after 19 by search order on a tie? .95 vs f32 sum)
  const want = [20, 19, 18, 17, 16, 15]
    .map((id, rank) => ({ id: String(id), rank, score: id % 3 === 0 ? f32(f32(id / N) + f32(0.2)) : f32(id / N) }))
    .sort((a, b) => b.score - a.score || a.rank - b.rank)
  const got = await search({ limit: 4, offset: 2, rerank: fs })
  assert.deepEqual(got.map((h) => h.id), want.slice(2, 6).map((h) => h.id))
  assert.deepEqual(got.map((h) => h.score), want.slice(2, 6).map((h) => h.score))
})

test('several functions: fixed weight + random_score on the primary key, function_mode Sum, boost_mode Multiply (the SDK suite case)', async () => {
  const fs = { functions: [boost({ weight: 0.8 }), boost({ random_score: { seed: 126 }, weight: 0.4 })], params: { boost_mode: 'Multiply', function_mode: 'Sum' } }
  const want = Array.from({ length: 8 }, (_, k) => N - k)
    .map((id, rank) => ({ id: String(id), rank, score: f32(f32(id / N) * f32(f32(0.8) + f32(f32(randomScore(BigInt(id), 126n)) * f32(0.4)))) }))
    .sort((a, b) => b.score - a.score || a.rank - b.rank)
  const got = await search({ limit: 8, rerank: fs })
  assert.deepEqual(got.map((h) => h.id), want.map((h) => h.id))
  assert.deepEqual(got.map((h) => h.score), want.map((h) => h.score))
  // Deterministic per seed: the same request gives the same answer; another seed another one.
  assert.deepEqual(await search({ limit: 8, rerank: fs }), got)
})

test('random_score on an Int64 field with a filter, function_mode Multiply; the field is fetched, not returned', async () => {
  const fs = {
    functions: [boost({ filter: 'pop >= 15000', random_score: JSON.stringify({ seed: 7, field: 'pop' }), weight: 3 }), boost({ filter: "doctype == 'abstract'", weight: 0.5 })],
    params: { function_mode: 'Multiply' },
  }
  const want = Array.from({ length: 10 }, (_, k) => N - k)
    .map((id, rank) => {
      let b: number | undefined
      if (id * 1000 >= 15000) b = f32(f32(randomScore(BigInt(id * 1000), 7n)) * 3)
      if (id % 3 === 0) b = b === undefined ? 0.5 : f32(b * 0.5)
      return { id: String(id), rank, score: b === undefined ? f32(id / N) : f32(f32(id / N) * b) }
    })
    .sort((a, b) => b.score - a.score || a.rank - b.rank)
  const got = await search({ limit: 10, rerank: fs })
  assert.deepEqual(got.map((h) => h.id), want.map((h) => h.id))
  assert.deepEqual(got.map((h) => h.score), want.map((h) => h.score))
  assert.ok(got.every((h) => !('pop' in h)))
  const shown = await search({ limit: 3, output_fields: ['pop'], rerank: fs })
  assert.ok(shown.every((h) => 'pop' in h))
})

test('L2: the distance is multiplied and smaller stays better; round_decimal applies to the boosted score', async () => {
  // Squared L2 to [1, 0]: (1 - id/20)²; top 4 are 20 (0), 19 (.0025), 18 (.01, abstract), 17 (.0225); 18 × 0.1 = .001.
  const got = await search({ limit: 4, round_decimal: 3, rerank: boost({ filter: "doctype == 'abstract'", weight: 0.1 }) }, 'L2')
  assert.deepEqual(got.map((h) => h.id), ['20', '18', '19', '17'])
  assert.deepEqual(got.map((h) => h.score), [0, 0.001, 0.003, 0.022])
})

test('refusals are 1100 and name what is wrong', async () => {
  const bad = async (rerank: unknown, re: RegExp, extra: Record<string, unknown> = {}) => {
    const r = await env.client.search({ collection_name: 'b', data: [[1, 0]], limit: 3, rerank, ...extra })
    assert.equal(r.status.code, 1100, JSON.stringify(r.status))
    assert.match(r.status.reason, re)
  }
  await bad(boost({ filter: "doctype == 'abstract'" }), /param weight is required/)
  await bad({ functions: [boost({ weight: 1 })], params: { boost_mode: 'Max' } }, /boost_mode "Max" is not supported/)
  await bad(boost({ weight: 1, random_score: { seed: 1, field: 'doctype' } }), /random_score field doctype is VarChar; only an Int64 field/)
  await bad(boost({ weight: 1, random_score: { seed: 1, field: 'nope' } }), /random_score field nope does not exist/)
  await bad(boost({ weight: 1, filter: 'nope > 1' }), /nope/)
  await bad(boost({ weight: 1 }), /grouping search/, { group_by_field: 'doctype' })
})

test('after a restart the same boosted answer', async () => {
  const fs = { functions: [boost({ weight: 0.8 }), boost({ random_score: { seed: 126 }, weight: 0.4 })], params: { function_mode: 'Sum' } }
  const before = await search({ limit: 6, rerank: fs })
  await env.client.flush({ collection_names: ['b'] })
  await env.reopen()
  await env.client.loadCollection({ collection_name: 'b' })
  assert.deepEqual(await search({ limit: 6, rerank: fs }), before)
})
