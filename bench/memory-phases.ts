/**
 * Where Quiver's memory goes, phase by phase (issue 14's peak-RSS target), embedded, on the same data
 * and steps as `bench/index-peers.ts` runs Quiver: insert N rows (batches of 10,000), flush, the HNSW
 * build (M 16, efConstruction 200), 1,000 searches, a 10 % upsert, flush + re-index (compaction merges
 * and the new segment is built), close, reopen, 1,000 searches. Per phase: the peak RSS inside it
 * (VmHWM, reset at each phase start through /proc/self/clear_refs), RSS at its end, V8 heap, external,
 * ArrayBuffers, the vector arena's used and reserved bytes and the interim indexes' bytes.
 * Run: `npx tsx bench/memory-phases.ts [--rows 100000]`. Linux only (reads /proc/self).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { DataType, Quiver } from '../src/index.ts'
import { memoryStats } from '../src/engine/memory-stats.ts'
import { batchesOf, loadData } from './index-engine.ts'
import { ensureDataset } from './index-data.ts'

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' } } })
const rows = Number(values.rows)
const { dir: dataDir } = await ensureDataset('clustered', rows, 1000)
const data = loadData(dataDir)
const { dim, k } = data.meta
const { queries } = data
const tagsOf = (ids: BigInt64Array) => BigInt64Array.from(ids, (id) => id % 10n)
const mib = (b: number) => (b / 2 ** 20).toFixed(0)

function kb(field: string): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))
  return m === null ? 0 : Number(m[1]) * 1024
}

const lines: string[] = [
  '| phase | s | peak RSS MiB | RSS MiB at end | V8 heap used MiB | external MiB | ArrayBuffers MiB | arena used MiB | arena reserved MiB | interim MiB | at the highest 100 ms sample: RSS / heap / external / arena used / interim MiB |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
]
/** Sampled every 100 ms: the sample with the highest RSS in the current phase. */
let top = { rss: 0, text: '' }
function sample(): void {
  if (client === undefined) return
  const rss = kb('VmRSS')
  if (rss <= top.rss) return
  const mem = process.memoryUsage()
  const m = memoryStats(client.database)
  top = { rss, text: `${mib(rss)} / ${mib(mem.heapUsed)} / ${mib(mem.external)} / ${mib(m.arenaUsedBytes)} / ${mib(m.interimBytes)}` }
}
setInterval(sample, 100).unref()
let client = undefined as unknown as Quiver
let peakBytes = 0
async function phase(name: string, run: () => Promise<void>): Promise<void> {
  writeFileSync('/proc/self/clear_refs', '5')
  top = { rss: 0, text: '' }
  const t = performance.now()
  await run()
  const s = (performance.now() - t) / 1000
  peakBytes = Math.max(peakBytes, kb('VmHWM'))
  const mem = process.memoryUsage()
  const m = memoryStats(client.database)
  const line = `| ${name} | ${s.toFixed(1)} | ${mib(kb('VmHWM'))} | ${mib(kb('VmRSS'))} | ${mib(mem.heapUsed)} | ${mib(mem.external)} | ${mib(mem.arrayBuffers)} | ${mib(m.arenaUsedBytes)} | ${mib(m.arenaReservedBytes)} | ${mib(m.interimBytes)} | ${top.text} |`
  lines.push(line)
  process.stderr.write(`${line}\n`)
}

async function waitIndexed(): Promise<void> {
  for (;;) {
    const p = await client.getIndexBuildProgress({ collection_name: 'bench', field_name: 'vec' })
    if (p.total_rows >= rows && p.indexed_rows === p.total_rows) return
    await new Promise((r) => setTimeout(r, 20))
  }
}

async function searchAll(): Promise<void> {
  const coll = client.collection('bench')
  for (let q = 0; q < 1000; q++) await coll.search(queries.subarray(q * dim, (q + 1) * dim), { limit: k, ef: 64 })
}

const work = mkdtempSync(path.join(os.tmpdir(), 'quiver-memory-'))
const options = { path: work, segmentBytesMax: 2 ** 30 }
try {
  const startedAt = new Date().toISOString()
  const load0 = os.loadavg()
  await phase('open', async () => {
    client = await Quiver.open(options)
    await client.createCollection({
      collection_name: 'bench',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'tag', data_type: DataType.Int64 },
        { name: 'vec', data_type: DataType.FloatVector, dim },
      ],
    })
    await client.createIndex({ collection_name: 'bench', field_name: 'vec', index_type: 'HNSW', metric_type: 'L2', params: { M: 16, efConstruction: 200 } })
    await client.createIndex({ collection_name: 'bench', field_name: 'tag', index_type: 'BITMAP' })
    await client.loadCollection({ collection_name: 'bench' })
  })
  const coll = () => client.collection('bench')
  await phase(`insert ${rows}`, async () => {
    for (const b of batchesOf(data, 'base')) await coll().insert({ id: b.ids, tag: tagsOf(b.ids), vec: b.vectors })
  })
  await phase('flush', () => coll().flush().then(() => undefined))
  await phase('HNSW build', waitIndexed)
  await phase('1,000 searches', searchAll)
  await phase('upsert 10 %', async () => {
    for (const b of batchesOf(data, 'upsert')) await coll().upsert({ id: b.ids, tag: tagsOf(b.ids), vec: b.vectors })
  })
  await phase('1,000 searches (upserted)', searchAll)
  await phase('flush + re-index', async () => {
    await coll().flush()
    await waitIndexed()
  })
  await phase('close', () => client.close())
  await phase('reopen + 1,000 searches', async () => {
    client = await Quiver.open(options)
    await searchAll()
  })
  await client.close()
  console.log(`Machine: ${os.cpus()[0]?.model ?? '?'}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}`)
  console.log(`Date: ${startedAt}; load average ${load0.map((x) => x.toFixed(1)).join(' ')} at start, ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} at end`)
  console.log(`Command: npx tsx bench/memory-phases.ts --rows ${rows}; peak RSS over the whole run ${mib(peakBytes)} MiB (VmHWM is reset per phase: the table's peak is the phase's own)\n`)
  console.log(lines.join('\n'))
} finally {
  rmSync(work, { recursive: true, force: true })
}
