import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createAnalyzer } from './analyzer.ts'
import { termHash } from './term-hash.ts'
import { termFrequencies, termFrequencyRows } from './term-frequencies.ts'

/** Pieces that exercise the tokenizer and the UTF-8 hashing: ASCII, accents, Σ, İ, CJK, astral letters, lone surrogates, long runs. */
const pieces = ['the', 'Quick', 'FOX', '42', 'x86_64', 'naïve', 'ÉCOLE', 'ΣΊΣΥΦΟΣ', 'İstanbul', '中文分词', '𝐀𝐁𝐂', '😀', '\ud800', '\udc00x', 'é'.repeat(60), 'a'.repeat(99) + 'ü', 'b'.repeat(130), '𝐀'.repeat(30), ' ', '  ', '\n', '-', ',', '.', "'s", '\t', 'ß', 'ǅ']

/** A seeded xorshift32 in [0, 1) (text/ sits below vector/, whose generator it cannot import). */
function seededRandom(seed: number): () => number {
  let x = seed >>> 0 || 1
  return () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 4294967296
  }
}

function randomText(random: () => number): string {
  const n = Math.floor(random() * 12)
  let s = ''
  for (let i = 0; i < n; i++) s += pieces[Math.floor(random() * pieces.length)]! + (random() < 0.7 ? ' ' : '')
  return s
}

/** The BM25 row of one text the slow way: every token of `analyze` hashed and counted. */
function expected(text: string): [number, number][] {
  const counts = new Map<number, number>()
  for (const t of createAnalyzer({ type: 'standard' }).analyze(text)) counts.set(termHash(t.text), (counts.get(termHash(t.text)) ?? 0) + 1)
  return [...counts].sort((a, b) => a[0] - b[0])
}

test('termFrequencyRows (standard analyzer fast path) equals hashing the analyzer tokens, row by row, nulls empty', () => {
  const random = seededRandom(5)
  const texts = Array.from({ length: 3_000 }, () => randomText(random))
  texts.push('', 'Σ alone', 'ΑΣ', 'İİ i̇', 'plain words only')
  const analyzer = createAnalyzer({ type: 'standard' })
  assert.ok(analyzer.termHashes !== undefined, 'the standard analyzer has the fast path')
  const isNull = (r: number): boolean => r % 97 === 3
  const rows = termFrequencyRows(() => analyzer, texts, isNull)
  assert.equal(rows.length, texts.length)
  texts.forEach((text, r) => {
    const got = [...rows[r]!.indices].map((h, i) => [h, rows[r]!.values[i]!] as [number, number])
    assert.deepEqual(got, isNull(r) ? [] : expected(text), `row ${r}: ${JSON.stringify(text)}`)
    if (!isNull(r)) {
      const one = termFrequencies(analyzer, text)
      assert.deepEqual([...one.indices], [...rows[r]!.indices], `row ${r}`)
    }
  })
})

test('termFrequencyRows with an analyzer that has no fast path (english: stemmer, stop words)', () => {
  const english = createAnalyzer({ type: 'english' })
  assert.equal(english.termHashes, undefined)
  const texts = ['The running dogs ran', '', 'and the of', 'Dogs DOG dog']
  const rows = termFrequencyRows(() => english, texts, null)
  texts.forEach((text, r) => {
    const counts = new Map<number, number>()
    for (const t of english.analyze(text)) counts.set(termHash(t.text), (counts.get(termHash(t.text)) ?? 0) + 1)
    assert.deepEqual([...rows[r]!.indices].map((h, i) => [h, rows[r]!.values[i]]), [...counts].sort((a, b) => a[0] - b[0]), `row ${r}`)
  })
  assert.deepEqual([...rows[3]!.values], [3])
})
