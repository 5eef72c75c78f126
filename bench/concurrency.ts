/**
 * Concurrency benchmark (issue 14): does `quiver serve` answer more searches per second with 8
 * concurrent clients than with 1, on 2 cores? Measures the server, not a heavy client: the searches
 * come from the official Go SDK (bench/concurrency-go, compiled once; one goroutine and one client
 * connection per client), which spends a fraction of the server's CPU per call. `quiver serve` runs
 * as a child process on 127.0.0.1 (free port, fresh data dir, stopped by pid); the Go loader creates
 * the collection (id int64 + vec float_vector(dim)), an HNSW index (M 16, efConstruction 200), inserts
 * the seeded clustered rows (`clusteredVectors`) and waits for the index. Then, per round, 1 and 8
 * clients search in a closed loop (nq 1, k 10, ef 64, output field id) for `--seconds` after 1 s of
 * warm-up. Reported per run: QPS, p50/p99, the server's CPU per search (all threads and the JS main
 * thread alone, from /proc/<pid>/stat and /proc/<pid>/task/<pid>/stat) and the Go client's own CPU per
 * search, and the cores both used over the window (QPS × their CPU per search: on a shared machine,
 * what the run actually got of the 2); optionally the same closed loop from the official Node SDK in
 * this process.
 * Run: `npx tsx bench/concurrency.ts [--rows 100000] [--dim 128] [--seconds 10] [--rounds 2] [--node-sdk]
 * [--cpu-prof-dir DIR] [--server-dir DIR]`: `--cpu-prof-dir` profiles the server (its main-thread
 * profile covers load and searches); `--server-dir` serves from another checkout of Quiver (its
 * src/cli/main.ts, its addon), for before/after runs from one session.
 * Needs `go` (the module is downloaded on first build, as for test/compat/go).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { MilvusClient } from '@zilliz/milvus2-sdk-node'
import { clusteredVectors } from '../src/index/hnsw-native/clustered-vectors.ts'
import { flag, textFlag } from './argv-flags.ts'


const rowCount = flag('rows', 100_000)
const dim = flag('dim', 128)
const seconds = flag('seconds', 10)
const rounds = flag('rounds', 2)
const queryCount = 1_000
const hnsw = { M: 16, efConstruction: 200 }
const topK = 10
const searchEf = 64
const concurrencies = [1, 8] as const
const withNodeSdk = process.argv.includes('--node-sdk')
const profDir = textFlag('cpu-prof-dir')
const serverDir = textFlag('server-dir')
/** The server must print its address within this time. */
const serverStartMsMax = 60_000
const goEnv = { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' }

interface Run {
  readonly client: string
  readonly clients: number
  readonly searches: number
  readonly qps: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly serverCpuMsPerSearch: number
  readonly serverMainThreadCpuMsPerSearch: number
  readonly clientCpuMsPerSearch?: number
}

// ---- server -------------------------------------------------------------------------------------

async function startServer(dataDir: string): Promise<{ child: ChildProcess; address: string; pid: number }> {
  const isTs = import.meta.url.endsWith('.ts')
  const main = serverDir !== undefined ? join(serverDir, 'src', 'cli', 'main.ts') : fileURLToPath(new URL(isTs ? '../src/cli/main.ts' : '../src/cli/main.js', import.meta.url))
  const prof = profDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profDir]
  const args = [...prof, ...(isTs || serverDir !== undefined ? ['--import', 'tsx'] : []), main, 'serve', '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0', '--log-level', 'warn', '--data', dataDir]
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
  if (child.pid === undefined) throw new Error('quiver serve has no pid')
  return { child, address, pid: child.pid }
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return
  const exited = once(child, 'exit')
  process.kill(child.pid, 'SIGTERM')
  await exited
}

// ---- Go client ----------------------------------------------------------------------------------

function buildGoClient(out: string): void {
  const r = spawnSync('go', ['build', '-o', out, '.'], { cwd: fileURLToPath(new URL('./concurrency-go', import.meta.url)), env: goEnv, encoding: 'utf8', timeout: 900_000 })
  if (r.status !== 0) throw new Error(`go build failed:\n${r.stdout}${r.stderr}`)
}

async function runGo(binary: string, args: string[]): Promise<Record<string, number>> {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (b: Buffer) => void (out += b.toString()))
  const [code] = (await once(child, 'exit')) as [number | null]
  if (code !== 0) throw new Error(`${binary} ${args.join(' ')} exited ${code}:\n${out}`)
  return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number>
}

// ---- Node SDK (comparison) ----------------------------------------------------------------------

/** utime + stime in seconds of a /proc stat file (clock ticks of 1/100 s). */
function cpuSeconds(path: string): number {
  const fields = readFileSync(path, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

async function nodeSdkRun(address: string, pid: number, clients: number, queries: Float32Array): Promise<Run> {
  const conns = Array.from({ length: clients }, () => new MilvusClient({ address, logLevel: 'error' }))
  const search = async (c: number, i: number) => {
    const q = Array.from(queries.subarray((i % queryCount) * dim, ((i % queryCount) + 1) * dim))
    const r = await conns[c]!.search({ collection_name: 'b', data: [q], limit: topK, params: { ef: searchEf }, output_fields: ['id'] })
    if (r.results.length !== topK) throw new Error(`search answered ${r.results.length} hits: ${JSON.stringify(r.status)}`)
  }
  try {
    const warmEnd = performance.now() + 1000
    await Promise.all(conns.map(async (_, c) => { for (let i = c; performance.now() < warmEnd; i += clients) await search(c, i) }))
    const server0 = cpuSeconds(`/proc/${pid}/stat`)
    const main0 = cpuSeconds(`/proc/${pid}/task/${pid}/stat`)
    const self0 = process.cpuUsage()
    const latencies: number[] = []
    const start = performance.now()
    const end = start + seconds * 1000
    await Promise.all(
      conns.map(async (_, c) => {
        for (let i = c; performance.now() < end; i += clients) {
          const t = performance.now()
          await search(c, i)
          latencies.push(performance.now() - t)
        }
      }),
    )
    const window = (performance.now() - start) / 1000
    const self = process.cpuUsage(self0)
    const n = latencies.length
    latencies.sort((a, b) => a - b)
    return {
      client: 'Node SDK 3.0.6 (this process)',
      clients,
      searches: n,
      qps: n / window,
      p50Ms: latencies[Math.floor(0.5 * n)]!,
      p99Ms: latencies[Math.min(n - 1, Math.floor(0.99 * n))]!,
      serverCpuMsPerSearch: ((cpuSeconds(`/proc/${pid}/stat`) - server0) * 1000) / n,
      serverMainThreadCpuMsPerSearch: ((cpuSeconds(`/proc/${pid}/task/${pid}/stat`) - main0) * 1000) / n,
      clientCpuMsPerSearch: (self.user + self.system) / 1000 / n,
    }
  } finally {
    for (const c of conns) await c.closeConnection()
  }
}

// ---- run ----------------------------------------------------------------------------------------

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
const load1 = () => os.loadavg()[0]!.toFixed(2)

const work = mkdtempSync(join(os.tmpdir(), 'quiver-bench-conc-'))
const binary = join(work, 'concurrency-go')
buildGoClient(binary)
const data = clusteredVectors({ seed: 42, dim, rowCount, queryCount, clusterCount: 100, spread: 0.3 })
const rowsFile = join(work, 'rows.f32')
const queriesFile = join(work, 'queries.f32')
writeFileSync(rowsFile, new Uint8Array(data.vectors.buffer, data.vectors.byteOffset, data.vectors.byteLength))
writeFileSync(queriesFile, new Uint8Array(data.queries.buffer, data.queries.byteOffset, data.queries.byteLength))

const startedAt = new Date().toISOString()
const loadBefore = load1()
const server = await startServer(join(work, 'data'))
const runs: (Run & { round: number; load: string })[] = []
let loaded: Record<string, number>
try {
  loaded = await runGo(binary, ['-mode', 'load', '-address', server.address, '-file', rowsFile, '-dim', String(dim), '-m', String(hnsw.M), '-efc', String(hnsw.efConstruction)])
  for (let round = 1; round <= rounds; round++) {
    for (const clients of concurrencies) {
      const r = await runGo(binary, ['-mode', 'search', '-address', server.address, '-file', queriesFile, '-dim', String(dim), '-clients', String(clients), '-seconds', String(seconds), '-k', String(topK), '-ef', String(searchEf), '-server-pid', String(server.pid)])
      runs.push({ ...(r as unknown as Run), client: 'Go SDK v2.6.2 (child process)', round, load: load1() })
    }
  }
  if (withNodeSdk) {
    for (const clients of concurrencies) runs.push({ round: 1, load: load1(), ...(await nodeSdkRun(server.address, server.pid, clients, data.queries)) })
  }
} finally {
  await stopServer(server.child)
  rmSync(work, { recursive: true, force: true })
}

const lines = [
  `Machine: ${os.cpus()[0]?.model ?? '?'}, ${os.cpus().length} cores, ${fmt(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`,
  `Date: ${startedAt}; 1-minute load average ${loadBefore} before, ${load1()} after`,
  `Command: \`${['npx tsx bench/concurrency.ts', ...process.argv.slice(2)].join(' ')}\`${serverDir === undefined ? '' : ` (server: ${serverDir})`} — ${fmt(rowCount)} clustered rows × dim ${dim} (inserted by the Go SDK in ${fmt(loaded.insertSeconds!, 1)} s, flush + index ${fmt(loaded.flushAndIndexSeconds!, 1)} s), HNSW M=${hnsw.M} efConstruction=${hnsw.efConstruction}, search nq 1 k=${topK} ef=${searchEf}, ${seconds} s closed loop per run after 1 s warm-up`,
  '',
  '| client | round | clients | searches | QPS | p50 ms | p99 ms | server CPU ms/search (all threads) | server main thread ms/search | client CPU ms/search | cores used (server + client) | load (1 min) after |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...runs.map((r) => `| ${r.client} | ${r.round} | ${r.clients} | ${fmt(r.searches)} | ${fmt(r.qps)} | ${fmt(r.p50Ms, 2)} | ${fmt(r.p99Ms, 2)} | ${fmt(r.serverCpuMsPerSearch, 3)} | ${fmt(r.serverMainThreadCpuMsPerSearch, 3)} | ${r.clientCpuMsPerSearch === undefined ? '' : fmt(r.clientCpuMsPerSearch, 3)} | ${fmt((r.qps * (r.serverCpuMsPerSearch + (r.clientCpuMsPerSearch ?? 0))) / 1000, 2)} | ${r.load} |`),
  '',
]
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!
for (const client of new Set(runs.map((r) => r.client))) {
  const ratios: string[] = []
  for (let round = 1; round <= rounds; round++) {
    const one = runs.find((r) => r.client === client && r.round === round && r.clients === 1)
    const eight = runs.find((r) => r.client === client && r.round === round && r.clients === 8)
    if (one !== undefined && eight !== undefined) ratios.push((eight.qps / one.qps).toFixed(2))
  }
  const of = (n: number) => runs.filter((r) => r.client === client && r.clients === n)
  const ratio = median(of(8).map((r) => r.qps)) / median(of(1).map((r) => r.qps))
  lines.push(
    `${client}: 8 clients / 1 client = ${ratio.toFixed(2)}× QPS (median QPS of ${of(8).length} runs each; per round ${ratios.join(', ')}) — target ≥ 1.8×: ${ratio >= 1.8 ? 'met' : 'missed'}. ` +
      `Server main thread per search at 8 clients (median): ${median(of(8).map((r) => r.serverMainThreadCpuMsPerSearch)).toFixed(3)} ms, all threads ${median(of(8).map((r) => r.serverCpuMsPerSearch)).toFixed(3)} ms.`,
  )
}
console.log(lines.join('\n'))
