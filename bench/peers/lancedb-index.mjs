/**
 * Vector index benchmark driver for LanceDB (`@lancedb/lancedb`): one index type per run —
 * `--index hnsw` (IVF_HNSW_SQ with one partition, i.e. one HNSW graph over SQ8 codes, swept by ef) or
 * `--index ivfpq` (IVF_PQ, swept by nprobes × refineFactor). Reads the data set files of
 * bench/index-data.ts, prints one JSON line (the EngineResult of bench/index-engine.ts); progress on stderr.
 * Run by bench/index-peers.ts; by hand:
 *   node bench/peers/lancedb-index.mjs --index hnsw --data bench/data/index/clustered-100000-q1000 --work /tmp/l
 */
import { closeSync, mkdirSync, openSync, readFileSync, readSync, rmSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import * as arrow from 'apache-arrow'
import * as lancedb from '@lancedb/lancedb'

const batchRows = 10_000
const warmupQueries = 100
const tableName = 'bench'
const filterTag = 3

function readWhole(dir, name, Make) {
  const b = readFileSync(path.join(dir, name))
  return new Make(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))
}

function loadData(dir) {
  const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8'))
  const f = meta.files
  return {
    dir,
    meta,
    queries: readWhole(dir, f.queries, Float32Array),
    upsertKeys: readWhole(dir, f.upsertKeys, BigInt64Array),
    truth: readWhole(dir, f.truth, Int32Array),
    truthFiltered: readWhole(dir, f.truthFiltered, Int32Array),
    truthUpserted: readWhole(dir, f.truthUpserted, Int32Array),
  }
}

function readRows(file, dim, start, count) {
  const out = new Float32Array(count * dim)
  const fd = openSync(file, 'r')
  try {
    readSync(fd, new Uint8Array(out.buffer), 0, out.byteLength, start * dim * 4)
  } finally {
    closeSync(fd)
  }
  return out
}

function* batchesOf(data, which) {
  const { dim, rows, upsertRows, files } = data.meta
  const total = which === 'base' ? rows : upsertRows
  const file = path.join(data.dir, which === 'base' ? files.vectors : files.upsertVectors)
  for (let start = 0; start < total; start += batchRows) {
    const count = Math.min(batchRows, total - start)
    const ids = which === 'base' ? BigInt64Array.from({ length: count }, (_, i) => BigInt(start + i)) : data.upsertKeys.slice(start, start + count)
    yield { ids, vectors: readRows(file, dim, start, count) }
  }
}

function cpuMs() {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

function peakRssBytes() {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
  return m === null ? 0 : Number(m[1]) * 1024
}

function recallOf(found, truth, k) {
  let hit = 0
  let total = 0
  for (let q = 0; q < truth.length / k; q++) {
    const want = new Set()
    for (let i = 0; i < k; i++) if (truth[q * k + i] >= 0) want.add(truth[q * k + i])
    total += want.size
    for (let i = 0; i < k; i++) if (want.has(found[q * k + i])) hit++
  }
  return total === 0 ? 1 : hit / total
}

function schemaOf(dim) {
  return new arrow.Schema([
    new arrow.Field('id', new arrow.Int64(), false),
    new arrow.Field('tag', new arrow.Int64(), false),
    new arrow.Field('vec', new arrow.FixedSizeList(dim, new arrow.Field('item', new arrow.Float32(), true)), false),
  ])
}

/** An Arrow table (LanceDB's input format) of one batch: id, tag = id % 10, vec. */
function arrowBatch(schema, ids, vectors) {
  const n = ids.length
  const tags = BigInt64Array.from(ids, (id) => id % 10n)
  const vec = arrow.makeData({
    type: schema.fields[2].type,
    length: n,
    nullCount: 0,
    child: arrow.makeData({ type: new arrow.Float32(), length: vectors.length, nullCount: 0, data: vectors }),
  })
  const batch = new arrow.RecordBatch(schema, arrow.makeData({
    type: new arrow.Struct(schema.fields),
    length: n,
    nullCount: 0,
    children: [
      arrow.makeData({ type: new arrow.Int64(), length: n, nullCount: 0, data: ids }),
      arrow.makeData({ type: new arrow.Int64(), length: n, nullCount: 0, data: tags }),
      vec,
    ],
  }))
  return new arrow.Table(schema, [batch])
}

/** The index config and the search settings of `--index`. */
function indexPlan(kind, meta, efs) {
  if (kind === 'hnsw') {
    return {
      name: `IVF_HNSW_SQ numPartitions=1 m=16 efConstruction=${efConstructionFlag}`,
      config: lancedb.Index.hnswSq({ distanceType: 'l2', numPartitions: 1, m: 16, efConstruction: efConstructionFlag }),
      settings: efs.map((ef) => ({ label: `ef=${ef}`, apply: (q) => q.ef(ef) })),
    }
  }
  const numPartitions = Math.max(1, Math.round(Math.sqrt(meta.rows)))
  const numSubVectors = meta.dim % 8 === 0 ? meta.dim / 8 : meta.dim
  const settings = []
  for (const refine of [1, 10]) {
    for (const nprobes of [10, 20, 50, 100]) {
      settings.push({ label: `nprobes=${nprobes} refine=${refine}`, apply: (q) => (refine === 1 ? q.nprobes(nprobes) : q.nprobes(nprobes).refineFactor(refine)) })
    }
  }
  return {
    name: `IVF_PQ numPartitions=${numPartitions} numSubVectors=${numSubVectors} numBits=8`,
    config: lancedb.Index.ivfPq({ distanceType: 'l2', numPartitions, numSubVectors, numBits: 8 }),
    settings,
  }
}

let efConstructionFlag = 200

async function sweep(phase, table, data, truth, plan, where) {
  const { dim, k, queries } = data.meta
  const out = []
  for (const [s, setting] of plan.settings.entries()) {
    const search = async (q) => {
      let query = setting.apply(table.vectorSearch(data.queries.subarray(q * dim, (q + 1) * dim)).distanceType('l2').select(['id', '_distance']).limit(k))
      if (where !== undefined) query = query.where(where)
      const rows = await query.toArray()
      return rows.map((r) => Number(r.id))
    }
    if (s === 0) for (let q = 0; q < warmupQueries; q++) await search(q)
    const found = new Int32Array(queries * k).fill(-1)
    const cpuStart = cpuMs()
    const start = performance.now()
    for (let q = 0; q < queries; q++) {
      const ids = await search(q)
      for (let i = 0; i < Math.min(k, ids.length); i++) found[q * k + i] = ids[i]
    }
    const qps = (queries * 1000) / (performance.now() - start)
    const cpuQps = (queries * 1000) / (cpuMs() - cpuStart)
    const recall = recallOf(found, truth, k)
    process.stderr.write(`  lancedb ${phase} ${setting.label}: ${qps.toFixed(0)} QPS (CPU ${cpuQps.toFixed(0)}), recall ${recall.toFixed(3)}\n`)
    out.push({ phase, setting: setting.label, qps, cpuQps, recall })
  }
  return out
}

async function unindexedRows(table) {
  const stats = await table.indexStats('vec_idx')
  return stats?.numUnindexedRows ?? -1
}

async function main() {
  const { values } = parseArgs({
    options: {
      index: { type: 'string', default: 'hnsw' },
      data: { type: 'string' },
      work: { type: 'string' },
      'ef-construction': { type: 'string', default: '200' },
      efs: { type: 'string', default: '16,32,64,128,256' },
    },
  })
  if (values.data === undefined || values.work === undefined) throw new Error('--data and --work are required')
  efConstructionFlag = Number(values['ef-construction'])
  rmSync(values.work, { recursive: true, force: true })
  mkdirSync(values.work, { recursive: true })
  const data = loadData(values.data)
  const { meta } = data
  const plan = indexPlan(values.index, meta, values.efs.split(',').map(Number))
  const schema = schemaOf(meta.dim)

  let db = await lancedb.connect(values.work)
  const cpu0 = cpuMs()
  const t0 = performance.now()
  let table = await db.createEmptyTable(tableName, schema)
  for (const b of batchesOf(data, 'base')) await table.add(arrowBatch(schema, b.ids, b.vectors))
  const insertMs = performance.now() - t0
  await table.createIndex('vec', { config: plan.config })
  await table.createIndex('tag', { config: lancedb.Index.bitmap() })
  const buildMs = performance.now() - t0
  const buildCpuMs = cpuMs() - cpu0
  const peakRssAfterBuildBytes = peakRssBytes()
  const unindexed = await unindexedRows(table)
  if (unindexed !== 0) throw new Error(`LanceDB index has ${unindexed} unindexed rows after createIndex`)
  process.stderr.write(`lancedb: built in ${(buildMs / 1000).toFixed(1)} s\n`)

  const sweeps = await sweep('unfiltered', table, data, data.truth, plan)
  sweeps.push(...(await sweep('filtered', table, data, data.truthFiltered, plan, `tag = ${filterTag}`)))
  let t1 = performance.now()
  for (const b of batchesOf(data, 'upsert')) {
    await table.mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(arrowBatch(schema, b.ids, b.vectors))
  }
  const upsertMs = performance.now() - t1
  sweeps.push(...(await sweep('upserted', table, data, data.truthUpserted, plan)))
  t1 = performance.now()
  await table.optimize()
  const reindexMs = performance.now() - t1
  const unindexedAfter = await unindexedRows(table)
  sweeps.push(...(await sweep('upserted-indexed', table, data, data.truthUpserted, plan)))
  table.close()
  db.close()

  t1 = performance.now()
  db = await lancedb.connect(values.work)
  table = await db.openTable(tableName)
  const reopenMs = performance.now() - t1
  await plan.settings[0].apply(table.vectorSearch(data.queries.subarray(0, meta.dim)).select(['id', '_distance']).limit(meta.k)).toArray()
  const firstQueryMs = performance.now() - t1
  sweeps.push(...(await sweep('reopened', table, data, data.truthUpserted, plan)))
  table.close()
  db.close()

  const version = JSON.parse(readFileSync(new URL('node_modules/@lancedb/lancedb/package.json', import.meta.url), 'utf8')).version
  process.stdout.write(`${JSON.stringify({
    engine: values.index === 'hnsw' ? 'LanceDB HNSW' : 'LanceDB IVF_PQ',
    version: `@lancedb/lancedb ${version}`,
    index: plan.name,
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
      `table.add of ${batchRows}-row Arrow batches, then createIndex('vec') (awaited; 0 unindexed rows after) and a BITMAP index on tag; build = all of it; no fsync (page cache only)`,
      "filter `.where('tag = 3')` (prefilter, LanceDB's default); query `.select(['id', '_distance']).limit(10)` + the setting, `.toArray()`",
      `upsert = mergeInsert('id') update-all/insert-all per batch; 'upserted' searched right after (new rows scanned flat); 'upserted-indexed' after table.optimize() (${unindexedAfter} unindexed rows after)`,
      'LanceDB runs queries and index builds on its own thread pool (not restricted to one thread)',
    ],
  })}\n`)
}

await main()
