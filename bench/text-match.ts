/**
 * TEXT_MATCH / PHRASE_MATCH (text inverted index) against a LIKE scan of the same column, through
 * the public API (`count` with a filter: MVCC visibility + filter over every segment). Corpus: N
 * rows of 8–30 words drawn from a 5,000-word Zipf vocabulary (seeded). Reports the first text
 * filter after insert and after reopen (the index is built then: it is not persisted), the median
 * of later runs, and a query after appending rows to the growing segment (incremental index).
 * Run: `npx tsx bench/text-match.ts [--rows N] [--runs N]`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DataType, Quiver } from '../src/index.ts'

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i < 0 ? def : Number(process.argv[i + 1])
}
const ROWS = arg('rows', 100_000)
const RUNS = arg('runs', 9)
const VOCAB = 5000

function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const next = random(7)
// Zipf(1) over VOCAB words by inverse CDF on the harmonic sums.
const cdf = new Float64Array(VOCAB)
for (let i = 0, s = 0; i < VOCAB; i++) cdf[i] = s += 1 / (i + 1)
const word = () => {
  const x = next() * cdf[VOCAB - 1]!
  let lo = 0
  let hi = VOCAB - 1
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (cdf[mid]! < x) lo = mid + 1
    else hi = mid
  }
  return `w${lo}`
}
const sentence = () => Array.from({ length: 8 + Math.floor(next() * 23) }, word).join(' ')

async function time(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now()
  await f()
  return performance.now() - t
}
/** Reads cache `visible ∧ filter` per plan: each run's filter text differs (a trailing `id > -k`, true everywhere). */
let variant = 0
const fresh = (f: string) => `${f} and id > -${++variant}`
async function median(f: () => Promise<unknown>): Promise<number> {
  const xs: number[] = []
  for (let i = 0; i < RUNS; i++) xs.push(await time(f))
  xs.sort((a, b) => a - b)
  return xs[xs.length >> 1]!
}

const dir = mkdtempSync(join(tmpdir(), 'quiver-bench-text-'))
try {
  let db = await Quiver.open({ path: dir })
  await db.createCollection({
    collection_name: 'c',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'v', data_type: DataType.FloatVector, dim: 2 },
      { name: 'text', data_type: DataType.VarChar, max_length: 1000, enable_analyzer: true, enable_match: true },
    ],
  })
  for (let start = 0; start < ROWS; start += 10_000) {
    await db.collection('c').insert(Array.from({ length: Math.min(10_000, ROWS - start) }, (_, i) => ({ id: start + i, v: [0, 0], text: sentence() })))
  }
  await db.collection('c').flush()
  const filters: [string, string][] = [
    ['`id > -1` alone (the per-run suffix)', 'id > -1'],
    ['TEXT_MATCH one rare term (w900)', "TEXT_MATCH(text, 'w900')"],
    ["LIKE '%w900 %' scan", "text like '%w900 %'"],
    ['TEXT_MATCH one common term (w3)', "TEXT_MATCH(text, 'w3')"],
    ["LIKE '%w3 %' scan", "text like '%w3 %'"],
    ['TEXT_MATCH 3 terms', "TEXT_MATCH(text, 'w900 w1200 w2500')"],
    ['TEXT_MATCH 3 terms, minimum_should_match=2', "TEXT_MATCH(text, 'w10 w20 w30', minimum_should_match=2)"],
    ["PHRASE_MATCH 'w1 w2'", "PHRASE_MATCH(text, 'w1 w2')"],
    ["PHRASE_MATCH 'w1 w2' slop 3", "PHRASE_MATCH(text, 'w1 w2', 3)"],
  ]
  const c = () => db.collection('c')
  console.log(`rows ${ROWS}, Node ${process.version}`)
  console.log(`first TEXT_MATCH after insert (builds the index): ${(await time(() => c().count("TEXT_MATCH(text, 'w900')"))).toFixed(1)} ms`)
  for (const [label, f] of filters) {
    const n = await c().count(f)
    console.log(`${label}: ${(await median(() => c().count(fresh(f)))).toFixed(2)} ms median (${n} rows)`)
  }
  await c().insert(Array.from({ length: 1000 }, (_, i) => ({ id: ROWS + i, v: [0, 0], text: sentence() })))
  console.log(`TEXT_MATCH after appending 1,000 rows (indexes only those): ${(await time(() => c().count("TEXT_MATCH(text, 'w900')"))).toFixed(1)} ms`)
  await c().flush()
  await db.close()
  db = await Quiver.open({ path: dir })
  console.log(`first TEXT_MATCH after reopen (rebuilds the index): ${(await time(() => c().count("TEXT_MATCH(text, 'w900')"))).toFixed(1)} ms`)
  console.log(`then: ${(await median(() => c().count(fresh("TEXT_MATCH(text, 'w900')")))).toFixed(2)} ms median`)
  await db.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
