// Quiver's server against real Milvus 2.3.5 (PyPI `milvus`), both driven by pymilvus 2.3.7 with the same
// steps and data (bench/peers/milvus_server_bench.py): upsert rows/s (batches of 5,000), flush, HNSW build
// (create_index + wait until every row is indexed), load, search QPS / p50 / p99 / recall from one client.
// Quiver runs first (`quiver serve` from this tree on free 127.0.0.1 ports, a fresh data directory), then
// Milvus (started and stopped by pid inside the Python driver). Prints a Markdown report with the machine,
// load average, Node version, command and date.
//
//   bash bench/peers/setup-milvus-server.sh       # once: bench/peers/.venv-milvus
//   npx tsx bench/milvus-server.ts                # 100k × 128, M 16, efConstruction 200, ef 64
//   npx tsx bench/milvus-server.ts --rows 20000 --peers none
// Flags: --rows N (100000) --queries N (1000) --ef N (64) --batch N (5000) --peers milvus|none
//        --port-base N (29600: Milvus's ports, N..N+11) --build-threads N (Quiver's QUIVER_INDEX_BUILD_THREADS)
//        --milvus-first yes (run Milvus before Quiver)
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join, resolve } from 'node:path'
import { serveChild } from '../test/support/serve-child.ts'

interface Result {
  readonly target: string
  readonly rows: number
  readonly upsert_rows_per_s: number
  readonly flush_s: number
  readonly build_s: number
  readonly load_s: number
  readonly qps: number
  readonly p50_ms: number
  readonly p99_ms: number
  readonly recall: number
  readonly upsert_cpu_s: number
  readonly upsert_s: number
  /** pymilvus's own encoding of the same batches (measured apart, after the timed upserts). */
  readonly upsert_client_s: number
  readonly build_cpu_s: number
  readonly search_cpu_s: number
}

const args = new Map<string, string>()
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '')
const rows = Number(args.get('rows') ?? 100_000)
const queries = Number(args.get('queries') ?? 1_000)
const ef = Number(args.get('ef') ?? 64)
const batch = Number(args.get('batch') ?? 5_000)
const peers = args.get('peers') ?? 'milvus'
const portBase = Number(args.get('port-base') ?? 29_600)
const buildThreads = args.get('build-threads')
const python = resolve('bench/peers/.venv-milvus/bin/python')
const driver = resolve('bench/peers/milvus_server_bench.py')

function runDriver(target: 'quiver' | 'milvus', extra: string[]): Promise<Result> {
  const argv = [driver, '--target', target, '--rows', String(rows), '--queries', String(queries), '--ef', String(ef), '--batch', String(batch), ...extra]
  return new Promise((resolvePromise, reject) => {
    const child = spawn(python, argv, { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.on('error', reject)
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? ''
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`${target} driver exited with ${code}: ${out}`))
      else resolvePromise(JSON.parse(line) as Result)
    })
  })
}

async function runQuiver(): Promise<{ result: Result; buildLog: string[] }> {
  const dir = mkdtempSync(join(os.tmpdir(), 'quiver-bench-server-'))
  const env = buildThreads === undefined ? {} : { QUIVER_INDEX_BUILD_THREADS: buildThreads }
  const server = await serveChild(dir, [], env)
  try {
    const result = await runDriver('quiver', ['--uri', server.address, '--server-pid', String(server.child.pid)])
    const buildLog = (server.stdout() + server.stderr()).split('\n').filter((l) => /index|segment|compact/i.test(l)).slice(-20)
    return { result, buildLog }
  } finally {
    await server.stop(10_000)
    rmSync(dir, { recursive: true, force: true })
  }
}

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })

async function main(): Promise<void> {
  if (!existsSync(python)) throw new Error('bench/peers/.venv-milvus is missing: run bash bench/peers/setup-milvus-server.sh')
  const started = new Date().toISOString()
  const loadBefore = os.loadavg().map((l) => l.toFixed(2)).join(' ')
  const runMilvus = (): Promise<Result> => runDriver('milvus', ['--port-base', String(portBase), '--work', join(os.tmpdir(), `quiver-bench-milvus-${process.pid}`)])
  // --milvus-first: the other order, to see whether the machine's load drifting over a run favours the second system.
  const milvusFirst = peers === 'milvus' && args.get('milvus-first') === 'yes'
  const early = milvusFirst ? await runMilvus() : undefined
  const quiver = await runQuiver()
  const milvus = milvusFirst ? early : peers === 'milvus' ? await runMilvus() : undefined
  const loadAfter = os.loadavg().map((l) => l.toFixed(2)).join(' ')
  const lines: string[] = []
  lines.push(`HNSW through pymilvus 2.3.7: ${fmt(rows)} × 128 (100 Gaussian clusters, σ 0.3), M 16, efConstruction 200, upsert batches of ${fmt(batch)}, ${fmt(queries)} queries at ef ${ef}, k 10, one client`)
  lines.push(`Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}; Node ${process.version}; ${started}`)
  lines.push(`Load average: ${loadBefore} at start, ${loadAfter} at end. Command: npx tsx bench/milvus-server.ts ${process.argv.slice(2).join(' ')}`.trimEnd())
  lines.push('')
  lines.push('| | upsert rows/s | flush s | HNSW build s (server CPU s) | load s | search QPS | p50 ms | p99 ms | recall@10 | server CPU s: upsert / search |')
  lines.push('|---|---|---|---|---|---|---|---|---|---|')
  const row = (name: string, r: Result): string =>
    `| ${name} | ${fmt(r.upsert_rows_per_s)} | ${fmt(r.flush_s, 2)} | ${fmt(r.build_s, 1)} (${fmt(r.build_cpu_s, 1)}) | ${fmt(r.load_s, 3)} | ${fmt(r.qps)} | ${fmt(r.p50_ms, 2)} | ${fmt(r.p99_ms, 2)} | ${r.recall.toFixed(3)} | ${fmt(r.upsert_cpu_s, 1)} / ${fmt(r.search_cpu_s, 1)} |`
  lines.push(row('Quiver (quiver serve)', quiver.result))
  if (milvus !== undefined) {
    lines.push(row('Milvus 2.3.5 standalone', milvus))
    const q = quiver.result
    lines.push(
      `| Quiver ÷ Milvus | ${(q.upsert_rows_per_s / milvus.upsert_rows_per_s).toFixed(2)}× | ${(q.flush_s / milvus.flush_s).toFixed(2)}× time | **${(q.build_s / milvus.build_s).toFixed(2)}× time** (CPU ${(q.build_cpu_s / milvus.build_cpu_s).toFixed(2)}×) | ${(q.load_s / milvus.load_s).toFixed(3)}× time | ${(q.qps / milvus.qps).toFixed(2)}× | ${(q.p50_ms / milvus.p50_ms).toFixed(2)}× | ${(q.p99_ms / milvus.p99_ms).toFixed(2)}× | | ${(q.upsert_cpu_s / milvus.upsert_cpu_s).toFixed(2)}× / ${(q.search_cpu_s / milvus.search_cpu_s).toFixed(2)}× |`,
    )
  }
  const split = (name: string, r: Result): string =>
    `${name}: upsert calls ${fmt(r.upsert_s, 2)} s, of which pymilvus encoding ${fmt(r.upsert_client_s, 2)} s (${((100 * r.upsert_client_s) / r.upsert_s).toFixed(0)} %), server CPU ${fmt(r.upsert_cpu_s, 2)} s`
  lines.push('')
  lines.push(split('Quiver', quiver.result) + (milvus === undefined ? '' : `; ${split('Milvus', milvus)}`))
  lines.push('')
  lines.push("Quiver's server log (index / segment lines):")
  lines.push('```')
  lines.push(...quiver.buildLog)
  lines.push('```')
  console.log(lines.join('\n'))
}

await main()
