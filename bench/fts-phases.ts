/**
 * Quiver's full-text build and search, phase by phase (issue 13 profiling aid): insert, flush,
 * createIndex, index builds settled, compaction settled, load; then every query once, timed
 * individually, with the slowest listed. Run under `--cpu-prof` to profile one phase.
 * With `--dim n` (as bench/fts.ts: 32) each row also has an n-dim dense vector with a FLAT index, so the
 * build is the one bench/fts.ts times; `--dim 0` leaves it out.
 * Run: `npx tsx bench/fts-phases.ts [--rows 95577] [--passes 3] [--dim 32]`.
 */
import { rmSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { dataRoot, type Passage, type Query, readJsonl } from './fts-corpus.ts'
import { floats, searchOnce } from './fts-quiver.ts'

const { values: opt } = parseArgs({ options: { rows: { type: 'string', default: '0' }, passes: { type: 'string', default: '3' }, dir: { type: 'string', default: '/tmp/bm-fts-phases' }, dim: { type: 'string', default: '32' } } })
const dim = Number(opt.dim)
const { Quiver, DataType } = await import('../src/index.ts')
let passages = readJsonl<Passage>(path.join(dataRoot, 'en', 'passages.jsonl'))
if (Number(opt.rows) > 0) passages = passages.slice(0, Number(opt.rows))
const queries = readJsonl<Query>(path.join(dataRoot, 'en', 'queries.jsonl'))
rmSync(opt.dir, { recursive: true, force: true })
const client = await Quiver.open({ path: opt.dir })
const lap = (() => {
  let t = performance.now()
  let c = process.cpuUsage()
  return (what: string) => {
    const now = performance.now()
    const cpu = process.cpuUsage(c)
    process.stdout.write(`${what}: ${(now - t).toFixed(0)} ms (process CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms)\n`)
    t = now
    c = process.cpuUsage()
  }
})()
await client.createCollection({
  collection_name: 'fts',
  fields: [
    { name: 'id', data_type: DataType.Int64, is_primary_key: true },
    { name: 'text', data_type: DataType.VarChar, max_length: 65535, enable_analyzer: true, analyzer_params: { type: 'standard' } },
    { name: 'sparse', data_type: DataType.SparseFloatVector },
    ...(dim > 0 ? [{ name: 'dense', data_type: DataType.FloatVector, dim }] : []),
  ],
  functions: [{ name: 'text_bm25', type: 1, input_field_names: ['text'], output_field_names: ['sparse'], params: {} }],
})
const batches: Record<string, unknown>[] = []
for (let i = 0; i < passages.length; i += 5000) {
  const slice = passages.slice(i, i + 5000)
  batches.push({ id: BigInt64Array.from(slice, (p) => BigInt(p.id)), text: slice.map((p) => p.text), ...(dim > 0 ? { dense: floats(7, slice[0]!.id * dim, slice.length * dim) } : {}) })
}
const t0 = performance.now()
lap('create')
for (const batch of batches) await client.collection('fts').insert(batch)
lap('insert')
await client.collection('fts').flush()
lap('flush')
await client.createIndex({ collection_name: 'fts', field_name: 'sparse', index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'BM25', params: { inverted_index_algo: 'DAAT_MAXSCORE', bm25_k1: 1.2, bm25_b: 0.75 } })
if (dim > 0) await client.createIndex({ collection_name: 'fts', field_name: 'dense', index_type: 'FLAT', metric_type: 'IP', params: {} })
lap('createIndex')
await client.database.indexBuilds.idle()
lap('index builds idle')
await client.loadCollection({ collection_name: 'fts' })
lap('load')
process.stdout.write(`build total ${(performance.now() - t0).toFixed(0)} ms, segments ${[...client.database.state.data.values()][0]?.segments.size}\n`)
for (let pass = 0; pass < Number(opt.passes); pass++) {
  const lat: { ms: number; q: Query }[] = []
  const c0 = process.cpuUsage()
  const s0 = performance.now()
  for (const q of queries) {
    const a = performance.now()
    await searchOnce(client, 'fts', q.text, 10)
    lat.push({ ms: performance.now() - a, q })
  }
  const total = performance.now() - s0
  const cpu = process.cpuUsage(c0)
  process.stdout.write(`pass ${pass}: process CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms for ${queries.length} queries\n`)
  lat.sort((x, y) => y.ms - x.ms)
  process.stdout.write(`pass ${pass}: ${queries.length} queries ${total.toFixed(0)} ms (QPS ${((queries.length * 1000) / total).toFixed(0)}), p50 ${lat[lat.length >> 1]!.ms.toFixed(2)}, max ${lat[0]!.ms.toFixed(1)}; slowest: ${lat.slice(0, 5).map((l) => `${l.ms.toFixed(1)} "${l.q.text}"`).join(', ')}\n`)
}
const probe = ['lexical the paired push', 'can including', 'zero a fixed-width buffer and copy a string into a character sequence with truncation and zero the rest of it', 'list of hosts and users that are granted "trusted" r command access to your system', 'test if a value is a power of 2']
for (const text of probe) {
  const times: number[] = []
  for (let i = 0; i < 7; i++) {
    const a = performance.now()
    await searchOnce(client, 'fts', text, 10)
    times.push(performance.now() - a)
  }
  times.sort((x, y) => x - y)
  process.stdout.write(`min ${times[0]!.toFixed(2)} median ${times[3]!.toFixed(2)} ms: "${text}"\n`)
}
await client.close()
