// The BM25 function on worker threads and from UTF-8 bytes gives exactly the inline output: same term
// hashes and counts for every row (ASCII and not, nulls, multi analyzers), whichever slices the pool cuts.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { after, test } from 'node:test'
import { encodeUtf8Column } from './utf8-texts.ts'
import { type AnalyzerParams, createAnalyzer } from './analyzer.ts'
import { createMultiAnalyzer } from './multi-analyzer.ts'
import { csrRow, type TermFrequencyCsr, termFrequencyCsr, utf8TermFrequencyCsr } from './term-frequencies.ts'
import { sliceRows, TermFrequencyPool } from './term-frequency-pool.ts'

const pieces = ['the', 'Quick', 'FOX', '42', 'x86_64', 'naïve', 'ÉCOLE', 'ΣΊΣΥΦΟΣ', 'İstanbul', '中文分词', '𝐀𝐁𝐂', '😀', 'a'.repeat(99) + 'Z', 'b'.repeat(130), 'running', 'dogs', ' ', '\n', '-', ',', "'s", 'ß', 'x'.repeat(101)]

function seeded(seed: number): () => number {
  let x = seed >>> 0 || 1
  return () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 4294967296
  }
}

/** Texts mostly ASCII (the byte path), one in five with other characters (the string path). */
function texts(n: number, seed: number): string[] {
  const random = seeded(seed)
  return Array.from({ length: n }, (_, r) => {
    let s = ''
    const words = Math.floor(random() * 14)
    for (let i = 0; i < words; i++) {
      const p = pieces[Math.floor(random() * pieces.length)]!
      if (r % 5 !== 0 && /[^\x00-\x7f]/.test(p)) continue
      s += p + (random() < 0.8 ? ' ' : '')
    }
    return s
  })
}

function rowsOf(parts: readonly TermFrequencyCsr[]): [number, number][][] {
  const out: [number, number][][] = []
  for (const p of parts) for (let r = 0; r + 1 < p.rowStart.length; r++) {
    const row = csrRow(p, r)
    out.push([...row.indices].map((h, i) => [h, row.values[i]!]))
  }
  return out
}

const pool = new TermFrequencyPool(3)
after(() => pool.close())

for (const params of [{ type: 'standard' }, { type: 'english' }, { tokenizer: 'whitespace', filter: ['lowercase'] }] as AnalyzerParams[]) {
  test(`from UTF-8 bytes and on the pool equals inline: ${JSON.stringify(params)}`, async () => {
    const analyzer = createAnalyzer(params)
    const column = texts(2_000, 7)
    const isNull = (r: number): boolean => r % 41 === 2
    const expected = rowsOf([termFrequencyCsr(() => analyzer, column, isNull)])
    assert.ok(expected.some((r) => r.length > 3) && expected.some((r) => r.length === 0))
    const utf8 = encodeUtf8Column(column)
    assert.equal(utf8.wellFormed, true)
    assert.deepEqual(rowsOf([utf8TermFrequencyCsr(() => analyzer, utf8, 0, column.length, isNull)]), expected)
    // A slice in the middle numbers its rows from 0.
    assert.deepEqual(rowsOf([utf8TermFrequencyCsr(() => analyzer, utf8, 500, 900, isNull)]), expected.slice(500, 900))
    const nulls = Uint8Array.from(column, (_, r) => (isNull(r) ? 1 : 0))
    const parts = await pool.run({ analyzer: params, texts: utf8, rowCount: column.length, nulls })
    assert.equal(parts.length, 3, 'one slice per worker')
    assert.deepEqual(rowsOf(parts), expected)
  })
}

test('a multi analyzer on the pool: each row analyzed by its language (null and unknown: default)', async () => {
  const params = { by_field: 'lang', analyzers: { default: { type: 'standard' }, en: { type: 'english' } }, alias: { english: 'en' } }
  const multi = createMultiAnalyzer(params)
  const column = texts(1_500, 11)
  const languages = column.map((_, r) => [null, 'en', 'english', 'fr', 'default'][r % 5]!)
  const expected = rowsOf([termFrequencyCsr((r) => multi.analyzerFor(languages[r]), column, null)])
  const parts = await pool.run({ multi: params, languages, texts: encodeUtf8Column(column), rowCount: column.length })
  assert.deepEqual(rowsOf(parts), expected)
  // english stems and drops stop words: on some `en` rows the default analyzer would differ.
  const standardRow = (r: number): [number, number][] => rowsOf([termFrequencyCsr(() => multi.analyzerFor(null), [column[r]!], null)])[0]!
  assert.ok(expected.some((row, r) => languages[r] === 'en' && JSON.stringify(row) !== JSON.stringify(standardRow(r))))
})

test('a job the worker cannot run rejects, and the worker stays usable', async () => {
  const column = texts(300, 3)
  await assert.rejects(pool.run({ analyzer: { tokenizer: 'no-such-tokenizer' }, texts: encodeUtf8Column(column), rowCount: column.length }), /term-frequency worker/)
  const parts = await pool.run({ texts: encodeUtf8Column(column), rowCount: column.length })
  assert.deepEqual(rowsOf(parts), rowsOf([termFrequencyCsr(() => createAnalyzer({}), column, null)]))
})

test('sliceRows: about equal bytes, none empty, every row once', () => {
  const offsets = Int32Array.from([0, 10, 20, 30, 40, 1000, 1010])
  assert.deepEqual(sliceRows(offsets, 6, 2), [0, 5, 6])
  assert.deepEqual(sliceRows(offsets, 6, 1), [0, 6])
  assert.deepEqual(sliceRows(Int32Array.from([0, 5]), 1, 4), [0, 1])
  const even = Int32Array.from({ length: 101 }, (_, i) => i * 10)
  assert.deepEqual(sliceRows(even, 100, 4), [0, 25, 50, 75, 100])
})

test('started workers do not keep the process alive', () => {
  // This module's sibling as the test runs it: the source under tsx, the compiled file under dist.
  const moduleUrl = new URL(`./term-frequency-pool${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href
  // A CommonJS eval with a dynamic import: `--input-type` would be inherited by the worker threads, which refuse it.
  const script = `(async () => { const m = await import(${JSON.stringify(moduleUrl)}); const p = m.termFrequencyPool(); p.ready(); await p.whenReady(); p.ready() })()`
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: new URL('../..', import.meta.url), timeout: 30_000, encoding: 'utf8' })
  assert.equal(r.signal, null, 'the process exited by itself')
  assert.equal(r.status, 0, r.stderr)
})
