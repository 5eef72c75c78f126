// buildIndexOffThread: native HNSW built on native threads of this process gives a searchable index
// with the recall of an in-thread build; other index types go through the worker and decode to the
// in-thread build's results; an abort (before or during the build) rejects with code 1, during the build
// within a few seconds; a bad QUIVER_INDEX_BUILD_THREADS is an error naming it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ErrorCode, MilvusError } from '../errors/errors.ts'
import { VectorArena } from '../vector/vector-arena.ts'
import { buildIndexOffThread } from './index-build-async.ts'
import type { IndexSpec } from './index-spec.ts'
import { clusteredVectors } from './test-fixtures.ts'
import { encodeSparseCsr } from './sparse/sparse-csr.ts'
import { SparseInvertedIndex } from './sparse/sparse-inverted-index.ts'
import { buildIndex } from './vector-index.ts'

const notReady = (e: unknown): boolean => e instanceof MilvusError && e.code === ErrorCode.NotReady

function recall(found: Int32Array[], truth: Int32Array[]): number {
  let hits = 0
  for (let q = 0; q < truth.length; q++) {
    const t = new Set(truth[q])
    for (const r of found[q]!) if (t.has(r)) hits++
  }
  return hits / (truth.length * 10)
}

test('native HNSW built off the JavaScript thread searches like an in-thread build', async () => {
  await VectorArena.init()
  const spec: IndexSpec = { indexType: 'HNSW', metric: 'COSINE', dim: 24, params: { M: 12, efConstruction: 100 } }
  const vectors = clusteredVectors(4, 5_000, 24)
  const flat = buildIndex({ indexType: 'FLAT', metric: 'COSINE', dim: 24, params: {} }, vectors, 5_000)
  const index = await buildIndexOffThread(spec, vectors, 5_000, { threads: 2, niceDelta: 5 })
  assert.equal(index.rowCount, 5_000)
  const queries = Array.from({ length: 40 }, (_, q) => vectors.subarray(q * 97 * 24, (q * 97 + 1) * 24))
  const truth = queries.map((q) => flat.search(q, 10, null, {}).rows)
  const found = queries.map((q) => index.search(q, 10, null, { ef: 64 }).rows)
  assert.ok(recall(found, truth) >= 0.97, `recall ${recall(found, truth)}`)
  for (let q = 0; q < 40; q++) assert.equal(found[q]![0], q * 97)
  index.release()
  flat.release()
})

test('other index types build in a worker and decode to the in-thread results', async () => {
  await VectorArena.init()
  const spec: IndexSpec = { indexType: 'IVF_FLAT', metric: 'L2', dim: 16, params: { nlist: 16 } }
  const vectors = clusteredVectors(5, 2_000, 16)
  const here = buildIndex(spec, vectors, 2_000)
  const off = await buildIndexOffThread(spec, vectors, 2_000)
  const query = vectors.subarray(0, 16)
  assert.deepEqual(off.search(query, 10, null, { nprobe: 4 }), here.search(query, 10, null, { nprobe: 4 }))
  off.release()
  here.release()
})

test('an abort rejects with code 1, before the build and within seconds during it', async () => {
  const spec: IndexSpec = { indexType: 'HNSW', metric: 'L2', dim: 128, params: { M: 16, efConstruction: 200 } }
  const vectors = clusteredVectors(6, 60_000, 128)
  const before = new AbortController()
  before.abort()
  await assert.rejects(buildIndexOffThread(spec, vectors, 60_000, { signal: before.signal }), notReady)
  const during = new AbortController()
  const build = buildIndexOffThread(spec, vectors, 60_000, { signal: during.signal })
  await new Promise((resolve) => setTimeout(resolve, 1_000))
  const abortedAt = performance.now()
  during.abort()
  await assert.rejects(build, notReady)
  const stopMs = performance.now() - abortedAt
  assert.ok(stopMs < 3_000, `the build took ${stopMs.toFixed(0)} ms to stop`)
})

test('a bad QUIVER_INDEX_BUILD_THREADS is an error naming it', async () => {
  const spec: IndexSpec = { indexType: 'HNSW', metric: 'L2', dim: 8, params: { M: 8, efConstruction: 20 } }
  process.env.QUIVER_INDEX_BUILD_THREADS = 'lots'
  try {
    await assert.rejects(buildIndexOffThread(spec, clusteredVectors(7, 100, 8), 100), (e: unknown) => e instanceof MilvusError && /QUIVER_INDEX_BUILD_THREADS/.test(e.message))
  } finally {
    delete process.env.QUIVER_INDEX_BUILD_THREADS
  }
})

test('a sparse index built in the worker comes back as its posting lists: the in-thread build, list for list and byte for byte', async () => {
  let s = 17
  const next = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296)
  const rows = Array.from({ length: 3_000 }, () => {
    const dims = [...new Set(Array.from({ length: 1 + Math.floor(next() * 20) }, () => Math.floor(next() * 4_000_000_000)))].sort((a, b) => a - b)
    return { indices: Uint32Array.from(dims), values: Float32Array.from(dims, () => 1 + Math.floor(next() * 5)) }
  })
  const spec: IndexSpec = { indexType: 'SPARSE_INVERTED_INDEX', metric: 'IP', dim: 0, params: {} }
  const bytes = encodeSparseCsr(rows, true)
  const here = buildIndex(spec, bytes, rows.length) as SparseInvertedIndex
  const there = await buildIndexOffThread(spec, bytes, rows.length)
  assert.ok(there instanceof SparseInvertedIndex)
  const a = here.postingLists()
  const b = there.postingLists()
  for (const key of ['dims', 'postStart', 'postRows', 'postValues', 'maxValue', 'minValue'] as const) assert.deepEqual(b[key], a[key], key)
  assert.deepEqual(Buffer.concat(there.encode()), Buffer.concat(here.encode()))
  const query = encodeSparseCsr([rows[7]!])
  assert.deepEqual(there.search(query, 10, null, {}), here.search(query, 10, null, {}))
})
