// Decay rerankers (Milvus 2.6 FunctionScore, reranker: decay) through the embedded API: the top
// offset + limit hits re-scored by similarity × gauss / exp / linear decay of a numeric field
// (distances first turned into 1 − 2·atan(d)/π), best first, paged after the re-scoring; a null
// value decays to 0; the field is returned only when asked for; bad parameters are 1100 naming them.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { DataType } from '../../src/index.ts'
import { openTemp } from '../support/temp-db.ts'

let env: Awaited<ReturnType<typeof openTemp>>
const N = 40
const price = (id: number) => (id % 13 === 0 ? null : (id * 7) % 50)
before(async () => {
  env = await openTemp({ segmentRowsMax: 16 })
  await env.client.createCollection({
    collection_name: 'd',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'price', data_type: DataType.Double, nullable: true },
      { name: 'tag', data_type: DataType.VarChar, max_length: 8 },
      { name: 'v', data_type: DataType.FloatVector, dim: 2 },
    ],
  })
  const data = Array.from({ length: N }, (_, i) => ({ id: i + 1, price: price(i + 1), tag: 't', v: [i + 1, 1] }))
  assert.equal((await env.client.insert({ collection_name: 'd', data })).status.code, 0)
})
after(() => env.cleanup())

type Hit = { id: string; score: number; price?: number | null }
const fn = (params: Record<string, unknown>, field = 'price') => ({ name: 'dr', type: 3, input_field_names: [field], params: { reranker: 'decay', ...params } })
const curves: Record<string, (d: number, scale: number, decay: number) => number> = {
  gauss: (d, s, k) => Math.exp((d * d * Math.log(k)) / (s * s)),
  exp: (d, s, k) => Math.exp((Math.log(k) / s) * d),
  linear: (d, s, k) => Math.max(k, 1 - ((1 - k) / s) * d),
}

async function search(extra: Record<string, unknown>): Promise<Hit[]> {
  const r = await env.client.search({ collection_name: 'd', data: [[20, 1]], metric_type: 'L2', ...extra })
  assert.equal(r.status.code, 0, r.status.reason)
  return r.results as Hit[]
}

test('gauss, exp and linear: similarity × decay over the top offset + limit hits, then paged', async () => {
  const plain = await search({ limit: 15, output_fields: ['price'] })
  for (const [name, curve] of Object.entries(curves)) {
    const params = { function: name, origin: 30, scale: 10, offset: 2, decay: 0.4 }
    const want = plain
      .map((h, rank) => {
        const p = h.price ?? null
        const factor = p === null ? 0 : curve(Math.max(0, Math.abs(p - 30) - 2), 10, 0.4)
        return { id: h.id, rank, score: (1 - (2 * Math.atan(h.score)) / Math.PI) * factor }
      })
      .sort((a, b) => b.score - a.score || a.rank - b.rank)
    const got = await search({ limit: 10, offset: 5, rerank: fn(params) })
    assert.deepEqual(got.map((h) => h.id), want.slice(5, 15).map((h) => h.id), name)
    got.forEach((h, i) => assert.ok(Math.abs(h.score - want[5 + i]!.score) < 1e-5, `${name} score ${h.score} vs ${want[5 + i]!.score}`))
    assert.ok(got.every((h) => !('price' in h)), 'the decay field is fetched, not returned')
  }
  const shown = await search({ limit: 3, output_fields: ['price'], rerank: fn({ function: 'gauss', origin: 30, scale: 10 }) })
  assert.ok(shown.every((h) => 'price' in h))
  const rounded = await search({ limit: 3, round_decimal: 2, rerank: fn({ function: 'gauss', origin: 30, scale: 10 }) })
  assert.ok(rounded.every((h) => Math.round(h.score * 100) / 100 === h.score), 'round_decimal applies to the decayed score')
  // The row whose price is null (id 13 is near the query) decays to 0 and ranks last.
  const withNull = await search({ limit: 15, rerank: fn({ function: 'exp', origin: 0, scale: 1000 }) })
  assert.equal(withNull.at(-1)!.id, '13')
  assert.equal(withNull.at(-1)!.score, 0)
})

test("hybrid search: each row's best similarity over the requests × decay; rrf and weighted as functions", async () => {
  const queries = [[20, 1], [26, 1]]
  const best = new Map<string, { score: number; rank: number }>()
  let rank = 0
  for (const q of queries) {
    const r = await env.client.search({ collection_name: 'd', data: [q], limit: 8, metric_type: 'L2', output_fields: ['price'] })
    for (const h of r.results as Hit[]) {
      const s = 1 - (2 * Math.atan(h.score)) / Math.PI
      const old = best.get(h.id)
      if (old === undefined || s > old.score) best.set(h.id, { score: s, rank: old?.rank ?? rank++ })
    }
  }
  const decayOf = (id: string) => {
    const p = price(Number(id))
    return p === null ? 0 : curves.linear!(Math.abs(p - 25), 20, 0.5)
  }
  const want = [...best].map(([id, b]) => ({ id, score: b.score * decayOf(id) })).sort((a, b) => b.score - a.score)
  const data = queries.map((q) => ({ data: [q], anns_field: 'v', limit: 8, params: { metric_type: 'L2' }, metric_type: 'L2' }))
  const h = await env.client.search({ collection_name: 'd', data, limit: 6, offset: 1, rerank: fn({ function: 'linear', origin: 25, scale: 20 }) })
  assert.equal(h.status.code, 0, h.status.reason)
  const got = h.results as Hit[]
  assert.deepEqual(got.map((x) => x.id), want.slice(1, 7).map((x) => x.id))
  got.forEach((x, i) => assert.ok(Math.abs(x.score - want[1 + i]!.score) < 1e-5))
  const rrfFn = await env.client.search({ collection_name: 'd', data, limit: 5, rerank: { name: 'r', params: { reranker: 'rrf', k: 10 } } })
  const rrfOld = await env.client.search({ collection_name: 'd', data, limit: 5, rerank: { strategy: 'rrf', params: { k: 10 } } })
  assert.deepEqual(rrfFn.results, rrfOld.results)
  const wFn = await env.client.search({ collection_name: 'd', data, limit: 5, rerank: { name: 'w', params: { reranker: 'weighted', weights: '[0.2, 0.8]' } } })
  const wOld = await env.client.search({ collection_name: 'd', data, limit: 5, rerank: { strategy: 'weighted', params: { weights: [0.2, 0.8] } } })
  assert.equal(wFn.status.code, 0, wFn.status.reason)
  assert.deepEqual(wFn.results, wOld.results)
  // A decay function on one request of the hybrid search is refused, not dropped without a word.
  const perRequest = await env.client.search({ collection_name: 'd', data: [{ ...data[0]!, rerank: fn({ function: 'linear', origin: 25, scale: 20 }) }, data[1]!], limit: 5, rerank: { strategy: 'rrf', params: { k: 10 } } })
  assert.equal(perRequest.status.code, 1100)
  assert.match(perRequest.status.reason, /hybrid search request 0 has its own decay function_score/)
})

test('bad parameters and fields are refused with 1100 naming them; a grouping search too', async () => {
  const refuse = async (rerank: unknown, pattern: RegExp, extra: Record<string, unknown> = {}) => {
    const r = await env.client.search({ collection_name: 'd', data: [[20, 1]], limit: 5, rerank, ...extra })
    assert.equal(r.status.code, 1100, `${JSON.stringify(rerank)}: ${r.status.reason}`)
    assert.match(r.status.reason, pattern)
  }
  await refuse(fn({ function: 'gauss', origin: 1, scale: 0 }), /scale must be > 0, got 0/)
  await refuse(fn({ function: 'gauss', origin: 1, scale: 1, decay: 1 }), /decay must be in \(0, 1\), got 1/)
  await refuse(fn({ function: 'gauss', origin: 1, scale: 1, offset: -1 }), /offset must be >= 0/)
  await refuse(fn({ function: 'cubic', origin: 1, scale: 1 }), /invalid function "cubic", only gauss, exp and linear/)
  await refuse(fn({ function: 'gauss', scale: 1 }), /origin is missing/)
  await refuse(fn({ function: 'gauss', origin: 1, scale: 1 }, 'tag'), /unsupported input field type VarChar of field tag/)
  await refuse(fn({ function: 'gauss', origin: 1, scale: 1 }, 'nope'), /input field nope does not exist/)
  await refuse(fn({ function: 'gauss', origin: 1, scale: 1 }), /grouping search/, { group_by_field: 'tag' })
  await refuse({ name: 'r', type: 3, input_field_names: [], params: { reranker: 'rrf' } }, /hybrid search/)
  const model = await env.client.search({ collection_name: 'd', data: [[20, 1]], limit: 5, rerank: { name: 'm', params: { reranker: 'model', provider: 'tei' } } })
  assert.equal(model.status.code, 3000)
})
