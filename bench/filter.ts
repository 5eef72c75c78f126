/**
 * Filter evaluation with and without scalar indexes on 1M rows, through the public API (`count`
 * with a filter: MVCC visibility + filter over every segment) and at the evaluator alone
 * (`evaluate(plan, segment)` on the sealed segments). Filters: `tag == "t42"` (1%, 100 distinct
 * tags), `200 <= n < 300` (10%, 1,000 distinct ints), `name like "ab%"` (prefix, ~0.4%, hex names),
 * each without an index and with every index type that takes the field. Also the build time of each.
 * Run: `npx tsx bench/filter.ts [--rows N] [--runs N]` (or the compiled `node dist/bench/filter.js`).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { compileFilter } from '../src/expr/compile-filter.ts'
import { evaluate } from '../src/expr/evaluate.ts'
import { DataType, Quiver } from '../src/index.ts'
import { segmentSource } from '../src/query/segment-source.ts'

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i < 0 ? def : Number(process.argv[i + 1])
}
const ROWS = arg('rows', 1_000_000)
const RUNS = arg('runs', 15)
const BATCH = 50_000

function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const cases = [
  { label: '`tag == "t42"` (1%)', filter: 'tag == "t42"', field: 'tag', types: ['INVERTED', 'BITMAP', 'Trie'] },
  { label: '`200 <= n < 300` (10%)', filter: '200 <= n < 300', field: 'n', types: ['INVERTED', 'STL_SORT', 'BITMAP'] },
  { label: '`name like "ab%"` (prefix)', filter: 'name like "ab%"', field: 'name', types: ['INVERTED', 'Trie'] },
] as const

const dir = mkdtempSync(join(tmpdir(), 'quiver-bench-filter-'))
const client = await Quiver.open({ path: dir, sync: false, segmentRowsMax: 1 << 20, segmentBytesMax: 1 << 30, log: () => {} })
await client.createCollection({
  collection_name: 'f',
  fields: [
    { name: 'id', data_type: DataType.Int64, is_primary_key: true },
    { name: 'v', data_type: DataType.FloatVector, dim: 2 },
    { name: 'tag', data_type: DataType.VarChar, max_length: 8 },
    { name: 'n', data_type: DataType.Int32 },
    { name: 'name', data_type: DataType.VarChar, max_length: 8 },
  ],
})
const next = random(7)
const coll = client.collection('f')
for (let s = 0; s < ROWS; s += BATCH) {
  const m = Math.min(BATCH, ROWS - s)
  await coll.insert({
    id: Array.from({ length: m }, (_, i) => s + i),
    v: Float32Array.from({ length: m * 2 }, () => next()),
    tag: Array.from({ length: m }, () => `t${Math.floor(next() * 100)}`),
    n: Array.from({ length: m }, () => Math.floor(next() * 1000)),
    name: Array.from({ length: m }, () => Math.floor(next() * 0x1000000).toString(16).padStart(6, '0')),
  })
}
await coll.flush()

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[s.length >> 1]!
}

/** Median ms of `count` through the API, and of `evaluate` alone over the sealed segments; the count. */
async function measure(filter: string): Promise<{ apiMs: number; evalMs: number; count: number }> {
  const data = client.database.state.collection('f')
  const plan = compileFilter(filter, data.schema)
  const segments = [...data.segments.values()]
  let count = 0
  const api: number[] = []
  const ev: number[] = []
  for (let r = 0; r < RUNS; r++) {
    let t = performance.now()
    count = (await client.count({ collection_name: 'f', filter })).data
    api.push(performance.now() - t)
    t = performance.now()
    for (const s of segments) evaluate(plan, segmentSource(s))
    ev.push(performance.now() - t)
  }
  return { apiMs: median(api), evalMs: median(ev), count }
}

const lines: string[] = []
const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1))
for (const c of cases) {
  const scan = await measure(c.filter)
  lines.push(`| ${c.label} | none (scan) | – | ${fmt(scan.apiMs)} | ${fmt(scan.evalMs)} | ${((ROWS / scan.evalMs) * 1e3 / 1e6).toFixed(0)} | ${scan.count} |`)
  for (const type of c.types) {
    const t = performance.now()
    await client.createIndex({ collection_name: 'f', field_name: c.field, index_type: type })
    await client.database.indexBuilds.idle()
    const buildMs = performance.now() - t
    const failures = [...client.database.indexBuilds.failures.values()]
    if (failures.length > 0) throw new Error(failures.join('; '))
    const m = await measure(c.filter)
    if (m.count !== scan.count) throw new Error(`${type} on ${c.field}: ${m.count} rows, the scan ${scan.count}`)
    lines.push(`| | ${type} | ${buildMs.toFixed(0)} | ${fmt(m.apiMs)} | ${fmt(m.evalMs)} | ${((ROWS / m.evalMs) * 1e3 / 1e6).toFixed(0)} | ${m.count} |`)
    await client.dropIndex({ collection_name: 'f', field_name: c.field })
  }
}
const segmentCount = client.database.state.collection('f').segments.size
await client.close()
rmSync(dir, { recursive: true, force: true })

console.log(`Filters on ${ROWS.toLocaleString('en')} rows (${segmentCount} sealed segment${segmentCount === 1 ? '' : 's'}), median of ${RUNS} runs, one thread — ${cpus()[0]?.model} (${cpus().length} cores), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, \`npx tsx bench/filter.ts\`\n`)
console.log('| filter | index | build (ms) | `count` via API (ms) | evaluate only (ms) | evaluate (M rows/s) | rows |')
console.log('|---|---|---:|---:|---:|---:|---:|')
console.log(lines.join('\n'))
