/**
 * Quiver's native HNSW core (native/hnsw, via src/index/hnsw-native) against raw `hnswlib-node` on the
 * same seeded clustered data, same M / efConstruction / seed, one thread:
 *   build time; QPS and recall@10 at several ef; filtered search at one selectivity (our bitset in C++
 *   vs hnswlib-node's JS filter callback); each filter strategy (exact scan, two-hop walk, hnswlib's
 *   filtered walk) by selectivity, which `pickFilterStrategy` is set from; encode / decode.
 * Recall is against the exact top-k (the addon's exact scan, which the tests check against plain JS).
 * Timing: the configurations of a table run round-robin, `--passes` times, and each keeps its best
 * pass, so a noisy neighbour on the shared cores hits them alike. QPS is given by wall time and by this
 * process's CPU time (user + system; on an idle machine they agree, under load the CPU figure is the
 * steadier one). The load average is printed before and after.
 * Run: `npx tsx bench/hnsw-native.ts [--rows 100000] [--queries 1000] [--passes 3] [--selectivity 0.1]`
 * (`QUIVER_HNSW_SIMD=sse` caps our kernels, to see what the SIMD level is worth).
 * Memory: `node --expose-gc --import tsx bench/hnsw-native.ts --memory raw|quiver [--rows 200000]` builds one
 * engine in a fresh process and prints its resident set after a GC: raw hnswlib-node (the vectors only
 * inside hnswlib; the source array is dropped) or our addon plus the Float32Array column it reads.
 */
import os from 'node:os'
import { parseArgs } from 'node:util'
import hnswlib from 'hnswlib-node'
import { Bitset } from '../src/common/bitset.ts'
import { clusteredVectors } from '../src/index/hnsw-native/clustered-vectors.ts'
import { recallOf } from '../src/index/hnsw-native/exact-top-k.ts'
import { type FilterStrategy, pickFilterStrategy } from '../src/index/hnsw-native/filter-strategy.ts'
import { createNativeHnsw, decodeNativeHnsw, type NativeHnsw, nativeSimdLevel } from '../src/index/hnsw-native/native-hnsw.ts'
import { Metric } from '../src/vector/metric.ts'
import { seededRandom } from '../src/vector/seeded-random.ts'

const { values: flags } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    queries: { type: 'string', default: '1000' },
    passes: { type: 'string', default: '3' },
    selectivity: { type: 'string', default: '0.1' },
    seed: { type: 'string', default: '42' },
    memory: { type: 'string' },
  },
})
const rowCount = Number(flags.rows)
const queryCount = Number(flags.queries)
const passes = Number(flags.passes)
const selectivity = Number(flags.selectivity)
const seed = Number(flags.seed)
const dim = 128
const k = 10
const efs = [16, 32, 64, 128]
const M = 16
const efConstruction = 200
const clusterCount = 100
const spread = 0.3
/** Selectivities of the strategy table, and the queries it uses (a subset, to keep the run short). */
const strategyFractions = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5]
const strategyQueries = 100
const strategies: readonly FilterStrategy[] = ['exact', 'twoHop', 'hnswlib']

interface Config {
  readonly engine: string
  readonly ef: number
  readonly search: (q: number) => Int32Array
}

interface Measured {
  readonly config: Config
  readonly wallQps: number
  readonly cpuQps: number
  readonly recall: number
}

const memoryMode = flags.memory
const data = clusteredVectors({ seed, dim, rowCount: memoryMode === undefined ? rowCount : 0, queryCount, clusterCount, spread })
const queryAt = (q: number) => data.queries.subarray(q * dim, (q + 1) * dim)

function cpuMs(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

/** Runs the configs round-robin `passes` times over `count` queries; best pass each; recall of pass 1. */
function measureAll(configs: readonly Config[], truth: Int32Array[], count = queryCount): Measured[] {
  const wallMs = configs.map(() => Number.POSITIVE_INFINITY)
  const usedCpuMs = configs.map(() => Number.POSITIVE_INFINITY)
  const recall = configs.map(() => 0)
  for (let p = 0; p < passes; p++) {
    for (const [i, config] of configs.entries()) {
      const found: Int32Array[] = []
      const cpuStart = cpuMs()
      const start = performance.now()
      for (let q = 0; q < count; q++) found.push(config.search(q))
      wallMs[i] = Math.min(wallMs[i]!, performance.now() - start)
      usedCpuMs[i] = Math.min(usedCpuMs[i]!, cpuMs() - cpuStart)
      if (p === 0) recall[i] = found.reduce((sum, rows, q) => sum + recallOf(rows, truth[q]!), 0) / count
    }
  }
  return configs.map((config, i) => ({ config, wallQps: (count * 1000) / wallMs[i]!, cpuQps: (count * 1000) / usedCpuMs[i]!, recall: recall[i]! }))
}

function randomFilter(fraction: number, filterSeed: number): Bitset {
  const random = seededRandom(filterSeed)
  const bits = new Bitset(rowCount)
  for (let r = 0; r < rowCount; r++) if (random() < fraction) bits.set(r)
  return bits
}

function timed<T>(run: () => T): { value: T; wallS: number; cpuS: number } {
  const cpuStart = cpuMs()
  const start = performance.now()
  const value = run()
  return { value, wallS: (performance.now() - start) / 1000, cpuS: (cpuMs() - cpuStart) / 1000 }
}

function buildRawHnswlib(): hnswlib.HierarchicalNSW {
  const index = new hnswlib.HierarchicalNSW('l2', dim)
  index.initIndex(rowCount, M, efConstruction, seed)
  for (let r = 0; r < rowCount; r++) index.addPoint(Array.from(data.vectors.subarray(r * dim, (r + 1) * dim)), r)
  return index
}

function truthOf(index: NativeHnsw, allowed: Bitset | null, count = queryCount): Int32Array[] {
  return Array.from({ length: count }, (_, q) => index.searchExact(queryAt(q), k, allowed).rows)
}

/** hnswlib-node keeps one ef per index: set it before every call (a cheap native call). */
function rawSearch(raw: hnswlib.HierarchicalNSW, queryArrays: number[][], ef: number, filter?: (label: number) => boolean) {
  return (q: number) => {
    raw.setEf(ef)
    return Int32Array.from(raw.searchKnn(queryArrays[q]!, k, filter).neighbors)
  }
}

function unfilteredConfigs(ours: NativeHnsw, raw: hnswlib.HierarchicalNSW, queryArrays: number[][]): Config[] {
  return efs.flatMap((ef) => [
    { engine: 'Quiver native', ef, search: (q: number) => ours.search(queryAt(q), k, null, ef).rows },
    { engine: "Quiver native, hnswlib's searchKnn", ef, search: (q: number) => ours.searchWith('hnswlib', queryAt(q), k, null, ef).rows },
    { engine: 'hnswlib-node (raw)', ef, search: rawSearch(raw, queryArrays, ef) },
  ])
}

function filteredConfigs(ours: NativeHnsw, raw: hnswlib.HierarchicalNSW, queryArrays: number[][], allowed: Bitset): Config[] {
  const words = allowed.words
  const jsFilter = (label: number) => ((words[label >>> 5]! >>> (label & 31)) & 1) === 1
  return efs.flatMap((ef) => [
    {
      engine: `Quiver native, bitset in C++ (${pickFilterStrategy(allowed.count(), rowCount, k, ef, M)})`,
      ef,
      search: (q: number) => ours.search(queryAt(q), k, allowed, ef).rows,
    },
    { engine: 'hnswlib-node, JS filter callback', ef, search: rawSearch(raw, queryArrays, ef, jsFilter) },
  ])
}

function table(measured: readonly Measured[]): string[] {
  const lines = ['| engine | ef | QPS (CPU) | QPS (wall) | recall@10 |', '|---|---|---|---|---|']
  for (const m of measured) {
    lines.push(`| ${m.config.engine} | ${m.config.ef} | ${m.cpuQps.toFixed(0)} | ${m.wallQps.toFixed(0)} | ${m.recall.toFixed(3)} |`)
  }
  return lines
}

/** Per selectivity and strategy (`searchWith`, no fallback): CPU QPS and recall at each ef; what `search` picks. */
function strategyTable(ours: NativeHnsw): string[] {
  const lines = [`| allowed | strategy | ${efs.map((ef) => `ef ${ef}: QPS (recall)`).join(' | ')} |`, `|${'---|'.repeat(2 + efs.length)}`]
  for (const [i, fraction] of strategyFractions.entries()) {
    const allowed = randomFilter(fraction, seed + 100 + i)
    const count = allowed.count()
    const configs = strategies.flatMap((strategy) =>
      efs.map((ef) => ({ engine: strategy, ef, search: (q: number) => ours.searchWith(strategy, queryAt(q), k, allowed, ef).rows })),
    )
    const measured = measureAll(configs, truthOf(ours, allowed, strategyQueries), strategyQueries)
    for (const strategy of strategies) {
      const cells = measured
        .filter((m) => m.config.engine === strategy)
        .map((m) => {
          const picked = pickFilterStrategy(count, rowCount, k, m.config.ef, M) === strategy ? ' **picked**' : ''
          return `${m.cpuQps.toFixed(0)} (${m.recall.toFixed(3)})${picked}`
        })
      lines.push(`| ${(fraction * 100).toFixed(1)} % (${count}) | ${strategy} | ${cells.join(' | ')} |`)
    }
  }
  return lines
}

function loadLine(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0)

/** One engine's resident set after building `rowCount` rows (a fresh process per engine: see the header). */
/** What the memory run built, held until the end (the measurement is of it alive). */
const retained: unknown[] = []

async function memoryMain(mode: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) throw new Error('run with node --expose-gc --import tsx')
  gc()
  const before = process.memoryUsage().rss
  let column: Float32Array | undefined = clusteredVectors({ seed, dim, rowCount, queryCount: 0, clusterCount, spread }).vectors
  let count: number
  if (mode === 'raw') {
    const index = new hnswlib.HierarchicalNSW('l2', dim)
    index.initIndex(rowCount, M, efConstruction, seed)
    for (let r = 0; r < rowCount; r++) index.addPoint(Array.from(column.subarray(r * dim, (r + 1) * dim)), r)
    column = undefined
    retained.push(index)
    count = index.getCurrentCount()
  } else if (mode === 'quiver') {
    const index = createNativeHnsw({ metric: Metric.L2, dim, M, efConstruction, seed }, column, rowCount)
    retained.push(index)
    count = index.rowCount
  } else {
    throw new Error(`--memory must be raw or quiver, got ${mode}`)
  }
  // Freed ArrayBuffers are swept after the GC, off the main thread: collect until the RSS settles.
  for (let i = 0; i < 5; i++) {
    gc()
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  const { rss, heapTotal } = process.memoryUsage()
  const peak = process.resourceUsage().maxRSS * 1024
  console.log(
    `${mode}: ${count} × ${dim}, M ${M}: RSS after build ${mib(rss)} MiB (${mib(rss - before)} MiB over the start; ` +
      `outside the JS heap ${mib(rss - heapTotal)} MiB), peak ${mib(peak)} MiB; raw vectors ${mib(rowCount * dim * 4)} MiB` +
      `${column === undefined ? '' : ' (the column, kept)'}; ${retained.length} index alive`,
  )
}

function main(): void {
  if (memoryMode !== undefined) {
    void memoryMain(memoryMode)
    return
  }
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  const lines = [
    `Native HNSW, ${rowCount} × ${dim} float32 (${clusterCount} Gaussian clusters, σ ${spread}), ${queryCount} queries, k ${k}, L2, ` +
      `M ${M}, efConstruction ${efConstruction}, one thread — ${cpu} (${os.cpus().length} cores), ${os.platform()} ${os.arch()}, ` +
      `Node ${process.version}, our kernels ${nativeSimdLevel()}, ${new Date().toISOString().slice(0, 16)}Z, load average at start ${loadLine()}`,
    `Command: npx tsx bench/hnsw-native.ts --rows ${rowCount} --queries ${queryCount} --passes ${passes} --selectivity ${selectivity}`,
    '',
  ]
  const ours = timed(() => createNativeHnsw({ metric: Metric.L2, dim, M, efConstruction, seed }, data.vectors, rowCount))
  const raw = timed(buildRawHnswlib)
  lines.push('| engine | build s (CPU) | build s (wall) |', '|---|---|---|')
  lines.push(`| Quiver native | ${ours.cpuS.toFixed(1)} | ${ours.wallS.toFixed(1)} |`)
  lines.push(`| hnswlib-node (raw, addPoint per row) | ${raw.cpuS.toFixed(1)} | ${raw.wallS.toFixed(1)} |`, '')
  const queryArrays = Array.from({ length: queryCount }, (_, q) => Array.from(queryAt(q)))
  lines.push('Unfiltered:', '', ...table(measureAll(unfilteredConfigs(ours.value, raw.value, queryArrays), truthOf(ours.value, null))), '')
  const allowed = randomFilter(selectivity, seed + 1)
  lines.push(`Filtered, ${(selectivity * 100).toFixed(0)} % of rows allowed (${allowed.count()}):`, '')
  lines.push(...table(measureAll(filteredConfigs(ours.value, raw.value, queryArrays, allowed), truthOf(ours.value, allowed))), '')
  lines.push(`Filter strategies by selectivity (${strategyQueries} queries; QPS by CPU time; **picked** = what \`search\` uses):`, '')
  lines.push(...strategyTable(ours.value), '')
  const encoded = timed(() => ours.value.encode())
  const decoded = timed(() => decodeNativeHnsw(encoded.value, Metric.L2, dim, data.vectors))
  lines.push(
    `Encode ${(encoded.wallS * 1000).toFixed(0)} ms, decode ${(decoded.wallS * 1000).toFixed(0)} ms, ` +
      `${(encoded.value.length / 2 ** 20).toFixed(1)} MiB. Load average at end ${loadLine()}.`,
  )
  console.log(lines.join('\n'))
}

main()
