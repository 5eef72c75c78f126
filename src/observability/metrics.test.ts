// createMetrics: each server has its own registry (two can coexist), requests move Milvus-named
// counters and histograms by function name and status, and engine gauges are read at render time.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { EngineStats } from '../engine/stats.ts'
import { createMetrics } from './metrics.ts'
import { metricSample } from './metric-sample.ts'

const stats: EngineStats = {
  open: true,
  failedIndexBuilds: 1,
  collections: [
    { database: 'default', name: 'a', growingSegments: 1, sealedSegments: 2, growingRows: 10, sealedRows: 30, deletedRows: 4, pendingIndexRows: 30, pendingIndexBuilds: 2 },
    { database: 'db2', name: 'b', growingSegments: 1, sealedSegments: 0, growingRows: 5, sealedRows: 0, deletedRows: 0, pendingIndexRows: 0, pendingIndexBuilds: 0 },
  ],
}

test('requests: req_count by function and status, latency histograms, rows written', async () => {
  const m = createMetrics({ processMetrics: false })
  m.observeRequest({ method: 'Insert', protocol: 'grpc', code: 0, seconds: 0.003, rows: 7 })
  m.observeRequest({ method: 'Insert', protocol: 'rest', code: 1100, seconds: 0.001 })
  m.observeRequest({ method: 'Search', protocol: 'grpc', code: 0, seconds: 0.02 })
  m.observeRequest({ method: 'Delete', protocol: 'grpc', code: 0, seconds: 0.002, rows: 2 })
  const text = await m.render()
  assert.equal(metricSample(text, 'milvus_proxy_req_count', { function_name: 'Insert', status: 'total' }), 2)
  assert.equal(metricSample(text, 'milvus_proxy_req_count', { function_name: 'Insert', status: 'success' }), 1)
  assert.equal(metricSample(text, 'milvus_proxy_req_count', { function_name: 'Insert', status: 'fail' }), 1)
  assert.equal(metricSample(text, 'milvus_proxy_req_latency_count', { function_name: 'Insert' }), 2)
  assert.equal(metricSample(text, 'milvus_proxy_sq_latency_count', { query_type: 'search' }), 1)
  assert.equal(metricSample(text, 'milvus_proxy_sq_latency_bucket', { query_type: 'search', le: '16' }), 0)
  assert.equal(metricSample(text, 'milvus_proxy_sq_latency_bucket', { query_type: 'search', le: '32' }), 1)
  assert.equal(metricSample(text, 'milvus_proxy_mutation_latency_count', { msg_type: 'insert' }), 1)
  assert.equal(metricSample(text, 'milvus_proxy_insert_vectors_count'), 7)
  assert.equal(metricSample(text, 'milvus_proxy_delete_vectors_count'), 2)
  assert.equal(metricSample(text, 'quiver_requests_total', { protocol: 'rest', function_name: 'Insert', code: '1100' }), 1)
})

test('engine gauges are read from the source at render time; two registries do not share state', async () => {
  let walBytes = 100
  const m = createMetrics({ processMetrics: false, source: { stats: () => stats, walBytes: async () => walBytes } })
  const other = createMetrics({ processMetrics: false })
  let text = await m.render()
  assert.equal(metricSample(text, 'milvus_datacoord_collection_num'), 2)
  assert.equal(metricSample(text, 'milvus_datacoord_segment_num', { segment_state: 'Growing' }), 2)
  assert.equal(metricSample(text, 'milvus_datacoord_segment_num', { segment_state: 'Sealed' }), 2)
  assert.equal(metricSample(text, 'milvus_datacoord_stored_rows_num', { collection_name: 'a', segment_state: 'Sealed' }), 30)
  assert.equal(metricSample(text, 'quiver_collection_live_rows', { db_name: 'default', collection_name: 'a' }), 36)
  assert.equal(metricSample(text, 'quiver_collection_live_rows', { db_name: 'db2', collection_name: 'b' }), 5)
  assert.equal(metricSample(text, 'quiver_collection_deleted_ratio', { collection_name: 'a' }), 0.1)
  assert.equal(metricSample(text, 'quiver_index_pending_rows', { collection_name: 'a' }), 30)
  assert.equal(metricSample(text, 'quiver_index_build_queue_length'), 2)
  assert.equal(metricSample(text, 'quiver_index_build_failed'), 1)
  assert.equal(metricSample(text, 'quiver_database_open'), 1)
  assert.equal(metricSample(text, 'quiver_wal_bytes'), 100)
  walBytes = 50
  text = await m.render()
  assert.equal(metricSample(text, 'quiver_wal_bytes'), 50)
  assert.equal(metricSample(await other.render(), 'milvus_datacoord_collection_num'), 0)
})

test('process metrics (RSS, CPU, event loop lag) are on by default', async () => {
  const text = await createMetrics().render()
  for (const name of ['process_resident_memory_bytes', 'process_cpu_seconds_total', 'nodejs_eventloop_lag_seconds']) {
    assert.ok(text.includes(`# TYPE ${name} `), name)
  }
})

test('memory gauges: the arena, interim indexes and live objects, read from the source at render time', async () => {
  const memory = { arenaUsedBytes: 1000, arenaReservedBytes: 4096, interimBytes: 300, interimIndexes: 2, segments: 3, retiredSegments: 1, pendingReleases: 4, live: { segment: 4, nativeHnsw: 2, interimIndex: 2 }, arenaDiscardedBytes: 8192 }
  const m = createMetrics({ processMetrics: false, source: { stats: () => stats, walBytes: async () => 0, memory: () => memory } })
  const text = await m.render()
  assert.equal(metricSample(text, 'quiver_memory_bytes', { part: 'arena_used' }), 1000)
  assert.equal(metricSample(text, 'quiver_memory_bytes', { part: 'arena_reserved' }), 4096)
  assert.equal(metricSample(text, 'quiver_memory_bytes', { part: 'interim' }), 300)
  assert.equal(metricSample(text, 'quiver_memory_bytes', { part: 'arena_discarded_total' }), 8192)
  assert.ok(metricSample(text, 'quiver_memory_bytes', { part: 'array_buffers' })! >= 0)
  assert.equal(metricSample(text, 'quiver_memory_objects', { kind: 'retired_segments' }), 1)
  assert.equal(metricSample(text, 'quiver_memory_objects', { kind: 'pending_releases' }), 4)
  assert.equal(metricSample(text, 'quiver_memory_objects', { kind: 'live_segments' }), 4)
  assert.equal(metricSample(text, 'quiver_memory_objects', { kind: 'live_native_hnsw' }), 2)
})
