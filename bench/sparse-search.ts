/**
 * Sparse index benchmark, one thread: 100k seeded sparse rows (25–75 non-zeros each, ~50 on average,
 * in 30k dimensions drawn Zipf-like so low dimensions are common, weights idf-like so common
 * dimensions weigh little, as in BM25/SPLADE data), 200 queries of 10–40 non-zeros from the same distribution, k = 10. The exact scan is the
 * engine's (`sparseDot` per row, positive scores into a typed-array heap); each index algorithm
 * (TAAT_NAIVE, DAAT_WAND, DAAT_MAXSCORE) is built in-thread and searched at nq = 1: build seconds,
 * QPS, recall@10 against the exact scan; also with 10 % of rows allowed and with drop_ratio_search.
 * Prints a Markdown table with a machine line. Run: `npx tsx bench/sparse-search.ts [--quick]`.
 */
import os from 'node:os'
import { Bitset } from '../src/common/bitset.ts'
import { TopKHeap } from '../src/common/topk-heap.ts'
import type { SparseRow } from '../src/column/column.ts'
import { encodeSparseCsr } from '../src/index/sparse/sparse-csr.ts'
import { buildIndex, type VectorIndex, validateIndexSpec, validateSearchParams } from '../src/index/vector-index.ts'
import { sparseDot } from '../src/query/vector-scan.ts'
import { seededRandom } from '../src/vector/seeded-random.ts'
import { VectorArena } from '../src/vector/vector-arena.ts'

const quick = process.argv.includes('--quick')
const rowCount = quick ? 20_000 : 100_000
const dims = 30_000
const queryCount = 200
const k = 10
/** QPS per setting is the best of `measureRounds` rounds of at least `measureMs` each (the machine is shared). */
const measureMs = 500
const measureRounds = 3

const random = seededRandom(42)

function sparseRow(nnzMin: number, nnzMax: number): SparseRow {
  const n = nnzMin + Math.floor(random() * (nnzMax - nnzMin + 1))
  const set = new Set<number>()
  // Zipf-like: dimension ~ dims · u^3, so the first few hundred dimensions hold most postings.
  while (set.size < n) set.add(Math.floor(dims * random() ** 3))
  const indices = Uint32Array.from([...set].sort((a, b) => a - b))
  // Weights as BM25 / SPLADE give them: an idf-like factor that is small for common (low) dimensions,
  // times a term-frequency-like draw, so the long posting lists carry small values.
  return { indices, values: Float32Array.from(indices, (d) => Math.fround(Math.log(2 + d / 30) * (0.2 + random()))) }
}

function exactScan(rows: readonly SparseRow[], q: SparseRow, allowed: Bitset | null): number[] {
  const heap = new TopKHeap(k, true)
  for (let r = 0; r < rows.length; r++) {
    if (allowed !== null && !allowed.get(r)) continue
    const s = sparseDot(q, rows[r]!)
    if (s > 0) heap.push(s, r)
  }
  return Array.from(heap.drain().ids)
}

/** Best-of-rounds queries per second of `run` over all queries. */
function qpsOf(run: (q: number) => void): number {
  let best = 0
  for (let round = 0; round < measureRounds; round++) {
    let done = 0
    const start = performance.now()
    while (performance.now() - start < measureMs) for (let q = 0; q < queryCount; q++, done++) run(q)
    best = Math.max(best, (done * 1000) / (performance.now() - start))
  }
  return best
}

function recall(got: ArrayLike<number>[], want: number[][]): number {
  let hit = 0
  let total = 0
  for (let q = 0; q < want.length; q++) {
    const g = new Set(Array.from(got[q]!))
    for (const r of want[q]!) if (g.has(r)) hit++
    total += want[q]!.length
  }
  return total === 0 ? 1 : hit / total
}

async function main(): Promise<void> {
  await VectorArena.init()
  const t0 = performance.now()
  const rows = Array.from({ length: rowCount }, () => sparseRow(25, 75))
  const queries = Array.from({ length: queryCount }, () => sparseRow(10, 40))
  const csr = encodeSparseCsr(rows)
  const queryBytes = queries.map((q) => encodeSparseCsr([q]))
  const tenPercent = new Bitset(rowCount)
  for (let r = 0; r < rowCount; r++) if (random() < 0.1) tenPercent.set(r)
  let nnz = 0
  for (const r of rows) nnz += r.indices.length
  console.error(`data: ${rowCount} rows, ${nnz} non-zeros, ${((performance.now() - t0) / 1000).toFixed(1)} s`)

  const table: string[] = []
  for (const [filter, allowed] of [['none', null], ['10 %', tenPercent]] as const) {
    const want = queries.map((q) => exactScan(rows, q, allowed))
    table.push(`| exact scan | – | – | ${filter} | ${qpsOf((q) => exactScan(rows, queries[q]!, allowed)).toFixed(0)} | 1.000 |`)
    for (const algo of ['TAAT_NAIVE', 'DAAT_WAND', 'DAAT_MAXSCORE']) {
      const spec = validateIndexSpec({ indexType: 'SPARSE_INVERTED_INDEX', metric: 'IP', params: { inverted_index_algo: algo }, dim: 0, fieldKind: 'sparse' })
      const b0 = performance.now()
      const index: VectorIndex = buildIndex(spec, csr, rowCount)
      const buildS = ((performance.now() - b0) / 1000).toFixed(2)
      for (const drop of [0, 0.2]) {
        const params = validateSearchParams(spec, k, { drop_ratio_search: drop })
        const got = queryBytes.map((q) => index.search(q, k, allowed, params).rows)
        const qps = qpsOf((q) => index.search(queryBytes[q]!, k, allowed, params))
        table.push(`| ${algo} | ${buildS} | ${drop} | ${filter} | ${qps.toFixed(0)} | ${recall(got, want).toFixed(3)} |`)
      }
      index.release()
    }
  }
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  console.log(`Machine: ${cpu}, ${os.cpus().length} cores, Node ${process.version}, load ${os.loadavg()[0]!.toFixed(1)}; ${new Date().toISOString()}`)
  console.log(`Command: npx tsx bench/sparse-search.ts${quick ? ' --quick' : ''} — ${rowCount} rows × ~50 nnz in ${dims} dims, ${queryCount} queries of 10–40 nnz, k = ${k}, nq = 1`)
  console.log('')
  console.log('| search | build s | drop_ratio_search | filter | QPS | recall@10 |')
  console.log('|---|---:|---:|---|---:|---:|')
  for (const line of table) console.log(line)
}

await main()
