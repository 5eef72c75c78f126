/**
 * The engine's own cost per search query: `collection.search` through the public API against the
 * segment's `index.search` alone, on one sealed HNSW-indexed segment (seeded clustered rows × 128,
 * k 10; optional filter `tag == 3` = 10 % of the rows, BITMAP index on tag, the same rows allowed for
 * the index-alone pass). The difference is what the engine adds around the graph walk
 * (docs/design/0007-search-hot-path.md). CPU µs per query (the steadier clock on a shared machine).
 * `--first` also times the first queries after the build, in blocks, before any warm-up (are the
 * first queries slower than later ones?). `--keep DIR` keeps the built database in DIR and reuses it
 * on the next run (a 100k build takes a minute of both cores); profile with
 * `node --cpu-prof --import tsx bench/search-overhead.ts --keep /tmp/so-100k`.
 * Run: `npx tsx bench/search-overhead.ts [--rows 20000] [--queries 30000] [--ef 16] [--ef-construction 100] [--filter] [--first] [--keep DIR]`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Bitset } from '../src/common/bitset.ts'
import { DataType, Quiver } from '../src/index.ts'
import { clusteredVectors } from '../src/index/hnsw-native/clustered-vectors.ts'

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '20000' },
    queries: { type: 'string', default: '30000' },
    ef: { type: 'string', default: '16' },
    'ef-construction': { type: 'string', default: '100' },
    filter: { type: 'boolean', default: false },
    first: { type: 'boolean', default: false },
    keep: { type: 'string' },
  },
})
const rows = Number(values.rows)
const queryCount = Number(values.queries)
const dim = 128
const ef = Number(values.ef)
const efConstruction = Number(values['ef-construction'])
const warmup = 2000
const tagValues = 10
const filter = values.filter ? 'tag == 3' : undefined

const reuse = values.keep !== undefined && existsSync(values.keep)
const dir = values.keep ?? mkdtempSync(join(tmpdir(), 'quiver-search-overhead-'))
const client = await Quiver.open({ path: dir, segmentBytesMax: 1 << 30 })
const { vectors, queries } = clusteredVectors({ seed: 42, dim, rowCount: rows, queryCount: 1000, clusterCount: 100, spread: 0.3 })
try {
  if (!reuse) {
    await client.createCollection({
      collection_name: 'c',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'tag', data_type: DataType.Int64 },
        { name: 'vec', data_type: DataType.FloatVector, dim },
      ],
    })
    await client.createIndex({ collection_name: 'c', field_name: 'vec', index_type: 'HNSW', metric_type: 'L2', params: { M: 16, efConstruction } })
    await client.createIndex({ collection_name: 'c', field_name: 'tag', index_type: 'BITMAP' })
    const coll = client.collection('c')
    await coll.insert({ id: Array.from({ length: rows }, (_, i) => i), tag: Array.from({ length: rows }, (_, i) => i % tagValues), vec: vectors })
    await coll.flush()
    await client.database.indexBuilds.idle()
  } else {
    await client.loadCollection({ collection_name: 'c' })
  }
  const coll = client.collection('c')
  const query = (i: number) => queries.subarray((i % 1000) * dim, ((i % 1000) + 1) * dim)
  const search = (i: number) => coll.search(query(i), { limit: 10, ef, ...(filter === undefined ? {} : { filter }) })

  if (values.first) {
    // The first queries after the build, before any warm-up: blocks of 100, CPU µs per query each.
    const blocks: string[] = []
    const firstBlocks = Number(process.env.QUIVER_BENCH_FIRST_BLOCKS ?? 10)
    const mono0 = process.hrtime.bigint()
    for (let b = 0; b < firstBlocks; b++) {
      const c0 = process.cpuUsage()
      const t0 = performance.now()
      for (let i = b * 100; i < (b + 1) * 100; i++) await search(i)
      const c = process.cpuUsage(c0)
      blocks.push(`${((c.user + c.system) / 100).toFixed(0)}/${(((performance.now() - t0) * 1000) / 100).toFixed(0)}`)
    }
    console.log(`first 1,000 queries, blocks of 100, µs per query CPU/wall: ${blocks.join(' ')}`)
    // CLOCK_MONOTONIC bounds of the loop, to cut a `perf record -k CLOCK_MONOTONIC` profile to it.
    if (process.env.QUIVER_BENCH_MARKS === '1') console.log(`marks ${Number(mono0) / 1e9} ${Number(process.hrtime.bigint()) / 1e9}`)
  }

  const cpuPerQuery = async (n: number, one: (i: number) => unknown): Promise<number> => {
    for (let i = 0; i < warmup; i++) await one(i)
    const c0 = process.cpuUsage()
    for (let i = 0; i < n; i++) await one(i)
    const c = process.cpuUsage(c0)
    return (c.user + c.system) / n
  }
  if (queryCount > 0) {
    const viaApi = await cpuPerQuery(queryCount, search)

    const d = client.database.state.collection('c')
    const seg = [...d.segments.values()].find((s) => s.vectorIndexes.size > 0)
    if (seg === undefined) throw new Error('no indexed segment')
    const index = seg.vectorIndexes.get('vec')!.index
    let allowed: Bitset | null = null
    if (filter !== undefined) {
      allowed = new Bitset(rows)
      for (let r = 3; r < rows; r += tagValues) allowed.set(r)
    }
    const alone = await cpuPerQuery(queryCount, (i) => index.search(query(i), 10, allowed, { ef }))

    console.log(`${cpus()[0]?.model} (${cpus().length} cores), Node ${process.version}, ${new Date().toISOString()}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`)
    console.log(`${rows} rows × ${dim}, HNSW M 16 efConstruction ${efConstruction}, k 10, ef ${ef}, ${queryCount} queries${filter === undefined ? '' : `, filter ${filter}`}`)
    console.log(`collection.search: ${viaApi.toFixed(1)} µs CPU per query; index.search alone: ${alone.toFixed(1)} µs; engine overhead: ${(viaApi - alone).toFixed(1)} µs`)
  }
} finally {
  await client.close()
  if (values.keep === undefined) rmSync(dir, { recursive: true, force: true })
}
