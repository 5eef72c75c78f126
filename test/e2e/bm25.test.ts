// The BM25 function end to end through the embedded API: every search is checked against a BM25
// computed here from the live texts alone (own tokenizer, float64), so corpus statistics must be exact
// across 3+ segments, deletes, upserts, partial updates, compaction, a filter and a reopen.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType, FunctionType } from '../../src/index.ts'
import { openTemp } from '../support/temp-db.ts'

type Hit = { id: string; score: number }

/** Okapi BM25 as Milvus defines it, from the texts themselves (the test's own reference). */
function referenceBm25(texts: ReadonlyMap<number, string>, query: string, k1 = 1.2, b = 0.75): Hit[] {
  const tokens = (t: string): string[] => t.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
  const docs = [...texts].map(([id, t]) => ({ id, terms: tokens(t) }))
  const n = docs.length
  const avgdl = docs.reduce((s, d) => s + d.terms.length, 0) / n
  const qtf = new Map<string, number>()
  for (const t of tokens(query)) qtf.set(t, (qtf.get(t) ?? 0) + 1)
  const hits: Hit[] = []
  for (const d of docs) {
    let score = 0
    for (const [term, q] of qtf) {
      const tf = d.terms.filter((x) => x === term).length
      if (tf === 0) continue
      const df = docs.filter((x) => x.terms.includes(term)).length
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5))
      score += (q * idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * d.terms.length) / avgdl))
    }
    if (score > 0) hits.push({ id: String(d.id), score })
  }
  return hits.sort((x, y) => y.score - x.score || Number(x.id) - Number(y.id))
}

const corpus = [
  'The quick brown fox jumps over the lazy dog',
  'A lazy dog sleeps all day',
  'Foxes are quick and clever animals',
  'Vector databases store embeddings for search',
  'Full text search ranks documents with BM25',
  'The dog and the fox are friends',
  'Search engines use inverted indexes',
  'BM25 weighs rare terms more than common terms',
  'Quick search over text and vectors',
  'Milvus supports hybrid search with BM25 and dense vectors',
  'An apple a day keeps the doctor away',
  'The brown dog chased the quick fox again and again',
]
const queries = ['quick fox', 'dog', 'search BM25 vectors', 'the', 'apple doctor', 'nothing matches zzz']

describe('BM25 function', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  const live = new Map<number, string>()

  before(async () => {
    env = await openTemp({ segmentRowsMax: 4, timeTravelRetentionMs: 0, autoCompaction: false })
    const r = await env.client.createCollection({
      collection_name: 'docs',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'text', data_type: DataType.VarChar, max_length: 200, enable_analyzer: true },
        { name: 'group', data_type: DataType.Int32 },
        { name: 'sparse', data_type: DataType.SparseFloatVector },
      ],
      functions: [{ name: 'bm25', type: FunctionType.BM25, input_field_names: ['text'], output_field_names: ['sparse'], params: {} }],
    })
    assert.equal(r.error_code, 'Success', r.reason)
    const rows = corpus.map((text, id) => ({ id, text, group: id % 2 }))
    for (const row of rows) live.set(row.id, row.text)
    for (let at = 0; at < rows.length; at += 4) {
      const ins = await env.client.insert({ collection_name: 'docs', data: rows.slice(at, at + 4) })
      assert.equal(ins.status.code, 0, ins.status.reason)
      await env.client.flush({ collection_names: ['docs'] })
    }
  })
  after(() => env.cleanup())

  const searchAll = async (opts: Record<string, unknown> = {}) => {
    const res = await env.client.search({ collection_name: 'docs', data: queries, anns_field: 'sparse', limit: 20, ...opts })
    assert.equal(res.status.code, 0, res.status.reason)
    return (res.results as unknown as Hit[][]).map((hits) => hits.map((h) => ({ id: String(h.id), score: h.score })))
  }
  const expectReference = async (k1?: number, b?: number) => {
    const got = await searchAll()
    queries.forEach((q, i) => {
      const want = referenceBm25(live, q, k1, b)
      assert.deepEqual(got[i]!.map((h) => h.id).sort(), want.map((h) => h.id).sort(), `hits of "${q}"`)
      for (const h of got[i]!) {
        const w = want.find((x) => x.id === h.id)!
        assert.ok(Math.abs(h.score - w.score) < 1e-5, `"${q}" id ${h.id}: ${h.score} vs ${w.score}`)
      }
      for (let k = 1; k < got[i]!.length; k++) assert.ok(got[i]![k - 1]!.score >= got[i]![k]!.score, 'best first')
    })
  }

  test('describe lists the function and flags its output; the data spans several segments', async () => {
    const d = await env.client.describeCollection({ collection_name: 'docs' })
    const fn = (d.schema as { functions: Record<string, unknown>[] }).functions
    assert.deepEqual(fn.map((f) => [f.name, f.type, f.input_field_names, f.output_field_names]), [['bm25', 'BM25', ['text'], ['sparse']]])
    const fields = (d.schema as { fields: Record<string, unknown>[] }).fields
    assert.deepEqual(fields.filter((f) => f.is_function_output === true).map((f) => f.name), ['sparse'])
    assert.ok(env.client.database.state.collection('docs').segmentsOf().length >= 3)
  })

  test('scores equal the reference BM25 (exact scan over every segment)', async () => {
    await expectReference()
  })

  test('deletes leave the statistics: N, avgdl and df count live rows only', async () => {
    await env.client.delete({ collection_name: 'docs', ids: [0, 7] })
    live.delete(0)
    live.delete(7)
    await expectReference()
  })

  test('upserts (full and partial) replace the old text and its statistics', async () => {
    await env.client.upsert({ collection_name: 'docs', data: [{ id: 1, text: 'dog dog dog fox', group: 1 }, { id: 20, text: 'a new quick document about search', group: 0 }] })
    live.set(1, 'dog dog dog fox')
    live.set(20, 'a new quick document about search')
    await env.client.upsert({ collection_name: 'docs', data: [{ id: 3, text: 'apple search apple' }], partial_update: true })
    live.set(3, 'apple search apple')
    await env.client.upsert({ collection_name: 'docs', data: [{ id: 4, group: 7 }], partial_update: true })
    await expectReference()
  })

  test('a filter narrows the hits, not the corpus statistics', async () => {
    const res = await env.client.search({ collection_name: 'docs', data: ['quick fox'], anns_field: 'sparse', limit: 20, filter: 'group == 0' })
    const want = referenceBm25(live, 'quick fox').filter((h) => Number(h.id) % 2 === 0 || h.id === '20')
    const got = (res.results as unknown as Hit[]).map((h) => ({ id: String(h.id), score: h.score }))
    assert.deepEqual(got.map((h) => h.id), want.map((h) => h.id))
    got.forEach((h, i) => assert.ok(Math.abs(h.score - want[i]!.score) < 1e-5))
  })

  test('after compaction and after a reopen the scores are the same', async () => {
    await env.client.flush({ collection_names: ['docs'] })
    const res = await env.client.compact({ collection_name: 'docs' })
    assert.equal(res.status.code, 0)
    await expectReference()
    await env.reopen()
    await env.client.loadCollection({ collection_name: 'docs' })
    await expectReference()
  })

  test('an index with bm25_k1 / bm25_b scores with them; drop_ratio_search keeps the best terms', async () => {
    const r = await env.client.createIndex({ collection_name: 'docs', field_name: 'sparse', index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'BM25', params: { bm25_k1: 1.6, bm25_b: 0.5 } })
    assert.equal(r.error_code, 'Success', r.reason)
    await expectReference(1.6, 0.5)
  })

  test('refusals: output field written, read, searched with another metric or a vector', async () => {
    const ins = await env.client.insert({ collection_name: 'docs', data: [{ id: 99, text: 'x', group: 0, sparse: { 1: 1 } }] })
    assert.equal(ins.status.code, 1100)
    assert.match(ins.status.reason, /sparse is the output of a function/)
    const q = await env.client.query({ collection_name: 'docs', filter: 'id >= 0', output_fields: ['sparse'] })
    assert.equal(q.status.reason, 'not allowed to retrieve raw data of field sparse')
    const star = await env.client.query({ collection_name: 'docs', filter: 'id == 2', output_fields: ['*'] })
    assert.deepEqual(Object.keys(star.data[0]!).sort(), ['group', 'id', 'text'])
    const ip = await env.client.search({ collection_name: 'docs', data: ['dog'], anns_field: 'sparse', metric_type: 'IP' })
    assert.equal(ip.status.code, 1100)
    const vec = await env.client.search({ collection_name: 'docs', data: [{ 1: 0.5 }], anns_field: 'sparse' })
    assert.equal(vec.status.code, 1100)
    assert.match(vec.status.reason, /takes query texts/)
  })
})

describe('BM25 function schema checks (Milvus wording)', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  before(async () => {
    env = await openTemp()
  })
  after(() => env.cleanup())

  const create = (text: Record<string, unknown>, fn: Record<string, unknown>, out: Record<string, unknown> = {}) =>
    env.client.createCollection({
      collection_name: 'bad',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'text', data_type: DataType.VarChar, max_length: 100, ...text },
        { name: 'sparse', data_type: DataType.SparseFloatVector, ...out },
        { name: 'dense', data_type: DataType.FloatVector, dim: 2 },
      ],
      functions: [{ name: 'f', type: FunctionType.BM25, input_field_names: ['text'], output_field_names: ['sparse'], params: {}, ...fn }],
    })

  test('each rule is refused with Milvus message and nothing is created', async () => {
    const cases: [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>, RegExp][] = [
      [{}, {}, {}, /BM25 function input field must set enable_analyzer to true/],
      [{ enable_analyzer: true }, { output_field_names: ['dense'] }, {}, /BM25 function output field must be a SparseFloatVector field, but got FloatVector/],
      [{ enable_analyzer: true }, { input_field_names: ['nope'] }, {}, /function input field not found: nope/],
      [{ enable_analyzer: true }, { output_field_names: ['sparse', 'dense'] }, {}, /BM25 function only need 1 output field, but got 2/],
      [{ enable_analyzer: true }, { params: { k: 1 } }, {}, /BM25 function accepts no params/],
      [{ enable_analyzer: true }, { name: '' }, {}, /function name cannot be empty/],
      [{ enable_analyzer: true }, { output_field_names: ['text'] }, {}, /a single field cannot be both input and output in the same function/],
      [{ enable_analyzer: true }, {}, { nullable: true }, /function output field cannot be nullable: function f, field sparse/],
      [{ enable_analyzer: true }, { type: FunctionType.TextEmbedding }, {}, /TextEmbedding functions call an external model service/],
      [{ enable_analyzer: true, analyzer_params: { tokenizer: 'nope' } }, {}, {}, /unsupported tokenizer|tokenizer/],
    ]
    for (const [text, fn, out, message] of cases) {
      const r = await create(text, fn, out)
      assert.notEqual(r.error_code, 'Success', String(message))
      assert.match(r.reason, message)
    }
    assert.equal((await env.client.hasCollection({ collection_name: 'bad' })).value, false)
  })
})

describe('BM25 function with multi_analyzer_params', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  before(async () => {
    env = await openTemp()
  })
  after(() => env.cleanup())

  test('rows are analyzed by their language; the query by analyzer_name (default without)', async () => {
    const r = await env.client.createCollection({
      collection_name: 'ml',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'lang', data_type: DataType.VarChar, max_length: 8 },
        { name: 'text', data_type: DataType.VarChar, max_length: 200, enable_analyzer: true, multi_analyzer_params: { by_field: 'lang', analyzers: { default: { type: 'standard' }, en: { type: 'english' } }, alias: { english: 'en' } } },
        { name: 'sparse', data_type: DataType.SparseFloatVector },
      ],
      functions: [{ name: 'bm25', type: FunctionType.BM25, input_field_names: ['text'], output_field_names: ['sparse'], params: {} }],
    })
    assert.equal(r.error_code, 'Success', r.reason)
    await env.client.insert({ collection_name: 'ml', data: [{ id: 1, lang: 'english', text: 'running dogs' }, { id: 2, lang: 'xx', text: 'running dogs' }] })
    const ids = async (text: string, params: Record<string, unknown> = {}) => {
      const s = await env.client.search({ collection_name: 'ml', data: [text], anns_field: 'sparse', limit: 5, params })
      assert.equal(s.status.code, 0, s.status.reason)
      return (s.results as unknown as { id: string }[]).map((h) => String(h.id)).sort()
    }
    assert.deepEqual(await ids('run', { analyzer_name: 'en' }), ['1'], 'english stems both sides')
    assert.deepEqual(await ids('running'), ['2'], 'default analyzer keeps the word whole')
    assert.deepEqual(await ids('dogs', { analyzer_name: 'en' }), ['1'])
  })
})

describe('BM25 on a growing segment: rows appended after its postings were built', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  before(async () => {
    env = await openTemp()
  })
  after(() => env.cleanup())

  test('tail rows are scored and counted in the statistics like the others', async () => {
    await env.client.createCollection({
      collection_name: 'g',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'text', data_type: DataType.VarChar, max_length: 200, enable_analyzer: true },
        { name: 'sparse', data_type: DataType.SparseFloatVector },
      ],
      functions: [{ name: 'bm25', type: FunctionType.BM25, input_field_names: ['text'], output_field_names: ['sparse'], params: {} }],
    })
    const live = new Map<number, string>()
    const put = async (rows: [number, string][]) => {
      for (const [id, text] of rows) live.set(id, text)
      const r = await env.client.upsert({ collection_name: 'g', data: rows.map(([id, text]) => ({ id, text })) })
      assert.equal(r.status.code, 0, r.status.reason)
    }
    const check = async (query: string) => {
      const s = await env.client.search({ collection_name: 'g', data: [query], anns_field: 'sparse', limit: 20 })
      const got = (s.results as unknown as Hit[]).map((h) => ({ id: String(h.id), score: h.score }))
      const want = referenceBm25(live, query)
      assert.deepEqual(got.map((h) => h.id).sort(), want.map((h) => h.id).sort(), query)
      for (const h of got) assert.ok(Math.abs(h.score - want.find((w) => w.id === h.id)!.score) < 1e-5, `${query} ${h.id}`)
    }
    await put(corpus.slice(0, 6).map((t, i) => [i, t]))
    await check('quick fox dog')
    await put([[10, 'a quick quick fox'], [11, 'dogs and more dogs dog']])
    await check('quick fox dog')
    await env.client.delete({ collection_name: 'g', ids: [10, 2] })
    live.delete(10)
    live.delete(2)
    await put([[11, 'the fox only']])
    await check('quick fox dog')
    assert.equal(env.client.database.state.collection('g').segmentsOf().length, 1, 'all of it in one growing segment')
  })
})
