// term-scan.wasm against the JavaScript path it stands in for: the same CSR block, entry for entry,
// for the standard analyzer's all-ASCII rows (short and long rows: insertion and shell sort; tokens
// past the 100 hashed bytes; hashes that collide within a row), with rows not all ASCII and null rows
// handed back and analyzed in JavaScript, and for slices that do not start at row 0.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createAnalyzer } from './analyzer.ts'
import { utf8TermFrequencyCsr, utf8TermFrequencyCsrOf } from './term-frequencies.ts'
import { termScanMemoryBytes, wasmTermFrequencies } from './term-scan.ts'
import { encodeUtf8Column } from './utf8-texts.ts'
import { rng } from '../../test/support/temp-db.ts'

// Accented and other BMP text term-scan.wasm hashes itself (lower-cased, the Kelvin sign to ASCII k,
// combining marks splitting tokens, 2- and 3-byte characters across the 100 hashed bytes) and rows it
// leaves to the caller (Σ, İ, beyond the BMP).
const accented = ['naïve Ärger', '中文 café', 'STRASSE Straße', 'K\u212a kelvin', 'e\u0301te\u0301', 'Ⅻ ½ ٣', 'é'.repeat(60), 'x'.repeat(99) + 'é', '中'.repeat(40), 'ΣΟΦΙΑ σοφία', 'İzmir', '😀 ok', 'ÀÉÎÕÜ']

const words = ['the', 'The', 'THE', 'alpha', 'x86_64', '42', 'a', 'b', 'open(2)', 'file-name', "don't", 'e.g.', 'C++', 'zz', 'q1', '__init__']

function text(random: () => number, tokens: number, nonAscii: boolean): string {
  const out: string[] = []
  for (let i = 0; i < tokens; i++) {
    const roll = random()
    if (roll < 0.02) out.push('y'.repeat(90 + Math.floor(random() * 40))) // around the 100 hashed bytes
    else if (roll < 0.04) out.push(String.fromCharCode(...Array.from({ length: 1 + Math.floor(random() * 8) }, () => 33 + Math.floor(random() * 94))))
    else out.push(words[Math.floor(random() * words.length)]!)
  }
  if (nonAscii) out.splice(Math.floor(random() * (out.length + 1)), 0, accented[Math.floor(random() * accented.length)]!)
  return out.join(random() < 0.3 ? ',\t' : ' ')
}

function corpus(seed: number, n: number): string[] {
  const random = rng(seed)
  return Array.from({ length: n }, (_, r) => {
    if (r % 97 === 3) return ''
    const tokens = r % 41 === 7 ? 3_000 + Math.floor(random() * 3_000) : Math.floor(random() * 200)
    return text(random, tokens, r % 29 === 11)
  })
}

test('the module is built and answers as the JavaScript path, rows not all ASCII and null rows included', () => {
  const standard = createAnalyzer({ type: 'standard' })
  const values = corpus(7, 1_500)
  const texts = encodeUtf8Column(values)
  assert.notEqual(wasmTermFrequencies(texts.bytes, texts.offsets, 0, 1), null, 'term-scan.wasm is built (npm run build)')
  const isNull = (r: number) => r % 53 === 9
  for (const [from, to] of [[0, values.length], [1, 2], [137, 1_111], [5, 5]] as const) {
    for (const nulls of [null, isNull]) {
      const want = utf8TermFrequencyCsr(() => standard, texts, from, to, nulls)
      const got = utf8TermFrequencyCsrOf(standard, texts, from, to, nulls)
      assert.deepEqual(got, want, `rows [${from}, ${to}) ${nulls === null ? 'without' : 'with'} nulls`)
    }
  }
})

test('rows with Σ, a character beyond the BMP or one whose lower case is longer are left to the caller', () => {
  const texts = encodeUtf8Column(['alpha beta', 'ΣΟΦΙΑ', 'gamma gamma', '', 'café Café', 'smile 😀', 'İstanbul'])
  const r = wasmTermFrequencies(texts.bytes, texts.offsets, 0, 7)!
  assert.deepEqual(Array.from(r.skipped), [1, 5, 6])
  assert.deepEqual(Array.from(r.rowStart), [0, 2, 2, 3, 3, 4, 4, 4])
  assert.deepEqual(Array.from(r.values), [1, 1, 2, 2])
})

test('analyzers other than the plain standard one take the JavaScript path, with the same output', () => {
  const values = corpus(11, 300)
  const texts = encodeUtf8Column(values)
  for (const params of [{ type: 'standard', stop_words: ['the'] }, { type: 'english' }, { tokenizer: 'whitespace', filter: ['lowercase'] }]) {
    const a = createAnalyzer(params)
    assert.deepEqual(utf8TermFrequencyCsrOf(a, texts, 0, values.length, null), utf8TermFrequencyCsr(() => a, texts, 0, values.length, null), JSON.stringify(params))
  }
})

test('a column of many MiB goes through in 1 MiB passes: the same output, the module memory bounded', () => {
  const standard = createAnalyzer({ type: 'standard' })
  for (const [seed, n] of [[1, 10], [2, 6_000], [3, 50]] as const) {
    const texts = encodeUtf8Column(corpus(seed, n))
    assert.deepEqual(utf8TermFrequencyCsrOf(standard, texts, 0, n, null), utf8TermFrequencyCsr(() => standard, texts, 0, n, null), `${n} rows`)
  }
  const big = encodeUtf8Column(corpus(4, 12_000))
  assert.ok(big.bytes.length > 8 << 20, `the column is ${big.bytes.length} bytes`)
  assert.deepEqual(utf8TermFrequencyCsrOf(standard, big, 0, 12_000, null), utf8TermFrequencyCsr(() => standard, big, 0, 12_000, null))
  assert.ok(termScanMemoryBytes() < 8 << 20, `module memory ${termScanMemoryBytes()} bytes`)
})
