// The ops endpoint of a real server (port 0, metrics port 0): after gRPC calls from the official Node
// SDK, /metrics counts them by function name and its row gauges equal what count(*) says; /healthz
// answers OK, JSON on request, and 500 with the reason once the database is closed; request logs
// never carry the caller's credentials.
import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { test } from 'node:test'
import { DataType, MilvusClient } from '@zilliz/milvus2-sdk-node'
import { tempDir } from '../../test/support/temp-db.ts'
import { createLogger } from '../observability/logger.ts'
import { createMetrics } from '../observability/metrics.ts'
import { metricSample } from '../observability/metric-sample.ts'
import { startOpsServer } from './ops-server.ts'
import { startQuiverServer } from './quiver-server.ts'

const DIM = 4
const SDK_TIMEOUT_MS = 10_000

function vector(i: number): number[] {
  return Array.from({ length: DIM }, (_, k) => Math.sin(i * 7 + k))
}

async function get(url: string, accept?: string): Promise<{ status: number; type: string; body: string }> {
  const res = await fetch(url, accept === undefined ? {} : { headers: { accept } })
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() }
}

test('metrics after SDK calls: counters by function name, row gauges equal count(*); health OK then 500', async () => {
  const dir = tempDir('quiver-ops-')
  const logs = new PassThrough()
  let logText = ''
  logs.on('data', (b: Buffer) => {
    logText += b.toString()
  })
  const logger = createLogger({ level: 'debug', format: 'json', destination: logs })
  const server = await startQuiverServer({ dataDir: dir.path, host: '127.0.0.1', port: 0, metricsPort: 0, quiverVersion: '0.0.0-test', logger })
  const client = new MilvusClient({ address: `127.0.0.1:${server.grpc.port}`, timeout: SDK_TIMEOUT_MS, logLevel: 'error', username: 'alice', password: 'secret-pw-42' })
  try {
    assert.ok(server.ops !== undefined && server.ops.port > 0)
    const base = `http://127.0.0.1:${server.ops.port}`
    await client.createCollection({
      collection_name: 'books',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'vec', data_type: DataType.FloatVector, dim: DIM },
      ],
    })
    const rows = Array.from({ length: 10 }, (_, i) => ({ id: i, vec: vector(i) }))
    assert.equal((await client.insert({ collection_name: 'books', data: rows })).insert_cnt, '10')
    await client.upsert({ collection_name: 'books', data: rows.slice(0, 3).map((r) => ({ ...r, vec: vector(r.id + 100) })) })
    await client.delete({ collection_name: 'books', filter: 'id in [8, 9]' })
    await client.createIndex({ collection_name: 'books', field_name: 'vec', index_type: 'FLAT', metric_type: 'L2' })
    await client.loadCollection({ collection_name: 'books' })
    await client.search({ collection_name: 'books', data: [vector(1)], limit: 3 })
    const counted = await client.query({ collection_name: 'books', filter: '', output_fields: ['count(*)'] })
    const live = Number(counted.data[0]!['count(*)'])
    assert.equal(live, 8)

    const scraped = await get(`${base}/metrics`)
    assert.equal(scraped.status, 200)
    assert.match(scraped.type, /^text\/plain/)
    const text = scraped.body
    for (const fn of ['CreateCollection', 'Insert', 'Upsert', 'Delete', 'Search', 'Query']) {
      assert.ok((metricSample(text, 'milvus_proxy_req_count', { function_name: fn, status: 'success' }) ?? 0) >= 1, fn)
    }
    assert.equal(metricSample(text, 'milvus_proxy_req_count', { function_name: 'Insert', status: 'success' }), 1)
    assert.equal(metricSample(text, 'milvus_proxy_insert_vectors_count'), 10)
    assert.equal(metricSample(text, 'milvus_proxy_upsert_vectors_count'), 3)
    assert.equal(metricSample(text, 'milvus_proxy_delete_vectors_count'), 2)
    assert.equal(metricSample(text, 'milvus_proxy_sq_latency_count', { query_type: 'search' }), 1)
    assert.equal(metricSample(text, 'milvus_proxy_mutation_latency_count', { msg_type: 'upsert' }), 1)
    assert.equal(metricSample(text, 'milvus_datacoord_collection_num'), 1)
    assert.equal(metricSample(text, 'quiver_collection_live_rows', { db_name: 'default', collection_name: 'books' }), live)
    const stored = (metricSample(text, 'milvus_datacoord_stored_rows_num', { collection_name: 'books', segment_state: 'Growing' }) ?? 0) + (metricSample(text, 'milvus_datacoord_stored_rows_num', { collection_name: 'books', segment_state: 'Sealed' }) ?? 0)
    assert.equal(stored, 13)
    assert.equal(metricSample(text, 'quiver_collection_deleted_ratio', { collection_name: 'books' }), 5 / 13)
    assert.ok((metricSample(text, 'quiver_wal_bytes') ?? 0) > 0)
    assert.ok(text.includes('# TYPE process_resident_memory_bytes gauge'))

    // A failed request counts as fail.
    await client.describeCollection({ collection_name: 'nope' })
    const after = (await get(`${base}/metrics`)).body
    assert.equal(metricSample(after, 'milvus_proxy_req_count', { function_name: 'DescribeCollection', status: 'fail' }), 1)

    assert.deepEqual(await get(`${base}/healthz`), { status: 200, type: 'text/plain; charset=utf-8', body: 'OK' })
    const json = await get(`${base}/healthz`, 'application/json')
    assert.deepEqual([json.status, JSON.parse(json.body)], [200, { status: 'healthy', reasons: [] }])

    // Requests were logged at debug by method name; the credentials never appear.
    assert.match(logText, /"method":"Insert"/)
    assert.ok(!logText.includes('secret-pw-42'))
    assert.ok(!logText.includes(Buffer.from('alice:secret-pw-42').toString('base64')))

    await server.client.close()
    const down = await get(`${base}/healthz`, 'application/json')
    assert.equal(down.status, 500)
    assert.deepEqual(JSON.parse(down.body), { status: 'unhealthy', reasons: ['database is closed: service not ready'] })
    assert.equal((await get(`${base}/healthz`)).status, 500)
  } finally {
    await client.closeConnection()
    await server.close()
    dir.cleanup()
  }
})

test('ops server routes: 404 for other paths, 405 for other methods, 500 text with reasons', async () => {
  let healthy = false
  const ops = await startOpsServer({ host: '127.0.0.1', port: 0, metrics: createMetrics({ processMetrics: false }), health: () => ({ healthy, reasons: healthy ? [] : ['disk full', 'wal broken'] }) })
  try {
    const base = `http://127.0.0.1:${ops.port}`
    assert.deepEqual(await get(`${base}/healthz`), { status: 500, type: 'text/plain; charset=utf-8', body: 'disk full\nwal broken\n' })
    healthy = true
    assert.equal((await get(`${base}/healthz?verbose=1`)).body, 'OK')
    assert.equal((await get(`${base}/nothing`)).status, 404)
    const post = await fetch(`${base}/metrics`, { method: 'POST' })
    assert.equal(post.status, 405)
    assert.equal(post.headers.get('allow'), 'GET, HEAD')
    await post.text()
  } finally {
    await ops.close()
  }
})

test('without a metrics port nothing listens, but the server still counts requests', async () => {
  const dir = tempDir('quiver-ops-')
  const server = await startQuiverServer({ dataDir: dir.path, host: '127.0.0.1', port: 0, quiverVersion: '0.0.0-test', log: () => {} })
  const client = new MilvusClient({ address: `127.0.0.1:${server.grpc.port}`, timeout: SDK_TIMEOUT_MS, logLevel: 'error' })
  try {
    assert.equal(server.ops, undefined)
    await client.listCollections()
    assert.equal(metricSample(await server.metrics.render(), 'milvus_proxy_req_count', { function_name: 'ShowCollections', status: 'success' }), 1)
  } finally {
    await client.closeConnection()
    await server.close()
    dir.cleanup()
  }
})
