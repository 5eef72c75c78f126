/**
 * One engine of the vector index benchmark, run by bench/index-peers.ts in its own child process:
 * `quiver` (the embedded public API: Quiver.open, createIndex HNSW, insert, flush, search) or `hnswlib`
 * (raw hnswlib-node: initIndex/addPoint, setEf/searchKnn, a JS filter callback, markDelete + addPoint,
 * writeIndex/readIndex). Reads the data set files of bench/index-data.ts, prints one JSON line
 * (`EngineResult`) on stdout, progress on stderr.
 * By hand: `npx tsx bench/index-engine.ts --engine quiver --data bench/data/index/clustered-100000-q1000 --work /tmp/q`.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { Quiver } from '../src/index.ts'
import { type DatasetMeta, filterTag, repoRoot } from './index-data.ts'
import { batchesOf, batchRows, cpuMs, type Data, loadData, peakRssBytes } from './index-engine-data.ts'

export { batchesOf, cpuMs, type Data, loadData, peakRssBytes } from './index-engine-data.ts'

/** One measured search setting of one phase. */
export interface SweepRow {
  readonly phase: 'unfiltered' | 'filtered' | 'filtered-1%' | 'filtered-0.1%' | 'upserted' | 'upserted-indexed' | 'reopened'
  readonly setting: string
  /** Queries per second of wall time. */
  readonly qps: number
  /** Queries per second of this process's CPU time (user + system, all threads): steadier on a shared machine. */
  readonly cpuQps: number
  readonly recall: number
}

/** What every engine driver prints (Node and Python alike). */
export interface EngineResult {
  readonly engine: string
  readonly version: string
  readonly index: string
  readonly rows: number
  readonly dim: number
  /** Insert + index until fully indexed. */
  readonly buildMs: number
  /** CPU time of the build (all threads of the process, index build workers included). */
  readonly buildCpuMs: number
  readonly insertMs: number
  readonly sweeps: SweepRow[]
  /** Writing the 10 % upsert (new vectors for existing keys). */
  readonly upsertMs: number
  /** After the upsert: flush/persist + index the changed rows (null when the engine has no such step). */
  readonly reindexMs: number | null
  /** Close (after persisting), then open database/table/index. */
  readonly reopenMs: number
  /** Open + the first query answered. */
  readonly firstQueryMs: number
  readonly peakRssBytes: number
  /** VmHWM right after the build (before searches, upsert, reindex and reopen); absent in older results. */
  readonly peakRssAfterBuildBytes?: number
  readonly notes: string[]
}

/** hnswlib-node's 1 % and 0.1 % filtered phases time only this many queries (its walk takes 0.1–0.15 s a query there). */
const selectiveQueriesHnswlib = 100
/** Warm-up queries before the first timed pass of a phase (not timed). */
const warmupQueries = 100
/** A build that has not finished after this long fails the run. */
const indexWaitMs = 4 * 60 * 60 * 1000

/** Recall@k of `found` (k ids per query, -1 padded) against the truth file's rows. */
function recallOf(found: Int32Array, truth: Int32Array, k: number): number {
  let hit = 0
  let total = 0
  for (let q = 0; q < truth.length / k; q++) {
    const want = new Set<number>()
    for (let i = 0; i < k; i++) if (truth[q * k + i]! >= 0) want.add(truth[q * k + i]!)
    total += want.size
    for (let i = 0; i < k; i++) if (want.has(found[q * k + i]!)) hit++
  }
  return total === 0 ? 1 : hit / total
}

type SearchFn = (q: number) => ArrayLike<number> | Promise<ArrayLike<number>>

/** One timed pass over all queries (after `warm` untimed ones): QPS and recall. */
async function sweepOne(search: SearchFn, truth: Int32Array, k: number, queries: number, warm: number): Promise<{ qps: number; cpuQps: number; recall: number }> {
  for (let q = 0; q < warm; q++) await search(q)
  const found = new Int32Array(queries * k).fill(-1)
  const cpuStart = cpuMs()
  const start = performance.now()
  for (let q = 0; q < queries; q++) {
    const ids = await search(q)
    for (let i = 0; i < Math.min(k, ids.length); i++) found[q * k + i] = ids[i]!
  }
  const ms = performance.now() - start
  const cpu = cpuMs() - cpuStart
  return { qps: (queries * 1000) / ms, cpuQps: (queries * 1000) / cpu, recall: recallOf(found, truth, k) }
}

export async function sweep(
  phase: SweepRow['phase'],
  efs: readonly number[],
  truth: Int32Array,
  meta: DatasetMeta,
  searchAt: (ef: number) => SearchFn,
  queryCount = meta.queries,
): Promise<SweepRow[]> {
  const out: SweepRow[] = []
  for (const [i, ef] of efs.entries()) {
    const r = await sweepOne(searchAt(ef), truth.subarray(0, queryCount * meta.k), meta.k, queryCount, i === 0 ? Math.min(warmupQueries, queryCount) : 0)
    out.push({ phase, setting: `ef=${ef}`, ...r })
    process.stderr.write(`  ${phase} ef=${ef}: ${r.qps.toFixed(0)} QPS (CPU ${r.cpuQps.toFixed(0)}), recall ${r.recall.toFixed(3)}\n`)
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Quiver

interface Flags {
  readonly data: Data
  readonly work: string
  readonly efConstruction: number
  readonly efs: readonly number[]
  readonly tagIndex: string
}

const collectionName = 'bench'

async function waitIndexed(client: Quiver, minRows: number): Promise<void> {
  const deadline = performance.now() + indexWaitMs
  for (;;) {
    const p = await client.getIndexBuildProgress({ collection_name: collectionName, field_name: 'vec' })
    if (p.status.error_code !== 'Success' && p.status.code !== 0) throw new Error(`getIndexBuildProgress: ${p.status.reason}`)
    if (p.total_rows >= minRows && p.indexed_rows === p.total_rows) return
    if (performance.now() > deadline) throw new Error(`index not built after ${indexWaitMs} ms (${p.indexed_rows}/${p.total_rows})`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

function quiverSearch(client: Quiver, data: Data, filter: string | undefined): (ef: number) => SearchFn {
  const coll = client.collection(collectionName)
  const { dim, k } = data.meta
  return (ef) => async (q) => {
    const hits = await coll.search(data.queries.subarray(q * dim, (q + 1) * dim), { limit: k, ef, ...(filter === undefined ? {} : { filter }) })
    return (hits[0] ?? []).map((h) => Number(h.id))
  }
}

async function createQuiverCollection(client: Quiver, f: Flags): Promise<void> {
  const { DataType } = await import('../src/index.ts')
  const ok = (r: { error_code?: string; code?: number; reason?: string }, what: string) => {
    if (r.code !== 0) throw new Error(`${what}: ${r.reason}`)
  }
  ok(await client.createCollection({
    collection_name: collectionName,
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'tag', data_type: DataType.Int64 },
      { name: 'vec', data_type: DataType.FloatVector, dim: f.data.meta.dim },
    ],
  }), 'createCollection')
  ok(await client.createIndex({ collection_name: collectionName, field_name: 'vec', index_type: 'HNSW', metric_type: 'L2', params: { M: 16, efConstruction: f.efConstruction } }), 'createIndex vec')
  if (f.tagIndex !== 'none') ok(await client.createIndex({ collection_name: collectionName, field_name: 'tag', index_type: f.tagIndex }), 'createIndex tag')
  ok(await client.loadCollection({ collection_name: collectionName }), 'loadCollection')
}

const tagsOf = (ids: BigInt64Array) => BigInt64Array.from(ids, (id) => id % 10n)

async function runQuiver(f: Flags): Promise<EngineResult> {
  const { Quiver } = await import('../src/index.ts')
  const { meta } = f.data
  const segmentBytesMax = 2 ** 30
  const options = { path: path.join(f.work, 'quiver'), segmentBytesMax }
  let client = await Quiver.open(options)
  await createQuiverCollection(client, f)
  const coll = client.collection(collectionName)
  const cpu0 = cpuMs()
  const t0 = performance.now()
  for (const b of batchesOf(f.data, 'base')) await coll.insert({ id: b.ids, tag: tagsOf(b.ids), vec: b.vectors })
  await coll.flush()
  const insertMs = performance.now() - t0
  await waitIndexed(client, meta.rows)
  const buildMs = performance.now() - t0
  const buildCpuMs = cpuMs() - cpu0
  const peakRssAfterBuildBytes = peakRssBytes()
  process.stderr.write(`quiver: built in ${(buildMs / 1000).toFixed(1)} s\n`)
  const filter = `tag == ${filterTag}`
  const sweeps = await sweep('unfiltered', f.efs, f.data.truth, meta, quiverSearch(client, f.data, undefined))
  sweeps.push(...(await sweep('filtered', f.efs, f.data.truthFiltered, meta, quiverSearch(client, f.data, filter))))
  for (const s of f.data.selective) sweeps.push(...(await sweep(s.phase, f.efs, s.truthRows, meta, quiverSearch(client, f.data, s.filter))))
  let t1 = performance.now()
  for (const b of batchesOf(f.data, 'upsert')) await coll.upsert({ id: b.ids, tag: tagsOf(b.ids), vec: b.vectors })
  const upsertMs = performance.now() - t1
  sweeps.push(...(await sweep('upserted', f.efs, f.data.truthUpserted, meta, quiverSearch(client, f.data, undefined))))
  t1 = performance.now()
  await coll.flush()
  await waitIndexed(client, meta.rows)
  // Compaction takes a segment once its index is built (indexBasedCompaction): the merge of the upserted
  // rows into the big segment, and its new index, come after; 'upserted-indexed' measures the settled
  // state. A background pass may not have been planned yet: compact now (what it would do), then wait.
  await client.database.compactions.idle()
  await client.compact({ collection_name: collectionName })
  await waitIndexed(client, meta.rows)
  const reindexMs = performance.now() - t1
  sweeps.push(...(await sweep('upserted-indexed', f.efs, f.data.truthUpserted, meta, quiverSearch(client, f.data, undefined))))
  await client.close()
  t1 = performance.now()
  client = await Quiver.open(options)
  const reopenMs = performance.now() - t1
  await quiverSearch(client, f.data, undefined)(f.efs[0]!)(0)
  const firstQueryMs = performance.now() - t1
  sweeps.push(...(await sweep('reopened', f.efs, f.data.truthUpserted, meta, quiverSearch(client, f.data, undefined))))
  await client.close()
  const pkg = JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { version: string }
  const { hnswCore } = await import('../src/index/vector-index.ts')
  return {
    engine: 'Quiver',
    version: `quiverdb ${pkg.version} (HNSW core: ${hnswCore()})`,
    index: `HNSW M=16 efConstruction=${f.efConstruction}`,
    rows: meta.rows,
    dim: meta.dim,
    buildMs,
    buildCpuMs,
    insertMs,
    sweeps,
    upsertMs,
    reindexMs,
    reopenMs,
    firstQueryMs,
    peakRssBytes: peakRssBytes(),
    peakRssAfterBuildBytes,
    notes: [
      `embedded API; segmentBytesMax 1 GiB (Milvus's default segment max size) so the ${meta.rows} rows are one sealed segment; WAL fdatasync on (default); inserts of ${batchRows} rows; build = insert + flush + the worker-thread HNSW build (polled with getIndexBuildProgress)`,
      f.tagIndex === 'none' ? 'filter `tag == 3` evaluated by scanning the tag column per query' : `filter \`tag == 3\` answered by a ${f.tagIndex} scalar index on tag`,
      "'upserted': searched right after the upsert (the new rows are in a growing segment, searched through its interim index once it has taken them, exactly before; the old versions are deleted in the indexed segment); 'upserted-indexed': after flush, the new segment's index build, the compaction that follows it and the merged segment's index build (reindex s covers all of it)",
    ],
  }
}

// ---------------------------------------------------------------------------------------------
// hnswlib-node

interface RawHnsw {
  initIndex(maxElements: number, m?: number, efConstruction?: number, randomSeed?: number): void
  addPoint(point: number[], label: number): void
  markDelete(label: number): void
  setEf(ef: number): void
  searchKnn(query: number[], k: number, filter?: (label: number) => boolean): { neighbors: number[] }
  writeIndex(file: string): Promise<boolean>
  readIndex(file: string): Promise<boolean>
}

function hnswlibSearch(index: RawHnsw, queries: number[][], k: number, filter: ((label: number) => boolean) | undefined): (ef: number) => SearchFn {
  return (ef) => (q) => {
    index.setEf(ef)
    return index.searchKnn(queries[q]!, k, filter).neighbors
  }
}

async function runHnswlib(f: Flags): Promise<EngineResult> {
  const require = createRequire(import.meta.url)
  const lib = require('hnswlib-node') as { HierarchicalNSW: new (space: string, dim: number) => RawHnsw }
  const { version } = require('hnswlib-node/package.json') as { version: string }
  const { meta } = f.data
  const { dim, k } = meta
  let index = new lib.HierarchicalNSW('l2', dim)
  const cpu0 = cpuMs()
  const t0 = performance.now()
  index.initIndex(meta.rows, 16, f.efConstruction, 100)
  for (const b of batchesOf(f.data, 'base')) {
    for (let i = 0; i < b.ids.length; i++) index.addPoint(Array.from(b.vectors.subarray(i * dim, (i + 1) * dim)), Number(b.ids[i]!))
  }
  const buildMs = performance.now() - t0
  const buildCpuMs = cpuMs() - cpu0
  const peakRssAfterBuildBytes = peakRssBytes()
  process.stderr.write(`hnswlib: built in ${(buildMs / 1000).toFixed(1)} s\n`)
  const queries = Array.from({ length: meta.queries }, (_, q) => Array.from(f.data.queries.subarray(q * dim, (q + 1) * dim)))
  const tagByRow = Uint8Array.from(f.data.tags, (t) => Number(t))
  const filter = (label: number) => tagByRow[label] === filterTag
  const sweeps = await sweep('unfiltered', f.efs, f.data.truth, meta, hnswlibSearch(index, queries, k, undefined))
  sweeps.push(...(await sweep('filtered', f.efs, f.data.truthFiltered, meta, hnswlibSearch(index, queries, k, filter))))
  // Its filtered walk visits most of the graph at 1 % and 0.1 % (7 QPS at 1 %, ef 256): the first queries only.
  for (const s of f.data.selective) {
    const below = (label: number) => label < s.rowsBelow
    sweeps.push(...(await sweep(s.phase, f.efs, s.truthRows, meta, hnswlibSearch(index, queries, k, below), selectiveQueriesHnswlib)))
  }
  let t1 = performance.now()
  for (const b of batchesOf(f.data, 'upsert')) {
    for (let i = 0; i < b.ids.length; i++) {
      const label = Number(b.ids[i]!)
      index.markDelete(label)
      index.addPoint(Array.from(b.vectors.subarray(i * dim, (i + 1) * dim)), label)
    }
  }
  const upsertMs = performance.now() - t1
  sweeps.push(...(await sweep('upserted', f.efs, f.data.truthUpserted, meta, hnswlibSearch(index, queries, k, undefined))))
  const file = path.join(f.work, 'hnswlib.bin')
  t1 = performance.now()
  await index.writeIndex(file)
  const persistMs = performance.now() - t1
  t1 = performance.now()
  index = new lib.HierarchicalNSW('l2', dim)
  await index.readIndex(file)
  const reopenMs = performance.now() - t1
  hnswlibSearch(index, queries, k, undefined)(f.efs[0]!)(0)
  const firstQueryMs = performance.now() - t1
  sweeps.push(...(await sweep('reopened', f.efs, f.data.truthUpserted, meta, hnswlibSearch(index, queries, k, undefined))))
  return {
    engine: 'hnswlib-node',
    version: `hnswlib-node ${version}`,
    index: `HNSW M=16 efConstruction=${f.efConstruction}`,
    rows: meta.rows,
    dim,
    buildMs,
    buildCpuMs,
    insertMs: buildMs,
    sweeps,
    upsertMs,
    reindexMs: null,
    reopenMs,
    firstQueryMs,
    peakRssBytes: peakRssBytes(),
    peakRssAfterBuildBytes,
    notes: [
      'raw library, no database: addPoint(number[]) per row (rows converted with Array.from, inside the build time), no durability; filter = a JS callback reading a Uint8Array of tags',
      `upsert = markDelete + addPoint (hnswlib re-links the point in place); reopen = readIndex of a file written by writeIndex (${persistMs.toFixed(0)} ms, not in reopen)`,
      `filtered-1% / filtered-0.1%: a JS callback \`label < N\`; only the first ${selectiveQueriesHnswlib} queries timed (its filtered walk visits most of the graph there)`,
    ],
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      engine: { type: 'string' },
      data: { type: 'string' },
      work: { type: 'string' },
      'ef-construction': { type: 'string', default: '200' },
      efs: { type: 'string', default: '16,32,64,128,256' },
      'tag-index': { type: 'string', default: 'BITMAP' },
    },
  })
  if (values.data === undefined || values.work === undefined) throw new Error('--data and --work are required')
  rmSync(values.work, { recursive: true, force: true })
  mkdirSync(values.work, { recursive: true })
  const flags: Flags = {
    data: loadData(values.data),
    work: values.work,
    efConstruction: Number(values['ef-construction']),
    efs: values.efs.split(',').map(Number),
    tagIndex: values['tag-index'],
  }
  const run = values.engine === 'quiver' ? runQuiver : values.engine === 'hnswlib' ? runHnswlib : undefined
  if (run === undefined) throw new Error(`--engine is quiver or hnswlib, got ${values.engine}`)
  const result = await run(flags)
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

// Run as a script (by index-peers.ts or by hand), not when imported for its helpers (bench/interim-index.ts).
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await main()
