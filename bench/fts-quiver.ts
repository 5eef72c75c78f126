/**
 * Quiver's side of the full-text benchmark (bench/fts.ts), embedded, through the Milvus-shaped client
 * (`createCollection` / `insert` / `createIndex` / `search` / `hybridSearch`, as the Node SDK calls them).
 *
 * Two modes:
 * - `function`: Milvus's full-text search — a VarChar `text` field with `enable_analyzer`, a BM25
 *   function `text` → `sparse`, `SPARSE_INVERTED_INDEX` with metric BM25, search with the query text.
 * - `sparse-ip`: for as long as Quiver has no BM25 function — the same scores computed outside the
 *   engine: every document's sparse row holds (k1 + 1)·tf / (tf + k1·(1 − b + b·dl/avgdl)) per term (term
 *   ids from the corpus vocabulary), the query's row qtf·idf, metric IP. Tokenising (Quiver's analyzer)
 *   and weighting are inside the timed build and search. Measures the sparse index and the engine
 *   around it; the upsert check needs the function (corpus statistics change under an upsert).
 */
import { rmSync } from 'node:fs'
import type { Passage, Query } from './fts-corpus.ts'
import type { AnalyzerParams } from '../src/text/analyzer.ts'
import type { Quiver } from '../src/index.ts'

export type QuiverMode = 'function' | 'sparse-ip'
export type Hits = [number, number][]

export interface QuiverRun {
  readonly dir: string
  readonly passages: readonly Passage[]
  readonly queries: readonly Query[]
  readonly mode: QuiverMode
  readonly analyzer: AnalyzerParams
  readonly k: number
  readonly k1: number
  readonly b: number
  readonly dim: number
  readonly batch: number
  readonly minSeconds: number
  readonly segmentRows?: number
}

export interface QuiverResult {
  readonly mode: QuiverMode
  readonly rows: number
  readonly insertMs: number
  readonly buildMs: number
  /** Process CPU (every thread: index and compaction workers too) spent on the build and on the timed queries. */
  readonly buildCpuMs: number
  readonly searchCpuMs: number
  readonly queries: number
  readonly qps: number
  readonly p50Ms: number
  readonly hybridP50Ms: number
  readonly results: Hits[]
}

/** Outputs [start, start + count) of mulberry32(seed) (src/vector/seeded-random.ts) mapped to [-1, 1). */
export function floats(seed: number, start: number, count: number): Float32Array {
  const out = new Float32Array(count)
  let s = (seed + Math.imul(start, 0x6d2b79f5)) >>> 0
  for (let i = 0; i < count; i++) {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1
  }
  return out
}

/**
 * Quiver's module: with `QUIVER_BENCH_BUILD=dist` (`bench/fts.ts --build dist`) the compiled package as
 * users run it (`npm run build` first: plain JS, index and compaction workers start without compiling
 * TypeScript), else the TypeScript sources under tsx.
 */
export async function quiverModule(): Promise<typeof import('../src/index.ts')> {
  // Compiled (dist/bench/), the import below already is the compiled package.
  if (process.env.QUIVER_BENCH_BUILD === 'dist' && import.meta.url.endsWith('.ts')) return (await import(new URL('../dist/src/index.js', import.meta.url).href)) as typeof import('../src/index.ts')
  return import('../src/index.ts')
}

/**
 * Waits until the collection is settled: no index build and no compaction running or pending (a
 * finished compaction makes new segments to index, so both are asked again until neither had work).
 */
export async function settle(client: Quiver): Promise<void> {
  const db = client.database
  for (;;) {
    const before = db.indexBuilds.builtCount + db.compactions.completedCount
    await db.indexBuilds.idle()
    await db.compactions.idle()
    await db.indexBuilds.idle()
    if (db.indexBuilds.builtCount + db.compactions.completedCount === before) return
  }
}

const must = (what: string, st: { code?: number; error_code?: unknown; reason?: string } | { status: { code?: number; reason?: string } }): void => {
  const s = 'status' in st ? st.status : st
  if ((s.code ?? 0) !== 0) throw new Error(`${what}: ${s.code} ${s.reason ?? ''}`)
}

/** Does this tree's Quiver compute a BM25 function? (A probe collection: one row inserted without its sparse field, then a text search.) */
export async function hasBm25Function(client: Quiver): Promise<boolean> {
  const { DataType } = await quiverModule()
  const st = await client.createCollection({
    collection_name: 'bm25_probe',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'text', data_type: DataType.VarChar, max_length: 100, enable_analyzer: true },
      { name: 'sparse', data_type: DataType.SparseFloatVector },
    ],
    functions: [{ name: 'bm25', type: 1, input_field_names: ['text'], output_field_names: ['sparse'], params: {} }],
  })
  if (st.code !== 0) return false
  try {
    await client.collection('bm25_probe').insert([{ id: 1, text: 'hello world' }])
    const hits = await searchOnce(client, 'bm25_probe', 'hello', 1)
    return hits.length === 1
  } catch {
    return false
  } finally {
    await client.dropCollection({ collection_name: 'bm25_probe' })
  }
}

/** Term ids and corpus statistics for the sparse-ip mode. */
class Weights {
  readonly vocab = new Map<string, number>()
  readonly df: number[] = []
  readonly avgdl: number
  readonly n: number
  readonly k1: number
  readonly b: number
  constructor(tokens: readonly string[][], k1: number, b: number) {
    this.k1 = k1
    this.b = b
    let total = 0
    for (const doc of tokens) {
      total += doc.length
      for (const t of new Set(doc)) {
        let id = this.vocab.get(t)
        if (id === undefined) this.vocab.set(t, (id = this.vocab.size))
        this.df[id] = (this.df[id] ?? 0) + 1
      }
    }
    this.n = tokens.length
    this.avgdl = total / tokens.length
  }
  doc(terms: readonly string[]): { indices: number[]; values: number[] } {
    const tf = new Map<number, number>()
    for (const t of terms) {
      const id = this.vocab.get(t)!
      tf.set(id, (tf.get(id) ?? 0) + 1)
    }
    const norm = this.k1 * (1 - this.b + (this.b * terms.length) / this.avgdl)
    const indices = [...tf.keys()].sort((x, y) => x - y)
    return { indices, values: indices.map((i) => ((this.k1 + 1) * tf.get(i)!) / (tf.get(i)! + norm)) }
  }
  query(terms: readonly string[]): { indices: number[]; values: number[] } {
    const qtf = new Map<number, number>()
    for (const t of terms) {
      const id = this.vocab.get(t)
      if (id !== undefined) qtf.set(id, (qtf.get(id) ?? 0) + 1)
    }
    const indices = [...qtf.keys()].sort((x, y) => x - y)
    return { indices, values: indices.map((i) => qtf.get(i)! * Math.log(1 + (this.n - this.df[i]! + 0.5) / (this.df[i]! + 0.5))) }
  }
}

export interface BuiltCollection {
  readonly insertMs: number
  readonly buildMs: number
  readonly buildCpuMs: number
  /** The query as the search sends it: its text, or (sparse-ip) its weighted row. */
  readonly queryData: (q: Query) => unknown
}

/** Creates `name`, inserts `passages` in batches, flushes, indexes, waits until settled (`settle`), loads: the timed build (from the creation on). */
export async function buildCollection(client: Quiver, name: string, run: QuiverRun, passages: readonly Passage[]): Promise<BuiltCollection> {
  const { DataType } = await quiverModule()
  const { createAnalyzer } = await import('../src/text/analyzer.ts')
  const fn = run.mode === 'function'
  // The client's batches are made before the clock starts, as the LanceDB runner makes its Arrow batches.
  const batches: Record<string, unknown>[] = []
  for (let i = 0; i < passages.length; i += run.batch) {
    const slice = passages.slice(i, i + run.batch)
    batches.push({ id: BigInt64Array.from(slice, (p) => BigInt(p.id)), text: slice.map((p) => p.text), dense: floats(7, slice[0]!.id * run.dim, slice.length * run.dim) })
  }
  // Timed from the collection's creation, as LanceDB's build is from `createTable` (with its first batch).
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  must('createCollection', await client.createCollection({
    collection_name: name,
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'text', data_type: DataType.VarChar, max_length: 65535, ...(fn ? { enable_analyzer: true, analyzer_params: run.analyzer } : {}) },
      { name: 'sparse', data_type: DataType.SparseFloatVector },
      { name: 'dense', data_type: DataType.FloatVector, dim: run.dim },
    ],
    ...(fn ? { functions: [{ name: 'text_bm25', type: 1, input_field_names: ['text'], output_field_names: ['sparse'], params: {} }] } : {}),
  }))
  let weights: Weights | undefined
  let docTokens: string[][] = []
  const analyzer = createAnalyzer(run.analyzer)
  if (!fn) {
    docTokens = passages.map((p) => analyzer.analyze(p.text).map((t) => t.text))
    weights = new Weights(docTokens, run.k1, run.b)
  }
  for (let i = 0, n = 0; i < passages.length; i += run.batch, n++) {
    const slice = passages.slice(i, i + run.batch)
    const columns = batches[n]!
    if (weights !== undefined) columns.sparse = slice.map((_, j) => weights.doc(docTokens[i + j]!))
    const res = await client.collection(name).insert(columns)
    if (res.insertCount !== slice.length) throw new Error(`insert: ${res.insertCount} of ${slice.length}`)
  }
  const insertMs = performance.now() - t0
  await client.collection(name).flush()
  const flushedMs = performance.now() - t0
  must('createIndex sparse', await client.createIndex({
    collection_name: name,
    field_name: 'sparse',
    index_type: 'SPARSE_INVERTED_INDEX',
    metric_type: fn ? 'BM25' : 'IP',
    params: { inverted_index_algo: 'DAAT_MAXSCORE', ...(fn ? { bm25_k1: run.k1, bm25_b: run.b } : {}) },
  }))
  must('createIndex dense', await client.createIndex({ collection_name: name, field_name: 'dense', index_type: 'FLAT', metric_type: 'IP', params: {} }))
  const indexDefinedMs = performance.now() - t0
  await settle(client)
  const settledMs = performance.now() - t0
  if (client.database.indexBuilds.failures.size > 0) throw new Error(`index builds failed: ${[...client.database.indexBuilds.failures.values()].join('; ')}`)
  must('loadCollection', await client.loadCollection({ collection_name: name }))
  const buildMs = performance.now() - t0
  const cpu = process.cpuUsage(c0)
  process.stderr.write(`quiver build phases (ms from the start): inserted ${insertMs.toFixed(0)}, flushed ${flushedMs.toFixed(0)}, indexes defined ${indexDefinedMs.toFixed(0)}, settled ${settledMs.toFixed(0)}, loaded ${buildMs.toFixed(0)}\n`)
  const queryData = fn
    ? (q: Query) => q.text
    : (q: Query) => weights!.query(analyzer.analyze(q.text).map((t) => t.text))
  return { insertMs, buildMs, buildCpuMs: (cpu.user + cpu.system) / 1000, queryData }
}

/** One BM25 search through the client: hits as [id, score]. */
export async function searchOnce(client: Quiver, name: string, data: unknown, k: number): Promise<Hits> {
  const res = await client.search({ collection_name: name, data: [data], anns_field: 'sparse', limit: k, output_fields: [] })
  must('search', res)
  return (res.results as { id: string; score: number }[]).map((h) => [Number(h.id), h.score])
}

/** Every query once (the answers), then timed passes for at least `minSeconds`: QPS and p50 latency. */
export async function timeQueries(run: (q: Query) => Promise<unknown>, queries: readonly Query[], minSeconds: number): Promise<{ queries: number; qps: number; p50Ms: number; cpuMs: number }> {
  const latencies: number[] = []
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  while (performance.now() - t0 < minSeconds * 1000 || latencies.length < queries.length) {
    const a = performance.now()
    await run(queries[latencies.length % queries.length]!)
    latencies.push(performance.now() - a)
  }
  const ms = performance.now() - t0
  const cpu = process.cpuUsage(c0)
  latencies.sort((x, y) => x - y)
  return { queries: latencies.length, qps: (latencies.length * 1000) / ms, p50Ms: latencies[latencies.length >> 1]!, cpuMs: (cpu.user + cpu.system) / 1000 }
}

export async function runQuiver(run: QuiverRun): Promise<QuiverResult> {
  const { Quiver } = await quiverModule()
  rmSync(run.dir, { recursive: true, force: true })
  const client = await Quiver.open({ path: run.dir, ...(run.segmentRows === undefined ? {} : { segmentRowsMax: run.segmentRows }) })
  try {
    const built = await buildCollection(client, 'fts', run, run.passages)
    process.stderr.write(`quiver (${run.mode}): ${run.passages.length} rows inserted in ${built.insertMs.toFixed(0)} ms, indexed and loaded at ${built.buildMs.toFixed(0)} ms\n`)
    const results: Hits[] = []
    for (const q of run.queries) results.push(await searchOnce(client, 'fts', built.queryData(q), run.k))
    const timed = await timeQueries((q) => searchOnce(client, 'fts', built.queryData(q), run.k), run.queries, run.minSeconds)
    const hybrid = await timeQueries(async (q) => {
      const res = await client.hybridSearch({
        collection_name: 'fts',
        data: [
          { data: [Array.from(floats(8, q.id * run.dim, run.dim))], anns_field: 'dense', params: {}, limit: run.k },
          { data: [built.queryData(q)], anns_field: 'sparse', params: {}, limit: run.k },
        ],
        rerank: { strategy: 'rrf', params: { k: 60 } },
        limit: run.k,
        output_fields: [],
      })
      must('hybridSearch', res)
    }, run.queries, Math.min(run.minSeconds, 3))
    return { mode: run.mode, rows: run.passages.length, insertMs: built.insertMs, buildMs: built.buildMs, buildCpuMs: built.buildCpuMs, searchCpuMs: timed.cpuMs, queries: timed.queries, qps: timed.qps, p50Ms: timed.p50Ms, hybridP50Ms: hybrid.p50Ms, results }
  } finally {
    await client.close()
  }
}
