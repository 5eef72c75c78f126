/**
 * The engine's own cost per search query: `collection.search` through the public API against the
 * segment's `index.search` alone, on one sealed HNSW-indexed segment (seeded clustered rows × 128,
 * k 10, ef 16; optional filter `tag == 3` = 10 % of the rows, BITMAP index on tag, the same rows
 * allowed for the index-alone pass). The difference is what the engine adds around the graph walk
 * (docs/design/0007-search-hot-path.md). CPU µs per query (the steadier clock on a shared machine).
 * Run: `npx tsx bench/search-overhead.ts [--rows 20000] [--queries 30000] [--filter]`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Bitset } from '../src/common/bitset.ts'
import { DataType, Quiver } from '../src/index.ts'
import { clusteredVectors } from '../src/index/hnsw-native/clustered-vectors.ts'

const { values } = parseArgs({ options: { rows: { type: 'string', default: '20000' }, queries: { type: 'string', default: '30000' }, filter: { type: 'boolean', default: false } } })
const rows = Number(values.rows)
const queryCount = Number(values.queries)
const dim = 128
const ef = 16
const warmup = 2000
const tagValues = 10
const filter = values.filter ? 'tag == 3' : undefined

const dir = mkdtempSync(join(tmpdir(), 'quiver-search-overhead-'))
const client = await Quiver.open({ path: dir, segmentBytesMax: 1 << 30 })
try {
  await client.createCollection({
    collection_name: 'c',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'tag', data_type: DataType.Int64 },
      { name: 'vec', data_type: DataType.FloatVector, dim },
    ],
  })
  await client.createIndex({ collection_name: 'c', field_name: 'vec', index_type: 'HNSW', metric_type: 'L2', params: { M: 16, efConstruction: 100 } })
  await client.createIndex({ collection_name: 'c', field_name: 'tag', index_type: 'BITMAP' })
  const { vectors, queries } = clusteredVectors({ seed: 42, dim, rowCount: rows, queryCount: 1000, clusterCount: 100, spread: 0.3 })
  const coll = client.collection('c')
  await coll.insert({ id: Array.from({ length: rows }, (_, i) => i), tag: Array.from({ length: rows }, (_, i) => i % tagValues), vec: vectors })
  await coll.flush()
  await client.database.indexBuilds.idle()
  const query = (i: number) => queries.subarray((i % 1000) * dim, ((i % 1000) + 1) * dim)

  const cpuPerQuery = async (n: number, one: (i: number) => unknown): Promise<number> => {
    for (let i = 0; i < warmup; i++) await one(i)
    const c0 = process.cpuUsage()
    for (let i = 0; i < n; i++) await one(i)
    const c = process.cpuUsage(c0)
    return (c.user + c.system) / n
  }
  const viaApi = await cpuPerQuery(queryCount, (i) => coll.search(query(i), { limit: 10, ef, ...(filter === undefined ? {} : { filter }) }))

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

  console.log(`${cpus()[0]?.model} (${cpus().length} cores), Node ${process.version}, ${new Date().toISOString()}`)
  console.log(`${rows} rows × ${dim}, HNSW M 16 efConstruction 100, k 10, ef ${ef}, ${queryCount} queries${filter === undefined ? '' : `, filter ${filter}`}`)
  console.log(`collection.search: ${viaApi.toFixed(1)} µs CPU per query; index.search alone: ${alone.toFixed(1)} µs; engine overhead: ${(viaApi - alone).toFixed(1)} µs`)
} finally {
  await client.close()
  rmSync(dir, { recursive: true, force: true })
}
