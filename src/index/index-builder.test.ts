// buildIndexInWorker: an abort rejects with code 1 (before start and mid-build), and mid-build only
// once the worker stopped — promptly also inside a long native HNSW build (it runs in slices); an error
// thrown in the worker comes back as a MilvusError carrying its message and code; plain arrays are
// copied, so the caller's array stays usable.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ErrorCode, MilvusError } from '../errors/errors.ts'
import { buildIndexInWorker } from './index-builder.ts'
import type { IndexSpec } from './index-spec.ts'
import { clusteredVectors } from './test-fixtures.ts'

const spec: IndexSpec = { indexType: 'HNSW', metric: 'L2', dim: 16, params: { M: 8, efConstruction: 32 } }

test('an aborted build rejects with code 1, before and after the worker started', async () => {
  const vectors = clusteredVectors(3, 20_000, 16)
  const before = new AbortController()
  before.abort()
  await assert.rejects(buildIndexInWorker(spec, vectors, 20_000, { signal: before.signal }), (e: unknown) => e instanceof MilvusError && e.code === ErrorCode.NotReady)
  const during = new AbortController()
  const build = buildIndexInWorker(spec, vectors, 20_000, { signal: during.signal })
  setTimeout(() => during.abort(), 50)
  await assert.rejects(build, (e: unknown) => e instanceof MilvusError && e.code === ErrorCode.NotReady)
})

test('aborting a long native HNSW build stops its worker within a slice, not at the end of the build', async () => {
  // 60k × 128 with efConstruction 200 takes tens of seconds on one core; the abort comes 1.5 s in.
  const big: IndexSpec = { indexType: 'HNSW', metric: 'L2', dim: 128, params: { M: 16, efConstruction: 200 } }
  const vectors = clusteredVectors(5, 60_000, 128)
  const abort = new AbortController()
  const build = buildIndexInWorker(big, vectors, 60_000, { signal: abort.signal })
  let done = false
  build.then(() => (done = true), () => {})
  await new Promise((resolve) => setTimeout(resolve, 1_500))
  const abortedAt = performance.now()
  abort.abort()
  await assert.rejects(build, (e: unknown) => e instanceof MilvusError && e.code === ErrorCode.NotReady)
  const stopMs = performance.now() - abortedAt
  assert.equal(done, false)
  assert.ok(stopMs < 5_000, `the worker took ${stopMs.toFixed(0)} ms to stop`)
})

test('a failure inside the worker rejects with its message; a plain array is copied, not detached', async () => {
  const vectors = clusteredVectors(3, 100, 16)
  const bad = { ...spec, indexType: 'NOPE' } as unknown as IndexSpec
  await assert.rejects(buildIndexInWorker(bad, vectors, 100), (e: unknown) => e instanceof MilvusError && /index build failed/.test(e.message))
  assert.equal(vectors.length, 1600)
  assert.ok((await buildIndexInWorker(spec, vectors, 100)).length > 0)
  assert.equal(vectors.length, 1600)
})
