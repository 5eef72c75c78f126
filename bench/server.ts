/**
 * Server benchmark: `quiver serve` as a child process on 127.0.0.1 driven by the official Node SDK
 * (`@zilliz/milvus2-sdk-node`) over loopback gRPC, next to the same operations embedded (`Quiver.open`
 * in this process). Per system: upsert rows/s (int64 key + float_vector(dim), batches of `--batch`,
 * `--rows` rows, HNSW index declared first), then after flush and the index built, search latency
 * p50/p99 and QPS with 1 and 8 concurrent clients (k = 10, ef = 64, output field: the key).
 * Run: `npx tsx bench/server.ts [--rows 100000] [--batch 5000] [--dim 128] [--queries 400]
 * [--skip-embedded] [--cpu-prof-dir DIR]` (`--cpu-prof-dir` profiles the server process and prints its
 * hottest functions). Prints Markdown with the machine, Node version, command and date.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as grpc from '@grpc/grpc-js'
import { DataType as SdkDataType, MilvusClient } from '@zilliz/milvus2-sdk-node'
import { loadMilvusProto } from '../src/server/grpc/milvus-proto.ts'
import { DataType, Quiver } from '../src/index.ts'
import { seededRandom } from '../src/vector/seeded-random.ts'
import { flag, textFlag } from './argv-flags.ts'


const rowCount = flag('rows', 100_000)
const batchRows = flag('batch', 5_000)
const dim = flag('dim', 128)
/** Timed searches per measurement (split over the clients); `warmupQueries` untimed ones first. */
const queryCount = flag('queries', 400)
const warmupQueries = 50
const concurrencies = [1, 8] as const
const hnsw = { M: 16, efConstruction: 100 }
const searchEf = 64
const topK = 10
/** Index build wait: polls every `indexPollMs`, at most `indexWaitMsMax`. */
const indexPollMs = 200
const indexWaitMsMax = 600_000
/** The server must print its address within this time. */
const serverStartMsMax = 60_000
const SDK_TIMEOUT_MS = 120_000
const skipEmbedded = process.argv.includes('--skip-embedded')
const profDir = textFlag('cpu-prof-dir')

// ---- data (generated once, before any clock starts) ---------------------------------------------

const random = seededRandom(42)
const vectors = new Float32Array(rowCount * dim)
for (let i = 0; i < vectors.length; i++) vectors[i] = random() * 2 - 1
const queries = Array.from({ length: queryCount + warmupQueries }, () => Float32Array.from({ length: dim }, () => random() * 2 - 1))
const batchStarts = Array.from({ length: Math.ceil(rowCount / batchRows) }, (_, b) => b * batchRows)

interface Result {
  readonly system: string
  readonly upsertRowsPerS: number
  readonly flushAndIndexMs: number
  readonly search: SearchStats[]
  /** The same upserts sent by a plain `@grpc/grpc-js` client (columnar `fields_data`, no SDK): the server's own ceiling. */
  readonly rawUpsertRowsPerS?: number
}
interface SearchStats {
  readonly clients: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly qps: number
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN
}

/** Runs `clients` loops of sequential searches over disjoint query slices; latency of every call. */
async function measureSearch(clients: number, searchOne: (client: number, q: Float32Array) => Promise<void>): Promise<SearchStats> {
  for (let i = 0; i < warmupQueries; i++) await searchOne(0, queries[queryCount + i]!)
  const latencies = new Float64Array(queryCount)
  const start = performance.now()
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = c; i < queryCount; i += clients) {
        const t = performance.now()
        await searchOne(c, queries[i]!)
        latencies[i] = performance.now() - t
      }
    }),
  )
  const seconds = (performance.now() - start) / 1000
  latencies.sort()
  return { clients, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99), qps: queryCount / seconds }
}

// ---- embedded -----------------------------------------------------------------------------------

async function runEmbedded(): Promise<Result> {
  const dir = mkdtempSync(join(os.tmpdir(), 'quiver-bench-embedded-'))
  const client = await Quiver.open({ path: dir })
  try {
    await client.createCollection({ collection_name: 'b', fields: [{ name: 'id', data_type: DataType.Int64, is_primary_key: true }, { name: 'vec', data_type: DataType.FloatVector, dim }] })
    await client.createIndex({ collection_name: 'b', field_name: 'vec', index_type: 'HNSW', metric_type: 'L2', params: hnsw })
    const coll = client.collection('b')
    const batches = batchStarts.map((s) => {
      const n = Math.min(batchRows, rowCount - s)
      return { id: BigInt64Array.from({ length: n }, (_, i) => BigInt(s + i)), vec: vectors.subarray(s * dim, (s + n) * dim) }
    })
    let upsertMs = 0
    for (const b of batches) {
      const t = performance.now()
      await coll.upsert(b)
      upsertMs += performance.now() - t
    }
    const t = performance.now()
    await coll.flush()
    await client.database.indexBuilds.idle()
    const flushAndIndexMs = performance.now() - t
    const search: SearchStats[] = []
    for (const clients of concurrencies) {
      search.push(await measureSearch(clients, async (_c, q) => void (await coll.search(q, { limit: topK, ef: searchEf, outputFields: ['id'] }))))
    }
    return { system: 'embedded (`Quiver.open`, in-process)', upsertRowsPerS: rowCount / (upsertMs / 1000), flushAndIndexMs, search }
  } finally {
    await client.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

// ---- server -------------------------------------------------------------------------------------

interface Served {
  readonly child: ChildProcess
  readonly address: string
}

async function startServer(dataDir: string): Promise<Served> {
  const isTs = import.meta.url.endsWith('.ts')
  const main = fileURLToPath(new URL(isTs ? '../src/cli/main.ts' : '../src/cli/main.js', import.meta.url))
  const prof = profDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profDir]
  const args = [...prof, ...(isTs ? ['--import', 'tsx'] : []), main, 'serve', '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0', '--log-level', 'warn', '--data', dataDir]
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`quiver serve printed no address in ${serverStartMsMax} ms:\n${out}`)), serverStartMsMax)
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString()
      const m = /serving Milvus gRPC and REST v2 on (\S+)/.exec(out)
      if (m?.[1] !== undefined) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
    child.on('exit', (code) => reject(new Error(`quiver serve exited (${code}) before serving:\n${out}`)))
  })
  return { child, address }
}

async function stopServer(s: Served): Promise<void> {
  if (s.child.exitCode !== null || s.child.pid === undefined) return
  const exited = once(s.child, 'exit')
  process.kill(s.child.pid, 'SIGTERM')
  await exited
}

function ok(status: { error_code?: string | number; reason?: string }, what: string): void {
  if (status.error_code !== 'Success' && status.error_code !== 0) throw new Error(`${what}: ${JSON.stringify(status)}`)
}

async function waitForIndex(client: MilvusClient): Promise<void> {
  const deadline = performance.now() + indexWaitMsMax
  while (performance.now() < deadline) {
    const r = await client.describeIndex({ collection_name: 'b', field_name: 'vec' })
    const d = r.index_descriptions[0]
    if (d !== undefined && Number(d.indexed_rows) >= rowCount && Number(d.pending_index_rows ?? 0) === 0) return
    await new Promise((resolve) => setTimeout(resolve, indexPollMs))
  }
  throw new Error(`index not built within ${indexWaitMsMax} ms`)
}

async function runServer(): Promise<Result> {
  const dir = mkdtempSync(join(os.tmpdir(), 'quiver-bench-server-'))
  const served = await startServer(dir)
  const clients = Array.from({ length: Math.max(...concurrencies) }, () => new MilvusClient({ address: served.address, timeout: SDK_TIMEOUT_MS, logLevel: 'error' }))
  const main = clients[0]!
  try {
    ok(await main.createCollection({ collection_name: 'b', fields: [{ name: 'id', data_type: SdkDataType.Int64, is_primary_key: true }, { name: 'vec', data_type: SdkDataType.FloatVector, dim }] }), 'createCollection')
    ok(await main.createIndex({ collection_name: 'b', field_name: 'vec', index_type: 'HNSW', metric_type: 'L2', params: hnsw }), 'createIndex')
    ok(await main.loadCollectionSync({ collection_name: 'b' }), 'loadCollection')
    let upsertMs = 0
    for (const s of batchStarts) {
      const n = Math.min(batchRows, rowCount - s)
      const data = Array.from({ length: n }, (_, i) => ({ id: s + i, vec: Array.from(vectors.subarray((s + i) * dim, (s + i + 1) * dim)) }))
      const t = performance.now()
      const r = await main.upsert({ collection_name: 'b', data })
      upsertMs += performance.now() - t
      ok(r.status, 'upsert')
    }
    const t = performance.now()
    await main.flushSync({ collection_names: ['b'] })
    await waitForIndex(main)
    const flushAndIndexMs = performance.now() - t
    const search: SearchStats[] = []
    for (const n of concurrencies) {
      search.push(
        await measureSearch(n, async (c, q) => {
          const r = await clients[c]!.search({ collection_name: 'b', data: [Array.from(q)], limit: topK, params: { ef: searchEf }, output_fields: ['id'] })
          if (r.results.length !== topK) throw new Error(`search answered ${r.results.length} hits: ${JSON.stringify(r.status)}`)
        }),
      )
    }
    ok(await main.createCollection({ collection_name: 'raw', fields: [{ name: 'id', data_type: SdkDataType.Int64, is_primary_key: true }, { name: 'vec', data_type: SdkDataType.FloatVector, dim }] }), 'createCollection raw')
    const rawUpsertRowsPerS = await rawUpsert(served.address, 'raw')
    return { system: '`quiver serve` (child process, official Node SDK 3.0.6 over loopback gRPC)', upsertRowsPerS: rowCount / (upsertMs / 1000), flushAndIndexMs, search, rawUpsertRowsPerS }
  } finally {
    for (const c of clients) await c.closeConnection()
    await stopServer(served)
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * The upserts through a plain grpc-js client of the service the SDK's descriptor defines: requests
 * built as columns (what the SDK sends after its row → column conversion), encoded by grpc-js, no SDK
 * interceptors. Times the calls only, as for the SDK.
 */
async function rawUpsert(address: string, collection: string): Promise<number> {
  const Client = grpc.makeGenericClientConstructor(loadMilvusProto().services.milvus as unknown as grpc.ServiceDefinition, 'MilvusService')
  const client = new Client(address, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': -1, 'grpc.max_receive_message_length': -1 }) as unknown as Record<string, (req: unknown, cb: (e: Error | null, r: { status?: { code?: number; reason?: string } }) => void) => void>
  const upsert = (req: unknown) => new Promise<{ status?: { code?: number; reason?: string } }>((resolve, reject) => client.Upsert!.call(client, req, (e, r) => (e === null ? resolve(r) : reject(e))))
  let ms = 0
  try {
    for (const s of batchStarts) {
      const n = Math.min(batchRows, rowCount - s)
      const req = {
        collection_name: collection,
        num_rows: n,
        fields_data: [
          { field_name: 'id', type: 'Int64', scalars: { long_data: { data: Array.from({ length: n }, (_, i) => String(s + i)) } } },
          { field_name: 'vec', type: 'FloatVector', vectors: { dim: String(dim), float_vector: { data: Array.from(vectors.subarray(s * dim, (s + n) * dim)) } } },
        ],
      }
      const t = performance.now()
      const r = await upsert(req)
      ms += performance.now() - t
      if ((r.status?.code ?? 0) !== 0) throw new Error(`raw upsert: ${r.status?.reason}`)
    }
  } finally {
    ;(client as unknown as grpc.Client).close()
  }
  return rowCount / (ms / 1000)
}

// ---- profile summary ----------------------------------------------------------------------------

interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
}
interface Profile {
  readonly nodes: ProfileNode[]
  readonly samples: number[]
  readonly timeDeltas: number[]
}

/** Self time per function (idle excluded) of one .cpuprofile: total busy µs and the rows, hottest first. */
function selfTimes(file: string): { busyUs: number; rows: [string, number][] } {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const selfUs = new Map<string, number>()
  let busyUs = 0
  p.samples.forEach((id, i) => {
    const f = byId.get(id)?.callFrame
    if (f?.functionName === '(idle)') return
    const url = (f?.url ?? '').replace(/^file:\/\//, '').replace(/^.*\/work\/main\//, '').replace(/\?.*$/, '')
    const key = `${url === '' ? '(native)' : url}:${(f?.lineNumber ?? -1) + 1} ${f?.functionName || '(anonymous)'}`
    const dt = p.timeDeltas[i] ?? 0
    selfUs.set(key, (selfUs.get(key) ?? 0) + dt)
    busyUs += dt
  })
  return { busyUs, rows: [...selfUs.entries()].sort((a, b) => b[1] - a[1]) }
}

/** The server main thread's profile in `dir` (thread 0 in the file name; index-build workers and the tsx loader thread write their own), top `count` functions as Markdown. */
function profileSummary(dir: string, count: number): string[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))
  const profiles = files.map((f) => ({ file: join(dir, f), isMain: /\.0\.\d+\.cpuprofile$/.test(f), ...selfTimes(join(dir, f)) }))
  const main = profiles.find((p) => p.isMain)
  if (main === undefined) return [`(no main-thread .cpuprofile in ${dir})`]
  const others = profiles.filter((p) => p !== main).map((p) => `${(p.busyUs / 1e6).toFixed(1)} s`).join(', ')
  return [
    `Server profile: ${main.file} (main thread): ${(main.busyUs / 1e6).toFixed(1)} s busy; other threads busy ${others || 'none'}. Self time, share of the main thread's busy time:`,
    '',
    '| self ms | share | function (file:line name) |',
    '|---:|---:|---|',
    ...main.rows.slice(0, count).map(([k, us]) => `| ${(us / 1000).toFixed(0)} | ${((100 * us) / main.busyUs).toFixed(1)} % | \`${k}\` |`),
  ]
}

// ---- report -------------------------------------------------------------------------------------

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
const loadBefore = os.loadavg()[0]!
const startedAt = new Date().toISOString()
const results: Result[] = []
if (!skipEmbedded) results.push(await runEmbedded())
results.push(await runServer())
const loadAfter = os.loadavg()[0]!

const lines = [
  `Machine: ${os.cpus()[0]?.model ?? '?'}, ${os.cpus().length} cores, ${fmt(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`,
  `Date: ${startedAt}; 1-minute load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)}`,
  `Command: \`${['npx tsx bench/server.ts', ...process.argv.slice(2)].join(' ')}\` — ${fmt(rowCount)} rows × dim ${dim}, upsert batches of ${fmt(batchRows)}, HNSW M=${hnsw.M} efConstruction=${hnsw.efConstruction}, search k=${topK} ef=${searchEf}, ${queryCount} timed queries per row (after ${warmupQueries} warm-up)`,
  '',
  '| system | upsert rows/s | flush + index ms | clients | search p50 ms | search p99 ms | QPS |',
  '|---|---:|---:|---:|---:|---:|---:|',
]
for (const r of results) {
  for (const s of r.search) {
    const first = s === r.search[0]
    lines.push(`| ${first ? r.system : ''} | ${first ? fmt(r.upsertRowsPerS) : ''} | ${first ? fmt(r.flushAndIndexMs) : ''} | ${s.clients} | ${fmt(s.p50Ms, 2)} | ${fmt(s.p99Ms, 2)} | ${fmt(s.qps)} |`)
  }
}
const embedded = results.find((r) => r.system.startsWith('embedded'))
const server = results.at(-1)!
if (embedded !== undefined) lines.push('', `gRPC upsert / embedded upsert: ${fmt((100 * server.upsertRowsPerS) / embedded.upsertRowsPerS)} % (target ≥ 50 %).`)
if (server.rawUpsertRowsPerS !== undefined) {
  const share = embedded === undefined ? '' : ` = ${fmt((100 * server.rawUpsertRowsPerS) / embedded.upsertRowsPerS)} % of embedded`
  lines.push(`The same upserts from a plain @grpc/grpc-js client (columnar fields_data, no SDK): ${fmt(server.rawUpsertRowsPerS)} rows/s${share}.`)
}
lines.push(`gRPC search p50 with 1 client: ${fmt(server.search[0]!.p50Ms, 2)} ms (target ≤ 2 ms).`)
if (profDir !== undefined) lines.push('', ...profileSummary(profDir, 25))
console.log(lines.join('\n'))
