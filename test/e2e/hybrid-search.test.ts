// Hybrid (multi-vector) search: two vector fields searched separately and fused by RRF and by the
// weighted ranker, checked against the fusion computed here from the single-field searches.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType } from '../../src/index.ts'
import { openTemp, randomVector, rng } from '../support/temp-db.ts'

describe('hybridSearch', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  const next = rng(3)
  const qa = randomVector(next, 4)
  const qb = randomVector(next, 6)
  before(async () => {
    env = await openTemp({ segmentRowsMax: 50 })
    await env.client.createCollection({
      collection_name: 'mv',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'a', data_type: DataType.FloatVector, dim: 4 },
        { name: 'b', data_type: DataType.FloatVector, dim: 6 },
        { name: 'cat', data_type: DataType.Int64 },
      ],
    })
    await env.client.upsert({ collection_name: 'mv', data: Array.from({ length: 200 }, (_, i) => ({ id: i, a: randomVector(next, 4), b: randomVector(next, 6), cat: i % 4 })) })
  })
  after(() => env.cleanup())

  const single = async (field: string, q: number[], metric: string, filter?: string) => {
    const r = await env.client.search({ collection_name: 'mv', data: q, anns_field: field, limit: 20, metric_type: metric, ...(filter === undefined ? {} : { filter }) })
    return r.results as { id: string; score: number }[]
  }

  test('RRF equals Σ 1/(k + rank) over the single-field results', async () => {
    const ra = await single('a', qa, 'L2')
    const rb = await single('b', qb, 'IP', 'cat == 1')
    const want = new Map<string, number>()
    ra.forEach((h, r) => want.set(h.id, (want.get(h.id) ?? 0) + 1 / (60 + r + 1)))
    rb.forEach((h, r) => want.set(h.id, (want.get(h.id) ?? 0) + 1 / (60 + r + 1)))
    const top = [...want].sort((x, y) => y[1] - x[1] || Number(x[0]) - Number(y[0])).slice(0, 5)
    const res = await env.client.hybridSearch({
      collection_name: 'mv',
      data: [
        { data: qa, anns_field: 'a', params: { metric_type: 'L2' }, limit: 20 },
        { data: qb, anns_field: 'b', params: { metric_type: 'IP' }, limit: 20, expr: 'cat == 1' },
      ],
      rerank: { strategy: 'rrf', params: { k: 60 } },
      limit: 5,
      output_fields: ['cat'],
    })
    assert.equal(res.status.code, 0, res.status.reason)
    const hits = res.results as { id: string; score: number; cat: string }[]
    assert.deepEqual(hits.map((h) => h.id), top.map((t) => t[0]))
    hits.forEach((h, i) => assert.ok(Math.abs(h.score - top[i]![1]) < 1e-6))
  })

  test('weighted ranker normalises each metric and weighs it; bad weights are 1100', async () => {
    const ra = await single('a', qa, 'COSINE')
    const rb = await single('b', qb, 'L2')
    const want = new Map<string, number>()
    for (const h of ra) want.set(h.id, (want.get(h.id) ?? 0) + 0.7 * ((1 + h.score) / 2))
    for (const h of rb) want.set(h.id, (want.get(h.id) ?? 0) + 0.3 * (1 - (2 * Math.atan(h.score)) / Math.PI))
    const top = [...want].sort((x, y) => y[1] - x[1] || Number(x[0]) - Number(y[0])).slice(0, 3)
    const res = await env.client.search({
      collection_name: 'mv',
      data: [
        { data: qa, anns_field: 'a', params: { metric_type: 'COSINE' }, limit: 20 },
        { data: qb, anns_field: 'b', params: { metric_type: 'L2' }, limit: 20 },
      ],
      rerank: { strategy: 'weighted', params: { weights: [0.7, 0.3] } },
      limit: 3,
    })
    assert.deepEqual((res.results as { id: string }[]).map((h) => h.id), top.map((t) => t[0]))
    const bad = await env.client.hybridSearch({ collection_name: 'mv', data: [{ data: qa, anns_field: 'a' }], rerank: { strategy: 'weighted', params: { weights: [0.5, 0.5] } } })
    assert.equal(bad.status.code, 1100)
  })
})
