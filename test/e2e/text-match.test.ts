// TEXT_MATCH / PHRASE_MATCH through the embedded API against a brute-force reference (each row's
// text analyzed afresh): growing rows, sealed segments, deletes, upserts, delete by filter,
// compaction and reopen give the same rows; search and count(*) take the filters; errors as Milvus's.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType, MilvusError } from '../../src/index.ts'
import { createAnalyzer } from '../../src/text/analyzer.ts'
import { phraseHolds } from '../../src/text/text-index.ts'
import { textIndexFor } from '../../src/text/text-index-cache.ts'
import { openTemp, rng } from '../support/temp-db.ts'

const words = ['apple', 'banana', 'cherry', 'machine', 'learning', 'deep', 'vector', 'search', 'milvus', 'fast']
const fields = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'v', data_type: DataType.FloatVector, dim: 2 },
  { name: 'text', data_type: DataType.VarChar, max_length: 400, enable_analyzer: true, enable_match: true, nullable: true },
  { name: 'plain', data_type: DataType.VarChar, max_length: 100 },
  { name: 'n', data_type: DataType.Int32 },
]

const next = rng(13)
function sentence(): string {
  const len = 1 + Math.floor(next() * 8)
  return Array.from({ length: len }, () => words[Math.floor(next() * words.length)]!)
    .map((w, i) => (i === 0 ? w[0]!.toUpperCase() + w.slice(1) : w))
    .join(next() < 0.2 ? ', ' : ' ')
}
const rowOf = (id: number, text: string | null = sentence()) => ({ id, v: [next(), next()], text, plain: 'apple', n: id % 7 })

/** The live rows, kept beside the database as the reference. */
const live = new Map<number, string | null>()
const analyzer = createAnalyzer()

function refTextMatch(query: string, min = 1): (text: string | null) => boolean {
  const terms = [...new Set(analyzer.analyze(query).map((t) => t.text))]
  return (text) => {
    if (text === null) return false
    const have = new Set(analyzer.analyze(text).map((t) => t.text))
    return terms.filter((t) => have.has(t)).length >= min && terms.length > 0
  }
}

function refPhrase(query: string, slop: number): (text: string | null) => boolean {
  const q = analyzer.analyze(query)
  return (text) => {
    if (text === null || q.length === 0) return false
    const tokens = analyzer.analyze(text)
    const byTerm = new Map(q.map((t) => [t.text, Int32Array.from(tokens.filter((x) => x.text === t.text).map((x) => x.position))]))
    const positions = q.map((t) => byTerm.get(t.text)!)
    return positions.every((p) => p.length > 0) && phraseHolds(positions, q.map((t) => t.position), slop)
  }
}

const cases: [string, (text: string | null, id: number) => boolean][] = [
  ["TEXT_MATCH(text, 'apple')", refTextMatch('apple')],
  ["text_match(text, 'Cherry MILVUS')", refTextMatch('cherry milvus')],
  ["TEXT_MATCH(text, 'apple banana cherry', minimum_should_match=2)", refTextMatch('apple banana cherry', 2)],
  ["PHRASE_MATCH(text, 'machine learning')", refPhrase('machine learning', 0)],
  ["PHRASE_MATCH(text, 'machine learning', 2)", refPhrase('machine learning', 2)],
  ["PHRASE_MATCH(text, 'deep vector search', 3)", refPhrase('deep vector search', 3)],
  ["PHRASE_MATCH(text, 'apple apple', 1)", refPhrase('apple apple', 1)],
  ["TEXT_MATCH(text, 'fast') and n > 3", (t, id) => refTextMatch('fast')(t) && id % 7 > 3],
  ["not TEXT_MATCH(text, 'apple') or id < 5", (t, id) => (t !== null && !refTextMatch('apple')(t)) || id < 5],
  ["TEXT_MATCH(text, 'nothingatall')", () => false],
]

describe('TEXT_MATCH and PHRASE_MATCH', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  before(async () => {
    env = await openTemp({ segmentRowsMax: 300, timeTravelRetentionMs: 0, autoCompaction: false })
    const st = await env.client.createCollection({ collection_name: 't', fields })
    assert.equal(st.code, 0, st.reason)
    const rows = Array.from({ length: 1000 }, (_, i) => rowOf(i, i % 50 === 7 ? null : sentence()))
    await env.client.collection('t').insert(rows)
    for (const r of rows) live.set(r.id, r.text)
  })
  after(() => env.cleanup())

  const check = async (when: string) => {
    const c = env.client.collection('t')
    for (const [filter, holds] of cases) {
      const got = (await c.query({ filter, outputFields: ['id'] })).map((r) => Number(r.id)).sort((a, b) => a - b)
      const want = [...live].filter(([id, t]) => holds(t, id)).map(([id]) => id).sort((a, b) => a - b)
      assert.deepEqual(got, want, `${when}: ${filter}`)
      assert.equal(await c.count(filter), want.length, `${when}: count(*) ${filter}`)
    }
    assert.ok((await c.count("TEXT_MATCH(text, 'apple')")) > 50, 'the corpus has matches')
  }

  test('growing and sealed segments give the reference rows', async () => {
    await check('inserted')
    await env.client.collection('t').flush()
    await check('flushed')
  })

  test('deletes, upserts and delete by filter', async () => {
    const c = env.client.collection('t')
    await c.delete({ filter: "PHRASE_MATCH(text, 'apple banana')" })
    for (const [id, t] of [...live]) if (refPhrase('apple banana', 0)(t)) live.delete(id)
    const ups = Array.from({ length: 60 }, (_, i) => rowOf(i * 11, i % 3 === 0 ? 'machine learning apple' : sentence()))
    await c.upsert(ups)
    for (const r of ups) live.set(r.id, r.text)
    await c.insert([rowOf(5000, 'Apple pie, machine-learning style')])
    live.set(5000, 'Apple pie, machine-learning style')
    await check('after deletes and upserts')
  })

  test('compaction and reopen give the same rows', async () => {
    await env.client.collection('t').flush()
    const res = await env.client.compact({ collection_name: 't' })
    assert.equal(res.status.code, 0)
    await check('compacted')
    const db = await env.reopen()
    // The background builder indexes every sealed segment's text after the open, before any filter asks.
    await db.database.indexBuilds.idle()
    const sealed = db.database.state.collection('t').segmentsOf().filter((seg) => seg.state === 'sealed')
    assert.ok(sealed.length >= 2, `${sealed.length} sealed segments`)
    for (const seg of sealed) {
      assert.equal(textIndexFor(seg.column('text')!.values as unknown[], '').indexedRows, seg.rowCount, `segment ${seg.id} indexed in the background`)
    }
    await check('reopened')
  })

  test('search takes a text filter', async () => {
    const hits = await env.client.collection('t').search([0.5, 0.5], { limit: 20, filter: "TEXT_MATCH(text, 'banana')", outputFields: ['text'] })
    assert.equal(hits[0]!.length, 20)
    for (const h of hits[0]!) assert.ok(refTextMatch('banana')(h.row.text as string), `hit ${h.id}: ${h.row.text}`)
  })

  test('errors as Milvus words them, 1100', async () => {
    const c = env.client.collection('t')
    const rejects = (filter: string, re: RegExp) => assert.rejects(c.query({ filter }), (e) => e instanceof MilvusError && e.code === 1100 && re.test(e.message), filter)
    await rejects("TEXT_MATCH(plain, 'apple')", /field "plain" does not enable match/)
    await rejects("PHRASE_MATCH(plain, 'apple')", /field "plain" does not enable match/)
    await rejects("TEXT_MATCH(n, 'apple')", /text match operation on non-string is unsupported/)
    await rejects("TEXT_MATCH(text, 'a', minimum_should_match=0)", /minimum_should_match should be >= 1, got 0/)
    await rejects("TEXT_MATCH(text, 'a', minimum_should_match=1001)", /minimum_should_match should be <= 1000, got 1001/)
    await rejects("PHRASE_MATCH(text, 'a b', -1)", /"slop" should not be a negative interger/)
    await rejects("PHRASE_MATCH(text, 'a b', 1.5)", /"slop" should be a const integer expression/)
    await rejects("PHRASE_MATCH(text, 'a b', 4294967296)", /"slop" exceeds the range of "uint32"/)
    await rejects('TEXT_MATCH(text, 3)', /needs a string query/)
  })
})

describe('TEXT_MATCH and PHRASE_MATCH on Chinese text (the chinese analyzer: jieba, positions in characters)', () => {
  test('words, phrases and slop counted in characters, before and after a reopen', async () => {
    const env = await openTemp()
    try {
      const st = await env.client.createCollection({
        collection_name: 'zh',
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true },
          { name: 'v', data_type: DataType.FloatVector, dim: 2 },
          { name: 'text', data_type: DataType.VarChar, max_length: 200, enable_analyzer: true, enable_match: true, analyzer_params: { type: 'chinese' } },
        ],
      })
      assert.equal(st.code, 0, st.reason)
      const texts = ['我爱机器学习', '机器学习很有趣', '学习机器的原理', '深度学习和机器学习', '今天天气很好']
      await env.client.collection('zh').insert(texts.map((text, id) => ({ id, v: [0, 1], text })))
      const check = async () => {
        const ids = async (filter: string) => (await env.client.collection('zh').query({ filter, outputFields: ['id'] })).map((r) => Number(r.id)).sort((a, b) => a - b)
        assert.deepEqual(await ids("TEXT_MATCH(text, '机器')"), [0, 1, 2, 3])
        assert.deepEqual(await ids("TEXT_MATCH(text, '天气 原理')"), [2, 4])
        assert.deepEqual(await ids("PHRASE_MATCH(text, '机器学习')"), [0, 1, 3])
        assert.deepEqual(await ids("PHRASE_MATCH(text, '机器学习', 3)"), [0, 1, 3], '学习机器: the two words swapped are 4 characters of moves')
        assert.deepEqual(await ids("PHRASE_MATCH(text, '机器学习', 4)"), [0, 1, 2, 3])
      }
      await check()
      await env.client.collection('zh').flush()
      await env.reopen()
      await check()
    } finally {
      await env.cleanup()
    }
  })
})
