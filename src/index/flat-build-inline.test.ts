// A FLAT index is the column itself: buildIndexOffThread builds it on this thread, with no worker
// round trip (this file starts no other build, so a worker would show in buildWorkerStats).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ErrorCode, MilvusError } from '../errors/errors.ts'
import { VectorArena } from '../vector/vector-arena.ts'
import { buildIndexOffThread } from './index-build-async.ts'
import { buildWorkerStats } from './index-builder.ts'
import { clusteredVectors } from './test-fixtures.ts'

const notReady = (e: unknown): boolean => e instanceof MilvusError && e.code === ErrorCode.NotReady

test('FLAT is built on this thread without a worker round trip and searches the column exactly', async () => {
  await VectorArena.init()
  const vectors = clusteredVectors(5, 2_000, 16)
  const started = buildWorkerStats.started
  const index = await buildIndexOffThread({ indexType: 'FLAT', metric: 'L2', dim: 16, params: {} }, vectors, 2_000)
  assert.equal(buildWorkerStats.started, started, 'a FLAT build started a worker')
  assert.equal(index.rowCount, 2_000)
  for (const row of [0, 777, 1_999]) assert.equal(index.search(vectors.subarray(row * 16, (row + 1) * 16), 1, null, {}).rows[0], row)
  const aborted = new AbortController()
  aborted.abort()
  await assert.rejects(buildIndexOffThread({ indexType: 'FLAT', metric: 'L2', dim: 16, params: {} }, vectors, 2_000, { signal: aborted.signal }), notReady)
  index.release()
})
