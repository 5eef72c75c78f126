// `quiver serve` stops promptly in the middle of an HNSW index build: SIGTERM (by pid) during a build
// of tens of seconds exits 0 within STOP_MS_MAX, the stop log shows the build cancelled, and a restart
// on the same data directory has every row and builds the index again to the end.
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { MilvusClient } from '@zilliz/milvus2-sdk-node'
import { DataType, Quiver } from '../../src/index.ts'
import { type ServedChild, serveChild } from '../support/serve-child.ts'
import { rng, tempDir } from '../support/temp-db.ts'
import { SDK_TIMEOUT_MS } from './server-fixture.ts'

/** The requirement (issue 11): a stop takes at most 5 s whatever runs. */
const STOP_MS_MAX = 5_000
/** 15,000 rows built in under 1.5 s on two idle cores once builds ran on every core: 40,000 take ~3–5 s there. */
const ROWS = 40_000
const DIM = 128
/** Uniform random vectors with efConstruction 200: a build of several seconds even on two fast cores. */
const HNSW = { M: 16, efConstruction: 200 }
/** The restarted server must finish the build within this. */
const REBUILD_MS_MAX = 240_000

const dir = tempDir('quiver-serve-stop-')
const started: ServedChild[] = []
after(() => {
  for (const s of started) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL')
  dir.cleanup()
})

async function writeRows(): Promise<void> {
  const next = rng(5)
  const db = await Quiver.open(dir.path)
  await db.createCollection({
    collection_name: 'docs',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'vec', data_type: DataType.FloatVector, dim: DIM },
    ],
  })
  const coll = db.collection('docs')
  for (let from = 0; from < ROWS; from += 5_000) {
    const vec = new Float32Array(5_000 * DIM)
    for (let i = 0; i < vec.length; i++) vec[i] = next() * 2 - 1
    await coll.upsert({ id: BigInt64Array.from({ length: 5_000 }, (_, i) => BigInt(from + i)), vec })
  }
  await coll.flush()
  await db.close()
}

async function indexedRows(c: MilvusClient): Promise<number> {
  const d = await c.describeIndex({ collection_name: 'docs', field_name: 'vec' })
  return Number(d.index_descriptions[0]?.indexed_rows ?? 0)
}

/** The JSON log line with `msg` the server wrote on stderr. */
function logLine(s: ServedChild, msg: string): Record<string, any> | undefined {
  for (const line of s.stderr().split('\n')) {
    try {
      const o = JSON.parse(line) as Record<string, any>
      if (o.msg === msg) return o
    } catch {
      // not a JSON line
    }
  }
  return undefined
}

test('SIGTERM during an HNSW index build exits promptly; a restart keeps every row and builds the index again', async () => {
  await writeRows()
  const env = { QUIVER_LOG_FORMAT: 'json' }
  const first = await serveChild(dir.path, ['--log-level', 'info'], env)
  started.push(first)
  const c = new MilvusClient({ address: first.address, timeout: SDK_TIMEOUT_MS, logLevel: 'error' })
  try {
    const created = await c.createIndex({ collection_name: 'docs', field_name: 'vec', index_type: 'HNSW', metric_type: 'L2', params: HNSW })
    assert.equal(created.error_code, 'Success')
    // Long enough for the build to have started (it starts as the index is created), short against its length.
    await new Promise((resolve) => setTimeout(resolve, 500))
    assert.equal(await indexedRows(c), 0, 'the build ended before SIGTERM: make it longer (ROWS, efConstruction)')
  } finally {
    await c.closeConnection()
  }
  const stopStartedMs = performance.now()
  const code = await first.stop()
  const stopMs = performance.now() - stopStartedMs
  assert.equal(code, 0, first.stderr())
  assert.ok(stopMs < STOP_MS_MAX, `the stop took ${stopMs.toFixed(0)} ms`)
  const stopped = logLine(first, 'stopped cleanly')
  assert.equal(stopped?.shutdown?.database?.cancelledBuilds, 1, first.stderr())

  const second = await serveChild(dir.path, ['--log-level', 'info'], env)
  started.push(second)
  const d = new MilvusClient({ address: second.address, timeout: SDK_TIMEOUT_MS, logLevel: 'error' })
  try {
    assert.equal((await d.count({ collection_name: 'docs' })).data, ROWS)
    const deadline = performance.now() + REBUILD_MS_MAX
    while ((await indexedRows(d)) < ROWS) {
      assert.ok(performance.now() < deadline, `the index was not rebuilt within ${REBUILD_MS_MAX} ms`)
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    const hit = await d.search({ collection_name: 'docs', data: new Array(DIM).fill(0), limit: 3, params: { ef: 64 } })
    assert.equal(hit.results.length, 3)
  } finally {
    await d.closeConnection()
  }
  assert.equal(await second.stop(), 0)
})
