/**
 * Flat (exact) search throughput on one thread: 100k × 128 float32 rows, scanned by the WASM SIMD
 * kernels (rows inside the arena; and rows in a plain Float32Array copied in per block) versus a
 * plain JS Float32Array loop, plus the full exact top-10 (kernel + TopKHeap). Prints one Markdown
 * table. Run: `npm run bench:search` or `npx tsx bench/flat-search.ts`.
 */
import os from 'node:os'
import { TopKHeap } from '../src/common/topk-heap.ts'
import { scanFloat } from '../src/vector/float-scan.ts'
import { type FloatMetric, largerIsBetter, Metric } from '../src/vector/metric.ts'
import { referenceFloatScores } from '../src/vector/reference-distance.ts'
import { randomFloats, seededRandom } from '../src/vector/seeded-random.ts'
import { VectorArena } from '../src/vector/vector-arena.ts'

const rowCount = 100_000
const dim = 128
const queryCount = 16
const topK = 10
/** Time spent measuring each cell (after a short warm-up). */
const measureMs = 800
const warmupMs = 150

interface Data {
  readonly arena: VectorArena
  readonly queries: Float32Array[]
  readonly plainBase: Float32Array
  readonly arenaBase: Float32Array
  readonly arenaOut: Float32Array
  readonly plainOut: Float32Array
}

/** Rows scanned per second by `scan` (called with a query index), over ~`measureMs`. */
function vectorsPerSecond(scan: (queryIndex: number) => void): number {
  let calls = 0
  const warmupEnd = performance.now() + warmupMs
  while (performance.now() < warmupEnd) scan(calls++ % queryCount)
  calls = 0
  const start = performance.now()
  let elapsedMs = 0
  while (elapsedMs < measureMs) {
    scan(calls++ % queryCount)
    elapsedMs = performance.now() - start
  }
  return (calls * rowCount) / (elapsedMs / 1000)
}

/** Keeps the k best of `scores[0..n)` in `heap`, comparing against the root before pushing. */
function selectTopK(heap: TopKHeap, scores: Float32Array, n: number): void {
  heap.reset()
  if (heap.largerIsBetter) {
    for (let i = 0; i < n; i++) {
      const s = scores[i]!
      if (heap.size < heap.k || s > heap.scores[0]!) heap.push(s, i)
    }
  } else {
    for (let i = 0; i < n; i++) {
      const s = scores[i]!
      if (heap.size < heap.k || s < heap.scores[0]!) heap.push(s, i)
    }
  }
}

function measureMetric(data: Data, metric: FloatMetric): string[] {
  const { arena, queries, plainBase, arenaBase, arenaOut, plainOut } = data
  const kernel = vectorsPerSecond((q) => scanFloat(arena, metric, queries[q]!, arenaBase, rowCount, dim, arenaOut))
  const copied = vectorsPerSecond((q) => scanFloat(arena, metric, queries[q]!, plainBase, rowCount, dim, plainOut))
  const js = vectorsPerSecond((q) => referenceFloatScores(metric, queries[q]!, plainBase, rowCount, dim, plainOut))
  const heap = new TopKHeap(topK, largerIsBetter(metric))
  const search = vectorsPerSecond((q) => {
    scanFloat(arena, metric, queries[q]!, arenaBase, rowCount, dim, arenaOut)
    selectTopK(heap, arenaOut, rowCount)
  })
  const m = (x: number) => (x / 1e6).toFixed(1)
  return [metric, m(kernel), m(copied), m(js), `${(kernel / js).toFixed(1)}×`, m(search)]
}

async function main(): Promise<void> {
  const arena = await VectorArena.open()
  const random = seededRandom(2024)
  const plainBase = randomFloats(random, rowCount * dim)
  const arenaBase = arena.allocFloat32(rowCount * dim)
  arenaBase.set(plainBase)
  const queries = Array.from({ length: queryCount }, () => randomFloats(random, dim))
  const data: Data = {
    arena,
    queries,
    plainBase,
    arenaBase,
    arenaOut: arena.allocFloat32(rowCount),
    plainOut: new Float32Array(rowCount),
  }
  const rows = [Metric.L2, Metric.IP, Metric.COSINE].map((metric) => measureMetric(data, metric))
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  const lines = [
    `Flat search, ${rowCount} × ${dim} float32, one thread — ${cpu} (${os.cpus().length} cores), ` +
      `${os.platform()} ${os.arch()}, Node ${process.version}`,
    '',
    '| metric | WASM SIMD, rows in arena (M vectors/s) | WASM SIMD, rows copied in (M/s) | plain JS loop (M/s) | kernel vs JS | exact top-10 search (M/s) |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
  ]
  console.log(lines.join('\n'))
}

await main()
