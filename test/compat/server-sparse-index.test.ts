// Sparse indexes through the official Node SDK (gRPC) and REST v2 against `quiver serve`:
// SPARSE_INVERTED_INDEX (DAAT_MAXSCORE) and SPARSE_WAND built on flushed segments, searches with
// drop_ratio_search / dim_max_score_ratio equal to a brute-force reference (ids and scores), filters,
// describeIndex / listIndexes / dropIndex, Milvus's refusals (metric, BM25, algo, ratios), and the same
// answers after a restart on the same data directory (index files loaded).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType, ErrorCode, type MilvusClient } from '@zilliz/milvus2-sdk-node'
import { rng } from '../support/temp-db.ts'
import { startTestServer, type TestServer } from './server-fixture.ts'

type Sparse = Record<number, number>
const DIMS = 500

/** Positive inner products (float32 inputs, float64 sums), best first, ties by id. */
function reference(rows: ReadonlyMap<number, Sparse>, q: Sparse, k: number, keep: (id: number) => boolean = () => true): [number, number][] {
  const hits: [number, number][] = []
  for (const [id, v] of rows) {
    if (!keep(id)) continue
    let s = 0
    for (const key of Object.keys(q).map(Number).sort((a, b) => a - b)) if (v[key] !== undefined) s += Math.fround(q[key]!) * Math.fround(v[key]!)
    if (Math.fround(s) > 0) hits.push([id, Math.fround(s)])
  }
  return hits.sort((x, y) => y[1] - x[1] || x[0] - y[0]).slice(0, k)
}

describe('Node SDK and REST against quiver serve: sparse indexes', () => {
  let env: TestServer
  let c: MilvusClient
  let base: string
  const next = rng(2604)
  const rows = new Map<number, Sparse>()
  const sparse = (nnz: number): Sparse => {
    const v: Sparse = {}
    for (let i = 0; i < nnz; i++) v[Math.floor(DIMS * next() ** 2)] = Math.fround(0.1 + next() * 2)
    return v
  }
  const queries = Array.from({ length: 8 }, () => sparse(12))
  const hitsOf = (r: { results: { id: string | number; score: number }[] }) => r.results.map((h) => [Number(h.id), h.score] as [number, number])

  before(async () => {
    env = await startTestServer()
    c = env.connect()
    base = `http://127.0.0.1:${env.server.grpc.port}/v2/vectordb`
  })
  after(() => env.stop())

  const rest = async (path: string, body: unknown): Promise<{ code: number; data?: unknown; message?: string }> => {
    const r = await fetch(`${base}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    return (await r.json()) as { code: number; data?: unknown; message?: string }
  }

  const waitIndexed = async (collection: string, field: string) => {
    for (let i = 0; i < 200; i++) {
      const p = await c.getIndexBuildProgress({ collection_name: collection, field_name: field })
      if (Number(p.indexed_rows) > 0 && Number(p.indexed_rows) === Number(p.total_rows)) return
      await new Promise((r) => setTimeout(r, 50))
    }
    assert.fail(`${collection}.${field} was not indexed`)
  }

  test('SDK: SPARSE_INVERTED_INDEX on flushed rows; searches equal brute force, with filters and search params', async () => {
    const create = await c.createCollection({
      collection_name: 'sp',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: false },
        { name: 'tag', data_type: DataType.Int64 },
        { name: 'v', data_type: DataType.SparseFloatVector },
      ],
    })
    assert.equal(create.error_code, ErrorCode.SUCCESS, create.reason)
    for (let b = 0; b < 4; b++) {
      const data = Array.from({ length: 300 }, (_, i) => {
        const id = b * 300 + i
        const v = sparse(1 + Math.floor(next() * 25))
        rows.set(id, v)
        return { id, tag: id % 5, v }
      })
      const ins = await c.insert({ collection_name: 'sp', data })
      assert.equal(ins.status.error_code, ErrorCode.SUCCESS, ins.status.reason)
      if (b < 3) await c.flushSync({ collection_names: ['sp'] })
    }
    const idx = await c.createIndex({ collection_name: 'sp', field_name: 'v', index_name: 'v_idx', index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'IP', params: { inverted_index_algo: 'DAAT_MAXSCORE', drop_ratio_build: 0.1 } })
    assert.equal(idx.error_code, ErrorCode.SUCCESS, idx.reason)
    await waitIndexed('sp', 'v')
    assert.equal((await c.loadCollection({ collection_name: 'sp' })).error_code, ErrorCode.SUCCESS)
    for (const q of queries) {
      const s = await c.search({ collection_name: 'sp', anns_field: 'v', data: q, limit: 10, params: { drop_ratio_search: 0, dim_max_score_ratio: 1.05 } })
      assert.equal(s.status.error_code, ErrorCode.SUCCESS, s.status.reason)
      assert.deepEqual(hitsOf(s), reference(rows, q, 10))
      const f = await c.search({ collection_name: 'sp', anns_field: 'v', data: q, limit: 10, filter: 'tag == 2' })
      assert.deepEqual(hitsOf(f), reference(rows, q, 10, (id) => id % 5 === 2))
    }
    const approx = await c.search({ collection_name: 'sp', anns_field: 'v', data: [queries[0]!, queries[1]!], limit: 5, params: { drop_ratio_search: 0.2, dim_max_score_ratio: 0.9 } })
    assert.equal(approx.status.error_code, ErrorCode.SUCCESS, approx.status.reason)
    assert.equal(approx.results.length, 2)
  })

  test('SDK: describeIndex / listIndexes answer for it; refusals as Milvus', async () => {
    const d = await c.describeIndex({ collection_name: 'sp', field_name: 'v' })
    assert.equal(d.status.error_code, ErrorCode.SUCCESS)
    const params = Object.fromEntries(d.index_descriptions[0]!.params.map((p) => [p.key, p.value]))
    assert.equal(params.index_type, 'SPARSE_INVERTED_INDEX')
    assert.equal(params.metric_type, 'IP')
    assert.deepEqual(JSON.parse(String(params.params)), { inverted_index_algo: 'DAAT_MAXSCORE', drop_ratio_build: 0.1 })
    assert.equal(d.index_descriptions[0]!.indexed_rows, '900')
    assert.deepEqual((await c.listIndexes({ collection_name: 'sp' })).indexes, ['v_idx'])
    const bad = await c.search({ collection_name: 'sp', anns_field: 'v', data: queries[0]!, limit: 5, params: { dim_max_score_ratio: 2 } })
    assert.equal(bad.status.code, 1100)
    assert.match(bad.status.reason, /dim_max_score_ratio must be in range \[0.5, 1.3\]/)
    await c.createCollection({ collection_name: 'sp2', fields: [{ name: 'id', data_type: DataType.Int64, is_primary_key: true }, { name: 'v', data_type: DataType.SparseFloatVector }] })
    for (const [req, re] of [
      [{ index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'L2' }, /only IP&BM25 is the supported metric type for sparse index/],
      [{ index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'BM25' }, /only BM25 Function output field support BM25 metric type/],
      [{ index_type: 'SPARSE_WAND', metric_type: 'IP', params: { inverted_index_algo: 'NOPE' } }, /sparse inverted index algo NOPE not found or not supported/],
      [{ index_type: 'SPARSE_WAND', metric_type: 'IP', params: { drop_ratio_build: 1 } }, /drop_ratio_build must be in range \[0, 1\)/],
    ] as const) {
      const st = await c.createIndex({ collection_name: 'sp2', field_name: 'v', ...req })
      assert.equal(st.code, 1100, st.reason)
      assert.match(st.reason, re)
    }
    assert.equal((await c.describeIndex({ collection_name: 'sp2', field_name: 'v' })).status.code, 700)
  })

  test('REST: indexes/create SPARSE_WAND, indexes/describe, entities/search with searchParams equal brute force', async () => {
    const created = await rest('collections/create', {
      collectionName: 'rsp',
      schema: { fields: [{ fieldName: 'id', dataType: 'Int64', isPrimary: true }, { fieldName: 'v', dataType: 'SparseFloatVector' }] },
    })
    assert.equal(created.code, 0, created.message)
    const data = [...rows].slice(0, 600).map(([id, v]) => ({ id, v }))
    assert.equal((await rest('entities/insert', { collectionName: 'rsp', data })).code, 0)
    await c.flushSync({ collection_names: ['rsp'] })
    const idx = await rest('indexes/create', { collectionName: 'rsp', indexParams: [{ fieldName: 'v', indexName: 'v', indexType: 'SPARSE_WAND', metricType: 'IP' }] })
    assert.equal(idx.code, 0, idx.message)
    await waitIndexed('rsp', 'v')
    const described = (await rest('indexes/describe', { collectionName: 'rsp', indexName: 'v' })).data as { indexType: string; metricType: string }[]
    assert.equal(described[0]!.indexType, 'SPARSE_WAND')
    assert.equal(described[0]!.metricType, 'IP')
    assert.equal((await rest('collections/load', { collectionName: 'rsp' })).code, 0)
    const sub = new Map([...rows].slice(0, 600))
    for (const q of queries.slice(0, 4)) {
      const r = await rest('entities/search', { collectionName: 'rsp', annsField: 'v', data: [q], limit: 7, searchParams: { metricType: 'IP', params: { drop_ratio_search: 0 } } })
      assert.equal(r.code, 0, r.message)
      assert.deepEqual((r.data as { id: number; distance: number }[]).map((h) => [Number(h.id), h.distance]), reference(sub, q, 7))
    }
    const bad = await rest('entities/search', { collectionName: 'rsp', annsField: 'v', data: [queries[0]], limit: 3, searchParams: { params: { drop_ratio_search: 1.5 } } })
    assert.equal(bad.code, 1100)
    assert.equal((await rest('indexes/drop', { collectionName: 'rsp', indexName: 'v' })).code, 0)
    assert.deepEqual((await rest('indexes/list', { collectionName: 'rsp' })).data, [])
  })

  test('restart: the index files are loaded and searches answer the same', async () => {
    const dir = env.dataDir
    await env.stop(true)
    env = await startTestServer(dir)
    c = env.connect()
    assert.equal((await c.loadCollection({ collection_name: 'sp' })).error_code, ErrorCode.SUCCESS)
    const d = await c.describeIndex({ collection_name: 'sp', field_name: 'v' })
    assert.equal(d.index_descriptions[0]!.index_name, 'v_idx')
    for (const q of queries) assert.deepEqual(hitsOf(await c.search({ collection_name: 'sp', anns_field: 'v', data: q, limit: 10 })), reference(rows, q, 10))
  })
})
