import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { MemoryStats } from '../engine/memory-stats.ts'
import type { EngineStats } from '../engine/stats.ts'
import type { RequestEvent } from './request-event.ts'

/** Where scrape-time gauges are read from. */
export interface MetricsSource {
  stats(): EngineStats
  walBytes(): Promise<number>
  /** The engine's memory by its own accounting (absent: no memory gauges). */
  memory?(): MemoryStats
}

export interface QuiverMetrics {
  /** This server's own registry (never prom-client's global one). */
  readonly registry: Registry
  /** Counts one finished request: counters, latency histograms, rows written. */
  observeRequest(event: RequestEvent): void
  /** The Prometheus text exposition, gauges read from the engine now. */
  render(): Promise<string>
  readonly contentType: string
}

export interface MetricsOptions {
  readonly source?: MetricsSource
  /** prom-client's process metrics (RSS, CPU, event loop lag, GC, handles). Default true. */
  readonly processMetrics?: boolean
}

/** Milvus's latency buckets, in milliseconds: 1, 2, 4, … 131072. */
export const LATENCY_BUCKETS_MS = Array.from({ length: 18 }, (_, i) => 2 ** i)

/** Search-like RPCs and their `query_type` label in `milvus_proxy_sq_latency`. */
const QUERY_TYPES: Readonly<Record<string, string>> = { Search: 'search', HybridSearch: 'hybrid_search', Query: 'query' }
/** Writes and their `msg_type` label in `milvus_proxy_mutation_latency`. */
const MUTATION_TYPES: Readonly<Record<string, 'insert' | 'upsert' | 'delete'>> = { Insert: 'insert', Upsert: 'upsert', Delete: 'delete' }

/** Creates the metrics of one server: Milvus's proxy names for requests, engine gauges at scrape time. */
export function createMetrics(opts: MetricsOptions = {}): QuiverMetrics {
  const registry = new Registry()
  const requests = requestMetrics(registry)
  const gauges = engineGauges(registry)
  if (opts.processMetrics !== false) collectDefaultMetrics({ register: registry })
  return {
    registry,
    contentType: registry.contentType,
    observeRequest: (e) => requests.observe(e),
    render: async () => {
      if (opts.source !== undefined) await gauges.update(opts.source)
      return registry.metrics()
    },
  }
}

function requestMetrics(registers: Registry) {
  const reqCount = new Counter({ name: 'milvus_proxy_req_count', help: 'count of operation executed', labelNames: ['function_name', 'status'], registers: [registers] })
  const reqLatency = new Histogram({ name: 'milvus_proxy_req_latency', help: 'latency of each request (ms)', labelNames: ['function_name'], buckets: LATENCY_BUCKETS_MS, registers: [registers] })
  const sqLatency = new Histogram({ name: 'milvus_proxy_sq_latency', help: 'latency of search or query successfully (ms)', labelNames: ['query_type'], buckets: LATENCY_BUCKETS_MS, registers: [registers] })
  const mutationLatency = new Histogram({ name: 'milvus_proxy_mutation_latency', help: 'latency of insert, upsert or delete successfully (ms)', labelNames: ['msg_type'], buckets: LATENCY_BUCKETS_MS, registers: [registers] })
  const rows = {
    insert: new Counter({ name: 'milvus_proxy_insert_vectors_count', help: 'counter of vectors successfully inserted', registers: [registers] }),
    upsert: new Counter({ name: 'milvus_proxy_upsert_vectors_count', help: 'counter of vectors successfully upserted', registers: [registers] }),
    delete: new Counter({ name: 'milvus_proxy_delete_vectors_count', help: 'counter of vectors successfully deleted', registers: [registers] }),
  }
  const byProtocol = new Counter({ name: 'quiver_requests_total', help: 'requests answered, by protocol and Milvus status code', labelNames: ['protocol', 'function_name', 'code'], registers: [registers] })
  return {
    observe(e: RequestEvent): void {
      const ms = e.seconds * 1000
      const ok = e.code === 0
      reqCount.inc({ function_name: e.method, status: 'total' })
      reqCount.inc({ function_name: e.method, status: ok ? 'success' : 'fail' })
      reqLatency.observe({ function_name: e.method }, ms)
      byProtocol.inc({ protocol: e.protocol, function_name: e.method, code: String(e.code) })
      if (!ok) return
      const queryType = QUERY_TYPES[e.method]
      if (queryType !== undefined) sqLatency.observe({ query_type: queryType }, ms)
      const msgType = MUTATION_TYPES[e.method]
      if (msgType === undefined) return
      mutationLatency.observe({ msg_type: msgType }, ms)
      if (e.rows !== undefined && e.rows > 0) rows[msgType].inc(e.rows)
    },
  }
}

function engineGauges(registers: Registry) {
  const g = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [registers] })
  const collections = g('milvus_datacoord_collection_num', 'number of collections')
  const segments = g('milvus_datacoord_segment_num', 'number of segments', ['segment_state'])
  const storedRows = g('milvus_datacoord_stored_rows_num', 'rows stored in segments (deleted rows count until compaction purges them)', ['db_name', 'collection_name', 'segment_state'])
  const liveRows = g('quiver_collection_live_rows', 'rows visible to reads (stored minus deleted)', ['db_name', 'collection_name'])
  const deletedRatio = g('quiver_collection_deleted_ratio', 'deleted rows / stored rows (compaction purges them)', ['db_name', 'collection_name'])
  const pendingIndexRows = g('quiver_index_pending_rows', 'rows of sealed segments waiting for an index build', ['db_name', 'collection_name'])
  const buildQueue = g('quiver_index_build_queue_length', 'segment index builds still to do')
  const buildFailures = g('quiver_index_build_failed', 'segment index builds that failed (not retried until restart)')
  const walBytes = g('quiver_wal_bytes', 'bytes of write-ahead log files on disk')
  const open = g('quiver_database_open', '1 while the database is open')
  const memoryBytes = g('quiver_memory_bytes', 'engine memory by part: arena_used / arena_reserved (vector arena, WebAssembly memory: never shrinks), interim (interim index lists), array_buffers (process ArrayBuffers outside the V8 heap), arena_discarded_total (freed arena bytes given back to the OS so far)', ['part'])
  const memoryObjects = g('quiver_memory_objects', 'segments and interim indexes the collections hold, segments retired but held for earlier reads, releases waiting for reads; live_*: objects made and not yet released in this process', ['kind'])
  return {
    async update(source: MetricsSource): Promise<void> {
      const stats = source.stats()
      for (const gauge of [storedRows, liveRows, deletedRatio, pendingIndexRows]) gauge.reset()
      let growing = 0
      let sealed = 0
      let queue = 0
      for (const c of stats.collections) {
        const labels = { db_name: c.database, collection_name: c.name }
        const stored = c.growingRows + c.sealedRows
        growing += c.growingSegments
        sealed += c.sealedSegments
        queue += c.pendingIndexBuilds
        storedRows.set({ ...labels, segment_state: 'Growing' }, c.growingRows)
        storedRows.set({ ...labels, segment_state: 'Sealed' }, c.sealedRows)
        liveRows.set(labels, stored - c.deletedRows)
        deletedRatio.set(labels, stored === 0 ? 0 : c.deletedRows / stored)
        pendingIndexRows.set(labels, c.pendingIndexRows)
      }
      collections.set(stats.collections.length)
      segments.set({ segment_state: 'Growing' }, growing)
      segments.set({ segment_state: 'Sealed' }, sealed)
      buildQueue.set(queue)
      buildFailures.set(stats.failedIndexBuilds)
      open.set(stats.open ? 1 : 0)
      walBytes.set(await source.walBytes())
      const m = source.memory?.()
      if (m === undefined) return
      memoryBytes.set({ part: 'arena_used' }, m.arenaUsedBytes)
      memoryBytes.set({ part: 'arena_reserved' }, m.arenaReservedBytes)
      memoryBytes.set({ part: 'interim' }, m.interimBytes)
      memoryBytes.set({ part: 'array_buffers' }, process.memoryUsage().arrayBuffers)
      memoryBytes.set({ part: 'arena_discarded_total' }, m.arenaDiscardedBytes)
      memoryObjects.set({ kind: 'segments' }, m.segments)
      memoryObjects.set({ kind: 'retired_segments' }, m.retiredSegments)
      memoryObjects.set({ kind: 'interim_indexes' }, m.interimIndexes)
      memoryObjects.set({ kind: 'pending_releases' }, m.pendingReleases)
      memoryObjects.set({ kind: 'live_segments' }, m.live.segment)
      memoryObjects.set({ kind: 'live_native_hnsw' }, m.live.nativeHnsw)
      memoryObjects.set({ kind: 'live_interim_indexes' }, m.live.interimIndex)
    },
  }
}
