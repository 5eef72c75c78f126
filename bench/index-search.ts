/**
 * Vector index benchmark, one thread: 100k × 128 seeded clustered float32 rows (1,000 Gaussian clusters,
 * σ = 0.5 per dimension, rows inside the vector arena as the engine stores them), 200 queries from the
 * same clusters, k = 10. Per index type and search setting: build seconds (in-thread `buildIndex`),
 * QPS at nq = 1, recall@10 against FLAT; unfiltered and with 10 % of the rows allowed. Also binary
 * indexes (100k × 256 bits), the per-pair distance cost (JS loop versus WASM kernel) and, when
 * `--hnswlib <dir>` names a directory where `hnswlib-node` is installed, the raw library on the same data.
 * Prints Markdown tables with a machine line. Run: `npx tsx bench/index-search.ts [--quick] [--hnswlib DIR]`.
 */
import { createRequire } from 'node:module'
import os from 'node:os'
import { join } from 'node:path'
import { Bitset } from '../src/common/bitset.ts'
import type { SearchParams } from '../src/index/index-spec.ts'
import { clusteredBits, clusteredVectors, recallAt } from '../src/index/test-fixtures.ts'
import { buildIndex, type IndexSpec, type IndexType, type VectorIndex } from '../src/index/vector-index.ts'
import type { Metric } from '../src/vector/metric.ts'
import { referenceL2 } from '../src/vector/reference-distance.ts'
import { seededRandom } from '../src/vector/seeded-random.ts'
import { VectorArena } from '../src/vector/vector-arena.ts'

const quick = process.argv.includes('--quick')
const hnswlibDir = process.argv[process.argv.indexOf('--hnswlib') + 1]
const rowCount = quick ? 20_000 : 100_000
const dim = 128
const binaryDim = 256
const queryCount = 200
const k = 10
/** QPS per setting is the best of `measureRounds` rounds of `measureMs` each (the machine is shared). */
const measureMs = 250
const measureRounds = 3
const seed = 42
/** HNSW build width for Quiver and hnswlib-node alike (100 keeps the run under ~3 minutes on 2 cores). */
const hnswEfConstruction = 100

interface Row {
  readonly name: string
  readonly setting: string
  readonly buildS: string
  readonly qps: number
  readonly recall: number
  readonly filter: string
}

interface Workload {
  readonly metric: Metric
  readonly dim: number
  readonly vectors: Float32Array | Uint8Array
  readonly queries: (Float32Array | Uint8Array)[]
  readonly tenPercent: Bitset
  readonly truth: Int32Array[]
  readonly truthFiltered: Int32Array[]
}

/** One thing to measure: Quiver's index, or the peer library. */
interface Searcher {
  readonly name: string
  readonly buildS: number
  /** Rows of query `q`'s top k. */
  search(q: number, allowed: Bitset | null, params: SearchParams): Int32Array
}

function quiverSearcher(name: string, index: VectorIndex, buildS: number, w: Workload): Searcher {
  return { name, buildS, search: (q, allowed, params) => index.search(w.queries[q]!, k, allowed, params).rows }
}

function searchAll(index: VectorIndex, w: Workload, allowed: Bitset | null, params: SearchParams): Int32Array[] {
  return w.queries.map((q) => index.search(q, k, allowed, params).rows)
}

/** Queries per second of `search`: the best of a few short rounds, after the recall pass warmed it up. */
function qpsOf(search: (q: number) => void): number {
  let best = 0
  for (let round = 0; round < measureRounds; round++) {
    let done = 0
    const start = performance.now()
    let elapsedMs = 0
    while (elapsedMs < measureMs) {
      search(done++ % queryCount)
      elapsedMs = performance.now() - start
    }
    best = Math.max(best, done / (elapsedMs / 1000))
  }
  return best
}

/** Recall and QPS of each searcher per setting and filter; searchers are measured back to back. */
function measure(searchers: Searcher[], w: Workload, settings: SearchParams[]): Row[] {
  const rows = searchers.map((): Row[] => [])
  for (const params of settings) {
    for (const allowed of [null, w.tenPercent]) {
      searchers.forEach((s, i) => {
        const found = w.queries.map((_, q) => s.search(q, allowed, params))
        const recall = recallAt(k, allowed === null ? w.truth : w.truthFiltered, found)
        const qps = qpsOf((q) => s.search(q, allowed, params))
        const setting = Object.entries(params).map(([key, v]) => `${key}=${v}`).join(' ') || '—'
        const filter = allowed === null ? 'none' : i === 0 ? '10 %' : '10 % (JS callback)'
        rows[i]!.push({ name: s.name, setting, buildS: s.buildS.toFixed(1), qps, recall, filter })
      })
    }
  }
  return rows.flat()
}

function timedBuild(spec: IndexSpec, w: Workload): { index: VectorIndex; seconds: number } {
  const start = performance.now()
  const index = buildIndex(spec, w.vectors, rowCount)
  return { index, seconds: (performance.now() - start) / 1000 }
}

function workloadOf(metric: Metric, vectors: Float32Array | Uint8Array, queries: (Float32Array | Uint8Array)[], d: number): Workload {
  const tenPercent = new Bitset(rowCount)
  const random = seededRandom(seed + 1)
  for (let row = 0; row < rowCount; row++) if (random() < 0.1) tenPercent.set(row)
  const flatType: IndexType = vectors instanceof Uint8Array ? 'BIN_FLAT' : 'FLAT'
  const flat = buildIndex({ indexType: flatType, metric, dim: d, params: {} }, vectors, rowCount)
  const w0 = { metric, dim: d, vectors, queries, tenPercent, truth: [], truthFiltered: [] }
  return { ...w0, truth: searchAll(flat, w0, null, {}), truthFiltered: searchAll(flat, w0, tenPercent, {}) }
}

function floatWorkload(arena: VectorArena): Workload {
  const vectors = arena.allocFloat32(rowCount * dim)
  vectors.set(clusteredVectors(seed, rowCount, dim, 1000, 0.5))
  const all = clusteredVectors(seed, queryCount, dim, 1000, 0.5, 1)
  const queries = Array.from({ length: queryCount }, (_, q) => all.slice(q * dim, (q + 1) * dim))
  return workloadOf('L2', vectors, queries, dim)
}

function binaryWorkload(): Workload {
  const rowBytes = binaryDim / 8
  const vectors = clusteredBits(seed, rowCount, binaryDim, 1000, 0.2)
  const all = clusteredBits(seed, queryCount, binaryDim, 1000, 0.2, 1)
  const queries = Array.from({ length: queryCount }, (_, q) => all.slice(q * rowBytes, (q + 1) * rowBytes))
  return workloadOf('HAMMING', vectors, queries, binaryDim)
}

const floatCases: Array<{ type: IndexType; params: Record<string, number>; settings: SearchParams[] }> = [
  { type: 'FLAT', params: {}, settings: [{}] },
  { type: 'HNSW', params: { M: 16, efConstruction: hnswEfConstruction }, settings: [{ ef: 16 }, { ef: 32 }, { ef: 64 }, { ef: 128 }] },
  { type: 'IVF_FLAT', params: { nlist: 128 }, settings: [{ nprobe: 8 }, { nprobe: 16 }, { nprobe: 32 }] },
  { type: 'IVF_SQ8', params: { nlist: 128 }, settings: [{ nprobe: 8 }, { nprobe: 16 }, { nprobe: 32 }] },
  { type: 'IVF_PQ', params: { nlist: 128, m: 16, nbits: 8 }, settings: [{ nprobe: 8 }, { nprobe: 16 }, { nprobe: 32 }] },
]

const binaryCases: Array<{ type: IndexType; params: Record<string, number>; settings: SearchParams[] }> = [
  { type: 'BIN_FLAT', params: {}, settings: [{}] },
  { type: 'BIN_IVF_FLAT', params: { nlist: 128 }, settings: [{ nprobe: 8 }, { nprobe: 32 }] },
]

/** Builds and measures each case; HNSW is measured back to back with hnswlib-node when it is given. */
function runCases(w: Workload, cases: typeof floatCases): Row[] {
  const rows: Row[] = []
  for (const c of cases) {
    const { index, seconds } = timedBuild({ indexType: c.type, metric: w.metric, dim: w.dim, params: c.params }, w)
    const name = `${c.type} ${Object.entries(c.params).map(([key, v]) => `${key}=${v}`).join(' ')}`.trim()
    const peer = c.type === 'HNSW' ? hnswlibSearcher(w) : undefined
    rows.push(...measure(peer === undefined ? [quiverSearcher(name, index, seconds, w)] : [quiverSearcher(name, index, seconds, w), peer], w, c.settings))
    index.release()
    console.error(`  ${c.type} done`)
  }
  return rows
}

/** hnswlib-node (the raw library: JS arrays in, the filter as a JS callback) built on the same data. */
function hnswlibSearcher(w: Workload): Searcher | undefined {
  if (hnswlibDir === undefined || hnswlibDir.startsWith('--')) return undefined
  const require = createRequire(join(hnswlibDir, 'package.json'))
  const { HierarchicalNSW } = require('hnswlib-node') as {
    HierarchicalNSW: new (space: string, dim: number) => {
      initIndex(n: number, M: number, efConstruction: number, seed: number): void
      addPoint(v: number[], label: number): void
      setEf(ef: number): void
      searchKnn(q: number[], k: number, filter?: (label: number) => boolean): { neighbors: number[] }
    }
  }
  const index = new HierarchicalNSW('l2', dim)
  const vectors = w.vectors as Float32Array
  const start = performance.now()
  index.initIndex(rowCount, 16, hnswEfConstruction, 100)
  for (let row = 0; row < rowCount; row++) index.addPoint(Array.from(vectors.subarray(row * dim, (row + 1) * dim)), row)
  const buildS = (performance.now() - start) / 1000
  const queries = w.queries.map((q) => Array.from(q))
  const filter = (label: number) => w.tenPercent.get(label)
  return {
    name: `hnswlib-node M=16 efConstruction=${hnswEfConstruction}`,
    buildS,
    search: (q, allowed, params) => {
      index.setEf(params.ef ?? 16)
      return Int32Array.from(index.searchKnn(queries[q]!, k, allowed === null ? undefined : filter).neighbors)
    },
  }
}

/** ns per distance at dim 128 on random rows of the arena: a JS loop versus one WASM kernel call per pair. */
function pairCosts(arena: VectorArena, vectors: Float32Array): string[] {
  const random = seededRandom(seed + 2)
  const ids = Int32Array.from({ length: 200_000 }, () => Math.floor(random() * rowCount))
  const query = arena.allocFloat32(dim)
  const out = arena.allocFloat32(16)
  query.set(vectors.subarray(0, dim))
  const time = (f: () => number): number => {
    f()
    const start = performance.now()
    f()
    return ((performance.now() - start) * 1e6) / ids.length
  }
  const js = time(() => {
    let sum = 0
    for (let i = 0; i < ids.length; i++) sum += referenceL2(query, vectors, ids[i]! * dim, dim)
    return sum
  })
  const kernel = arena.kernels.l2sq
  const wasm = time(() => {
    let sum = 0
    for (let i = 0; i < ids.length; i++) {
      kernel(query.byteOffset, vectors.byteOffset + ids[i]! * dim * 4, 1, dim, out.byteOffset)
      sum += out[0]!
    }
    return sum
  })
  arena.free(query)
  arena.free(out)
  return [`| JS loop (reference-distance.ts) | ${js.toFixed(0)} |`, `| WASM SIMD kernel, one call per pair | ${wasm.toFixed(0)} |`]
}

function table(rows: Row[]): string[] {
  return [
    '| index | search | filter | build s | QPS (nq=1) | recall@10 |',
    '|---|---|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.name} | ${r.setting} | ${r.filter} | ${r.buildS} | ${r.qps.toFixed(0)} | ${r.recall.toFixed(3)} |`),
  ]
}

async function main(): Promise<void> {
  const arena = await VectorArena.init()
  const started = performance.now()
  console.error('float workload …')
  const fw = floatWorkload(arena)
  const floatRows = runCases(fw, floatCases)
  const pairs = pairCosts(arena, fw.vectors as Float32Array)
  console.error('binary workload …')
  const binaryRows = runCases(binaryWorkload(), binaryCases)
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  const lines = [
    `Vector indexes, ${rowCount} rows, one thread, k=${k}, ${queryCount} queries — ${cpu} (${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)}), ` +
      `${os.platform()} ${os.arch()}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, \`npx tsx bench/index-search.ts${process.argv.slice(2).map((a) => ` ${a}`).join('')}\``,
    '',
    `Float: ${dim} dims, L2, 1,000 clusters σ=0.5. Filter "10 %": a seeded random 10 % of rows allowed (recall against FLAT with the same filter).`,
    '',
    ...table(floatRows),
    '',
    `Binary: ${binaryDim} bits, HAMMING, 1,000 clusters, 20 % of bits flipped.`,
    '',
    ...table(binaryRows),
    '',
    `Distance cost per pair, dim ${dim}, random rows of the ${rowCount}-row column:`,
    '',
    '| how | ns per pair |',
    '|---|---:|',
    ...pairs,
    '',
    `(total ${((performance.now() - started) / 1000).toFixed(0)} s)`,
  ]
  console.log(lines.join('\n'))
}

await main()
