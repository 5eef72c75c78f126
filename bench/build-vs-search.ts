// Search latency while a native HNSW build runs in the same process (issue 14: "a build never makes
// search p99 worse than 2× its idle value"). One index (--search-rows) is searched from the JavaScript
// thread, one query per event-loop turn, first idle, then while `createNativeHnswAsync` builds another
// (--build-rows) on --threads native threads at nice +0 and at nice +--nice. Prints p50/p99 per phase.
//   npx tsx bench/build-vs-search.ts [--search-rows 100000] [--build-rows 60000] [--threads 2] [--nice 10]
import os from 'node:os'
import { setImmediate as turn } from 'node:timers/promises'
import { clusteredVectors } from '../src/index/hnsw-native/clustered-vectors.ts'
import { createNativeHnsw, createNativeHnswAsync } from '../src/index/hnsw-native/native-hnsw.ts'
import { Metric } from '../src/vector/metric.ts'

const args = new Map<string, string>()
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '')
const searchRows = Number(args.get('search-rows') ?? 100_000)
const buildRows = Number(args.get('build-rows') ?? 60_000)
const threads = Number(args.get('threads') ?? os.availableParallelism())
const nice = Number(args.get('nice') ?? 10)
const dim = 128
const params = { metric: Metric.L2, dim, M: 16, efConstruction: 200, seed: 1 } as const

const searched = clusteredVectors({ seed: 1, dim, rowCount: searchRows, queryCount: 2_000, clusterCount: 100, spread: 0.3 })
const built = clusteredVectors({ seed: 2, dim, rowCount: buildRows, queryCount: 0, clusterCount: 100, spread: 0.3 })
const index = await createNativeHnswAsync(params, searched.vectors, searchRows, { threads, niceDelta: 0 })

/** Search latencies (ms), one query per event-loop turn, until at least `min` were timed and `until()` holds. */
async function latencies(until: () => boolean, min: number): Promise<number[]> {
  const out: number[] = []
  for (let q = 0; out.length < min || !until(); q = (q + 1) % 2_000) {
    const t = performance.now()
    index.search(searched.queries.subarray(q * dim, (q + 1) * dim), 10, null, 64)
    out.push(performance.now() - t)
    await turn()
  }
  return out
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!
}

const rows: string[] = []
const idle = await latencies(() => true, 20_000)
rows.push(`| idle | ${idle.length} | ${pct(idle, 50).toFixed(3)} | ${pct(idle, 99).toFixed(3)} | 1.00× | |`)
for (const n of [0, nice]) {
  let done = false
  const started = performance.now()
  const building = createNativeHnswAsync(params, built.vectors, buildRows, { threads, niceDelta: n }).then((h) => {
    done = true
    h.release()
  })
  const during = await latencies(() => done, 0)
  await building
  const buildS = (performance.now() - started) / 1000
  rows.push(`| during a ${threads}-thread build, nice +${n} | ${during.length} | ${pct(during, 50).toFixed(3)} | ${pct(during, 99).toFixed(3)} | ${(pct(during, 99) / pct(idle, 99)).toFixed(2)}× | ${buildS.toFixed(1)} |`)
}
index.release()
console.log(`Search while building: ${searchRows} × ${dim} searched (ef 64, k 10, one query per event-loop turn), ${buildRows} × ${dim} built (M 16, efConstruction 200)`)
console.log(`${os.cpus()[0]?.model ?? 'CPU'}, ${os.cpus().length} cores; Node ${process.version}; ${new Date().toISOString()}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`)
console.log(`Command: npx tsx bench/build-vs-search.ts ${process.argv.slice(2).join(' ')}`.trimEnd())
console.log('')
console.log('| phase | queries | p50 ms | p99 ms | p99 ÷ idle | build s |')
console.log('|---|---|---|---|---|---|')
for (const r of rows) console.log(r)
