/**
 * End-to-end exact search through the public API (`collection.search`) on 100k × 128 float32 rows:
 * vectors scanned per second per thread (rows × queries / time), growing segments only and after
 * flush (sealed), next to a plain JS Float32Array top-10 loop on the same data in the same run.
 * Run: `npx tsx bench/engine-search.ts` (or the compiled `node dist/bench/engine-search.js`).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { DataType, Quiver } from '../src/index.ts'

const ROWS = 100_000
const DIM = 128
const QUERIES = 100

function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const next = random(1)
const data = new Float32Array(ROWS * DIM)
for (let i = 0; i < data.length; i++) data[i] = next()
const queries = Array.from({ length: QUERIES }, () => Float32Array.from({ length: DIM }, () => next()))

function jsTop10(q: Float32Array): number {
  const best = new Float64Array(10).fill(Infinity)
  for (let r = 0; r < ROWS; r++) {
    let s = 0
    const o = r * DIM
    for (let k = 0; k < DIM; k++) {
      const d = q[k]! - data[o + k]!
      s += d * d
    }
    if (s < best[9]!) {
      let j = 9
      while (j > 0 && best[j - 1]! > s) {
        best[j] = best[j - 1]!
        j--
      }
      best[j] = s
    }
  }
  return best[0]!
}

const dir = mkdtempSync(join(tmpdir(), 'quiver-bench-search-'))
const client = await Quiver.open({ path: dir, sync: false })
await client.createCollection({
  collection_name: 's',
  fields: [
    { name: 'id', data_type: DataType.Int64, is_primary_key: true },
    { name: 'v', data_type: DataType.FloatVector, dim: DIM },
  ],
})
const coll = client.collection('s')
for (let s = 0; s < ROWS; s += 10_000) {
  await coll.insert({ id: Array.from({ length: 10_000 }, (_, i) => s + i), v: data.subarray(s * DIM, (s + 10_000) * DIM) })
}

async function measure(metric: string): Promise<number> {
  await coll.search(queries[0]!, { limit: 10, metric })
  const t = performance.now()
  for (const q of queries) await coll.search(q, { limit: 10, metric })
  return (ROWS * QUERIES) / ((performance.now() - t) / 1000) / 1e6
}

const rows: string[] = []
const tJs = performance.now()
for (const q of queries.slice(0, 20)) jsTop10(q)
const js = (ROWS * 20) / ((performance.now() - tJs) / 1000) / 1e6
const growing = { L2: await measure('L2'), IP: await measure('IP'), COSINE: await measure('COSINE') }
await coll.flush()
const sealed = { L2: await measure('L2'), IP: await measure('IP'), COSINE: await measure('COSINE') }
for (const m of ['L2', 'IP', 'COSINE'] as const) {
  rows.push(`| ${m} | ${growing[m].toFixed(1)} | ${sealed[m].toFixed(1)} | ${m === 'L2' ? js.toFixed(1) : '–'} | ${m === 'L2' ? `${(sealed.L2 / js).toFixed(1)}×` : '–'} |`)
}
await client.close()
rmSync(dir, { recursive: true, force: true })

console.log(`Engine search, ${ROWS} × ${DIM} float32, top-10, ${QUERIES} queries, one thread — ${cpus()[0]?.model} (${cpus().length} cores), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n`)
console.log('| metric | growing segments (M vectors/s) | sealed after flush (M vectors/s) | plain JS top-10 loop (M vectors/s) | Quiver vs JS |')
console.log('|---|---:|---:|---:|---:|')
console.log(rows.join('\n'))
