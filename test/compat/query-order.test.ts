// Query answers in primary-key order, as Milvus: across growing and sealed segments whose keys
// interleave, with offset and limit (the smallest keys that match), for int64 and varchar keys; the
// official Node SDK's queryIterator (which pages on `pk > last`) returns every row exactly once.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { DataType } from '@zilliz/milvus2-sdk-node'
import { startTestServer, type TestServer } from './server-fixture.ts'

let srv: TestServer
const ROWS = 3000

before(async () => {
  srv = await startTestServer()
  const c = srv.connect()
  for (const [name, pkType] of [['ints', DataType.Int64], ['strs', DataType.VarChar]] as const) {
    const created = await c.createCollection({
      collection_name: name,
      fields: [
        { name: 'id', data_type: pkType, is_primary_key: true, max_length: 16 },
        { name: 'n', data_type: DataType.Int32 },
        { name: 'vector', data_type: DataType.FloatVector, dim: 2 },
      ],
    })
    assert.equal(created.error_code, 'Success', created.reason)
    // Three batches whose keys interleave (k % 3 == batch), each flushed into its own sealed segment, keys descending within a batch.
    for (let b = 0; b < 3; b++) {
      const keys = Array.from({ length: ROWS / 3 }, (_, i) => ROWS - 1 - (3 * i + b))
      const data = keys.map((k) => ({ id: pkType === DataType.Int64 ? k : `k${String(k).padStart(5, '0')}`, n: k, vector: [k, 1] }))
      assert.equal((await c.insert({ collection_name: name, data })).status.error_code, 'Success')
      if (b < 2) await c.flush({ collection_names: [name] })
    }
  }
})
after(() => srv.stop())

test('query: the smallest matching keys first, offset and limit over the merged order', async () => {
  const c = srv.connect()
  const q = await c.query({ collection_name: 'ints', filter: 'n % 2 == 0', output_fields: ['id'], offset: 5, limit: 10 })
  assert.equal(q.status.error_code, 'Success', q.status.reason)
  assert.deepEqual(q.data.map((r) => Number(r.id)), [10, 12, 14, 16, 18, 20, 22, 24, 26, 28])
  const s = await c.query({ collection_name: 'strs', filter: 'n >= 100', output_fields: ['id'], limit: 3 })
  assert.deepEqual(s.data.map((r) => r.id), ['k00100', 'k00101', 'k00102'])
  const byKeys = await c.query({ collection_name: 'ints', filter: 'id in [30, 2, 17, 4]', output_fields: ['id'] })
  assert.deepEqual(byKeys.data.map((r) => Number(r.id)), [2, 4, 17, 30])
})

test('the Node SDK queryIterator returns every row once, in key order, whatever the batch size', async () => {
  for (const batchSize of [1000, 777, ROWS + 5]) {
    const it = await srv.connect().queryIterator({ collection_name: 'ints', batchSize, output_fields: ['id'], expr: 'n >= 0' } as never)
    const ids: number[] = []
    let pages = 0
    for await (const page of it as AsyncIterable<{ id: string }[]>) {
      if (page.length === 0) break
      assert.ok(++pages <= ROWS, 'the iterator ends')
      ids.push(...page.map((r) => Number(r.id)))
    }
    assert.deepEqual(ids, Array.from({ length: ROWS }, (_, i) => i), `batch ${batchSize}`)
  }
})
