/**
 * Per-node numbers for the cluster sizing model (issue 16, docs/design/0013-cluster-sizing.md), measured
 * on this machine with the embedded engine at dim 768 (the issue's 100M / 1B × 768 case):
 *  - write: upsert rows/s and WAL bytes per row (fsync per upsert, batches of 2,000 rows);
 *  - build: HNSW (M 16, efConstruction 200) build rows/s on all cores, and CPU-seconds per row;
 *  - memory: bytes per row of the loaded, indexed segment (segment file + index file sizes, and the
 *    process RSS growth, which includes the runtime's own share);
 *  - search: single-client QPS and CPU per query at the smallest ef with recall@10 ≥ 0.95 against the
 *    exact top 10 (the engine's FLAT answer computed by brute force here), k = 10, L2.
 * Seeded clustered data (100 Gaussian clusters, σ 0.3). One segment of `--rows` rows; HNSW cost per
 * query grows about with log(rows), which the model extrapolates.
 * Run: `npx tsx bench/cluster-sizing.ts [--rows 50000] [--queries 500]`.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { clusteredVectors } from '../src/index/hnsw-native/clustered-vectors.ts'
import { exactTopK, recallOf } from '../src/index/hnsw-native/exact-top-k.ts'
import { DataType, Quiver } from '../src/index.ts'
import { cpuMs } from './index-engine-data.ts'
import { bytesUnder } from './restart/data.ts'

const { values } = parseArgs({ options: { rows: { type: 'string', default: '50000' }, queries: { type: 'string', default: '500' } } })
const rows = Number(values.rows)
const queryCount = Number(values.queries)
const dim = 768
const k = 10
const batchRows = 2_000

const rssMb = () => process.memoryUsage().rss / 2 ** 20

async function main(): Promise<void> {
  const load0 = os.loadavg()[0]!
  const data = clusteredVectors({ seed: 42, dim, rowCount: rows, queryCount, clusterCount: 100, spread: 0.3 })
  const truth = Array.from({ length: queryCount }, (_, q) => exactTopK('L2', data.queries.subarray(q * dim, (q + 1) * dim), data.vectors, rows, k, null).rows)
  const dir = mkdtempSync(path.join(os.tmpdir(), 'quiver-sizing-'))
  try {
    const rss0 = rssMb()
    const client = await Quiver.open({ path: dir, segmentBytesMax: 2 ** 31 })
    await client.createCollection({ collection_name: 's', fields: [{ name: 'id', data_type: DataType.Int64, is_primary_key: true }, { name: 'vec', data_type: DataType.FloatVector, dim }] })
    const coll = client.collection('s')
    // Write.
    const w0 = performance.now()
    for (let s = 0; s < rows; s += batchRows) {
      const n = Math.min(batchRows, rows - s)
      await coll.upsert({ id: BigInt64Array.from({ length: n }, (_, i) => BigInt(s + i)), vec: data.vectors.subarray(s * dim, (s + n) * dim) })
    }
    const writeS = (performance.now() - w0) / 1000
    const walBytes = bytesUnder(path.join(dir, 'wal'), () => true)
    // Build.
    await coll.flush()
    const c0 = cpuMs()
    const b0 = performance.now()
    await client.createIndex({ collection_name: 's', field_name: 'vec', index_type: 'HNSW', metric_type: 'L2', params: { M: 16, efConstruction: 200 } })
    for (;;) {
      const p = await client.getIndexBuildProgress({ collection_name: 's', field_name: 'vec' })
      if (p.total_rows >= rows && p.indexed_rows === p.total_rows) break
      await new Promise((r) => setTimeout(r, 50))
    }
    const buildS = (performance.now() - b0) / 1000
    const buildCpuS = (cpuMs() - c0) / 1000
    await client.loadCollection({ collection_name: 's' })
    const rssLoaded = rssMb()
    // Search: ef sweep, smallest ef with recall ≥ 0.95.
    const sweep: { ef: number; qps: number; cpuMsPerQuery: number; recall: number }[] = []
    for (const ef of [16, 32, 64, 128, 256]) {
      for (let q = 0; q < Math.min(50, queryCount); q++) await coll.search(data.queries.subarray(q * dim, (q + 1) * dim), { limit: k, ef })
      let recall = 0
      const s0 = cpuMs()
      const t0 = performance.now()
      for (let q = 0; q < queryCount; q++) {
        const hits = await coll.search(data.queries.subarray(q * dim, (q + 1) * dim), { limit: k, ef })
        recall += recallOf(Int32Array.from((hits[0] ?? []).map((h) => Number(h.id))), truth[q]!)
      }
      const s = (performance.now() - t0) / 1000
      sweep.push({ ef, qps: queryCount / s, cpuMsPerQuery: (cpuMs() - s0) / queryCount, recall: recall / queryCount })
      if (recall / queryCount >= 0.99) break
    }
    await client.close()
    // Closing checkpoints: the segment and its index files are on disk now.
    const isIndex = (p: string) => /-idx\d+\.bin$/.test(p)
    const segmentBytes = bytesUnder(path.join(dir, 'segments'), (p) => !isIndex(p))
    const indexBytes = bytesUnder(dir, (p) => isIndex(p) && !p.includes(`${path.sep}wal${path.sep}`))
    if (process.env.SIZING_LIST === '1') console.error(readdirSync(dir, { recursive: true }).join('\n'))
    const best = sweep.find((r) => r.recall >= 0.95)
    const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d })
    console.log(`Machine: ${os.cpus()[0]?.model ?? '?'}, ${os.cpus().length} cores, Node ${process.version}; load average ${load0.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)}; ${new Date().toISOString()}`)
    console.log(`Command: npx tsx bench/cluster-sizing.ts --rows ${rows} --queries ${queryCount} — ${fmt(rows)} × ${dim} seeded clustered float32, one segment, HNSW M 16 efConstruction 200, k ${k}, L2`)
    console.log('')
    console.log('| quantity | value |')
    console.log('|---|---:|')
    console.log(`| upsert rows/s (batches of ${fmt(batchRows)}, fdatasync each) | ${fmt(rows / writeS)} |`)
    console.log(`| WAL bytes per row | ${fmt(walBytes / rows)} |`)
    console.log(`| HNSW build rows/s (${os.cpus().length} cores, wall) | ${fmt(rows / buildS)} |`)
    console.log(`| HNSW build CPU ms per row | ${fmt((buildCpuS * 1000) / rows, 3)} |`)
    console.log(`| segment file bytes per row | ${fmt(segmentBytes / rows)} |`)
    console.log(`| index file bytes per row | ${fmt(indexBytes / rows)} |`)
    console.log(`| process RSS growth per row (open → loaded + indexed) | ${fmt(((rssLoaded - rss0) * 2 ** 20) / rows)} |`)
    for (const r of sweep) console.log(`| search ef ${r.ef}: QPS (1 client) / CPU ms per query / recall@10 | ${fmt(r.qps)} / ${fmt(r.cpuMsPerQuery, 3)} / ${r.recall.toFixed(3)} |`)
    console.log(`| smallest ef with recall ≥ 0.95 | ${best === undefined ? 'none' : `${best.ef} (${fmt(best.qps)} QPS, ${fmt(best.cpuMsPerQuery, 3)} CPU ms/query)`} |`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
