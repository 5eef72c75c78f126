/**
 * Load benchmark (issue 11, "No request can crash or freeze the server"): `quiver serve` as a child
 * process (test/support/serve-child.ts) on a fresh data directory, `--rows` × `--dim` loaded through the
 * official Node SDK, HNSW built; then
 * - phase A (unloaded): `--clients` SDK clients mixing upsert (10 % of the operations, batches of
 *   `--batch`), search (nq 1, limit 10, ef 64) and query (a filter on a scalar with no index, limit 100)
 *   for `--minutes`, with a `/healthz` probe every 50 ms;
 * - phase S (solo): each heavy request once, alone (only the /healthz probe beside it);
 * - phase B (loaded): phase A's mix, plus one more client looping over the heavy requests, sent as
 *   pre-encoded protobuf bytes over a plain grpc-js connection and counted by answer (ok / 1100 / other).
 * Reports per phase and operation: count, errors, p50/p99/max; /healthz p50/p99/max; the server's RSS
 * every 5 s; stalls of the server's event loop (a probe preloaded with --import, no server code
 * changed), per heavy request in flight; the ratios B/A; with `--cpu-prof-dir`, what the server's main
 * thread ran while each heavy request held it. Prints Markdown.
 * Run: `npx tsx bench/load.ts [--minutes 5] [--rows 100000] [--dim 128]` (smoke: `--minutes 0.5 --rows 20000`,
 * ~3 min). More flags: `--clients 8`, `--batch 100` (rows per mixed upsert), `--upsert-share 0.1`,
 * `--search-share 0.75` (of the other operations), `--m 16`, `--ef-construction 200`,
 * `--heavy-deadline-ms 120000`, `--heavy-insert-rows 100000`, `--phases A,S,B`, `--json FILE` (every
 * latency, probe, stall and sample), `--cpu-prof-dir DIR` (the server's main thread profiled through the
 * inspector; prints what ran during its stalls). The heavy requests follow the server's limits
 * (`SEARCH_RESULTS_MAX`, `exprLimits`): past a limit they expect 1100, and the largest request each limit
 * allows is added as a "within limits" request.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import { join, resolve } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { Client, credentials, Metadata, type ClientUnaryCall, type ServiceError } from '@grpc/grpc-js'
import { DataType, MilvusClient } from '@zilliz/milvus2-sdk-node'
import type protobuf from 'protobufjs'
import { exprLimits } from '../src/expr/expr-limits.ts'
import { SEARCH_RESULTS_MAX } from '../src/engine/search-spec.ts'
import { loadMilvusProto, MILVUS_SERVICE } from '../src/server/grpc/milvus-proto.ts'
import { seededRandom } from '../src/vector/seeded-random.ts'
import { serveChild } from '../test/support/serve-child.ts'

// ---- configuration ------------------------------------------------------------------------------

interface Config {
  /** Length of each phase, in minutes. */
  readonly minutes: number
  readonly rows: number
  readonly dim: number
  /** Mixing clients (each its own SDK client and connection). */
  readonly clients: number
  /** Rows per mixed upsert. */
  readonly batchRows: number
  /** Share of the mixing clients' operations that are upserts. */
  readonly upsertShare: number
  /** Share of the other operations that are searches (the rest are queries). */
  readonly searchShare: number
  readonly hnswM: number
  readonly efConstruction: number
  readonly searchEf: number
  /** Deadline of each heavy request (the server stops the work past it). */
  readonly heavyDeadlineMs: number
  /** Rows of the heavy insert. */
  readonly heavyInsertRows: number
  readonly healthzEveryMs: number
  readonly rssEveryMs: number
  /** Server CPU profile directory (`--cpu-prof` on the server child); undefined = not profiled. */
  readonly cpuProfDir: string | undefined
  /** Everything measured, as JSON; undefined = not written. */
  readonly jsonFile: string | undefined
  /** Which phases run, in order (A, S, B). */
  readonly phases: readonly ('A' | 'S' | 'B')[]
}

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`)
  return i < 0 ? fallback : Number(process.argv[i + 1])
}
function textFlag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i < 0 ? undefined : process.argv[i + 1]
}

function configFromArgs(): Config {
  const rows = flag('rows', 100_000)
  return {
    minutes: flag('minutes', 5),
    rows,
    dim: flag('dim', 128),
    clients: flag('clients', 8),
    batchRows: flag('batch', 100),
    upsertShare: flag('upsert-share', 0.1),
    searchShare: flag('search-share', 0.75),
    hnswM: flag('m', 16),
    efConstruction: flag('ef-construction', 200),
    searchEf: 64,
    heavyDeadlineMs: flag('heavy-deadline-ms', 120_000),
    heavyInsertRows: flag('heavy-insert-rows', 100_000),
    healthzEveryMs: 50,
    rssEveryMs: 5_000,
    cpuProfDir: textFlag('cpu-prof-dir'),
    jsonFile: textFlag('json'),
    phases: (textFlag('phases') ?? 'A,S,B').split(',').map((p) => {
      if (p !== 'A' && p !== 'S' && p !== 'B') throw new Error(`--phases: A, S or B, got ${p}`)
      return p
    }),
  }
}

const COLLECTION = 'load'
const LOAD_BATCH_ROWS = 5_000
/** Key range of the heavy insert (its rows are deleted again after each insert). */
const HEAVY_KEY_BASE = 2_000_000_000
/** SDK calls of the setup and the mixing clients. */
const SDK_TIMEOUT_MS = 120_000
const INDEX_POLL_MS = 500
const INDEX_WAIT_MS_MAX = 1_800_000
const HEALTHZ_TIMEOUT_MS = 10_000
/** Untimed operations per mixing client before a phase starts. */
const WARMUP_OPS = 20
/** Server event-loop gaps longer than this (ms past the probe's 10 ms timer) are logged as stalls. */
const STALL_LOG_MS_MIN = 20
/** Operators one filter may have (`exprLimits.exprOperatorsMax` where the server has that limit). */
const OPERATORS_MAX = (exprLimits as unknown as Record<string, number | undefined>).exprOperatorsMax ?? Number.POSITIVE_INFINITY
/** Phase S ends after one pass over the heavy requests, or after this. */
const SOLO_MS_MAX = 900_000

// ---- shared helpers -----------------------------------------------------------------------------

interface OpStats {
  count: number
  errors: number
  /** Error answers by code or transport error name, with a first message. */
  errorKinds: Record<string, { count: number; first: string }>
  latenciesMs: number[]
}
const newOpStats = (): OpStats => ({ count: 0, errors: 0, errorKinds: {}, latenciesMs: [] })

function recordError(s: OpStats, kind: string, message: string): void {
  s.errors++
  const k = (s.errorKinds[kind] ??= { count: 0, first: message.slice(0, 200) })
  k.count++
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = Float64Array.from(values).sort()
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!
}

function sdkStatusCode(status: { code?: number; error_code?: string | number } | undefined): number {
  if (status === undefined) return -1
  if (typeof status.code === 'number' && status.code !== 0) return status.code
  return status.error_code === 'Success' || status.error_code === 0 || status.error_code === undefined ? 0 : -2
}

function startSelf(data: unknown): Worker {
  const self = import.meta.url
  if (!self.endsWith('.ts')) return new Worker(new URL(self), { workerData: data })
  const tsxApi = import.meta.resolve('tsx/esm/api')
  const boot = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(self)}) })`
  return new Worker(boot, { eval: true, workerData: data })
}

/** A worker of this file: `ready` once it is set up; `run` starts one timed run and resolves with its result. */
interface WorkerHandle<R> {
  readonly ready: Promise<void>
  run(message: RunMessage): Promise<R>
  /** Ends a worker that serves several runs (the heavy client). */
  end(): void
}
interface RunMessage {
  readonly endAtMs: number
  /** Heavy client: one pass over the requests instead of looping until `endAtMs`. */
  readonly onePass?: boolean
}

function runWorker<R>(data: MixData | HealthData | HeavyData): WorkerHandle<R> {
  const worker = startSelf(data)
  let failed: (e: Error) => void = () => {}
  let waiting: ((r: R) => void) | undefined
  const ready = new Promise<void>((resolve, reject) => {
    failed = reject
    worker.on('message', (m: { type: string; result?: R }) => {
      if (m.type === 'ready') resolve()
      if (m.type === 'done') waiting?.(m.result as R)
    })
  })
  const fail = (e: Error) => failed(e)
  worker.on('error', fail)
  worker.on('exit', (code) => fail(new Error(`worker ${data.role} exited with ${code}`)))
  return {
    ready,
    run: (message) =>
      new Promise<R>((resolve, reject) => {
        failed = reject
        waiting = resolve
        worker.postMessage(message)
      }),
    end: () => {
      worker.postMessage({ end: true })
      // A worker whose port still has a listener would keep this process alive: stop it after a grace.
      void sleep(2_000).then(() => worker.terminate())
    },
  }
}

/** The next run a worker is asked for (undefined: end). */
function nextRun(): Promise<RunMessage | undefined> {
  return new Promise((resolve) => parentPort!.once('message', (m: RunMessage & { end?: boolean }) => resolve(m.end === true ? undefined : m)))
}

/** Client-side event-loop delay of a worker (is the client itself the bottleneck?). */
function loopDelay(): { stop: () => { p99Ms: number; maxMs: number } } {
  const h = monitorEventLoopDelay({ resolution: 10 })
  h.enable()
  return {
    stop: () => {
      h.disable()
      return { p99Ms: h.percentile(99) / 1e6, maxMs: h.max / 1e6 }
    },
  }
}

// ---- worker: the mixing clients -----------------------------------------------------------------

interface MixData {
  readonly role: 'mix'
  readonly address: string
  readonly cfg: Config
  readonly seed: number
}
interface MixResult {
  readonly ops: Record<'upsert' | 'search' | 'query', OpStats>
  readonly upsertedRows: number
  readonly seconds: number
  readonly clientLoop: { p99Ms: number; maxMs: number }
}

async function mixWorker(d: MixData): Promise<void> {
  const { cfg } = d
  const random = seededRandom(d.seed)
  const vector = () => Array.from({ length: cfg.dim }, () => random() * 2 - 1)
  const clients = Array.from(
    { length: cfg.clients },
    () => new MilvusClient({ address: d.address, timeout: SDK_TIMEOUT_MS, logLevel: 'error', maxRetries: 0, pool: { min: 1, max: 1 }, channelOptions: { 'grpc.use_local_subchannel_pool': 1 } }),
  )
  await Promise.all(clients.map((c) => c.connectPromise))
  const extraKeys = Math.max(1, Math.floor(cfg.rows / 10))
  const cursors = clients.map((_, c) => Math.floor((c * extraKeys) / cfg.clients))
  let version = 0
  /** 90 % existing keys (distinct, random), 10 % keys from [rows, rows + rows/10), cycling: new on the first pass. */
  const upsertRows = (c: number) => {
    const keys = new Set<number>()
    const fresh = Math.max(1, Math.round(cfg.batchRows / 10))
    while (keys.size < cfg.batchRows - fresh) keys.add(Math.floor(random() * cfg.rows))
    for (let i = 0; i < fresh; i++) {
      keys.add(cfg.rows + cursors[c]!)
      cursors[c] = (cursors[c]! + 1) % extraKeys
    }
    version++
    return [...keys].map((id) => ({ id, n: id % 1000, title: `row ${id} v${version}`, vec: vector() }))
  }
  const ops = { upsert: newOpStats(), search: newOpStats(), query: newOpStats() }
  let upsertedRows = 0
  type Op = keyof typeof ops
  const callOp = async (c: number, op: Op): Promise<{ code: number; reason: string }> => {
    const client = clients[c]!
    if (op === 'upsert') {
      const data = upsertRows(c)
      const r = await client.upsert({ collection_name: COLLECTION, data })
      if (sdkStatusCode(r.status) === 0) upsertedRows += data.length
      return { code: sdkStatusCode(r.status), reason: r.status.reason }
    }
    if (op === 'search') {
      const r = await client.search({ collection_name: COLLECTION, data: [vector()], limit: 10, params: { ef: cfg.searchEf }, output_fields: ['id'] })
      const code = sdkStatusCode(r.status)
      if (code === 0 && r.results.length === 0) return { code: -3, reason: 'search answered no hits' }
      return { code, reason: r.status.reason }
    }
    const r = await client.query({ collection_name: COLLECTION, filter: `n == ${Math.floor(random() * 1000)}`, limit: 100, output_fields: ['id', 'n'] })
    return { code: sdkStatusCode(r.status), reason: r.status.reason }
  }
  const pickOp = (): Op => (random() < cfg.upsertShare ? 'upsert' : random() < cfg.searchShare ? 'search' : 'query')
  // Warm-up (untimed): every client searches and queries a few times.
  await Promise.all(clients.map(async (_, c) => { for (let i = 0; i < WARMUP_OPS; i++) await callOp(c, random() < cfg.searchShare ? 'search' : 'query') }))
  parentPort!.postMessage({ type: 'ready' })
  const { endAtMs } = (await nextRun())!
  const loop = loopDelay()
  const startedMs = Date.now()
  await Promise.all(
    clients.map(async (_, c) => {
      while (Date.now() < endAtMs) {
        const op = pickOp()
        const s = ops[op]
        const t = performance.now()
        try {
          const r = await callOp(c, op)
          s.latenciesMs.push(performance.now() - t)
          s.count++
          if (r.code !== 0) recordError(s, `code ${r.code}`, r.reason)
        } catch (e) {
          s.latenciesMs.push(performance.now() - t)
          s.count++
          recordError(s, `transport ${(e as ServiceError).code ?? (e as Error).name}`, (e as Error).message)
        }
      }
    }),
  )
  const result: MixResult = { ops, upsertedRows, seconds: (Date.now() - startedMs) / 1000, clientLoop: loop.stop() }
  for (const c of clients) await c.closeConnection()
  parentPort!.postMessage({ type: 'done', result })
}

// ---- worker: the /healthz probe -----------------------------------------------------------------

interface HealthData {
  readonly role: 'health'
  readonly opsUrl: string
  readonly cfg: Config
}
interface HealthResult {
  readonly stats: OpStats
  /** Start (epoch ms) and latency of every probe. */
  readonly probes: { atMs: number; ms: number }[]
  readonly clientLoop: { p99Ms: number; maxMs: number }
}

/** One GET /healthz on a new connection (as an orchestrator's probe): its status code. */
function probe(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: HEALTHZ_TIMEOUT_MS }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`no answer in ${HEALTHZ_TIMEOUT_MS} ms`)))
    req.on('error', reject)
  })
}

async function healthWorker(d: HealthData): Promise<void> {
  const url = `${d.opsUrl}/healthz`
  for (let i = 0; i < 5; i++) await probe(url)
  parentPort!.postMessage({ type: 'ready' })
  const { endAtMs } = (await nextRun())!
  let ended = false
  void nextRun().then(() => {
    ended = true
  })
  const stats = newOpStats()
  const all: { atMs: number; ms: number }[] = []
  const loop = loopDelay()
  let nextMs = performance.now()
  while (!ended && Date.now() < endAtMs) {
    const atMs = Date.now()
    const t = performance.now()
    try {
      const status = await probe(url)
      if (status !== 200) recordError(stats, `http ${status}`, '')
    } catch (e) {
      recordError(stats, 'transport', (e as Error).message)
    }
    const ms = performance.now() - t
    stats.latenciesMs.push(ms)
    stats.count++
    all.push({ atMs, ms })
    nextMs += d.cfg.healthzEveryMs
    const now = performance.now()
    if (nextMs < now) nextMs = now
    await sleep(nextMs - now)
  }
  parentPort!.postMessage({ type: 'done', result: { stats, probes: all, clientLoop: loop.stop() } satisfies HealthResult })
}

// ---- worker: the heavy client -------------------------------------------------------------------

interface HeavyData {
  readonly role: 'heavy'
  readonly address: string
  readonly cfg: Config
}
/** One heavy request as sent: the RPC, its pre-encoded bytes, what the issue expects of it. */
interface HeavyRequest {
  readonly kind: string
  readonly rpc: 'Search' | 'Query' | 'Insert' | 'Delete'
  readonly bytes: Buffer
  /** `refused`: past a limit, 1100 expected at once; `allowed`: within the limits, real work. */
  readonly expect: 'refused' | 'allowed'
}
interface HeavyKindStats {
  readonly kind: string
  readonly expect: string
  requestBytes: number
  count: number
  ok: number
  refused1100: number
  /** Other Milvus codes (65535 among them), by code. */
  otherCodes: Record<string, number>
  /** gRPC errors (no answer), by gRPC status. */
  transport: Record<string, number>
  /** In flight when the phase ended (cancelled by the client; not an answer). */
  cancelledAtEnd: number
  latenciesMs: number[]
  responseBytes: number[]
  firstReason: Record<string, string>
}
interface HeavyCall {
  readonly kind: string
  readonly startMs: number
  readonly endMs: number
}
interface HeavyResult {
  readonly kinds: HeavyKindStats[]
  readonly calls: HeavyCall[]
  readonly prepareMs: number
  readonly clientLoop: { p99Ms: number; maxMs: number }
}

function requestType(root: protobuf.Root, rpc: string): protobuf.Type {
  const m = root.lookupService(MILVUS_SERVICE).methods[rpc]!
  m.resolve()
  return m.resolvedRequestType!
}

function heavyRequests(cfg: Config): HeavyRequest[] {
  const { root } = loadMilvusProto()
  const random = seededRandom(1234)
  const encode = (rpc: HeavyRequest['rpc'], body: Record<string, unknown>): Buffer => {
    const type = requestType(root, rpc)
    return Buffer.from(type.encode(type.fromObject(body)).finish())
  }
  const kv = (key: string, value: string) => ({ key, value })
  const placeholderType = root.lookupType('milvus.proto.common.PlaceholderGroup')
  const search = (nq: number, limit: number, ef: number) => {
    const values = Array.from({ length: nq }, () => {
      const v = new Float32Array(cfg.dim)
      for (let k = 0; k < cfg.dim; k++) v[k] = random() * 2 - 1
      return new Uint8Array(v.buffer)
    })
    const group = placeholderType.encode(placeholderType.fromObject({ placeholders: [{ tag: '$0', type: 'FloatVector', values }] })).finish()
    return encode('Search', {
      collection_name: COLLECTION,
      dsl: '',
      dsl_type: 'BoolExprV1',
      placeholder_group: group,
      nq,
      search_params: [kv('anns_field', 'vec'), kv('topk', String(limit)), kv('metric_type', 'L2'), kv('params', JSON.stringify({ ef })), kv('round_decimal', '-1')],
      output_fields: ['id'],
      consistency_level: 'Bounded',
      use_default_consistency: true,
    })
  }
  const query = (expr: string, outputFields: string[], limit?: number) =>
    encode('Query', { collection_name: COLLECTION, expr, output_fields: outputFields, query_params: limit === undefined ? [] : [kv('limit', String(limit))], consistency_level: 'Bounded', use_default_consistency: true })
  const list = (n: number, at: (i: number) => number) => {
    const parts = new Array<string>(n)
    for (let i = 0; i < n; i++) parts[i] = String(at(i))
    return `[${parts.join(',')}]`
  }
  const hits = (nq: number, limit: number) => (nq * limit > SEARCH_RESULTS_MAX ? 'refused' : 'allowed')
  const out: HeavyRequest[] = [
    { kind: 'search nq 16384 × limit 100', rpc: 'Search', bytes: search(16_384, 100, 100), expect: hits(16_384, 100) },
    { kind: 'search nq 1000 × limit 16384', rpc: 'Search', bytes: search(1_000, 16_384, 16_384), expect: hits(1_000, 16_384) },
    { kind: 'search nq 10000 × limit 100', rpc: 'Search', bytes: search(10_000, 100, 100), expect: hits(10_000, 100) },
  ]
  if (10_000 * 100 > SEARCH_RESULTS_MAX) {
    const nq = Math.floor(SEARCH_RESULTS_MAX / 100)
    out.push({ kind: `search nq ${nq} × limit 100 (most hits allowed)`, rpc: 'Search', bytes: search(nq, 100, 100), expect: hits(nq, 100) })
  }
  out.push({ kind: 'query id in [0..999999], no limit', rpc: 'Query', bytes: query(`id in ${list(1_000_000, (i) => i)}`, ['id']), expect: 1_000_000 > exprLimits.inListLengthMax ? 'refused' : 'allowed' })
  if (exprLimits.inListLengthMax < 1_000_000) {
    const n = exprLimits.inListLengthMax
    out.push({ kind: `query id in [${n.toLocaleString('en-US')} keys] (longest list allowed), no limit`, rpc: 'Query', bytes: query(`id in ${list(n, (i) => i * 3)}`, ['id']), expect: 'allowed' })
  }
  // An and chain of `terms` comparisons has 2·terms − 1 operators.
  const chain = (terms: number) => Array.from({ length: terms }, (_, i) => `id != ${-1 - i}`).join(' and ')
  const chainExpect = (terms: number) => (2 * terms - 1 > OPERATORS_MAX || chain(terms).length > exprLimits.exprLengthCharsMax ? 'refused' : 'allowed')
  out.push({ kind: '200,000-term and chain, limit 100', rpc: 'Query', bytes: query(chain(200_000), ['id'], 100), expect: chainExpect(200_000) })
  if (OPERATORS_MAX < 2 * 200_000 - 1) {
    const terms = Math.floor((OPERATORS_MAX + 1) / 2)
    out.push({ kind: `${terms.toLocaleString('en-US')}-term and chain (most operators allowed), limit 100`, rpc: 'Query', bytes: query(chain(terms), ['id'], 100), expect: chainExpect(terms) })
  }
  out.push({ kind: 'query 16384 rows, all fields', rpc: 'Query', bytes: query('n >= 0', ['id', 'n', 'title', 'vec'], 16_384), expect: 'allowed' })
  // The 100k-row insert of fresh keys, then their delete (so the collection keeps its size loop after loop).
  const n = cfg.heavyInsertRows
  const insertType = requestType(root, 'Insert')
  const ids = Array.from({ length: n }, (_, i) => HEAVY_KEY_BASE + i)
  const msg = insertType.fromObject({
    collection_name: COLLECTION,
    num_rows: n,
    fields_data: [
      { type: 'Int64', field_name: 'id', scalars: { long_data: { data: ids } } },
      { type: 'Int64', field_name: 'n', scalars: { long_data: { data: ids.map((id) => id % 1000) } } },
      { type: 'VarChar', field_name: 'title', scalars: { string_data: { data: ids.map((id) => `heavy ${id}`) } } },
      { type: 'FloatVector', field_name: 'vec', vectors: { dim: cfg.dim, float_vector: { data: [] } } },
    ],
  }) as unknown as { fields_data: { vectors: { float_vector: { data: ArrayLike<number> } } }[] }
  const floats = new Float32Array(n * cfg.dim)
  for (let i = 0; i < floats.length; i++) floats[i] = random() * 2 - 1
  msg.fields_data[3]!.vectors.float_vector.data = floats
  out.push({ kind: `insert ${n.toLocaleString('en-US')} rows`, rpc: 'Insert', bytes: Buffer.from(insertType.encode(msg).finish()), expect: 'allowed' })
  out.push({ kind: `delete those ${n.toLocaleString('en-US')} rows (by range)`, rpc: 'Delete', bytes: encode('Delete', { collection_name: COLLECTION, expr: `id >= ${HEAVY_KEY_BASE} and id < ${HEAVY_KEY_BASE + n}` }), expect: 'allowed' })
  return out
}

/** The `common.Status` of a response (field 1 of every response the heavy client sends), without decoding the rest. */
function statusOfResponse(root: protobuf.Root, buf: Buffer): { code: number; reason: string } {
  const statusType = root.lookupType('milvus.proto.common.Status')
  let at = 0
  const varint = () => {
    let v = 0
    let shift = 0
    for (;;) {
      const b = buf[at++]!
      v += (b & 0x7f) * 2 ** shift
      if ((b & 0x80) === 0) return v
      shift += 7
    }
  }
  while (at < buf.length) {
    const tag = varint()
    const field = Math.floor(tag / 8)
    const wire = tag & 7
    if (wire === 0) varint()
    else if (wire === 1) at += 8
    else if (wire === 5) at += 4
    else if (wire === 2) {
      const len = varint()
      if (field === 1) {
        const s = statusType.toObject(statusType.decode(buf.subarray(at, at + len)), { enums: Number, defaults: true }) as { code: number; error_code: number; reason: string }
        return { code: s.code !== 0 ? s.code : s.error_code === 0 ? 0 : -(s.error_code), reason: s.reason }
      }
      at += len
    } else break
  }
  return { code: 0, reason: '' }
}

async function heavyWorker(d: HeavyData): Promise<void> {
  const started = performance.now()
  const requests = heavyRequests(d.cfg)
  const prepareMs = performance.now() - started
  const { services } = loadMilvusProto()
  const client = new Client(d.address, credentials.createInsecure(), { 'grpc.max_send_message_length': -1, 'grpc.max_receive_message_length': -1, 'grpc.use_local_subchannel_pool': 1 })
  let inFlight: ClientUnaryCall | undefined
  const send = (r: HeavyRequest): Promise<{ err: ServiceError | null; raw: Buffer | undefined }> =>
    new Promise((resolve) => {
      inFlight = client.makeUnaryRequest(services.milvus[r.rpc]!.path, (b: Buffer) => b, (b: Buffer) => b, r.bytes, new Metadata(), { deadline: Date.now() + d.cfg.heavyDeadlineMs }, (err, raw) => resolve({ err, raw }))
    })
  parentPort!.postMessage({ type: 'ready' })
  for (let run = await nextRun(); run !== undefined; run = await nextRun()) {
    const result = await heavyRun(run, requests, send, () => inFlight?.cancel(), () => { inFlight = undefined })
    parentPort!.postMessage({ type: 'done', result: { ...result, prepareMs } satisfies HeavyResult })
  }
  client.close()
}

/** One heavy run: loops over the requests until `endAtMs` (or once), cancelling the one in flight at the end. */
async function heavyRun(
  run: RunMessage,
  requests: readonly HeavyRequest[],
  send: (r: HeavyRequest) => Promise<{ err: ServiceError | null; raw: Buffer | undefined }>,
  cancel: () => void,
  sent: () => void,
): Promise<Omit<HeavyResult, 'prepareMs'>> {
  const { root } = loadMilvusProto()
  const kinds = requests.map(
    (r): HeavyKindStats => ({ kind: r.kind, expect: r.expect, requestBytes: r.bytes.length, count: 0, ok: 0, refused1100: 0, otherCodes: {}, transport: {}, cancelledAtEnd: 0, latenciesMs: [], responseBytes: [], firstReason: {} }),
  )
  const calls: HeavyCall[] = []
  let stopping = false
  const { endAtMs } = run
  const loop = loopDelay()
  const timer = setTimeout(() => {
    stopping = true
    cancel()
  }, endAtMs - Date.now())
  for (let pass = 0; !stopping && Date.now() < endAtMs && (run.onePass !== true || pass < 1); pass++) {
    for (let i = 0; i < requests.length && !stopping; i++) {
      const r = requests[i]!
      const s = kinds[i]!
      const startMs = Date.now()
      const t = performance.now()
      const { err, raw } = await send(r)
      const ms = performance.now() - t
      sent()
      calls.push({ kind: r.kind, startMs, endMs: Date.now() })
      if (err !== null && stopping && err.code === 1) {
        s.cancelledAtEnd++
        break
      }
      s.count++
      s.latenciesMs.push(ms)
      if (err !== null) {
        s.transport[err.code] = (s.transport[err.code] ?? 0) + 1
        s.firstReason[`grpc ${err.code}`] ??= err.message.slice(0, 200)
        continue
      }
      s.responseBytes.push(raw!.length)
      const status = statusOfResponse(root, raw!)
      if (status.code === 0) s.ok++
      else if (status.code === 1100) s.refused1100++
      else s.otherCodes[status.code] = (s.otherCodes[status.code] ?? 0) + 1
      if (status.code !== 0) s.firstReason[String(status.code)] ??= status.reason.slice(0, 200)
    }
  }
  clearTimeout(timer)
  return { kinds, calls, clientLoop: loop.stop() }
}

// ---- the server's event-loop probe (preloaded into the server child, no server code changed) ------

/**
 * Preloaded with `--import` into the server process (main thread only): every 10 ms a timer notes how
 * late it fired and what the main thread did meanwhile (`/proc/self/task/<pid>/schedstat`: time on a
 * CPU, time waiting for one); a gap > STALL_LOG_MS_MIN is printed as a stall, with its end in epoch ms.
 * Every 5 s it prints the event-loop delay (perf_hooks `monitorEventLoopDelay`) p99 and max.
 */
const PROBE_SOURCE = `
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { isMainThread } from 'node:worker_threads'
import { readFileSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'
if (isMainThread) {
  const profDir = process.env.LOADPROBE_CPU_PROF_DIR
  if (profDir) {
    // --cpu-prof is not allowed in NODE_OPTIONS: the same sampling profiler through the inspector,
    // written when the process exits (the in-thread session answers synchronously).
    const session = new Session()
    session.connect()
    session.post('Profiler.enable')
    session.post('Profiler.setSamplingInterval', { interval: 1000 })
    session.post('Profiler.start')
    process.on('exit', () => session.post('Profiler.stop', (err, r) => { if (!err) writeFileSync(profDir + '/main-thread.cpuprofile', JSON.stringify(r.profile)) }))
  }
  const path = '/proc/self/task/' + process.pid + '/schedstat'
  const sched = () => { try { const p = readFileSync(path, 'utf8').split(' '); return [Number(p[0]) / 1e6, Number(p[1]) / 1e6] } catch { return [NaN, NaN] } }
  const out = (kind, o) => process.stderr.write('LOADPROBE ' + kind + ' ' + JSON.stringify(o) + '\\n')
  out('CLOCK', { epochMs: Date.now(), hrMs: Number(process.hrtime.bigint() / 1000n) / 1000 })
  const h = monitorEventLoopDelay({ resolution: 10 })
  h.enable()
  let last = performance.now()
  let lastSched = sched()
  setInterval(() => {
    const now = performance.now()
    const s = sched()
    const lateMs = now - last - 10
    if (lateMs > ${STALL_LOG_MS_MIN}) out('STALL', { endMs: Date.now(), ms: +lateMs.toFixed(1), cpuMs: +(s[0] - lastSched[0]).toFixed(1), waitMs: +(s[1] - lastSched[1]).toFixed(1) })
    last = now
    lastSched = s
  }, 10).unref()
  setInterval(() => { out('ELD', { epochMs: Date.now(), p99Ms: h.percentile(99) / 1e6, maxMs: h.max / 1e6 }); h.reset() }, 5000).unref()
}
`

interface Stall {
  readonly endMs: number
  readonly ms: number
  readonly cpuMs: number
  readonly waitMs: number
}

function probeLines(stderr: string, kind: string): unknown[] {
  const prefix = `LOADPROBE ${kind} `
  return stderr
    .split('\n')
    .filter((l) => l.startsWith(prefix))
    .map((l) => JSON.parse(l.slice(prefix.length)) as unknown)
}

// ---- main: setup, phases, report ----------------------------------------------------------------

interface Sample {
  readonly tS: number
  readonly phase: string
  readonly rssMb: number
  /** Server CPU over the last interval, % of one core (all its threads). */
  readonly cpuPct: number
  readonly load1: number
}

interface Phase {
  /** A: the mix alone; S: each heavy request once, alone; B: the mix and the heavy client. */
  readonly name: 'A' | 'S' | 'B'
  readonly startMs: number
  readonly endMs: number
  readonly mix?: MixResult
  readonly health: HealthResult
  readonly heavy?: HeavyResult
}

function procStatus(pid: number): { rssMb: number; cpuS: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN)
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])
  return { rssMb: rssKb / 1024, cpuS: ticks / 100 }
}

async function main(): Promise<void> {
  const cfg = configFromArgs()
  const startedAt = new Date()
  // The code the server runs: read before it starts (others may commit or edit while this runs).
  const code = gitState()
  const dir = mkdtempSync(join(os.tmpdir(), 'quiver-load-'))
  const probeFile = join(dir, 'loop-probe.mjs')
  writeFileSync(probeFile, PROBE_SOURCE)
  const dataDir = join(dir, 'data')
  const nodeOptions = [process.env.NODE_OPTIONS ?? '', `--import=${pathToFileURL(probeFile).href}`].join(' ').trim()
  if (cfg.cpuProfDir !== undefined) mkdirSync(cfg.cpuProfDir, { recursive: true })
  const log = (m: string) => process.stderr.write(`[load ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s] ${m}\n`)
  const served = await serveChild(dataDir, ['--log-level', 'warn'], { NODE_OPTIONS: nodeOptions, ...(cfg.cpuProfDir === undefined ? {} : { LOADPROBE_CPU_PROF_DIR: resolve(cfg.cpuProfDir) }) }).catch((e: unknown) => {
    rmSync(dir, { recursive: true, force: true })
    throw e
  })
  const pid = served.child.pid!
  log(`server pid ${pid} on ${served.address}, ops ${served.opsUrl}`)
  const samples: Sample[] = []
  let phaseName = 'setup'
  let lastCpu = procStatus(pid).cpuS
  let lastSampleMs = Date.now()
  const sampler = setInterval(() => {
    try {
      const p = procStatus(pid)
      const now = Date.now()
      samples.push({ tS: (now - startedAt.getTime()) / 1000, phase: phaseName, rssMb: p.rssMb, cpuPct: (100 * (p.cpuS - lastCpu)) / ((now - lastSampleMs) / 1000), load1: os.loadavg()[0]! })
      lastCpu = p.cpuS
      lastSampleMs = now
    } catch {
      // the server exited: the phase reports it
    }
  }, cfg.rssEveryMs)
  const setup = { insertMs: 0, flushMs: 0, indexMs: 0 }
  const phases: Phase[] = []
  try {
    // -- setup: rows through the SDK, HNSW, load, wait for the index --
    const sdk = new MilvusClient({ address: served.address, timeout: SDK_TIMEOUT_MS, logLevel: 'error' })
    await sdk.connectPromise
    const must = (s: { error_code?: string | number; code?: number; reason?: string }, what: string) => {
      if (sdkStatusCode(s) !== 0) throw new Error(`${what}: ${JSON.stringify(s)}`)
    }
    must(
      await sdk.createCollection({
        collection_name: COLLECTION,
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true },
          { name: 'n', data_type: DataType.Int64 },
          { name: 'title', data_type: DataType.VarChar, max_length: 64 },
          { name: 'vec', data_type: DataType.FloatVector, dim: cfg.dim },
        ],
      }),
      'createCollection',
    )
    const random = seededRandom(42)
    for (let s = 0; s < cfg.rows; s += LOAD_BATCH_ROWS) {
      const data = Array.from({ length: Math.min(LOAD_BATCH_ROWS, cfg.rows - s) }, (_, i) => ({ id: s + i, n: (s + i) % 1000, title: `row ${s + i} v0`, vec: Array.from({ length: cfg.dim }, () => random() * 2 - 1) }))
      const t = performance.now()
      const r = await sdk.insert({ collection_name: COLLECTION, data })
      setup.insertMs += performance.now() - t
      must(r.status, 'insert')
    }
    log(`inserted ${cfg.rows} rows in ${(setup.insertMs / 1000).toFixed(1)} s`)
    let t = performance.now()
    await sdk.flushSync({ collection_names: [COLLECTION] })
    setup.flushMs = performance.now() - t
    t = performance.now()
    must(await sdk.createIndex({ collection_name: COLLECTION, field_name: 'vec', index_type: 'HNSW', metric_type: 'L2', params: { M: cfg.hnswM, efConstruction: cfg.efConstruction } }), 'createIndex')
    must(await sdk.loadCollectionSync({ collection_name: COLLECTION }), 'loadCollection')
    for (;;) {
      const r = await sdk.describeIndex({ collection_name: COLLECTION, field_name: 'vec' })
      const d = r.index_descriptions[0]
      if (d !== undefined && Number(d.indexed_rows) >= cfg.rows && Number(d.pending_index_rows ?? 0) === 0) break
      if (performance.now() - t > INDEX_WAIT_MS_MAX) throw new Error(`index not built within ${INDEX_WAIT_MS_MAX} ms`)
      await sleep(INDEX_POLL_MS)
    }
    setup.indexMs = performance.now() - t
    log(`flush ${(setup.flushMs / 1000).toFixed(1)} s, HNSW built in ${(setup.indexMs / 1000).toFixed(1)} s`)
    await sdk.closeConnection()

    // -- phases: A (mix), S (heavy requests once, alone), B (mix + heavy client) --
    // The heavy client builds its requests first (tens of seconds of this process's CPU), before any phase.
    const heavy = runWorker<HeavyResult>({ role: 'heavy', address: served.address, cfg } satisfies HeavyData)
    await heavy.ready
    const runPhase = async (name: Phase['name']): Promise<Phase> => {
      const mix = name === 'S' ? undefined : runWorker<MixResult>({ role: 'mix', address: served.address, cfg, seed: name === 'A' ? 7 : 8 } satisfies MixData)
      const health = runWorker<HealthResult>({ role: 'health', opsUrl: served.opsUrl, cfg } satisfies HealthData)
      await Promise.all([mix?.ready, health.ready])
      const startMs = Date.now() + 200
      const endAtMs = startMs + (name === 'S' ? SOLO_MS_MAX : cfg.minutes * 60_000)
      const healthDone = health.run({ endAtMs })
      const mixDone = mix?.run({ endAtMs })
      const heavyDone = name === 'A' ? undefined : heavy.run({ endAtMs, onePass: name === 'S' })
      await sleep(200)
      phaseName = name
      log(`phase ${name}: ${name === 'S' ? 'each heavy request once, alone' : `${cfg.minutes} min${name === 'B' ? ' with the heavy client' : ''}`}`)
      const heavyResult = await heavyDone
      if (name === 'S') health.end()
      const [mixResult, healthResult] = await Promise.all([mixDone, healthDone])
      mix?.end()
      health.end()
      phaseName = 'between'
      log(`phase ${name} done`)
      return { name, startMs, endMs: Date.now(), health: healthResult, ...(mixResult === undefined ? {} : { mix: mixResult }), ...(heavyResult === undefined ? {} : { heavy: heavyResult }) }
    }
    for (const name of cfg.phases) phases.push(await runPhase(name))
    heavy.end()
  } finally {
    clearInterval(sampler)
    const code = await served.stop()
    log(`server stopped (exit ${code})`)
  }
  const stderr = served.stderr()
  const report = formatReport(cfg, startedAt, code, setup, phases, samples, stderr)
  console.log(report)
  if (cfg.jsonFile !== undefined) writeFileSync(cfg.jsonFile, JSON.stringify({ cfg, setup, phases, samples, stalls: probeLines(stderr, 'STALL'), eld: probeLines(stderr, 'ELD'), clock: probeLines(stderr, 'CLOCK') }))
  if (cfg.cpuProfDir !== undefined) console.log(`\n${profileReport(cfg.cpuProfDir, phases, probeLines(stderr, 'STALL') as Stall[], probeLines(stderr, 'CLOCK')[0] as { epochMs: number; hrMs: number } | undefined)}`)
  rmSync(dir, { recursive: true, force: true })
}

// ---- report -------------------------------------------------------------------------------------

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–')
const ms = (n: number) => fmt(n, n < 10 ? 2 : 1)

function errorText(s: OpStats): string {
  if (s.errors === 0) return '0'
  return `${s.errors} (${Object.entries(s.errorKinds).map(([k, v]) => `${k}: ${v.count}, "${v.first}"`).join('; ')})`
}

/** The heavy request in flight at epoch `atMs`, if any. */
function heavyAt(calls: readonly HeavyCall[], fromMs: number, toMs: number): string {
  let best = 'none'
  let bestOverlap = 0
  for (const c of calls) {
    const overlap = Math.min(toMs, c.endMs) - Math.max(fromMs, c.startMs)
    if (overlap > bestOverlap) {
      best = c.kind
      bestOverlap = overlap
    }
  }
  return best
}

function gitState(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { encoding: 'utf8' }).split('\n').filter((l) => l.length > 3)
    if (dirty.length === 0) return head
    const diff = execFileSync('git', ['diff', 'HEAD', '--', 'src'], { encoding: 'utf8', maxBuffer: 1 << 28 })
    const hash = createHash('sha1').update(diff).digest('hex').slice(0, 10)
    return `${head} + uncommitted changes in ${dirty.length} paths under src/ (tracked diff sha1 ${hash}): ${dirty.map((l) => l.slice(3)).join(', ')}`
  } catch {
    return '?'
  }
}

function formatReport(cfg: Config, startedAt: Date, code: string, setup: { insertMs: number; flushMs: number; indexMs: number }, phases: readonly Phase[], samples: readonly Sample[], stderr: string): string {
  const lines: string[] = []
  const cpu = os.cpus()[0]?.model ?? '?'
  const loads = (phase: string) => samples.filter((s) => s.phase === phase).map((s) => s.load1)
  const range = (xs: number[]) => (xs.length === 0 ? '–' : `${fmt(Math.min(...xs), 1)}–${fmt(Math.max(...xs), 1)} (mean ${fmt(xs.reduce((a, b) => a + b, 0) / xs.length, 1)})`)
  const searchShare = (1 - cfg.upsertShare) * cfg.searchShare
  lines.push(
    `Machine: ${cpu}, ${os.cpus().length} cores, ${fmt(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`,
    `Date: ${startedAt.toISOString()} → ${new Date().toISOString()}; code: ${code}`,
    `Command: \`${['npx tsx bench/load.ts', ...process.argv.slice(2)].join(' ')}\``,
    `1-minute load average (every 5 s): setup ${range(loads('setup'))}, phase A ${range(loads('A'))}, phase S ${range(loads('S'))}, phase B ${range(loads('B'))}`,
    `Data: ${fmt(cfg.rows)} rows × dim ${cfg.dim} (id int64 key, n = id mod 1000 int64 without index, title varchar, vec), inserted through the SDK in batches of ${fmt(LOAD_BATCH_ROWS)} in ${fmt(setup.insertMs / 1000, 1)} s, flush ${fmt(setup.flushMs / 1000, 1)} s; HNSW M ${cfg.hnswM} efConstruction ${cfg.efConstruction}, L2: create + load + built in ${fmt(setup.indexMs / 1000, 1)} s`,
    `Mix: ${cfg.clients} SDK clients (own connections, no SDK retries), closed loops; per operation: upsert ${Math.round(cfg.upsertShare * 100)} % (${cfg.batchRows} rows: 90 % existing keys, 10 % from ${fmt(cfg.rows)}..${fmt(cfg.rows + cfg.rows / 10)} cycling), search ${Math.round(searchShare * 100)} % (nq 1, limit 10, ef ${cfg.searchEf}, output id), query ${Math.round((1 - cfg.upsertShare - searchShare) * 100)} % (\`n == k\`, limit 100, output id, n); /healthz every ${cfg.healthzEveryMs} ms on a new connection; ${cfg.minutes} min per phase`,
    '',
    '| phase | operation | count | per s | errors | p50 ms | p99 ms | max ms |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  )
  for (const p of phases) {
    const seconds = (p.endMs - p.startMs) / 1000
    for (const [op, s] of Object.entries(p.mix?.ops ?? {})) {
      lines.push(`| ${p.name} | ${op} | ${fmt(s.count)} | ${fmt(s.count / p.mix!.seconds, 1)} | ${errorText(s)} | ${ms(percentile(s.latenciesMs, 0.5))} | ${ms(percentile(s.latenciesMs, 0.99))} | ${ms(Math.max(...s.latenciesMs))} |`)
    }
    const h = p.health.stats
    lines.push(`| ${p.name} | /healthz | ${fmt(h.count)} | ${fmt(h.count / seconds, 1)} | ${errorText(h)} | ${ms(percentile(h.latenciesMs, 0.5))} | ${ms(percentile(h.latenciesMs, 0.99))} | ${ms(Math.max(...h.latenciesMs))} |`)
  }
  const a = phases.find((p) => p.name === 'A')
  const b = phases.find((p) => p.name === 'B')
  lines.push('')
  for (const p of phases) {
    const parts = [
      ...(p.mix === undefined ? [] : [`upserted ${fmt(p.mix.upsertedRows / p.mix.seconds)} rows/s`, `client-side event-loop delay p99/max: mixing clients ${ms(p.mix.clientLoop.p99Ms)}/${ms(p.mix.clientLoop.maxMs)} ms`]),
      `health probe ${ms(p.health.clientLoop.p99Ms)}/${ms(p.health.clientLoop.maxMs)} ms`,
      ...(p.heavy === undefined ? [] : [`heavy client ${ms(p.heavy.clientLoop.p99Ms)}/${ms(p.heavy.clientLoop.maxMs)} ms`]),
    ]
    lines.push(`Phase ${p.name} (${fmt((p.endMs - p.startMs) / 1000)} s): ${parts.join('; ')}.`)
  }
  const withHeavy = phases.filter((p) => p.heavy !== undefined)
  if (withHeavy.length > 0) {
    lines.push(
      '',
      `Heavy client (one connection; pre-encoded requests, ${fmt(withHeavy[0]!.heavy!.prepareMs / 1000, 1)} s to build; deadline ${fmt(cfg.heavyDeadlineMs / 1000)} s each; in this order; S = once alone, B = looped beside the mix):`,
      '',
      '| phase | heavy request | request MB | limits | sent | ok | refused 1100 | other code | transport error | cut at phase end | p50 ms | max ms | response MB (max) |',
      '|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    )
    for (const p of withHeavy) {
      for (const k of p.heavy!.kinds) {
        const others = Object.entries(k.otherCodes).map(([c, n]) => `${n} × ${c}`).join(', ') || '0'
        const transport = Object.entries(k.transport).map(([c, n]) => `${n} × grpc ${c}`).join(', ') || '0'
        lines.push(`| ${p.name} | ${k.kind} | ${fmt(k.requestBytes / 1e6, 1)} | ${k.expect === 'refused' ? 'past a limit' : 'within'} | ${k.count} | ${k.ok} | ${k.refused1100} | ${others} | ${transport} | ${k.cancelledAtEnd} | ${ms(percentile(k.latenciesMs, 0.5))} | ${ms(Math.max(...k.latenciesMs))} | ${k.responseBytes.length === 0 ? '–' : fmt(Math.max(...k.responseBytes) / 1e6, 1)} |`)
      }
    }
    const reasons = new Map<string, string>()
    for (const p of withHeavy) for (const k of p.heavy!.kinds) for (const [c, r] of Object.entries(k.firstReason)) reasons.set(`${k.kind}, ${c}`, r)
    if (reasons.size > 0) lines.push('', 'First answer per non-ok code:', ...[...reasons].map(([k, r]) => `- ${k}: ${r}`))
  }
  if (a?.mix !== undefined && b?.mix !== undefined) {
    lines.push('', '| target | phase A | phase B | B / A | verdict |', '|---|---:|---:|---:|---|')
    for (const op of ['upsert', 'search', 'query'] as const) {
      const pa = percentile(a.mix.ops[op].latenciesMs, 0.99)
      const pb = percentile(b.mix.ops[op].latenciesMs, 0.99)
      lines.push(`| ${op} p99 ≤ 3× unloaded | ${ms(pa)} ms | ${ms(pb)} ms | ${fmt(pb / pa, 2)}× | ${pb <= 3 * pa ? 'met' : 'missed'} |`)
    }
    const ha = percentile(a.health.stats.latenciesMs, 0.99)
    const hb = percentile(b.health.stats.latenciesMs, 0.99)
    lines.push(`| /healthz p99 ≤ 50 ms under load | ${ms(ha)} ms | ${ms(hb)} ms | ${fmt(hb / ha, 2)}× | ${hb <= 50 ? 'met' : 'missed'} |`)
    const errors = phases.map((p) => phaseErrors(p))
    lines.push(`| 0 errors (mix, /healthz, heavy: no 65535, no transport error; S and B counted in B) | ${errors[0]} | ${errors.slice(1).reduce((x, y) => x + y, 0)} | | ${errors.every((e) => e === 0) ? 'met' : 'missed'} |`)
  }
  lines.push('', ...stallReport(phases, probeLines(stderr, 'STALL') as Stall[]))
  lines.push('', ...rssReport(samples, probeLines(stderr, 'ELD') as { epochMs: number; p99Ms: number; maxMs: number }[], startedAt))
  return lines.join('\n')
}

function phaseErrors(p: Phase): number {
  const mix = Object.values(p.mix?.ops ?? {}).reduce((m, s) => m + s.errors, 0)
  const heavy = (p.heavy?.kinds ?? []).reduce((n, k) => n + Object.values(k.otherCodes).reduce((x, y) => x + y, 0) + Object.values(k.transport).reduce((x, y) => x + y, 0), 0)
  return mix + p.health.stats.errors + heavy
}

/** The server main thread's stalls per phase, and in phase B by the heavy request in flight. */
function stallReport(phases: readonly Phase[], stalls: readonly Stall[]): string[] {
  const lines = [
    `Server main-thread stalls (the preloaded probe's 10 ms timer late by > ${STALL_LOG_MS_MIN} ms; on CPU = the thread ran, waiting = it was runnable but had no core):`,
    '',
    '| phase | heavy request in flight | /healthz probes | /healthz p99 ms | /healthz max ms | stalls > 20 ms | > 50 ms | > 100 ms | longest ms | most on CPU in one stall ms | total ms | of it on CPU ms | waiting for a core ms |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ]
  for (const p of phases) {
    const inPhase = stalls.filter((s) => s.endMs >= p.startMs && s.endMs <= p.endMs)
    const kindOf = (fromMs: number, toMs: number) => (p.heavy === undefined ? '–' : heavyAt(p.heavy.calls, fromMs, toMs))
    const groups = new Map<string, { stalls: Stall[]; probesMs: number[] }>()
    const group = (kind: string) => groups.get(kind) ?? groups.set(kind, { stalls: [], probesMs: [] }).get(kind)!
    for (const s of inPhase) group(kindOf(s.endMs - s.ms, s.endMs)).stalls.push(s)
    for (const h of p.health.probes) group(kindOf(h.atMs, h.atMs + h.ms)).probesMs.push(h.ms)
    const order = p.heavy === undefined ? [] : p.heavy.kinds.map((k) => k.kind)
    const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length)
    for (const [kind, { stalls: g, probesMs }] of [...groups.entries()].sort((x, y) => rank(x[0]) - rank(y[0]))) {
      const sum = (f: (s: Stall) => number) => g.reduce((n, s) => n + f(s), 0)
      const most = (f: (s: Stall) => number) => (g.length === 0 ? 0 : Math.max(...g.map(f)))
      lines.push(`| ${p.name} | ${kind} | ${probesMs.length} | ${ms(percentile(probesMs, 0.99))} | ${ms(probesMs.length === 0 ? Number.NaN : Math.max(...probesMs))} | ${g.length} | ${g.filter((s) => s.ms > 50).length} | ${g.filter((s) => s.ms > 100).length} | ${ms(most((s) => s.ms))} | ${ms(most((s) => s.cpuMs))} | ${fmt(sum((s) => s.ms))} | ${fmt(sum((s) => s.cpuMs))} | ${fmt(sum((s) => s.waitMs))} |`)
    }
  }
  return lines
}

/** RSS and CPU of the server over time: one row per 30 s (the 5 s samples summarised). */
function rssReport(samples: readonly Sample[], eld: readonly { epochMs: number; p99Ms: number; maxMs: number }[], startedAt: Date): string[] {
  const lines = [
    'Server process over time (sampled every 5 s: VmRSS from /proc/<pid>/status, CPU from /proc/<pid>/stat; one row per 30 s: last RSS, max RSS, mean CPU, max event-loop delay from monitorEventLoopDelay):',
    '',
    '| t (s) | phase | RSS MB | max RSS MB | server CPU % | event-loop delay max ms | load avg 1 min |',
    '|---:|---|---:|---:|---:|---:|---:|',
  ]
  const windowS = 30
  for (let from = 0; from <= (samples.at(-1)?.tS ?? 0); from += windowS) {
    const w = samples.filter((s) => s.tS >= from && s.tS < from + windowS)
    if (w.length === 0) continue
    const last = w.at(-1)!
    const e = eld.filter((x) => (x.epochMs - startedAt.getTime()) / 1000 >= from && (x.epochMs - startedAt.getTime()) / 1000 < from + windowS)
    lines.push(`| ${fmt(last.tS)} | ${[...new Set(w.map((s) => s.phase))].join('/')} | ${fmt(last.rssMb)} | ${fmt(Math.max(...w.map((s) => s.rssMb)))} | ${fmt(w.reduce((n, s) => n + s.cpuPct, 0) / w.length)} | ${e.length === 0 ? '–' : ms(Math.max(...e.map((x) => x.maxMs)))} | ${fmt(last.load1, 1)} |`)
  }
  const peak = Math.max(...samples.map((s) => s.rssMb))
  lines.push('', `Peak RSS ${fmt(peak)} MB.`)
  return lines
}

// ---- CPU profile: what the server's main thread ran while a heavy request held it -----------------

interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
  readonly children?: number[]
}
interface Profile {
  readonly nodes: ProfileNode[]
  readonly startTime: number
  readonly samples: number[]
  readonly timeDeltas: number[]
}
/** One profile sample: when (epoch ms), for how long (ms), the function running and every function on its stack. */
interface ProfileSample {
  readonly atMs: number
  readonly ms: number
  readonly idle: boolean
  readonly self: string
  readonly stack: readonly string[]
}

function profileSamples(dir: string, clock: { epochMs: number; hrMs: number }): ProfileSample[] {
  const p = JSON.parse(readFileSync(join(dir, 'main-thread.cpuprofile'), 'utf8')) as Profile
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const keyOf = (n: ProfileNode) => {
    const url = n.callFrame.url.replace(/^file:\/\//, '').replace(/^.*\/work\/main\//, '').replace(/\?.*$/, '')
    return `${n.callFrame.functionName || '(anonymous)'}${url === '' ? '' : ` ${url}:${n.callFrame.lineNumber + 1}`}`
  }
  const stacks = new Map<number, string[]>()
  const stackOf = (id: number): string[] => {
    let st = stacks.get(id)
    if (st === undefined) {
      const keys = new Set<string>()
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) keys.add(keyOf(byId.get(at)!))
      st = [...keys]
      stacks.set(id, st)
    }
    return st
  }
  const out: ProfileSample[] = []
  let us = p.startTime
  for (let i = 0; i < p.samples.length; i++) {
    const delta = p.timeDeltas[i] ?? 0
    us += delta
    const n = byId.get(p.samples[i]!)!
    out.push({ atMs: clock.epochMs + (us / 1000 - clock.hrMs), ms: delta / 1000, idle: n.callFrame.functionName === '(idle)', self: keyOf(n), stack: stackOf(n.id) })
  }
  return out
}

/** Busy time, longest busy stretch, and the functions that took it, over the samples of one window. */
function summarise(samples: readonly ProfileSample[]): { busyMs: number; longestMs: number; self: string; frames: string } {
  let busyMs = 0
  let longestMs = 0
  let run = 0
  const self = new Map<string, number>()
  const inclusive = new Map<string, number>()
  for (const s of samples) {
    if (s.idle) {
      run = 0
      continue
    }
    busyMs += s.ms
    run += s.ms
    longestMs = Math.max(longestMs, run)
    self.set(s.self, (self.get(s.self) ?? 0) + s.ms)
    for (const k of s.stack) if (k.includes(' src/')) inclusive.set(k, (inclusive.get(k) ?? 0) + s.ms)
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m.entries()].sort((x, y) => y[1] - x[1]).slice(0, n).map(([k, v]) => `\`${k}\` ${fmt(v)}`).join(', ')
  return { busyMs, longestMs, self: top(self, 4), frames: top(inclusive, 6) }
}

/**
 * Where the server's main thread spent its time (`--cpu-prof-dir`), read at the stalls the probe saw
 * (a stall is an exact wall interval in which the event loop did not turn): in phase S, per heavy
 * request (alone), its busy time and what ran during its longest stall; in phases A and B, the stalls
 * with the most time on a CPU and what ran during each. `src/` frames by inclusive ms (a request's
 * handler, then what it calls), and the functions with the most self time.
 */
function profileReport(dir: string, phases: readonly Phase[], stalls: readonly Stall[], clock: { epochMs: number; hrMs: number } | undefined): string {
  if (clock === undefined) return '(no clock line from the server probe: the profile cannot be placed in time)'
  let samples: ProfileSample[]
  try {
    samples = profileSamples(dir, clock)
  } catch (e) {
    return `(no main-thread profile in ${dir}: ${(e as Error).message})`
  }
  const within = (fromMs: number, toMs: number) => samples.filter((x) => x.atMs >= fromMs && x.atMs <= toMs)
  const during = (st: Stall) => summarise(within(st.endMs - st.ms - 10, st.endMs))
  const lines: string[] = []
  const solo = phases.find((p) => p.name === 'S')
  if (solo?.heavy !== undefined) {
    lines.push(
      'Server main thread during each heavy request alone (phase S). Busy = profile samples (1 ms) not idle, whether the thread ran or waited for a core; the longest stall is the probe\'s (its on-CPU ms from schedstat), and what ran in it is read from the profile samples inside that interval:',
      '',
      '| heavy request | wall ms | main thread busy ms | longest stall ms (on CPU) | ran during that stall: src/ frames, inclusive ms | … most self time, ms |',
      '|---|---:|---:|---:|---|---|',
    )
    for (const c of solo.heavy.calls) {
      const busy = summarise(within(c.startMs, c.endMs + 5)).busyMs
      const own = stalls.filter((st) => st.endMs >= c.startMs && st.endMs - st.ms <= c.endMs).sort((x, y) => y.ms - x.ms)[0]
      const w = own === undefined ? undefined : during(own)
      lines.push(`| ${c.kind} | ${fmt(c.endMs - c.startMs)} | ${fmt(busy)} | ${own === undefined ? '–' : `${fmt(own.ms)} (${fmt(own.cpuMs)})`} | ${w?.frames ?? ''} | ${w?.self ?? ''} |`)
    }
  }
  for (const phase of phases.filter((p) => p.name !== 'S')) {
    const inPhase = stalls.filter((st) => st.endMs >= phase.startMs && st.endMs <= phase.endMs)
    const top = [...inPhase].sort((x, y) => y.cpuMs - x.cpuMs).slice(0, 10)
    lines.push(
      '',
      `Phase ${phase.name}: the ${top.length} stalls of the server main thread with the most time on a CPU (of ${inPhase.filter((st) => st.ms > 50).length} stalls > 50 ms), and what ran in them:`,
      '',
      '| stall ms | on CPU ms | heavy request in flight | src/ frames, inclusive ms | most self time, ms |',
      '|---:|---:|---|---|---|',
    )
    for (const st of top) {
      const w = during(st)
      lines.push(`| ${fmt(st.ms)} | ${fmt(st.cpuMs)} | ${phase.heavy === undefined ? '–' : heavyAt(phase.heavy.calls, st.endMs - st.ms, st.endMs)} | ${w.frames} | ${w.self} |`)
    }
  }
  return lines.join('\n')
}

// ---- entry --------------------------------------------------------------------------------------

if (isMainThread) {
  await main()
} else {
  const d = workerData as MixData | HealthData | HeavyData
  if (d.role === 'mix') await mixWorker(d)
  else if (d.role === 'health') await healthWorker(d)
  else await heavyWorker(d)
}
