/**
 * Sustained upsert traffic with compaction on (issue 7's benchmark): load N rows × 128, create an
 * HNSW index, then for D seconds overwrite 10 % of the keys per cycle (batches of 10k, durable) while
 * searching; every interval print upsert rows/s, search QPS, recall@10 (vs exact on the live data),
 * segment count, disk bytes (and of them the WAL's), RSS. Prints a Markdown table.
 * Run: `npx tsx bench/sustained.ts --rows 1000000 --seconds 600` (defaults 200000 / 120).
 *
 * Two workloads: without `--rate`, upserts run flat out (a batch of 10k, then 20 searches, repeat) —
 * the saturation case, where writes outrun index builds on 2 cores. With `--rate R`, upserts arrive at
 * R rows/s in batches of `--batch` rows (default 1,000) and searches run back to back in between — a
 * steady mixed workload (`--rate 1667` on 1M rows rewrites 10 % of the keys every minute).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { DataType, Quiver } from '../src/index.ts'

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i < 0 ? dflt : Number(process.argv[i + 1])
}
const ROWS = arg('rows', 200_000)
const SECONDS = arg('seconds', 120)
const INTERVAL_S = arg('interval', Math.max(10, Math.floor(SECONDS / 12)))
const DIM = 128
const RATE = arg('rate', 0)
const BATCH = arg('batch', RATE > 0 ? 1_000 : 10_000)

let seed = 7
const rand = () => {
  seed = (seed + 0x6d2b79f5) >>> 0
  let t = Math.imul(seed ^ (seed >>> 15), seed | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const centers = Array.from({ length: 64 }, () => Float32Array.from({ length: DIM }, rand))
function vector(out: Float32Array, at: number): void {
  const c = centers[Math.floor(rand() * centers.length)]!
  for (let k = 0; k < DIM; k++) out[at + k] = c[k]! + (rand() - 0.5) * 0.3
}
function batch(ids: number[]) {
  const v = new Float32Array(ids.length * DIM)
  ids.forEach((_, i) => vector(v, i * DIM))
  return { id: ids, v }
}
function dirBytes(dir: string): number {
  let n = 0
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    const st = statSync(p)
    n += st.isDirectory() ? dirBytes(p) : st.size
  }
  return n
}

const dir = mkdtempSync(join(tmpdir(), 'quiver-sustained-'))
const client = await Quiver.open({ path: dir, timeTravelRetentionMs: 0 })
await client.createCollection({
  collection_name: 's',
  fields: [
    { name: 'id', data_type: DataType.Int64, is_primary_key: true },
    { name: 'v', data_type: DataType.FloatVector, dim: DIM },
  ],
})
await client.createIndex({ collection_name: 's', field_name: 'v', index_type: 'HNSW', metric_type: 'L2', params: { M: 16, efConstruction: 100 } })
const coll = client.collection('s')
const tLoad = performance.now()
for (let s = 0; s < ROWS; s += BATCH) await coll.upsert(batch(Array.from({ length: Math.min(BATCH, ROWS - s) }, (_, i) => s + i)))
await coll.flush()
await client.database.indexBuilds.idle()
const liveBytes = dirBytes(dir)
const loadMs = performance.now() - tLoad

async function recallAt10(): Promise<number> {
  let hit = 0
  const n = 10
  for (let i = 0; i < n; i++) {
    const q = new Float32Array(DIM)
    vector(q, 0)
    const approx = (await coll.search(q, { limit: 10, ef: 64 }))[0]!.map((h) => h.id)
    const truth = exactTop10(q)
    hit += approx.filter((id) => truth.has(id as bigint)).length
  }
  return hit / (n * 10)
}
function exactTop10(q: Float32Array): Set<bigint> {
  const seg = client.database.state.collection('s')
  const best: { id: bigint; d: number }[] = []
  for (const s of seg.segments.values()) {
    const vec = s.fields.get('v')!.vectorRange(0, s.rowCount) as Float32Array
    const ids = s.column('id')!.values as BigInt64Array
    for (let r = 0; r < s.rowCount; r++) {
      if (s.isDeleted(r)) continue
      let d = 0
      for (let k = 0; k < DIM; k++) d += (q[k]! - vec[r * DIM + k]!) ** 2
      if (best.length < 10 || d < best[best.length - 1]!.d) {
        best.push({ id: ids[r]!, d })
        best.sort((a, b) => a.d - b.d)
        if (best.length > 10) best.pop()
      }
    }
  }
  return new Set(best.map((b) => b.id))
}

const lines: string[] = []
const t0 = performance.now()
let cursor = 0
while ((performance.now() - t0) / 1000 < SECONDS) {
  const tInt = performance.now()
  let upserted = 0
  let searches = 0
  let searchMs = 0
  let upsertMs = 0
  while ((performance.now() - tInt) / 1000 < INTERVAL_S) {
    // Keys cursor + 10·i: distinct within a batch, spread over the key space.
    const n = Math.min(BATCH, Math.floor(ROWS / 10))
    const ids = Array.from({ length: n }, (_, i) => (cursor + i * 10) % ROWS)
    cursor = (cursor + 1) % ROWS
    const tu = performance.now()
    await coll.upsert(batch(ids))
    upsertMs += performance.now() - tu
    upserted += n
    // Flat out: 20 searches per batch. At a rate: search until the next batch is due.
    const due = RATE > 0 ? tInt + (upserted / RATE) * 1000 : 0
    const ts = performance.now()
    for (let i = 0; RATE > 0 ? performance.now() < due && (performance.now() - tInt) / 1000 < INTERVAL_S : i < 20; i++) {
      const q = new Float32Array(DIM)
      vector(q, 0)
      await coll.search(q, { limit: 10, ef: 64 })
      searches++
    }
    searchMs += performance.now() - ts
  }
  const elapsed = (performance.now() - tInt) / 1000
  const recall = await recallAt10()
  const segs = client.database.state.collection('s').segments.size
  const disk = dirBytes(dir)
  const wal = dirBytes(join(dir, 'wal'))
  const mem = process.memoryUsage()
  // Flat out: rows/s over the time spent upserting. At a rate: rows/s achieved over the interval.
  const rowsPerS = RATE > 0 ? upserted / elapsed : upserted / (upsertMs / 1000)
  const mb = (n: number) => (n / 1e6).toFixed(0)
  lines.push(`| ${Math.round((performance.now() - t0) / 1000)} | ${Math.round(rowsPerS)} | ${(upsertMs / Math.max(1, upserted / BATCH)).toFixed(1)} | ${Math.round(searches / (searchMs / 1000))} | ${recall.toFixed(3)} | ${segs} | ${mb(disk)} (${(disk / liveBytes).toFixed(2)}×) | ${mb(wal)} | ${mb(mem.rss)} | ${mb(mem.heapUsed)} | ${mb(mem.arrayBuffers)} |`)
  console.error(lines[lines.length - 1])
}
await client.close()
rmSync(dir, { recursive: true, force: true })
console.log(`Sustained upserts, ${ROWS} × ${DIM}, HNSW (M=16), ${SECONDS} s, ${RATE > 0 ? `${RATE} rows/s in batches of ${BATCH}` : `flat out, batches of ${BATCH}`} — ${cpus()[0]?.model} (${cpus().length} cores), Node ${process.version}, ${new Date().toISOString()}`)
console.log(`Live data after load: ${(liveBytes / 1e6).toFixed(0)} MB on disk; load + index ${(loadMs / 1000).toFixed(1)} s.\n`)
console.log('| t (s) | upsert rows/s | ms per batch | search QPS | recall@10 | segments | disk MB (× live) | of it WAL MB | RSS MB | JS heap MB | array buffers MB |')
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
console.log(lines.join('\n'))
