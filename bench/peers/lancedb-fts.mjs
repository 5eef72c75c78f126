/**
 * Full-text benchmark driver for LanceDB's native FTS (`Index.fts()`, its own tokenizer with its
 * defaults), run by bench/fts.ts in a child process. Same rows as Quiver: id, text, a 32-dim dense
 * vector (seeded mulberry32, see denseVectors in bench/fts-quiver.ts).
 * Build = `createTable` + `add` of every batch + `createIndex('text', Index.fts())` (rows/s over that);
 * search = `query().fullTextSearch(text).limit(k)` one query at a time (1 client), every query once
 * to warm up, then timed passes; wall time and process CPU of both. Prints one JSON line on stdout, progress on stderr.
 * By hand: `node bench/peers/lancedb-fts.mjs --data bench/data/fts/en --dir /tmp/lfts`.
 */
import { readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import * as arrow from 'apache-arrow'
import * as lancedb from '@lancedb/lancedb'

const { values: opt } = parseArgs({
  options: {
    data: { type: 'string' },
    dir: { type: 'string' },
    rows: { type: 'string', default: '0' },
    batch: { type: 'string', default: '5000' },
    k: { type: 'string', default: '10' },
    dim: { type: 'string', default: '32' },
    'min-seconds': { type: 'string', default: '5' },
  },
})
const dim = Number(opt.dim)
const k = Number(opt.k)
const readJsonl = (f) => readFileSync(f, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l))

let passages = readJsonl(path.join(opt.data, 'passages.jsonl'))
if (Number(opt.rows) > 0) passages = passages.slice(0, Number(opt.rows))
const queries = readJsonl(path.join(opt.data, 'queries.jsonl'))

/** Outputs [start, start + count) of mulberry32(seed), as src/vector/seeded-random.ts, mapped to [-1, 1). */
function floats(seed, start, count) {
  const out = new Float32Array(count)
  let s = (seed + Math.imul(start, 0x6d2b79f5)) >>> 0
  for (let i = 0; i < count; i++) {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1
  }
  return out
}

const schema = new arrow.Schema([
  new arrow.Field('id', new arrow.Int64(), false),
  new arrow.Field('text', new arrow.Utf8(), false),
  new arrow.Field('dense', new arrow.FixedSizeList(dim, new arrow.Field('item', new arrow.Float32(), true)), false),
])

function makeBatch(rows) {
  const vecs = floats(7, rows[0].id * dim, rows.length * dim)
  const vecData = arrow.makeData({
    type: schema.fields[2].type,
    length: rows.length,
    nullCount: 0,
    child: arrow.makeData({ type: new arrow.Float32(), length: vecs.length, nullCount: 0, data: vecs }),
  })
  return new arrow.Table(schema, arrow.makeData({
    type: new arrow.Struct(schema.fields),
    length: rows.length,
    nullCount: 0,
    children: [
      arrow.vectorFromArray(BigInt64Array.from(rows, (r) => BigInt(r.id)), new arrow.Int64()).data[0],
      arrow.vectorFromArray(rows.map((r) => r.text), new arrow.Utf8()).data[0],
      vecData,
    ],
  }))
}

rmSync(opt.dir, { recursive: true, force: true })
const batchRows = Number(opt.batch)
const batches = []
for (let i = 0; i < passages.length; i += batchRows) batches.push(makeBatch(passages.slice(i, i + batchRows)))

const db = await lancedb.connect(opt.dir)
const c0 = process.cpuUsage()
const t0 = performance.now()
const table = await db.createTable('fts', batches[0])
for (const b of batches.slice(1)) await table.add(b)
const addMs = performance.now() - t0
await table.createIndex('text', { config: lancedb.Index.fts() })
const buildMs = performance.now() - t0
const buildCpu = process.cpuUsage(c0)
process.stderr.write(`lancedb: ${passages.length} rows added in ${addMs.toFixed(0)} ms, fts index at ${buildMs.toFixed(0)} ms\n`)

let errors = 0
const results = []
async function search(q) {
  try {
    const rows = await table.query().fullTextSearch(q.text).select(['id', '_score']).limit(k).toArray()
    return rows.map((r) => [Number(r.id), r._score])
  } catch (e) {
    errors++
    if (errors <= 3) process.stderr.write(`lancedb query ${q.id} failed: ${e.message}\n`)
    return []
  }
}
for (const q of queries) results.push((await search(q)).map(([id]) => id))
const latencies = []
const s0 = performance.now()
const sc0 = process.cpuUsage()
let done = 0
while (performance.now() - s0 < Number(opt['min-seconds']) * 1000 || done < queries.length) {
  const q = queries[done % queries.length]
  const a = performance.now()
  await search(q)
  latencies.push(performance.now() - a)
  done++
}
const searchMs = performance.now() - s0
const searchCpu = process.cpuUsage(sc0)
latencies.sort((a, b) => a - b)
const pkg = JSON.parse(readFileSync(new URL('./node_modules/@lancedb/lancedb/package.json', import.meta.url), 'utf8'))
console.log(JSON.stringify({
  system: 'LanceDB',
  version: `@lancedb/lancedb ${pkg.version}`,
  rows: passages.length,
  addMs,
  buildMs,
  // Process CPU (every thread: LanceDB's Rust pools too).
  buildCpuMs: (buildCpu.user + buildCpu.system) / 1000,
  searchCpuMs: (searchCpu.user + searchCpu.system) / 1000,
  queries: done,
  qps: (done * 1000) / searchMs,
  p50Ms: latencies[Math.floor(latencies.length / 2)],
  errors,
  results,
}))
