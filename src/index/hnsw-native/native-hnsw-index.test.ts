// HNSW on the native core passes the VectorIndex contract (../vector-index.contract.ts): recall@10
// against FLAT, exact (FLAT's) scores, bitset filters, empty index, codec round trip, worker build.
// Its index file holds the graph only (no vector bytes), and a reopen over a freshly loaded column searches alike;
// a searchAsync whose index is released meanwhile rejects instead of rescoring.
import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import { Bitset } from '../../common/bitset.ts'
import { Metric } from '../../vector/metric.ts'
import { VectorArena } from '../../vector/vector-arena.ts'
import { concatChunks } from '../index-codec.ts'
import { IndexType } from '../index-type.ts'
import { clusteredVectors } from '../test-fixtures.ts'
import { vectorIndexContract } from '../vector-index.contract.ts'
import { buildIndex, decodeIndex, hnswCore } from '../vector-index.ts'

test('new HNSW builds use the native core (the addon is built at install)', () => {
  assert.equal(hnswCore(), 'native')
})

vectorIndexContract({
  indexType: 'HNSW',
  params: { M: 8, efConstruction: 64 },
  metrics: ['L2', 'IP', 'COSINE'],
  searchParams: { ef: 32 },
  recallMin: 0.95,
  recallMinHalf: 0.93,
})

before(() => VectorArena.init())

/** `values` in a fresh arena block, as a segment column is after loading from disk. */
function arenaColumn(values: Float32Array): Float32Array {
  const out = VectorArena.shared().allocFloat32(values.length, false)
  out.set(values)
  return out
}

test('the index file holds no vectors; reopened over a freshly loaded column it searches alike', () => {
  const rows = 3_000
  const dim = 128
  const data = clusteredVectors(5, rows, dim, 30, 0.3)
  const queries = clusteredVectors(5, 20, dim, 30, 0.3, 1)
  const allowed = new Bitset(rows)
  for (let r = 0; r < rows; r += 4) allowed.set(r)
  const searches = Array.from({ length: 40 }, (_, i) => ({ query: queries.subarray((i >> 1) * dim, ((i >> 1) + 1) * dim), bits: i % 2 === 0 ? null : allowed }))
  for (const metric of [Metric.L2, Metric.COSINE]) {
    const column = arenaColumn(data)
    const index = buildIndex({ indexType: IndexType.HNSW, metric, dim, params: { M: 16, efConstruction: 64 } }, column, rows)
    const before = searches.map(({ query, bits }) => index.search(query, 10, bits, { ef: 64 }))
    const file = concatChunks(index.encode())
    // The level-0 links are 2·M·4 + 4 bytes a row (+ 4 for the upper links' size); the vectors 512.
    assert.ok(file.length < rows * 160, `${file.length} bytes for ${rows} rows (${rows * dim * 4} bytes of vectors)`)
    index.release() // the index first, then its column (Segment.release's order)
    VectorArena.shared().free(column)
    const garbage = VectorArena.shared().allocFloat32(data.length, false) // likely the old block: overwritten
    garbage.fill(Number.NaN)
    const reloaded = arenaColumn(data)
    const reopened = decodeIndex(file, reloaded, rows)
    assert.deepEqual(searches.map(({ query, bits }) => reopened.search(query, 10, bits, { ef: 64 })), before)
    assert.deepEqual(concatChunks(reopened.encode()), file)
    reopened.release()
    VectorArena.shared().free(reloaded)
    VectorArena.shared().free(garbage)
  }
})

test('hits come best first with ties by row, for small k (insertion sort) and large k (comparison sort), as FLAT', () => {
  const half = 300
  const dim = 16
  const base = clusteredVectors(9, half, dim, 10, 0.3)
  // Every vector twice (rows i and i + half): every score is tied with another row's.
  const data = new Float32Array(2 * half * dim)
  data.set(base)
  data.set(base, half * dim)
  const query = clusteredVectors(9, 1, dim, 10, 0.3, 1)
  const column = arenaColumn(data)
  const spec = { metric: Metric.L2, dim, params: { M: 16, efConstruction: 200 } }
  const hnsw = buildIndex({ indexType: IndexType.HNSW, ...spec }, column, 2 * half)
  const flat = buildIndex({ indexType: IndexType.FLAT, ...spec, params: {} }, column, 2 * half)
  for (const k of [10, 64, 65, 200]) {
    const got = hnsw.search(query, k, null, { ef: 600 })
    const want = flat.search(query, k, null, {})
    assert.deepEqual(got, want, `k = ${k}`)
    for (let i = 1; i < k; i++) {
      const ordered = got.scores[i - 1]! < got.scores[i]! || (got.scores[i - 1] === got.scores[i] && got.rows[i - 1]! < got.rows[i]!)
      assert.ok(ordered, `k = ${k}: hit ${i} out of order`)
    }
  }
  hnsw.release()
  flat.release()
  VectorArena.shared().free(column)
})

test('searchAsync on an index released while it searched rejects with 1 (it never rescores from a freed column)', async () => {
  const rows = 2_000
  const dim = 32
  const column = arenaColumn(clusteredVectors(3, rows, dim, 10, 0.3))
  const index = buildIndex({ indexType: IndexType.HNSW, metric: Metric.L2, dim, params: { M: 8, efConstruction: 32 } }, column, rows)
  const query = clusteredVectors(3, 1, dim, 10, 0.3, 1)
  assert.deepEqual(await index.searchAsync!(query, 10, null, { ef: 32 }), index.search(query, 10, null, { ef: 32 }))
  const pending = index.searchAsync!(query, 10, null, { ef: 32 })
  index.release()
  await assert.rejects(pending, (e: { code?: unknown }) => e.code === 1)
  VectorArena.shared().free(column)
})
