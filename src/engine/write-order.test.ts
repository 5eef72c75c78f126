// Writes to one collection are timestamped in the order they arrive, even when an earlier one waits
// (the BM25 function on the worker pool, a delete filter compiled off the thread) and a later one does
// not: an upsert of the same key keeps the value of the write that came last.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { DataType, FunctionType } from '../index.ts'
import { termFrequencyPool } from '../text/term-frequency-pool.ts'
import { openTemp } from '../../test/support/temp-db.ts'
import { WriteOrder } from './write-order.ts'

let env: Awaited<ReturnType<typeof openTemp>>

before(async () => {
  env = await openTemp({})
  const r = await env.client.createCollection({
    collection_name: 'docs',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      // An analyzer that runs in JavaScript: its large columns go to the worker pool (the standard one stays on this thread up to 4 MiB).
      { name: 'text', data_type: DataType.VarChar, max_length: 2000, enable_analyzer: true, analyzer_params: { type: 'standard', stop_words: ['of'] } },
      { name: 'sparse', data_type: DataType.SparseFloatVector },
    ],
    functions: [{ name: 'bm25', type: FunctionType.BM25, input_field_names: ['text'], output_field_names: ['sparse'], params: {} }],
  })
  assert.equal(r.error_code, 'Success')
  await termFrequencyPool().whenReady()
})

after(async () => {
  await env.cleanup()
})

/** Rows 1..n with ~500 bytes of text each: well above the size that goes to the worker pool. */
function bigBatch(n: number, word: string): { id: number[]; text: string[] } {
  const filler = 'lorem ipsum dolor sit amet consectetur '.repeat(12)
  return { id: Array.from({ length: n }, (_, i) => i + 1), text: Array.from({ length: n }, () => `${word} ${filler}`) }
}

async function textOf(id: number): Promise<string> {
  const rows = await env.client.collection('docs').query({ filter: `id == ${id}`, outputFields: ['text'] })
  assert.equal(rows.length, 1)
  return String(rows[0]!.text)
}

test('a small upsert sent after a large one (BM25 on the worker pool) keeps its value', async () => {
  const coll = env.client.collection('docs')
  const jobs = termFrequencyPool().jobCount
  await Promise.all([coll.upsert(bigBatch(2_000, 'older')), coll.upsert({ id: [1], text: ['newer'] })])
  assert.ok(termFrequencyPool().jobCount > jobs, 'the large upsert did not go to the worker pool')
  assert.equal(await textOf(1), 'newer')
  assert.match(await textOf(2), /^older /)
})

test('a delete sent after a large upsert deletes what the upsert wrote', async () => {
  const coll = env.client.collection('docs')
  await Promise.all([coll.upsert(bigBatch(2_000, 'again')), coll.delete({ ids: [5] })])
  const rows = await coll.query({ filter: 'id in [4, 5, 6]', outputFields: ['id'] })
  assert.deepEqual(rows.map((r) => Number(r.id)).sort(), [4, 6])
})

test('a write that fails early still holds back the writes after it until the ones before it are submitted', async () => {
  const order = new WriteOrder()
  const seen: string[] = []
  const a = order.enter(7)
  const b = order.enter(7)
  const c = order.enter(7)
  b.done() // b failed before its turn
  void c.ready.then(() => seen.push('c'))
  await new Promise((r) => setImmediate(r))
  assert.deepEqual(seen, [], 'c went before a was submitted')
  a.done()
  await c.ready
  assert.deepEqual(seen, ['c'])
  c.done()
  await new Promise((r) => setImmediate(r))
  assert.equal(order.pending, 0)
})
