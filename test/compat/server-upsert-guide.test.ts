// The Milvus upsert guide through the official Node SDK against `quiver serve`: 3,000 rows × dim 8
// inserted then upserted (honest counts), a partition upsert moving keys, flush, index, load, then
// search (both request forms, filters, templates, paging, hybrid) and query (count(*), get, paging).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType, ErrorCode, type MilvusClient, RRFRanker } from '@zilliz/milvus2-sdk-node'
import { startTestServer, type TestServer, vectors } from './server-fixture.ts'

const N = 3000
const DIM = 8
const fields = [
  { name: 'book_id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'word_count', data_type: DataType.Int64 },
  { name: 'book_name', data_type: DataType.VarChar, max_length: 64 },
  { name: 'book_intro', data_type: DataType.FloatVector, dim: DIM },
  { name: 'cover', data_type: DataType.FloatVector, dim: 2 },
]
const intro = vectors(11, N, DIM)
const rowsOf = (wordCount: (i: number) => number) =>
  intro.map((v, i) => ({ book_id: i, word_count: wordCount(i), book_name: `book ${i}`, book_intro: v, cover: [i % 7, 1] }))

describe('Node SDK against quiver serve: the upsert guide', () => {
  let env: TestServer
  let c: MilvusClient
  before(async () => {
    env = await startTestServer()
    c = env.connect()
    await c.createCollection({ collection_name: 'book', fields })
  })
  after(() => env.stop())

  test('insert 3,000 rows, then upsert them all: counts say every key was replaced', async () => {
    const ins = await c.insert({ collection_name: 'book', data: rowsOf((i) => i) })
    assert.equal(ins.status.error_code, ErrorCode.SUCCESS)
    assert.equal(ins.insert_cnt, String(N))
    assert.equal(ins.succ_index.length, N)
    assert.deepEqual((ins.IDs as unknown as { int_id: { data: string[] } }).int_id.data.slice(0, 3), ['0', '1', '2'])
    const up = await c.upsert({ collection_name: 'book', data: rowsOf((i) => i * 10) })
    assert.equal(up.status.error_code, ErrorCode.SUCCESS)
    assert.equal(up.upsert_cnt, String(N))
    assert.equal(up.delete_cnt, String(N))
    assert.equal(up.insert_cnt, '0')
    assert.ok(BigInt(up.timestamp) > BigInt(ins.timestamp), 'mutation timestamps increase (Session consistency)')
    assert.equal((await c.count({ collection_name: 'book' })).data, N)
  })

  test('upsert into a partition moves the keys there; a new key is an insert', async () => {
    await c.createPartition({ collection_name: 'book', partition_name: 'comedy' })
    const rows = [0, 1, 2, N].map((id) => ({ book_id: id, word_count: -1, book_name: `comedy ${id}`, book_intro: intro[0]!, cover: [0, 1] }))
    const up = await c.upsert({ collection_name: 'book', partition_name: 'comedy', data: rows })
    assert.equal(up.upsert_cnt, '4')
    assert.equal(up.insert_cnt, '1')
    assert.equal(up.delete_cnt, '3')
    assert.equal((await c.count({ collection_name: 'book' })).data, N + 1)
    const inComedy = await c.query({ collection_name: 'book', partition_names: ['comedy'], filter: 'book_id >= 0', output_fields: ['book_id'] })
    assert.deepEqual(inComedy.data.map((r) => r.book_id).sort(), ['0', '1', '2', String(N)])
    const stats = await c.getPartitionStatistics({ collection_name: 'book', partition_name: 'comedy' })
    assert.equal(stats.data.row_count, '4')
  })

  test('partial update merges the given fields into the stored rows', async () => {
    const r = await c.upsert({ collection_name: 'book', partial_update: true, data: [{ book_id: 5, word_count: 555 }] })
    assert.equal(r.status.error_code, ErrorCode.SUCCESS)
    const got = await c.get({ collection_name: 'book', ids: [5], output_fields: ['word_count', 'book_name'] })
    assert.deepEqual(got.data, [{ book_id: '5', word_count: '555', book_name: 'book 5' }])
  })

  test('flush, index, load', async () => {
    const f = await c.flushSync({ collection_names: ['book'] })
    assert.equal(f.status.error_code, ErrorCode.SUCCESS)
    assert.equal((await c.createIndex({ collection_name: 'book', field_name: 'book_intro', index_type: 'HNSW', metric_type: 'L2', params: { M: 16, efConstruction: 100 } })).error_code, ErrorCode.SUCCESS)
    assert.equal((await c.loadCollectionSync({ collection_name: 'book' })).error_code, ErrorCode.SUCCESS)
  })

  test('search (new form): nearest first, pk and output fields in each hit, filters and templates', async () => {
    const q = intro[42]!
    const r = await c.search({ collection_name: 'book', anns_field: 'book_intro', data: q, limit: 3, output_fields: ['book_name', 'word_count'], params: { ef: 64 } })
    assert.equal(r.status.error_code, ErrorCode.SUCCESS)
    assert.equal(r.results.length, 3)
    assert.deepEqual({ ...r.results[0] }, { score: 0, book_id: '42', book_name: 'book 42', word_count: '420' })
    assert.ok(r.results[1]!.score >= r.results[0]!.score)
    const filtered = await c.search({ collection_name: 'book', anns_field: 'book_intro', data: q, limit: 5, filter: 'word_count > {w} and book_id != {skip}', exprValues: { w: 20000, skip: 2500 }, output_fields: ['word_count'] })
    assert.equal(filtered.results.length, 5)
    for (const hit of filtered.results) {
      assert.ok(Number(hit.word_count) > 20000)
      assert.notEqual(hit.book_id, '2500')
    }
    const paged = await c.search({ collection_name: 'book', anns_field: 'book_intro', data: q, limit: 2, offset: 1 })
    assert.deepEqual(paged.results.map((h) => h.book_id), r.results.slice(1, 3).map((h) => h.book_id))
    const two = await c.search({ collection_name: 'book', anns_field: 'book_intro', data: [intro[7]!, intro[8]!], limit: 1 })
    assert.deepEqual((two.results as unknown as { book_id: string }[][]).map((hits) => hits[0]!.book_id), ['7', '8'])
  })

  test('search (old form): vectors + search_params with topk, metric, params JSON, round_decimal', async () => {
    const r = await c.search({
      collection_name: 'book',
      vectors: [intro[100]!],
      search_params: { anns_field: 'book_intro', topk: '4', metric_type: 'L2', params: JSON.stringify({ ef: 32 }), round_decimal: 2 },
      output_fields: ['book_name'],
    } as never)
    assert.equal(r.status.error_code, ErrorCode.SUCCESS)
    assert.equal(r.results.length, 4)
    assert.equal(r.results[0]!.book_id, '100')
    for (const h of r.results) assert.equal(Math.round(h.score * 100) / 100, h.score)
  })

  test('hybrid search fuses two vector fields with RRF', async () => {
    const r = await c.search({
      collection_name: 'book',
      data: [
        { data: intro[9]!, anns_field: 'book_intro', params: { ef: 32 } },
        { data: [9 % 7, 1], anns_field: 'cover' },
      ],
      rerank: RRFRanker(60),
      limit: 3,
      output_fields: ['book_name'],
    })
    assert.equal(r.status.error_code, ErrorCode.SUCCESS)
    assert.equal(r.results.length, 3)
    assert.equal(r.results[0]!.book_id, '9')
    assert.ok(r.results[0]!.score > 0)
  })

  test('query: filter, paging, count(*) with a filter, get by ids, templates', async () => {
    const q = await c.query({ collection_name: 'book', filter: 'book_id in [10, 11, 12]', output_fields: ['book_name', 'word_count'] })
    assert.deepEqual(q.data.map((r) => [r.book_id, r.book_name, r.word_count]).sort(), [['10', 'book 10', '100'], ['11', 'book 11', '110'], ['12', 'book 12', '120']])
    const page = await c.query({ collection_name: 'book', filter: 'book_id < 100', output_fields: ['book_id'], limit: 5, offset: 10 })
    assert.equal(page.data.length, 5)
    const count = await c.count({ collection_name: 'book', filter: 'word_count < 100' })
    assert.equal(count.data, 10) // ids 0..9 have word_count 10·id except 5 (555) and 0..2 (-1, comedy), plus 3000 (-1)
    const tmpl = await c.query({ collection_name: 'book', filter: 'book_id in {ids}', exprValues: { ids: [20, 21] }, output_fields: ['book_id'] })
    assert.deepEqual(tmpl.data.map((r) => r.book_id).sort(), ['20', '21'])
    const vec = await c.get({ collection_name: 'book', ids: [3000], output_fields: ['book_intro'] })
    assert.deepEqual(vec.data[0]!.book_intro, Array.from(Float32Array.from(intro[0]!)))
  })

  test('delete by ids and by filter, counted; the rows are gone for every read', async () => {
    const byIds = await c.delete({ collection_name: 'book', ids: [1, 2, 999999] })
    assert.equal(byIds.status.error_code, ErrorCode.SUCCESS)
    assert.equal(byIds.delete_cnt, '2')
    const byFilter = await c.delete({ collection_name: 'book', filter: 'book_id >= 2990' })
    assert.equal(byFilter.delete_cnt, String(N - 2990 + 1))
    assert.equal((await c.count({ collection_name: 'book' })).data, N + 1 - 2 - (N - 2990 + 1))
    assert.deepEqual((await c.get({ collection_name: 'book', ids: [1, 2995] })).data, [])
  })
})
