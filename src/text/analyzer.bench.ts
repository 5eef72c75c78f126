// Micro-benchmark: analyzers on the write path of a BM25 insert. Corpus: the README.md files that
// installed npm packages ship (real English prose and code), split into paragraphs.
// Run: npx tsx src/text/analyzer.bench.ts
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { createAnalyzer } from './analyzer.ts'
import { termHash } from './term-hash.ts'

const rounds = 3
const corpusBytesMax = 8 * 1024 * 1024

function corpus(): string[] {
  const root = join(import.meta.dirname, '..', '..', 'node_modules')
  const paragraphs: string[] = []
  let bytes = 0
  const dirs = readdirSync(root).sort().flatMap((d) => (d.startsWith('@') ? readdirSync(join(root, d)).sort().map((s) => join(d, s)) : [d]))
  for (const d of dirs) {
    const file = join(root, d, 'README.md')
    try {
      if (!statSync(file).isFile()) continue
    } catch {
      continue
    }
    for (const p of readFileSync(file, 'utf8').split(/\n\s*\n/)) {
      if (p.trim() === '') continue
      paragraphs.push(p)
      bytes += p.length
    }
    if (bytes > corpusBytesMax) break
  }
  return paragraphs
}

const texts = corpus()
const chars = texts.reduce((n, t) => n + t.length, 0)
console.log(`corpus: ${texts.length} paragraphs, ${(chars / 1e6).toFixed(1)} M chars`)

for (const [label, params] of [
  ['standard', { type: 'standard' }],
  ['english', { type: 'english' }],
  ['standard tokenizer only', { tokenizer: 'standard' }],
  ['icu + removepunct + lowercase', { tokenizer: 'icu', filter: ['removepunct', 'lowercase'] }],
] as const) {
  const analyzer = createAnalyzer(params)
  let best = Infinity
  let tokens = 0
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now()
    tokens = 0
    for (const t of texts) tokens += analyzer.analyze(t).length
    best = Math.min(best, performance.now() - t0)
  }
  console.log(`${label.padEnd(30)} ${(tokens / (best / 1000) / 1e6).toFixed(2)} M tokens/s  ${(chars / (best / 1000) / 1e6).toFixed(1)} M chars/s  (${tokens} tokens, ${best.toFixed(0)} ms)`)
}

const english = createAnalyzer({ type: 'english' })
const terms = texts.flatMap((t) => english.analyze(t).map((x) => x.text))
let sink = 0
let bestHashMs = Infinity
for (let r = 0; r < rounds; r++) {
  const t0 = performance.now()
  for (const term of terms) sink ^= termHash(term)
  bestHashMs = Math.min(bestHashMs, performance.now() - t0)
}
console.log(`termHash                       ${(terms.length / (bestHashMs / 1000) / 1e6).toFixed(2)} M terms/s (${sink & 1})`)
