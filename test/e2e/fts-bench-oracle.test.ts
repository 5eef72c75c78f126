// The full-text benchmark's own parts (bench/fts-*.ts): man page paragraphs come out as a reader sees
// them, the top-k comparator accepts only tie reorderings, the upsert check's final corpus is what it
// says, and the sparse-ip stand-in scores through the engine exactly as Milvus's BM25 formula.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { mismatch } from '../../bench/fts-compare.ts'
import { buildCollection, searchOnce } from '../../bench/fts-quiver.ts'
import { parseManPage, stripEscapes } from '../../bench/fts-troff.ts'
import { finalCorpus } from '../../bench/fts-upsert.ts'
import { openTemp } from '../support/temp-db.ts'

describe('bench/fts troff to paragraphs', () => {
  test('macros break paragraphs, font macros and escapes keep their words', () => {
    const page = parseManPage(
      ['.\\" a comment', '.TH OPEN 2 2023-02-05 "Linux man-pages 6.03"', '.SH NAME', 'open, creat \\- open and possibly create a file', '.SH DESCRIPTION',
        'The', '.BR open ()', 'system call opens the file specified by', '.IR pathname .', '.PP', 'If \\fBO_CREAT\\fP is given\\(emnot always\\(emthe mode', '.ig', 'hidden text', '..', '.TP', '.B O_APPEND', 'The file is opened in append mode.'].join('\n'),
      'open.2',
    )
    assert.equal(page.title, 'OPEN(2)')
    assert.deepEqual(page.paragraphs, [
      { section: 'NAME', text: 'open, creat - open and possibly create a file' },
      { section: 'DESCRIPTION', text: 'The open() system call opens the file specified by pathname.' },
      { section: 'DESCRIPTION', text: 'If O_CREAT is given - not always - the mode' },
      { section: 'DESCRIPTION', text: 'O_APPEND The file is opened in append mode.' },
    ])
    assert.equal(stripEscapes('\\f[B]x\\f[]\\(aqy\\(aq \\e \\&.'), "x'y' \\ .")
  })
})

describe('bench/fts comparator', () => {
  const ref = { q: 0, ids: [5, 6, 7], scores: [3, 2, 1], tail: [8] }
  test('equal answers and tie reorderings pass', () => {
    assert.equal(mismatch(ref, [[5, 3], [6, 2.00005], [7, 1]], 1e-4), null)
    assert.equal(mismatch(ref, [[5, 3], [6, 2], [8, 1]], 1e-4), null, 'a document tied with the last may replace it')
  })
  test('wrong ids, scores and counts fail', () => {
    assert.match(mismatch(ref, [[5, 3], [6, 2]], 1e-4)!, /2 hits, reference 3/)
    assert.match(mismatch(ref, [[5, 3], [6, 2.001], [7, 1]], 1e-4)!, /rank 1: score/)
    assert.match(mismatch(ref, [[5, 3], [6, 2], [9, 1]], 1e-4)!, /id 9 .* not in the reference/)
    assert.match(mismatch(ref, [[5, 3], [6, 2], [6, 1]], 1e-4)!, /scored|twice/)
  })
})

describe('bench/fts sparse-ip stand-in through the engine', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  before(async () => {
    env = await openTemp({})
  })
  after(() => env.cleanup())

  test('Quiver ranks and scores as the BM25 formula over the same tokens', async () => {
    const texts = ['the cat sat on the mat', 'a dog and a cat', 'the dog barked at the cat the cat ran', 'open a file', 'open and possibly create a file', 'close a file descriptor']
    const passages = finalCorpus(texts.map((text, id) => ({ id, title: 't', section: 's', text }))).final
    assert.equal(passages[3]!.text, texts[(3 * 7 + 1) % texts.length], 'id 3 takes the text of (7·3 + 1) mod N')
    const run = { dir: '', passages, queries: [], mode: 'sparse-ip' as const, analyzer: { type: 'standard' }, k: 3, k1: 1.2, b: 0.75, dim: 4, batch: 4, minSeconds: 0 }
    const built = await buildCollection(env.client, 'fts', run, passages)
    const query = { id: 0, kind: 'words' as const, text: 'cat cat file' }
    const hits = await searchOnce(env.client, 'fts', built.queryData(query), 3)
    // By hand: N = 6, avgdl = mean token count, idf = ln(1 + (N − df + 0.5)/(df + 0.5)), query "cat" counts twice.
    const docs = passages.map((p) => p.text.split(' '))
    const avgdl = docs.reduce((n, d) => n + d.length, 0) / docs.length
    const idf = (t: string) => {
      const df = docs.filter((d) => d.includes(t)).length
      return Math.log(1 + (docs.length - df + 0.5) / (df + 0.5))
    }
    const score = (d: string[]) => {
      let s = 0
      for (const [t, qtf] of [['cat', 2], ['file', 1]] as const) {
        const tf = d.filter((x) => x === t).length
        if (tf > 0) s += (qtf * idf(t) * 2.2 * tf) / (tf + 1.2 * (0.25 + (0.75 * d.length) / avgdl))
      }
      return s
    }
    const want = docs.map((d, id) => [id, score(d)] as [number, number]).filter(([, s]) => s > 0).sort((x, y) => y[1] - x[1] || x[0] - y[0]).slice(0, 3)
    assert.deepEqual(hits.map(([id]) => id), want.map(([id]) => id))
    hits.forEach(([, s], i) => assert.ok(Math.abs(s - want[i]![1]) < 1e-5, `score ${s} vs ${want[i]![1]}`))
  })
})
