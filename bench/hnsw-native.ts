/**
 * Quiver's native HNSW core (native/hnsw, via src/index/hnsw-native) against raw `hnswlib-node` on the
 * same seeded clustered data, same M / efConstruction / seed, one thread:
 *   build seconds; QPS and recall@10 at several ef; filtered search at one selectivity (our bitset in
 *   C++ vs hnswlib-node's JS filter callback); the exact-scan vs graph crossover by selectivity (what
 *   `exactScanBelowRows` is set from); encode / decode of the index.
 * Recall is against the exact top-k (the addon's exact scan, which the tests check against plain JS).
 * QPS = queries / wall time of one pass, best of `--passes` passes (the machine's 2 cores are shared).
 * Run: `npx tsx bench/hnsw-native.ts [--rows 100000] [--queries 1000] [--passes 3] [--selectivity 0.1]`
 * (`QUIVER_HNSW_SIMD=sse` caps our kernels, to see what the SIMD level is worth).
 */
import os from 'node:os'
import { parseArgs } from 'node:util'
import hnswlib from 'hnswlib-node'
import { Bitset } from '../src/common/bitset.ts'
import { clusteredVectors } from '../src/index/hnsw-native/clustered-vectors.ts'
import { recallOf } from '../src/index/hnsw-native/exact-top-k.ts'
import { exactScanBelowRows } from '../src/index/hnsw-native/exact-scan-threshold.ts'
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
/** Selectivities of the crossover table, and the queries it uses (a subset, to keep the run short). */
const crossoverFractions = [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3]
const crossoverQueries = 200

interface Row {
  readonly engine: string
  readonly ef: number | string
  readonly qps: number
  readonly recall: number
}

type Searcher = (q: number) => Int32Array

const data = clusteredVectors({ seed, dim, rowCount, queryCount, clusterCount, spread })
const queryAt = (q: number) => data.queries.subarray(q * dim, (q + 1) * dim)

/** QPS (best of `passes` passes over `count` queries) and mean recall against `truth`. */
function measure(search: Searcher, truth: Int32Array[], count = queryCount): { qps: number; recall: number } {
  let bestMs = Number.POSITIVE_INFINITY
  let recall = 0
  for (let p = 0; p < passes; p++) {
    const start = performance.now()
    const found: Int32Array[] = []
    for (let q = 0; q < count; q++) found.push(search(q))
    bestMs = Math.min(bestMs, performance.now() - start)
    if (p === 0) recall = found.reduce((sum, rows, q) => sum + recallOf(rows, truth[q]!), 0) / count
  }
  return { qps: (count * 1000) / bestMs, recall }
}

function randomFilter(fraction: number, filterSeed: number): Bitset {
  const random = seededRandom(filterSeed)
  const bits = new Bitset(rowCount)
  for (let r = 0; r < rowCount; r++) if (random() < fraction) bits.set(r)
  return bits
}

function timeSeconds<T>(run: () => T): { value: T; seconds: number } {
  const start = performance.now()
  const value = run()
  return { value, seconds: (performance.now() - start) / 1000 }
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

function unfilteredRows(ours: NativeHnsw, raw: hnswlib.HierarchicalNSW, queryArrays: number[][], truth: Int32Array[]): Row[] {
  const rows: Row[] = []
  for (const ef of efs) rows.push({ engine: 'Quiver native', ef, ...measure((q) => ours.search(queryAt(q), k, null, ef).rows, truth) })
  for (const ef of efs) {
    raw.setEf(ef)
    rows.push({ engine: 'hnswlib-node (raw)', ef, ...measure((q) => Int32Array.from(raw.searchKnn(queryArrays[q]!, k).neighbors), truth) })
  }
  return rows
}

function filteredRows(ours: NativeHnsw, raw: hnswlib.HierarchicalNSW, queryArrays: number[][], allowed: Bitset): Row[] {
  const truth = truthOf(ours, allowed)
  const words = allowed.words
  const jsFilter = (label: number) => ((words[label >>> 5]! >>> (label & 31)) & 1) === 1
  const rows: Row[] = []
  for (const ef of efs) rows.push({ engine: 'Quiver native, bitset in C++', ef, ...measure((q) => ours.search(queryAt(q), k, allowed, ef).rows, truth) })
  for (const ef of efs) {
    raw.setEf(ef)
    const search = (q: number) => Int32Array.from(raw.searchKnn(queryArrays[q]!, k, jsFilter).neighbors)
    rows.push({ engine: 'hnswlib-node, JS filter callback', ef, ...measure(search, truth) })
  }
  return rows
}

/**
 * Per selectivity: the exact scan of the allowed rows vs the graph walk with the bitset at each ef
 * (`searchGraph`, no fallback), and which one `search` picks at each ef.
 */
function crossoverRows(ours: NativeHnsw): string[] {
  const efHeads = efs.map((ef) => `graph QPS (recall) ef ${ef}`)
  const lines = [`| allowed | rows | exact-scan QPS | ${efHeads.join(' | ')} | search picks (ef ${efs.join('/')}) |`]
  lines.push(`|${'---|'.repeat(4 + efs.length)}`)
  for (const [i, fraction] of crossoverFractions.entries()) {
    const allowed = randomFilter(fraction, seed + 100 + i)
    const truth = truthOf(ours, allowed, crossoverQueries)
    const exact = measure((q) => ours.searchExact(queryAt(q), k, allowed).rows, truth, crossoverQueries)
    const cells = efs.map((ef) => {
      const graph = measure((q) => ours.searchGraph(queryAt(q), k, allowed, ef).rows, truth, crossoverQueries)
      return `${graph.qps.toFixed(0)} (${graph.recall.toFixed(3)})`
    })
    const count = allowed.count()
    const picks = efs.map((ef) => (count <= exactScanBelowRows(k, rowCount, ef, M) ? 'exact' : 'graph'))
    lines.push(`| ${(fraction * 100).toFixed(1)} % | ${count} | ${exact.qps.toFixed(0)} | ${cells.join(' | ')} | ${picks.join('/')} |`)
  }
  return lines
}

function table(rows: Row[]): string[] {
  const lines = ['| engine | ef | QPS | recall@10 |', '|---|---|---|---|']
  for (const r of rows) lines.push(`| ${r.engine} | ${r.ef} | ${r.qps.toFixed(0)} | ${r.recall.toFixed(3)} |`)
  return lines
}

function main(): void {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  const lines = [
    `Native HNSW, ${rowCount} × ${dim} float32 (${clusterCount} Gaussian clusters, σ ${spread}), ${queryCount} queries, k ${k}, L2, ` +
      `M ${M}, efConstruction ${efConstruction}, one thread — ${cpu} (${os.cpus().length} cores), ${os.platform()} ${os.arch()}, ` +
      `Node ${process.version}, our kernels ${nativeSimdLevel()}, ${new Date().toISOString().slice(0, 10)}`,
    `Command: npx tsx bench/hnsw-native.ts --rows ${rowCount} --queries ${queryCount} --passes ${passes} --selectivity ${selectivity}`,
    '',
  ]
  const ours = timeSeconds(() => createNativeHnsw({ metric: Metric.L2, dim, M, efConstruction, seed }, data.vectors, rowCount))
  const raw = timeSeconds(buildRawHnswlib)
  lines.push('| engine | build s |', '|---|---|', `| Quiver native | ${ours.seconds.toFixed(1)} |`, `| hnswlib-node (raw, addPoint per row) | ${raw.seconds.toFixed(1)} |`, '')
  const queryArrays = Array.from({ length: queryCount }, (_, q) => Array.from(queryAt(q)))
  lines.push('Unfiltered:', '', ...table(unfilteredRows(ours.value, raw.value, queryArrays, truthOf(ours.value, null))), '')
  const allowed = randomFilter(selectivity, seed + 1)
  lines.push(`Filtered, ${(selectivity * 100).toFixed(0)} % of rows allowed (${allowed.count()}):`, '')
  lines.push(...table(filteredRows(ours.value, raw.value, queryArrays, allowed)), '')
  const thresholds = efs.map((ef) => exactScanBelowRows(k, rowCount, ef, M)).join('/')
  lines.push(`Exact scan vs graph walk by selectivity (${crossoverQueries} queries; exact-scan threshold at ef ${efs.join('/')}: ${thresholds} rows):`, '')
  lines.push(...crossoverRows(ours.value), '')
  const encoded = timeSeconds(() => ours.value.encode())
  const decoded = timeSeconds(() => decodeNativeHnsw(encoded.value, Metric.L2, dim))
  lines.push(`Encode ${(encoded.seconds * 1000).toFixed(0)} ms, decode ${(decoded.seconds * 1000).toFixed(0)} ms, ${(encoded.value.length / 2 ** 20).toFixed(1)} MiB`)
  console.log(lines.join('\n'))
}

main()
