// Rerank functions against `quiver serve`: the Boost Ranker through the official Node SDK (a single boost
// function and a FunctionScore of several, gRPC function_score) and through REST v2 (`functionScore` on
// entities/search; rrf, weighted and decay `functionScore` on entities/hybrid_search), with the scores
// Milvus's formulas give (float32 arithmetic) and Milvus's refusals.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType, FunctionType, type MilvusClient } from '@zilliz/milvus2-sdk-node'
import { randomScore } from '../../src/engine/boost-rerank.ts'
import { startTestServer, type TestServer } from './server-fixture.ts'

const N = 20
const f32 = Math.fround
const rerankOf = (params: Record<string, unknown>) => ({ name: 'boost', type: FunctionType.RERANK, input_field_names: [] as string[], params: { reranker: 'boost', ...params } })

describe('rerank functions against quiver serve: boost over gRPC and REST, functionScore on REST', () => {
  let env: TestServer
  let c: MilvusClient
  let base: string
  before(async () => {
    env = await startTestServer()
    c = env.connect()
    base = `http://127.0.0.1:${env.server.grpc.port}/v2/vectordb`
    const created = await c.createCollection({
      collection_name: 'rr',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'doctype', data_type: DataType.VarChar, max_length: 16 },
        { name: 'price', data_type: DataType.Int64 },
        { name: 'v', data_type: DataType.FloatVector, dim: 2 },
        { name: 'w', data_type: DataType.FloatVector, dim: 2 },
      ],
    })
    assert.equal(created.error_code, 'Success', created.reason)
    const data = Array.from({ length: N }, (_, k) => ({ id: k + 1, doctype: (k + 1) % 3 === 0 ? 'abstract' : 'body', price: (k + 1) * 10, v: [(k + 1) / N, 0], w: [0, (N - k) / N] }))
    assert.equal((await c.insert({ collection_name: 'rr', data })).status.error_code, 'Success')
    for (const field of ['v', 'w']) assert.equal((await c.createIndex({ collection_name: 'rr', field_name: field, index_type: 'FLAT', metric_type: 'IP' })).error_code, 'Success')
    assert.equal((await c.loadCollection({ collection_name: 'rr' })).error_code, 'Success')
  })
  after(() => env.stop())

  const rest = async (path: string, body: unknown): Promise<{ code: number; data?: { id: number; distance: number }[]; message?: string }> => {
    const r = await fetch(`${base}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    return (await r.json()) as { code: number; data?: { id: number; distance: number }[]; message?: string }
  }
  /** Hits of the top `k` of a search on v for [1, 0] (score id/N), re-scored by `boostOf(id)`, best first. */
  const expected = (k: number, boostOf: (id: number) => number | undefined, sum = false) =>
    Array.from({ length: k }, (_, i) => N - i)
      .map((id, rank) => {
        const b = boostOf(id)
        const s = f32(id / N)
        return { id, rank, score: b === undefined ? s : f32(sum ? s + b : s * b) }
      })
      .sort((a, b) => b.score - a.score || a.rank - b.rank)

  test('Node SDK: one boost function with a filter, and a FunctionScore of fixed + random_score boosts (function_mode Sum)', async () => {
    const one = await c.search({ collection_name: 'rr', anns_field: 'v', data: [1, 0], limit: 5, rerank: rerankOf({ filter: "doctype == 'abstract'", weight: 2 }) })
    assert.equal(one.status.error_code, 'Success', one.status.reason)
    const want1 = expected(5, (id) => (id % 3 === 0 ? 2 : undefined))
    assert.deepEqual(one.results.map((h) => Number(h.id)), want1.map((h) => h.id))
    assert.deepEqual(one.results.map((h) => h.score), want1.map((h) => h.score))

    const rerank = { functions: [rerankOf({ weight: 0.8 }), rerankOf({ random_score: { seed: 126, field: 'price' }, weight: 0.4 })], params: { boost_mode: 'Multiply', function_mode: 'Sum' } }
    const many = await c.search({ collection_name: 'rr', anns_field: 'v', data: [1, 0], limit: 8, rerank })
    assert.equal(many.status.error_code, 'Success', many.status.reason)
    const want2 = expected(8, (id) => f32(f32(0.8) + f32(f32(randomScore(BigInt(id * 10), 126n)) * f32(0.4))))
    assert.deepEqual(many.results.map((h) => Number(h.id)), want2.map((h) => h.id))
    assert.deepEqual(many.results.map((h) => h.score), want2.map((h) => h.score))

    const bad = await c.search({ collection_name: 'rr', anns_field: 'v', data: [1, 0], limit: 3, rerank: { functions: [rerankOf({ weight: 1 })], params: { function_mode: 'Avg' } } })
    assert.equal(bad.status.code, 1100)
    assert.match(bad.status.reason, /function_mode "Avg" is not supported/)
  })

  test('REST entities/search with functionScore: boost (boost_mode Sum) and decay', async () => {
    const boosted = await rest('entities/search', {
      collectionName: 'rr',
      annsField: 'v',
      data: [[1, 0]],
      limit: 6,
      functionScore: { functions: [{ name: 'b', type: 'Rerank', inputFieldNames: [], params: { reranker: 'boost', filter: 'price <= 150', weight: 0.5 } }], params: { boost_mode: 'Sum' } },
    })
    assert.equal(boosted.code, 0, boosted.message)
    const want = expected(6, (id) => (id * 10 <= 150 ? 0.5 : undefined), true)
    assert.deepEqual(boosted.data!.map((h) => Number(h.id)), want.map((h) => h.id))
    assert.deepEqual(boosted.data!.map((h) => h.distance), want.map((h) => h.score))

    const decayed = await rest('entities/search', {
      collectionName: 'rr',
      annsField: 'v',
      data: [[1, 0]],
      limit: 3,
      functionScore: { functions: [{ name: 'd', type: 'Rerank', inputFieldNames: ['price'], params: { reranker: 'decay', function: 'linear', origin: 100, scale: 100, decay: 0.5 } }] },
    })
    assert.equal(decayed.code, 0, decayed.message)
    // Top 3 by IP are 20, 19, 18 (prices 200, 190, 180): linear decay 1 - 0.5·|p - 100|/100.
    const lin = (id: number) => f32(id / N) * Math.max(0.5, 1 - (0.5 * Math.abs(id * 10 - 100)) / 100)
    const wantD = [20, 19, 18].sort((a, b) => lin(b) - lin(a))
    assert.deepEqual(decayed.data!.map((h) => Number(h.id)), wantD)
    decayed.data!.forEach((h, i) => assert.ok(Math.abs(h.distance - lin(wantD[i]!)) < 1e-6))

    const bad = await rest('entities/search', { collectionName: 'rr', annsField: 'v', data: [[1, 0]], functionScore: { functions: [{ name: 'b', type: 'Rerank', params: { reranker: 'boost' } }] } })
    assert.equal(bad.code, 1100)
    assert.match(bad.message!, /param weight is required/)
  })

  test('REST entities/hybrid_search with functionScore: rrf and weighted fuse as rerank does; boost is refused as Milvus', async () => {
    const search = [
      { annsField: 'v', data: [[1, 0]], limit: 5 },
      { annsField: 'w', data: [[0, 1]], limit: 5 },
    ]
    for (const [fn, rerank] of [
      [{ reranker: 'rrf', k: 10 }, { strategy: 'rrf', params: { k: 10 } }],
      [{ reranker: 'weighted', weights: [0.7, 0.3] }, { strategy: 'weighted', params: { weights: [0.7, 0.3] } }],
    ] as const) {
      const viaFunction = await rest('entities/hybrid_search', { collectionName: 'rr', search, limit: 6, functionScore: { functions: [{ name: 'f', type: 'Rerank', inputFieldNames: [], params: fn }] } })
      const viaRerank = await rest('entities/hybrid_search', { collectionName: 'rr', search, limit: 6, rerank })
      assert.equal(viaFunction.code, 0, viaFunction.message)
      assert.equal(viaFunction.data!.length, 6)
      assert.deepEqual(viaFunction.data, viaRerank.data, fn.reranker)
    }
    const boost = await rest('entities/hybrid_search', { collectionName: 'rr', search, functionScore: { functions: [{ name: 'b', type: 'Rerank', params: { reranker: 'boost', weight: 2 } }] } })
    assert.equal(boost.code, 1100)
  })
})
