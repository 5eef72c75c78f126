// buildIndexInWorker: an abort rejects with code 1 (before start and mid-build), and mid-build only
// once the worker stopped — promptly also inside a long native HNSW build (it runs in slices); an error
// thrown in the worker comes back as a MilvusError carrying its message and code; plain arrays are
// copied, so the caller's array stays usable; consecutive builds share one worker, which is terminated
// after IDLE_BUILD_WORKER_MS without work and never keeps the process alive.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { test } from 'node:test'
import { ErrorCode, MilvusError } from '../errors/errors.ts'
import { buildIndexInWorker, buildWorkerStats, IDLE_BUILD_WORKER_MS } from './index-builder.ts'
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

test('consecutive builds share one worker (also after a failed build); an idle one is terminated after IDLE_BUILD_WORKER_MS', async () => {
  const vectors = clusteredVectors(4, 500, 16)
  const flat: IndexSpec = { indexType: 'FLAT', metric: 'L2', dim: 16, params: {} }
  const first = await buildIndexInWorker(flat, vectors, 500)
  const started = buildWorkerStats.started
  assert.deepEqual(await buildIndexInWorker(flat, vectors, 500), first)
  await assert.rejects(buildIndexInWorker({ ...spec, indexType: 'NOPE' } as unknown as IndexSpec, vectors, 500))
  assert.ok((await buildIndexInWorker(spec, vectors, 500)).length > 0)
  assert.equal(buildWorkerStats.started, started, 'no new worker for the next builds')
  await new Promise((resolve) => setTimeout(resolve, IDLE_BUILD_WORKER_MS + 300))
  assert.deepEqual(await buildIndexInWorker(flat, vectors, 500), first)
  assert.equal(buildWorkerStats.started, started + 1, 'the idle worker was terminated: a new one')
})

test('an idle build worker does not keep the process alive', () => {
  // This module's sibling as the test runs it: the source under tsx, the compiled file under dist.
  const moduleUrl = new URL(`./index-builder${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href
  // A CommonJS eval with a dynamic import: `--input-type` would be inherited by the worker threads, which refuse it.
  const script = `(async () => { const { buildIndexInWorker } = await import(${JSON.stringify(moduleUrl)}); const b = await buildIndexInWorker({ indexType: 'FLAT', metric: 'L2', dim: 2, params: {} }, new Float32Array(8), 4); if (!(b.length > 0)) process.exit(3); const t = performance.now(); process.on('exit', () => { if (performance.now() - t > 1000) process.exitCode = 4 }) })()`
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: new URL('../..', import.meta.url), timeout: 30_000, encoding: 'utf8' })
  assert.equal(r.signal, null, 'the process exited by itself')
  assert.equal(r.status, 0, `exit code ${r.status} (4: it waited for the idle timeout) ${r.stderr}`)
})
