// A large insert's BM25 function runs on the term-frequency workers (src/text/term-frequency-pool.ts):
// search answers, the stored texts and the answers after a reopen equal those of the same rows
// inserted in small batches (computed on the writer's thread); so do those of a large insert made
// while the workers start (the same UTF-8 path on the writer's thread); a batch with a lone surrogate
// stays on the writer's thread. The analyzer here runs in JavaScript (stop words); the standard
// analyzer, in WebAssembly, stays on the writer's thread up to POOL_WASM_TEXT_BYTES_MIN, with the
// same answers as the workers give above it.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType } from '../../src/index.ts'
import { POOL_TEXT_BYTES_MIN, POOL_WASM_TEXT_BYTES_MIN } from '../../src/engine/bm25-write.ts'
import { termFrequencyPool } from '../../src/text/term-frequency-pool.ts'
import { openTemp, rng } from '../support/temp-db.ts'

const words = ['alpha', 'Beta', 'GAMMA', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa', 'lambda', 'mu', 'naïve', 'café', '中文', 'x86_64', '42', 'the', 'and', 'of']

function corpus(n: number): (string | null)[] {
  const random = rng(13)
  return Array.from({ length: n }, (_, r) => {
    if (r % 53 === 5) return null
    const len = 8 + Math.floor(random() * 30)
    const out: string[] = []
    for (let i = 0; i < len; i++) out.push(words[Math.floor(random() * (r % 4 === 0 ? words.length : 12))]!)
    return out.join(r % 3 === 0 ? ', ' : ' ')
  })
}

const queries = ['alpha beta', 'naïve café', 'GAMMA gamma delta', 'the and of', 'x86_64 42', '中文', 'kappa lambda mu', 'nothing']

describe('BM25 function on the worker pool', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  const texts = corpus(4_000)

  async function create(name: string, analyzer: Record<string, unknown> = { type: 'standard', stop_words: ['of'] }): Promise<void> {
    const r = await env.client.createCollection({
      collection_name: name,
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'text', data_type: DataType.VarChar, max_length: 65535, enable_analyzer: true, analyzer_params: analyzer, nullable: true },
        { name: 'sparse', data_type: DataType.SparseFloatVector },
      ],
      functions: [{ name: 'bm25', type: 1, input_field_names: ['text'], output_field_names: ['sparse'], params: {} }],
    })
    assert.equal(r.code, 0, r.reason)
  }

  async function answers(name: string): Promise<unknown[]> {
    await env.client.loadCollection({ collection_name: name })
    const out: unknown[] = []
    for (const q of queries) {
      const r = await env.client.search({ collection_name: name, data: [q], anns_field: 'sparse', limit: 15, output_fields: ['text'] })
      assert.equal(r.status.code, 0, r.status.reason)
      out.push(r.results)
    }
    return out
  }

  before(async () => {
    env = await openTemp()
    await create('pooled')
    await create('inline')
  })
  after(() => env.cleanup())

  test('one large insert on the pool answers as small inserts on the writer thread, before and after a reopen', async () => {
    const bytes = texts.reduce((s, t) => s + Buffer.byteLength(t ?? ''), 0)
    assert.ok(bytes >= 2 * POOL_TEXT_BYTES_MIN, `the corpus (${bytes} bytes) is large enough for the pool`)
    await termFrequencyPool().whenReady()
    const jobs = termFrequencyPool().jobCount
    const rows = texts.map((text, id) => ({ id, text }))
    await env.client.collection('pooled').insert(rows)
    assert.equal(termFrequencyPool().jobCount, jobs + 1, 'the large insert ran on the pool')
    for (let i = 0; i < rows.length; i += 250) await env.client.collection('inline').insert(rows.slice(i, i + 250))
    assert.equal(termFrequencyPool().jobCount, jobs + 1, 'small inserts stay on the writer thread')
    const pooled = await answers('pooled')
    assert.deepEqual(pooled, await answers('inline'))
    assert.ok((pooled[0] as unknown[]).length === 15 && (pooled[1] as unknown[]).length > 0)
    const stored = await env.client.query({ collection_name: 'pooled', filter: 'id < 60', output_fields: ['text'] })
    assert.deepEqual(stored.data.map((r) => r.text).sort(), texts.slice(0, 60).map((t) => t).sort())
    await env.reopen()
    assert.deepEqual(await answers('pooled'), pooled)
  })

  test('while the workers start, a large insert is analyzed from its UTF-8 on the writer thread, with the same answers', async () => {
    await create('starting')
    // Closed: the insert below finds the pool starting again, not ready.
    await termFrequencyPool().close()
    const jobs = termFrequencyPool().jobCount
    await env.client.collection('starting').insert(texts.map((text, id) => ({ id, text })))
    assert.equal(termFrequencyPool().jobCount, jobs, 'not on the pool')
    assert.deepEqual(await answers('starting'), await answers('inline'))
  })

  test('a batch with a lone surrogate is analyzed on the writer thread', async () => {
    await termFrequencyPool().whenReady()
    const jobs = termFrequencyPool().jobCount
    const rows = texts.map((text, id) => ({ id: 10_000 + id, text: id === 7 ? 'alpha \ud800 beta' : text }))
    await env.client.collection('pooled').insert(rows)
    assert.equal(termFrequencyPool().jobCount, jobs)
    const r = await env.client.search({ collection_name: 'pooled', data: ['alpha beta'], anns_field: 'sparse', limit: 3, output_fields: [] })
    assert.equal(r.status.code, 0, r.status.reason)
    assert.equal(r.results.length, 3)
  })
  test('the standard analyzer: a column under POOL_WASM_TEXT_BYTES_MIN stays on the writer thread, one above goes to the pool, with the same answers', async () => {
    const standard = { type: 'standard' }
    await create('wasm_small', standard)
    await create('wasm_large', standard)
    await create('wasm_inline', standard)
    await termFrequencyPool().whenReady()
    const jobs = termFrequencyPool().jobCount
    // 4,000 rows under the threshold, then the same texts repeated (ids apart) past it in one insert.
    const rows = texts.map((text, id) => ({ id, text }))
    await env.client.collection('wasm_small').insert(rows)
    assert.equal(termFrequencyPool().jobCount, jobs, 'under the threshold: on the writer thread')
    const copies = Math.ceil(POOL_WASM_TEXT_BYTES_MIN / texts.reduce((s, t) => s + (t?.length ?? 0), 0)) + 1
    const large = Array.from({ length: copies }, (_, c) => texts.map((text, i) => ({ id: c * 10_000 + i, text }))).flat()
    await env.client.collection('wasm_large').insert(large)
    assert.equal(termFrequencyPool().jobCount, jobs + 1, 'past the threshold: on the pool')
    for (let i = 0; i < large.length; i += 2_000) await env.client.collection('wasm_inline').insert(large.slice(i, i + 2_000))
    assert.equal(termFrequencyPool().jobCount, jobs + 1)
    assert.deepEqual(await answers('wasm_large'), await answers('wasm_inline'))
    const small = await answers('wasm_small')
    assert.ok((small[0] as unknown[]).length === 15)
    assert.deepEqual(await answers('wasm_small'), small)
  })
})
