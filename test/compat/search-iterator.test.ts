// Search iterator v2 through the official Node SDK's `searchIterator` against the real server: every
// row comes back exactly once, pages in score order, also across ties at a page boundary (many rows
// at the same distance), for a distance (L2) and a similarity (IP), with a filter and a limit; pages
// read the snapshot the first one pinned; a page for several query vectors is refused as Milvus refuses it.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { DataType } from '@zilliz/milvus2-sdk-node'
import { startTestServer, type TestServer } from './server-fixture.ts'

let srv: TestServer
const ROWS = 120

before(async () => {
  srv = await startTestServer()
  const c = srv.connect()
  const created = await c.createCollection({
    collection_name: 'it',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'n', data_type: DataType.Int32 },
      { name: 'vector', data_type: DataType.FloatVector, dim: 2 },
    ],
  })
  assert.equal(created.error_code, 'Success')
  // Row i lies at [i % 10, 1]: ten distinct distances from [0, 1], twelve rows tied at each.
  await c.insert({ collection_name: 'it', data: Array.from({ length: ROWS }, (_, i) => ({ id: i, n: i, vector: [i % 10, 1] })) })
  await c.createIndex({ collection_name: 'it', field_name: 'vector', index_type: 'FLAT', metric_type: 'L2' })
  await c.loadCollectionSync({ collection_name: 'it' })
})
after(() => srv.stop())

async function iterate(opts: Record<string, unknown>): Promise<{ pages: number; hits: { id: number; score: number }[] }> {
  const it = await srv.connect().searchIterator({ collection_name: 'it', data: [0, 1], ...opts } as never)
  const hits: { id: number; score: number }[] = []
  let pages = 0
  for await (const page of it as AsyncIterable<{ id: string; score: number }[]>) {
    if (page === null || page.length === 0) break
    pages++
    assert.ok(pages <= ROWS, 'the iterator ends')
    hits.push(...page.map((h) => ({ id: Number(h.id), score: h.score })))
  }
  return { pages, hits }
}

function assertOrdered(scores: number[], ascending: boolean): void {
  for (let i = 1; i < scores.length; i++) assert.ok(ascending ? scores[i]! >= scores[i - 1]! : scores[i]! <= scores[i - 1]!, `score ${i}: ${scores[i - 1]} then ${scores[i]}`)
}

test('L2: every row once, in distance order, with batch sizes that split the ties', async () => {
  for (const batchSize of [1, 5, 7, 12, 50, ROWS]) {
    const { pages, hits } = await iterate({ batchSize, metric_type: 'L2' })
    const ids = hits.map((h) => h.id)
    assert.equal(new Set(ids).size, ids.length, `batch ${batchSize}: no row twice`)
    assert.equal(ids.length, ROWS, `batch ${batchSize}: every row`)
    assert.equal(pages, Math.ceil(ROWS / batchSize))
    assertOrdered(hits.map((h) => h.score), true)
  }
})

test('IP, a filter and a limit: the best rows first, each once, no more than the limit', async () => {
  const { hits } = await iterate({ batchSize: 7, metric_type: 'IP', filter: 'n % 2 == 0', limit: 40 })
  const ids = hits.map((h) => h.id)
  assert.equal(ids.length, 40)
  assert.equal(new Set(ids).size, 40)
  assert.ok(ids.every((id) => id % 2 === 0))
  assertOrdered(hits.map((h) => h.score), false)
  // IP with [0, 1] is 1 for every row: all tie, so any 40 even rows are right; with L2 the nearest come first.
  const near = await iterate({ batchSize: 9, metric_type: 'L2', filter: 'n % 2 == 0', limit: 30 })
  assert.deepEqual(near.hits.map((h) => h.score), [...Array(12).fill(0), ...Array(12).fill(4), ...Array(6).fill(16)])
})

test('the pages read the snapshot pinned by the first one: rows written meanwhile do not appear', async () => {
  const it = await srv.connect().searchIterator({ collection_name: 'it', data: [0, 1], batchSize: 10, metric_type: 'L2' } as never)
  const iterator = (it as AsyncIterable<{ id: string }[]>)[Symbol.asyncIterator]()
  const first = await iterator.next()
  const ids = (first.value as { id: string }[]).map((h) => Number(h.id))
  // Rows nearer the query than anything left: a read of the latest state would return them next.
  const inserted = await srv.connect().insert({ collection_name: 'it', data: Array.from({ length: 20 }, (_, i) => ({ id: 1000 + i, n: 0, vector: [0, 1] })) })
  assert.equal(inserted.status.error_code, 'Success')
  for (let page = await iterator.next(); !page.done && page.value !== null && page.value.length > 0; page = await iterator.next()) {
    ids.push(...page.value.map((h) => Number(h.id)))
    assert.ok(ids.length <= ROWS + 20, 'the iterator ends')
  }
  assert.deepEqual([...ids].sort((a, b) => a - b), Array.from({ length: ROWS }, (_, i) => i))
  await srv.connect().delete({ collection_name: 'it', filter: 'id >= 1000' })
})

test('a page for two query vectors is refused', async () => {
  const r = await srv.connect().search({ collection_name: 'it', data: [[0, 1], [1, 1]], limit: 5, params: { iterator: true, search_iter_v2: true, search_iter_batch_size: 5 } } as never)
  assert.equal(r.status.error_code, 'IllegalArgument')
  assert.match(r.status.reason, /multiple vectors/)
})
