/**
 * What a native HNSW search costs the JavaScript thread, walked in place (`NativeHnsw.search`) or on a
 * libuv pool thread (`searchAsync`, awaited one at a time and 8 in flight): wall time and the main
 * thread's own CPU (/proc/<pid>/task/<pid>/stat, so time the thread waits or is descheduled is not
 * counted) per search. 100k clustered rows × 128 (M 16, efConstruction 100), k 10, ef 64.
 * Run: `npx tsx bench/search-dispatch.ts [--searches 20000]` (Linux).
 */
import { readFileSync } from 'node:fs'
import os from 'node:os'
import { clusteredVectors } from '../src/index/hnsw-native/clustered-vectors.ts'
import { createNativeHnswAsync } from '../src/index/hnsw-native/native-hnsw.ts'
import { Metric } from '../src/vector/metric.ts'

const i = process.argv.indexOf('--searches')
const searches = i < 0 ? 20_000 : Number(process.argv[i + 1])
const dim = 128
const rowCount = 100_000
const queryCount = 1_000
const data = clusteredVectors({ seed: 42, dim, rowCount, queryCount, clusterCount: 100, spread: 0.3 })
const index = await createNativeHnswAsync({ metric: Metric.L2, dim, M: 16, efConstruction: 100, seed: 1 }, data.vectors, rowCount, { threads: 2, niceDelta: 0 })
const query = (n: number) => data.queries.subarray((n % queryCount) * dim, ((n % queryCount) + 1) * dim)

/** The main thread's CPU in ms (clock ticks of 10 ms: runs of seconds keep the rounding small). */
function mainThreadCpuMs(): number {
  const f = readFileSync(`/proc/${process.pid}/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(f[11]) + Number(f[12])) * 10
}

const modes = {
  'search (in place)': async () => {
    for (let n = 0; n < searches; n++) index.search(query(n), 10, null, 64)
  },
  'searchAsync, 1 at a time': async () => {
    for (let n = 0; n < searches; n++) await index.searchAsync(query(n), 10, null, 64)
  },
  'searchAsync, 8 in flight': async () => {
    await Promise.all(Array.from({ length: 8 }, async (_, c) => {
      for (let n = c; n < searches; n += 8) await index.searchAsync(query(n), 10, null, 64)
    }))
  },
}
console.log(`${os.cpus()[0]?.model}, ${os.cpus().length} cores, Node ${process.version}, ${new Date().toISOString()}, load ${os.loadavg()[0]!.toFixed(2)}`)
console.log('| how | round | wall µs/search | main-thread CPU µs/search |\n|---|---:|---:|---:|')
for (let round = 1; round <= 2; round++) {
  for (const [name, run] of Object.entries(modes)) {
    const cpu0 = mainThreadCpuMs()
    const t0 = performance.now()
    await run()
    const wall = performance.now() - t0
    console.log(`| ${name} | ${round} | ${((1000 * wall) / searches).toFixed(1)} | ${((1000 * (mainThreadCpuMs() - cpu0)) / searches).toFixed(1)} |`)
  }
}
console.log(`load after: ${os.loadavg()[0]!.toFixed(2)}`)
index.release()
