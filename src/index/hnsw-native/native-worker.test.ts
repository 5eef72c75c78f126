// The addon is context-aware: it loads in a worker thread (where index builds run) and builds,
// searches and encodes there; the bytes (no vectors inside) decode on the main thread over the main
// thread's own copy of the column to the same results.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { Metric } from '../../vector/metric.ts'
import { createNativeHnsw, decodeNativeHnsw } from './native-hnsw.ts'

const workerTimeoutMs = 30_000
const here = fileURLToPath(new URL('.', import.meta.url))
const candidates = [join(here, '../../../build/Release/quiver_hnsw.node'), join(here, '../../../../build/Release/quiver_hnsw.node')]

// Plain CommonJS (eval: true), so it runs the same under tsx and from dist/.
const workerSource = `
const { existsSync } = require('node:fs')
const { parentPort, workerData } = require('node:worker_threads')
const addon = require(workerData.candidates.find((p) => existsSync(p)))
const { dim, rows } = workerData
const vectors = new Float32Array(rows * dim)
for (let i = 0; i < vectors.length; i++) vectors[i] = Math.sin(i * 0.37)
const index = new addon.HnswIndex('l2', dim, rows, 8, 32, 1, vectors)
index.addPoints(0, rows)
const found = index.searchKnn(vectors.subarray(0, dim), 5, 32, null)
parentPort.postMessage({ labels: Array.from(found.labels), bytes: index.saveIndex(), vectors })
`

test('the addon builds, searches and encodes in a worker thread', async () => {
  const dim = 8
  const rows = 500
  const worker = new Worker(workerSource, { eval: true, workerData: { candidates, dim, rows } })
  const timer = setTimeout(() => void worker.terminate(), workerTimeoutMs)
  try {
    const message = await new Promise<{ labels: number[]; bytes: Uint8Array; vectors: Float32Array }>((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
    })
    assert.equal(message.labels[0], 0)
    const decoded = decodeNativeHnsw(message.bytes, Metric.L2, dim, message.vectors)
    const query = message.vectors.subarray(0, dim)
    assert.deepEqual([...decoded.search(query, 5, null, 32).rows], message.labels)
    const local = createNativeHnsw({ metric: Metric.L2, dim, M: 8, efConstruction: 32, seed: 1 }, message.vectors, rows)
    assert.deepEqual(local.encode(), message.bytes)
  } finally {
    clearTimeout(timer)
    await worker.terminate()
  }
})
