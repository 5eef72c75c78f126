/**
 * Restart and shutdown benchmark (issue 11, finding 4). Times, on this machine:
 *  - **restart**: `quiver serve` (the compiled CLI, `dist/src/cli/main.js`) from process start to the
 *    first successful gRPC answer (`CheckHealth`), the first `count(*)` and the first search; and
 *    embedded `Quiver.open` in a fresh process (module load, open, first search). Data directories:
 *    `small` (5k × 128, HNSW, flushed), `small-wal` (the same rows only in the WAL, as a crash leaves
 *    them), `large` (200k × 128 flushed with its HNSW index, plus 50k rows only in the WAL).
 *  - **shutdown**: SIGTERM → process exit while the server is idle, while an index build runs, while a
 *    compaction runs, while 8 clients write, and all at once; then a restart on the same directory
 *    checks that every acknowledged row is there and that the cancelled work resumes.
 * Where the time goes comes from the server itself: its `serving` log line carries a `startup`
 * breakdown and its `stopped cleanly` line a `shutdown` breakdown (when the server has them).
 * Run: `npm run build && npx tsx bench/restart.ts [--small-rows 5000] [--large-rows 200000]
 * [--wal-rows 50000] [--runs 3] [--skip-large] [--skip-restart] [--skip-shutdown] [--fresh] [--keep]
 * [--dist label=path,label=path] [--per-gb]`. `--per-gb` adds embedded opens of a 1M-row directory without an
 * index (plus 250k rows in the WAL) and states open's cost per GiB of segment files and of WAL. `--dist` compares compiled builds (default: this checkout's `dist/`),
 * e.g. an older commit built in a git worktree: every measurement runs for each build in turn, so a
 * busy machine slows them alike.
 * Data directories are prepared once under `bench/data/restart/` (reused while their `ready` marker is
 * there; `--fresh` rebuilds them) and copied before every run, so each run sees the same files.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as grpc from '@grpc/grpc-js'
import { loadMilvusProto } from '../src/server/grpc/milvus-proto.ts'
import { DataType, Quiver } from '../src/index.ts'
import { seededRandom } from '../src/vector/seeded-random.ts'

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`)
  return i < 0 ? fallback : Number(process.argv[i + 1])
}
function textFlag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i < 0 ? undefined : process.argv[i + 1]
}

const DIM = 128
const HNSW = { M: 16, efConstruction: 64 }
const smallRows = flag('small-rows', 5_000)
const largeRows = flag('large-rows', 200_000)
const walRows = flag('wal-rows', 50_000)
const runs = flag('runs', 3)
const skipLarge = process.argv.includes('--skip-large')
const skipShutdown = process.argv.includes('--skip-shutdown')
/** Rows of the unindexed directory the index-build scenario builds on (a build of some seconds). */
const unindexedRows = flag('unindexed-rows', 100_000)
/** Segments × rows of the directory the compaction scenario merges. */
const fragmentSegments = 20
const fragmentRows = 10_000
/** Segments left once they are compacted: plans merge up to ~126k rows of this schema (64 MiB of rows). */
const compactedSegmentsMax = 2
const writerClients = 8
const writerBatchRows = 500
/** How long scenarios let their load run before SIGTERM (the compaction alone: less, so it still runs). */
const loadMs = flag('load-ms', 3_000)
const compactionLoadMs = 1_000
/** The server must answer within this time after its start. */
const startMsMax = 300_000
/** Waits for an index to cover every row, or a compaction to finish, after a restart. */
const resumeWaitMsMax = 600_000
/** A compaction that has not resumed by then is reported as not resumed. */
const compactionWaitMsMax = 60_000
const BENCH_DIR = fileURLToPath(new URL('./data/restart/', import.meta.url))

/** A compiled build to measure: its CLI and package entry. */
interface Build {
  readonly label: string
  readonly main: string
  readonly index: string
}
const builds: Build[] = (textFlag('dist') ?? `this checkout=${fileURLToPath(new URL('../dist/', import.meta.url))}`).split(',').map((spec) => {
  const [label, path] = spec.includes('=') ? (spec.split('=') as [string, string]) : [spec, spec]
  return { label, main: join(path, 'src/cli/main.js'), index: join(path, 'src/index.js') }
})
const SELF = fileURLToPath(import.meta.url)

// ---- data ---------------------------------------------------------------------------------------

/** Row `i`'s vector: one of 64 seeded cluster centres plus noise (HNSW builds fast on clustered data). */
const centers = (() => {
  const r = seededRandom(42)
  return Array.from({ length: 64 }, () => Float32Array.from({ length: DIM }, () => r() * 2 - 1))
})()
function vectorsOf(from: number, count: number): Float32Array {
  const out = new Float32Array(count * DIM)
  for (let j = 0; j < count; j++) {
    const r = seededRandom(1_000_003 + from + j)
    const c = centers[Math.floor(r() * centers.length)]!
    for (let k = 0; k < DIM; k++) out[j * DIM + k] = c[k]! + (r() - 0.5) * 0.3
  }
  return out
}
function batchOf(from: number, count: number) {
  return { id: BigInt64Array.from({ length: count }, (_, i) => BigInt(from + i)), vec: vectorsOf(from, count) }
}

const fields = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'vec', data_type: DataType.FloatVector, dim: DIM },
]

async function upsertRows(client: Quiver, from: number, count: number, batch = 10_000): Promise<void> {
  const coll = client.collection('b')
  for (let s = from; s < from + count; s += batch) await coll.upsert(batchOf(s, Math.min(batch, from + count - s)))
}

/** Child role: upserts rows into an open directory and waits to be SIGKILLed (its rows stay only in the WAL). */
async function writerRole(): Promise<void> {
  const client = await Quiver.open({ path: textFlag('data')!, autoCompaction: false })
  await upsertRows(client, flag('from', 0), flag('rows', 0))
  process.stdout.write('written\n')
  setInterval(() => {}, 60_000)
}

/** Leaves `rows` more rows only in the WAL of `dir` (a child writes them and is killed, as by a crash). */
async function addWalRows(dir: string, from: number, rows: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--role', 'writer', '--data', dir, '--from', String(from), '--rows', String(rows)], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout!.on('data', (b: Buffer) => {
    out += b.toString()
  })
  while (!out.includes('written')) {
    if (child.exitCode !== null) throw new Error(`writer exited with ${child.exitCode}`)
    await sleep(50)
  }
  const exited = once(child, 'exit')
  process.kill(child.pid!, 'SIGKILL')
  await exited
}

interface Prepared {
  readonly name: string
  readonly dir: string
  readonly rows: number
}

/** Builds `name` once (reused while its `ready` marker is there). */
async function prepare(name: string, rows: number, build: (dir: string) => Promise<void>): Promise<Prepared> {
  const dir = join(BENCH_DIR, `${name}-${rows}`)
  const marker = join(BENCH_DIR, `${name}-${rows}.ready`)
  if (process.argv.includes('--fresh') || !existsSync(marker)) {
    rmSync(dir, { recursive: true, force: true })
    rmSync(marker, { force: true })
    mkdirSync(dir, { recursive: true })
    const t = performance.now()
    await build(dir)
    writeFileSync(marker, new Date().toISOString())
    log(`prepared ${name} (${rows} rows) in ${((performance.now() - t) / 1000).toFixed(1)} s`)
  }
  return { name, dir, rows }
}

/** A collection `b` with `rows` rows flushed (and indexed with HNSW when `indexed`), closed cleanly. */
async function flushedDir(dir: string, rows: number, indexed: boolean, segments = 1): Promise<void> {
  const client = await Quiver.open({ path: dir, autoCompaction: false })
  await client.createCollection({ collection_name: 'b', fields })
  if (indexed) await client.createIndex({ collection_name: 'b', field_name: 'vec', index_type: 'HNSW', metric_type: 'L2', params: HNSW })
  const per = Math.ceil(rows / segments)
  for (let s = 0; s < rows; s += per) {
    await upsertRows(client, s, Math.min(per, rows - s))
    await client.collection('b').flush()
  }
  await client.database.indexBuilds.idle()
  await client.close()
}

// ---- processes ----------------------------------------------------------------------------------

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function log(message: string): void {
  process.stderr.write(`[restart bench] ${message}\n`)
}

async function freePort(): Promise<number> {
  const srv = createServer()
  srv.listen(0, '127.0.0.1')
  await once(srv, 'listening')
  const port = (srv.address() as { port: number }).port
  srv.close()
  await once(srv, 'close')
  return port
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1')
    s.once('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
  })
}

interface Served {
  readonly child: ChildProcess
  readonly port: number
  readonly startedAt: number
  /** JSON log lines the server wrote on stderr. */
  readonly logs: Record<string, unknown>[]
}

function serve(build: Build, dir: string, port: number): Served {
  const startedAt = performance.now()
  const child = spawn(process.execPath, [build.main, 'serve', '--host', '127.0.0.1', '--port', String(port), '--metrics-port', '0', '--log-level', 'info', '--data', dir], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, QUIVER_LOG_FORMAT: 'json' },
  })
  const logs: Record<string, unknown>[] = []
  let rest = ''
  child.stderr!.on('data', (b: Buffer) => {
    rest += b.toString()
    const lines = rest.split('\n')
    rest = lines.pop()!
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>)
      } catch {
        logs.push({ msg: line })
      }
    }
  })
  return { child, port, startedAt, logs }
}

/** SIGTERM by pid; resolves with the milliseconds until the process exited and its exit code. */
async function stop(s: Served): Promise<{ ms: number; code: number | null }> {
  if (s.child.exitCode !== null) return { ms: 0, code: s.child.exitCode }
  const exited = once(s.child, 'exit')
  const t = performance.now()
  process.kill(s.child.pid!, 'SIGTERM')
  const [code] = (await exited) as [number | null]
  return { ms: performance.now() - t, code }
}

// ---- a plain grpc-js client ---------------------------------------------------------------------

type Rpc = (req: unknown, options?: { deadline?: number }) => Promise<Record<string, any>>
const proto = loadMilvusProto()
const MilvusService = grpc.makeGenericClientConstructor(proto.services.milvus as unknown as grpc.ServiceDefinition, 'MilvusService')
const placeholderType = proto.root.lookupType('milvus.proto.common.PlaceholderGroup')

function rpcClient(port: number): { call: (name: string) => Rpc; close: () => void } {
  const client = new MilvusService(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': -1, 'grpc.max_receive_message_length': -1 }) as unknown as grpc.Client & Record<string, Function>
  const call = (name: string): Rpc => (req, options = {}) =>
    new Promise((resolve, reject) => {
      const cb = (e: Error | null, r: Record<string, any>) => (e === null ? resolve(r) : reject(e))
      client[name]!.call(client, req, new grpc.Metadata(), { deadline: options.deadline ?? Date.now() + 120_000 }, cb)
    })
  return { call, close: () => client.close() }
}

function checkStatus(r: Record<string, any>, what: string): Record<string, any> {
  const status = r.status ?? r
  if ((status.code ?? 0) !== 0 && status.error_code !== 'Success') throw new Error(`${what}: ${JSON.stringify(status)}`)
  return r
}

function searchRequest(row: number) {
  const placeholder_group = placeholderType.encode(placeholderType.fromObject({ placeholders: [{ tag: '$0', type: 101, values: [Buffer.from(vectorsOf(row, 1).buffer)] }] })).finish()
  return {
    collection_name: 'b',
    dsl: '',
    dsl_type: 'BoolExprV1',
    placeholder_group,
    nq: 1,
    search_params: [
      { key: 'anns_field', value: 'vec' },
      { key: 'topk', value: '10' },
      { key: 'metric_type', value: 'L2' },
      { key: 'params', value: JSON.stringify({ ef: 64 }) },
    ],
    output_fields: ['id'],
  }
}

function upsertRequest(from: number, count: number) {
  return {
    collection_name: 'b',
    num_rows: count,
    fields_data: [
      { field_name: 'id', type: 'Int64', scalars: { long_data: { data: Array.from({ length: count }, (_, i) => String(from + i)) } } },
      { field_name: 'vec', type: 'FloatVector', vectors: { dim: String(DIM), float_vector: { data: Array.from(vectorsOf(from, count)) } } },
    ],
  }
}

async function countRows(call: (name: string) => Rpc): Promise<number> {
  const r = checkStatus(await call('Query')({ collection_name: 'b', expr: '', output_fields: ['count(*)'] }), 'count')
  const field = (r.fields_data as { field_name: string; scalars: { long_data: { data: string[] } } }[]).find((f) => f.field_name === 'count(*)')
  return Number(field?.scalars.long_data.data[0])
}

interface Started {
  readonly served: Served
  readonly rpc: ReturnType<typeof rpcClient>
  /** Process start → first CheckHealth answered healthy. */
  readonly healthMs: number
  /** … → first count(*) answered. */
  readonly countMs: number
  /** … → first search answered. */
  readonly searchMs: number
  readonly count: number
  /** CPU time (user + system, all threads) the server had used when it answered CheckHealth (/proc, 10 ms ticks). */
  readonly cpuMs: number
}

/** User + system CPU milliseconds of process `pid` so far (Linux /proc; NaN elsewhere). */
function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S
  } catch {
    return Number.NaN
  }
}
/** `getconf CLK_TCK` on Linux. */
const CLOCK_TICKS_PER_S = 100

/** Starts the server and times its first answers (TCP polled every 5 ms; the client connects once the port is open). */
async function start(build: Build, dir: string): Promise<Started> {
  const port = await freePort()
  const served = serve(build, dir, port)
  while (!(await tcpOpen(port))) {
    if (served.child.exitCode !== null) throw new Error(`quiver serve exited with ${served.child.exitCode}: ${JSON.stringify(served.logs.slice(-3))}`)
    if (performance.now() - served.startedAt > startMsMax) throw new Error('quiver serve did not listen in time')
    await sleep(5)
  }
  const rpc = rpcClient(port)
  for (;;) {
    try {
      const h = await rpc.call('CheckHealth')({}, { deadline: Date.now() + 5_000 })
      if (h.isHealthy === true) break
    } catch {
      // not answering yet
    }
    await sleep(5)
  }
  const healthMs = performance.now() - served.startedAt
  const cpuMs = cpuMsOf(served.child.pid!)
  const count = await countRows(rpc.call)
  const countMs = performance.now() - served.startedAt
  checkStatus(await rpc.call('Search')(searchRequest(3)), 'search')
  const searchMs = performance.now() - served.startedAt
  return { served, rpc, healthMs, countMs, searchMs, count, cpuMs }
}

function logLine(s: Served, msg: string): Record<string, unknown> | undefined {
  return s.logs.find((l) => l.msg === msg)
}

function copyOf(p: Prepared, tag: string): string {
  const dir = join(BENCH_DIR, 'work', `${p.name}-${tag}`)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(join(BENCH_DIR, 'work'), { recursive: true })
  cpSync(p.dir, dir, { recursive: true })
  return dir
}

function bytesUnder(dir: string, filter: (path: string) => boolean = () => true): number {
  if (!existsSync(dir)) return 0
  let n = 0
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    const st = statSync(p)
    n += st.isDirectory() ? bytesUnder(p, filter) : filter(p) ? st.size : 0
  }
  return n
}

// ---- restart ------------------------------------------------------------------------------------

interface RestartRun {
  readonly healthMs: number
  readonly cpuMs: number
  readonly countMs: number
  readonly searchMs: number
  readonly stopMs: number
  readonly startup: Record<string, unknown> | undefined
}

async function restartRun(build: Build, p: Prepared, i: number): Promise<RestartRun> {
  {
    const dir = copyOf(p, `restart-${i}`)
    const s = await start(build, dir)
    if (s.count !== p.rows) throw new Error(`${p.name}: count(*) = ${s.count}, expected ${p.rows}`)
    s.rpc.close()
    const stopped = await stop(s.served)
    rmSync(dir, { recursive: true, force: true })
    return { healthMs: s.healthMs, cpuMs: s.cpuMs, countMs: s.countMs, searchMs: s.searchMs, stopMs: stopped.ms, startup: logLine(s.served, 'serving')?.startup as Record<string, unknown> | undefined }
  }
}

/** Embedded: a fresh process imports the compiled package, opens the directory, answers one search, closes. */
async function embeddedRun(build: Build, p: Prepared, i: number): Promise<Record<string, number>> {
  const script = `
    const t0 = performance.now()
    const { Quiver } = await import(${JSON.stringify(build.index)})
    const t1 = performance.now()
    const client = await Quiver.open({ path: process.argv[1] })
    const t2 = performance.now()
    const coll = client.collection('b')
    const q = new Float32Array(${DIM}).fill(0.1)
    await coll.search(q, { limit: 10, ef: 64 })
    const t3 = performance.now()
    await client.close()
    const t4 = performance.now()
    process.stdout.write(JSON.stringify({ processMs: t0, importMs: t1 - t0, openMs: t2 - t1, searchMs: t3 - t2, closeMs: t4 - t3, totalMs: t3, open: client.database.openStats ?? null }))`
  const dir = copyOf(p, `embedded-${i}`)
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, dir], { stdio: ['ignore', 'pipe', 'inherit'] })
  let text = ''
  child.stdout!.on('data', (b: Buffer) => {
    text += b.toString()
  })
  await once(child, 'exit')
  rmSync(dir, { recursive: true, force: true })
  return JSON.parse(text) as Record<string, number>
}

// ---- shutdown -----------------------------------------------------------------------------------

interface ShutdownResult {
  readonly scenario: string
  readonly build: string
  readonly stopMs: number
  readonly code: number | null
  readonly shutdown: Record<string, unknown> | undefined
  readonly ackedRows: number
  readonly countAfter: number
  readonly expected: string
  readonly restartHealthMs: number
  readonly resume: string
}

/** Writers: `clients` loops upserting new keys (each batch its own key range) until `stopAt` resolves; returns acknowledged and in-doubt rows. */
function startWriters(port: number, base: number): { stop: () => Promise<{ acked: number; inDoubt: number }> } {
  let running = true
  let acked = 0
  let inDoubt = 0
  let next = base
  const loops = Array.from({ length: writerClients }, async () => {
    const rpc = rpcClient(port)
    try {
      while (running) {
        const from = next
        next += writerBatchRows
        try {
          const r = await rpc.call('Upsert')(upsertRequest(from, writerBatchRows), { deadline: Date.now() + 30_000 })
          if ((r.status?.code ?? 0) === 0) acked += writerBatchRows
          else inDoubt += writerBatchRows
        } catch {
          inDoubt += writerBatchRows
          return
        }
      }
    } finally {
      rpc.close()
    }
  })
  return {
    stop: async () => {
      running = false
      await Promise.all(loops)
      return { acked, inDoubt }
    },
  }
}

/** Milliseconds until `check` holds (polled every 250 ms), or undefined after `waitMs`. */
async function waitFor(check: () => Promise<boolean>, waitMs: number): Promise<number | undefined> {
  const t = performance.now()
  while (!(await check())) {
    if (performance.now() - t > waitMs) return undefined
    await sleep(250)
  }
  return performance.now() - t
}

const seconds = (ms: number | undefined, waitMs: number) => (ms === undefined ? `not within ${fmt(waitMs / 1000)} s` : `${fmt(ms / 1000, 1)} s`)

async function indexedRows(call: (name: string) => Rpc): Promise<number> {
  const r = await call('DescribeIndex')({ collection_name: 'b', field_name: 'vec' })
  return Number(r.index_descriptions?.[0]?.indexed_rows ?? 0)
}

/** Sealed segments with rows (the growing one, which writers fill, left out). */
async function segmentCount(call: (name: string) => Rpc): Promise<number> {
  const r = await call('GetPersistentSegmentInfo')({ collectionName: 'b', dbName: '' })
  return (r.infos ?? []).filter((s: { num_rows?: string; state?: string }) => Number(s.num_rows ?? 0) > 0 && s.state !== 'Growing').length
}

interface ScenarioLoad {
  readonly index?: boolean
  readonly compaction?: boolean
  readonly writers?: boolean
}

async function shutdownScenario(build: Build, scenario: string, p: Prepared, load: ScenarioLoad): Promise<ShutdownResult> {
  const dir = copyOf(p, `shutdown-${scenario.replace(/\W+/g, '-')}`)
  const s = await start(build, dir)
  const { call } = s.rpc
  if (load.index === true) checkStatus(await call('CreateIndex')({ collection_name: 'b', field_name: 'vec', index_name: '', extra_params: [{ key: 'index_type', value: 'HNSW' }, { key: 'metric_type', value: 'L2' }, { key: 'params', value: JSON.stringify(HNSW) }] }), 'createIndex')
  // ManualCompaction answers when the compaction ends: it stays in flight (and is cut by the shutdown).
  const compaction = load.compaction === true ? call('ManualCompaction')({ collection_name: 'b' }).catch((e: Error) => ({ cut: e.message })) : undefined
  const writers = load.writers === true ? startWriters(s.served.port, 10_000_000) : undefined
  await sleep(load.compaction === true && load.index !== true && load.writers !== true ? compactionLoadMs : loadMs)
  const stopping = stop(s.served)
  const written = writers === undefined ? { acked: 0, inDoubt: 0 } : await writers.stop()
  const stopped = await stopping
  await compaction
  s.rpc.close()
  const shutdown = logLine(s.served, 'stopped cleanly')?.shutdown as Record<string, unknown> | undefined
  // Restart on the same directory: every acknowledged row is there; the cancelled work resumes.
  const again = await start(build, dir)
  const lo = p.rows + written.acked
  const hi = lo + written.inDoubt
  if (again.count < lo || again.count > hi) throw new Error(`${scenario}: count(*) after restart ${again.count}, expected ${lo}..${hi}`)
  const resumed: string[] = []
  if (load.index === true) {
    const before = await indexedRows(again.rpc.call)
    const ms = await waitFor(async () => (await indexedRows(again.rpc.call)) >= p.rows, resumeWaitMsMax)
    resumed.push(`indexed rows ${fmt(before)} → ${fmt(await indexedRows(again.rpc.call))} of ${fmt(p.rows)} sealed: ${seconds(ms, resumeWaitMsMax)} after the first answer`)
  }
  if (load.compaction === true) {
    const before = await segmentCount(again.rpc.call)
    const ms = await waitFor(async () => (await segmentCount(again.rpc.call)) <= compactedSegmentsMax, compactionWaitMsMax)
    resumed.push(`segments ${before} → ${await segmentCount(again.rpc.call)}: ${seconds(ms, compactionWaitMsMax)} after the first answer`)
  }
  again.rpc.close()
  await stop(again.served)
  rmSync(dir, { recursive: true, force: true })
  return {
    scenario,
    build: build.label,
    stopMs: stopped.ms,
    code: stopped.code,
    shutdown,
    ackedRows: written.acked,
    countAfter: again.count,
    expected: lo === hi ? String(lo) : `${lo}..${hi}`,
    restartHealthMs: again.healthMs,
    resume: resumed.join('; ') || '—',
  }
}

// ---- report -------------------------------------------------------------------------------------

const fmt = (n: number | undefined, digits = 0) => (n === undefined || Number.isNaN(n) ? '—' : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }))
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN
const mb = (bytes: number) => `${fmt(bytes / 2 ** 20, 1)} MiB`

function breakdown(o: Record<string, unknown> | undefined): string {
  if (o === undefined) return '(no breakdown logged)'
  return Object.entries(o)
    .map(([k, v]) => (typeof v === 'number' ? `${k} ${fmt(v)}` : typeof v === 'object' && v !== null ? `${k} {${breakdown(v as Record<string, unknown>)}}` : `${k} ${String(v)}`))
    .join(', ')
}

async function main(): Promise<void> {
  for (const b of builds) if (!existsSync(b.main)) throw new Error(`${b.main} is missing: run \`npm run build\` first`)
  const startedAt = new Date().toISOString()
  const loadBefore = os.loadavg()[0]!
  const lines: string[] = []
  const datasets: Prepared[] = []
  datasets.push(await prepare('small', smallRows, (dir) => flushedDir(dir, smallRows, true)))
  datasets.push(
    await prepare('small-wal', smallRows, async (dir) => {
      const c = await Quiver.open({ path: dir })
      await c.createCollection({ collection_name: 'b', fields })
      await c.createIndex({ collection_name: 'b', field_name: 'vec', index_type: 'HNSW', metric_type: 'L2', params: HNSW })
      await c.close()
      await addWalRows(dir, 0, smallRows)
    }),
  )
  if (!skipLarge) {
    const large = await prepare('large', largeRows + walRows, async (dir) => {
      await flushedDir(dir, largeRows, true)
      await addWalRows(dir, largeRows, walRows)
    })
    datasets.push(large)
  }

  // Node itself, for scale: `node -e 0`.
  const nodeMs: number[] = []
  for (let i = 0; i < 3; i++) {
    const t = performance.now()
    await once(spawn(process.execPath, ['-e', '0']), 'exit')
    nodeMs.push(performance.now() - t)
  }
  if (!process.argv.includes('--skip-restart')) {
    lines.push(...(await restartReport(datasets)), '', `\`node -e 0\` alone: ${fmt(median(nodeMs))} ms.`)
    lines.push(...(await embeddedReport(datasets)))
  }
  if (process.argv.includes('--per-gb')) lines.push(...(await perGibReport()))
  if (!skipShutdown) lines.push(...(await shutdownReport(datasets[0]!)))

  const header = [
    `Machine: ${os.cpus()[0]?.model ?? '?'}, ${os.cpus().length} cores, ${fmt(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`,
    `Date: ${startedAt}; 1-minute load average ${loadBefore.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)}`,
    `Command: \`${['npx tsx bench/restart.ts', ...process.argv.slice(2)].join(' ')}\` — vectors dim ${DIM}, HNSW M=${HNSW.M} efConstruction=${HNSW.efConstruction}; builds: ${builds.map((b) => `${b.label} (\`${b.main}\`)`).join(', ')}; page cache warm (directories copied just before each run)`,
    '',
  ]
  console.log([...header, ...lines].join('\n'))
  if (!process.argv.includes('--keep')) rmSync(join(BENCH_DIR, 'work'), { recursive: true, force: true })
}

async function restartReport(datasets: readonly Prepared[]): Promise<string[]> {
  const lines = ['### Restart: `quiver serve` start → first answers (ms; median of runs, min–max)', '']
  lines.push('| data directory | segments + indexes | WAL | build | runs | CheckHealth | server CPU until then | count(*) | first search | idle SIGTERM → exit |')
  lines.push('|---|---:|---:|---|---:|---:|---:|---:|---:|---:|')
  const breakdowns: string[] = []
  for (const p of datasets) {
    const byBuild = new Map(builds.map((b) => [b, [] as RestartRun[]]))
    for (let i = 0; i < runs; i++) for (const b of builds) byBuild.get(b)!.push(await restartRun(b, p, i))
    for (const [b, runsOf] of byBuild) {
      const range = (f: (r: RestartRun) => number) => `${fmt(median(runsOf.map(f)))} (${fmt(Math.min(...runsOf.map(f)))}–${fmt(Math.max(...runsOf.map(f)))})`
      lines.push(`| ${p.name} (${fmt(p.rows)} rows) | ${mb(bytesUnder(join(p.dir, 'segments')))} | ${mb(bytesUnder(join(p.dir, 'wal')))} | ${b.label} | ${runsOf.length} | ${range((r) => r.healthMs)} | ${range((r) => r.cpuMs)} | ${range((r) => r.countMs)} | ${range((r) => r.searchMs)} | ${range((r) => r.stopMs)} |`)
      const mid = [...runsOf].sort((x, y) => x.healthMs - y.healthMs)[Math.floor(runsOf.length / 2)]!
      breakdowns.push(`- ${p.name}, ${b.label}: ${breakdown(mid.startup)}`)
    }
  }
  return [...lines, '', "Where the start goes (the server's own `startup` breakdown of the median run, ms):", '', ...breakdowns]
}

async function embeddedReport(datasets: readonly Prepared[]): Promise<string[]> {
  const lines = ['', '### Restart: embedded `Quiver.open` in a fresh process (ms; median of runs)', '']
  lines.push('| data directory | build | import package | Quiver.open | first search | total (process start → first search) | close |')
  lines.push('|---|---|---:|---:|---:|---:|---:|')
  const breakdowns: string[] = []
  for (const p of datasets) {
    const byBuild = new Map(builds.map((b) => [b, [] as Record<string, number>[]]))
    for (let i = 0; i < runs; i++) for (const b of builds) byBuild.get(b)!.push(await embeddedRun(b, p, i))
    for (const [b, r] of byBuild) {
      const m = (k: string) => fmt(median(r.map((x) => x[k]!)))
      lines.push(`| ${p.name} | ${b.label} | ${m('importMs')} | ${m('openMs')} | ${m('searchMs')} | ${m('totalMs')} | ${m('closeMs')} |`)
      const mid = [...r].sort((x, y) => x.openMs! - y.openMs!)[Math.floor(r.length / 2)]!
      breakdowns.push(`- ${p.name}, ${b.label}: ${breakdown((mid.open as unknown as Record<string, unknown>) ?? undefined)}`)
    }
  }
  return [...lines, '', 'Where `Quiver.open` goes (`database.openStats` of the median run):', '', ...breakdowns]
}

/** Embedded opens of 1M rows in segment files (no index) + 250k rows in the WAL: ms per GiB of each. */
async function perGibReport(): Promise<string[]> {
  const rows = 1_000_000
  const wal = 250_000
  const p = await prepare('gib', rows + wal, async (dir) => {
    await flushedDir(dir, rows, false)
    await addWalRows(dir, rows, wal)
  })
  const segmentGib = bytesUnder(join(p.dir, 'segments')) / 2 ** 30
  const walGib = bytesUnder(join(p.dir, 'wal')) / 2 ** 30
  // The writer's rows seal at ~126k rows (64 MiB): the WAL keeps what came after the last seal.
  const lines = ['', `### Open cost per GiB: ${fmt(rows)} rows flushed, then ${fmt(wal)} more written without a flush: ${fmt(segmentGib, 2)} GiB of segment files (no index), ${fmt(walGib, 2)} GiB of WAL after the last seal; embedded, fresh process`, '']
  lines.push('| build | run | Quiver.open ms | segments ms (ms/GiB) | WAL read + check ms (ms/GiB) | WAL replay ms (ms/GiB) |')
  lines.push('|---|---:|---:|---:|---:|---:|')
  for (let i = 0; i < runs; i++) {
    for (const b of builds) {
      const r = await embeddedRun(b, p, i)
      const o = r.open as unknown as OpenStatsLike | null
      const per = (ms: number | undefined, gib: number) => (ms === undefined ? '—' : `${fmt(ms)} (${fmt(ms / gib)})`)
      lines.push(`| ${b.label} | ${i + 1} | ${fmt(r.openMs)} | ${per(o?.segmentsMs, segmentGib)} | ${per(o?.walReadMs, walGib)} | ${per(o?.walReplayMs, walGib)} |`)
    }
  }
  return lines
}

interface OpenStatsLike {
  readonly segmentsMs: number
  readonly walReadMs: number
  readonly walReplayMs: number
}

async function shutdownReport(small: Prepared): Promise<string[]> {
  const unindexed = await prepare('unindexed', unindexedRows, (dir) => flushedDir(dir, unindexedRows, false))
  const fragments = await prepare('fragments', fragmentSegments * fragmentRows, (dir) => flushedDir(dir, fragmentSegments * fragmentRows, false, fragmentSegments))
  const scenarios: [string, Prepared, ScenarioLoad][] = [
    ['idle', small, {}],
    [`index build (${fmt(unindexedRows)} rows, HNSW)`, unindexed, { index: true }],
    [`compaction (${fragmentSegments} × ${fmt(fragmentRows)} rows)`, fragments, { compaction: true }],
    [`${writerClients} clients upserting`, small, { writers: true }],
    [`index build + compaction + ${writerClients} writers`, fragments, { index: true, compaction: true, writers: true }],
  ]
  const results: ShutdownResult[] = []
  for (const [name, p, load] of scenarios) for (const b of builds) results.push(await shutdownScenario(b, name, p, load))
  const lines = ['', `### Shutdown: SIGTERM → process exit (the load ran ${fmt(loadMs)} ms before the signal; the compaction alone ${fmt(compactionLoadMs)} ms)`, '']
  lines.push('| scenario | build | SIGTERM → exit ms | exit code | acknowledged rows written | count(*) after restart (expected) | restart → CheckHealth ms | cancelled work after restart |')
  lines.push('|---|---|---:|---:|---:|---:|---:|---|')
  for (const r of results) lines.push(`| ${r.scenario} | ${r.build} | ${fmt(r.stopMs)} | ${r.code} | ${fmt(r.ackedRows)} | ${fmt(r.countAfter)} (${r.expected}) | ${fmt(r.restartHealthMs)} | ${r.resume} |`)
  lines.push('', "Where the shutdown goes (the server's own `shutdown` breakdown, ms):", '')
  for (const r of results) lines.push(`- ${r.scenario}, ${r.build}: ${breakdown(r.shutdown)}`)
  return lines
}

if (textFlag('role') === 'writer') await writerRole()
else await main()
