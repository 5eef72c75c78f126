/**
 * Upsert throughput, side by side: Quiver (in this process, fsync on) against LanceDB
 * (`mergeInsert`) and Milvus Lite (`MilvusClient('<dir>.db').upsert`), each peer run as a child
 * process from bench/peers/ on the same seeded data. Loads `--rows` rows (int64 pk, int64, varchar,
 * 128-d float vector) in batches, overwrites a fraction of the keys, flushes, verifies, reopens.
 * Prints one Markdown table. Run: `npx tsx bench/upsert.ts [--rows N] [--peers lancedb,milvus-lite]`;
 * peers need `bash bench/peers/setup.sh` first (see bench/README.md).
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { Quiver } from '../src/index.ts'
import { batches, dim, overwriteKey, overwriteNOffset } from './upsert-data.ts'

const titleLengthMax = 64
const collectionName = 'bench'
/** A peer that has not answered after this long is stopped. */
const peerTimeoutMs = 60 * 60 * 1000

interface Config {
  readonly rows: number
  readonly batchRows: number
  readonly overwriteFraction: number
  readonly seed: number
  readonly peers: readonly PeerName[]
  readonly milvusRows: number
  readonly milvusWalSync: 'close' | 'batch'
  readonly quiverSync: boolean
  readonly skipQuiver: boolean
  readonly keep: boolean
  readonly dataDir: string
}

/** What every system reports (the peers print this as one JSON line). */
interface RunResult {
  readonly system: string
  readonly version: string
  readonly rows: number
  readonly overwriteRows: number
  readonly loadMs: number
  readonly overwriteMs: number
  readonly flushMs: number | null
  readonly reopenMs: number
  readonly firstCountMs: number
  readonly fingerprint: number
  readonly verified: boolean
  readonly notes?: readonly string[]
  diskBytes?: number
  durability?: string
}

const peerNames = ['lancedb', 'milvus-lite'] as const
type PeerName = (typeof peerNames)[number]

function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const pkg = path.join(dir, 'package.json')
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'quiverdb') return dir
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error('bench/upsert: cannot find the quiverdb package root')
    dir = parent
  }
}

function parseConfig(): Config {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      batch: { type: 'string', default: '10000' },
      overwrite: { type: 'string', default: '0.1' },
      seed: { type: 'string', default: '42' },
      peers: { type: 'string', default: peerNames.join(',') },
      'milvus-rows': { type: 'string' },
      'milvus-wal-sync': { type: 'string', default: 'close' },
      'quiver-sync': { type: 'string', default: 'on' },
      'skip-quiver': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      dir: { type: 'string' },
    },
  })
  const rows = positiveInt(values.rows, '--rows')
  const peers = values.peers === '' || values.peers === 'none' ? [] : values.peers.split(',').map((p) => p.trim())
  for (const p of peers) if (!(peerNames as readonly string[]).includes(p)) throw new Error(`unknown peer ${p} (known: ${peerNames.join(', ')})`)
  const overwriteFraction = Number(values.overwrite)
  if (!(overwriteFraction >= 0 && overwriteFraction <= 1)) throw new Error('--overwrite must be in [0, 1]')
  const walSync = values['milvus-wal-sync']
  if (walSync !== 'close' && walSync !== 'batch') throw new Error('--milvus-wal-sync is close or batch')
  return {
    rows,
    batchRows: positiveInt(values.batch, '--batch'),
    overwriteFraction,
    seed: Number(values.seed) >>> 0,
    peers: peers as PeerName[],
    milvusRows: values['milvus-rows'] === undefined ? rows : positiveInt(values['milvus-rows'], '--milvus-rows'),
    milvusWalSync: walSync,
    quiverSync: values['quiver-sync'] !== 'off',
    skipQuiver: values['skip-quiver'],
    keep: values.keep,
    dataDir: values.dir ?? path.join(repoRoot(), 'bench', 'data', 'upsert'),
  }
}

function positiveInt(text: string, flag: string): number {
  const v = Number(text.replaceAll('_', ''))
  if (!Number.isSafeInteger(v) || v <= 0) throw new Error(`${flag} must be a positive integer, got ${text}`)
  return v
}

// Quiver

async function createBenchCollection(client: Quiver): Promise<void> {
  const { DataType } = await import('../src/index.ts')
  await client.createCollection({
    collection_name: collectionName,
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'n', data_type: DataType.Int64 },
      { name: 'title', data_type: DataType.VarChar, max_length: titleLengthMax },
      { name: 'vec', data_type: DataType.FloatVector, dim },
    ],
  })
}

async function countQuiver(client: Quiver): Promise<number> {
  const res = await client.count({ collection_name: collectionName })
  if (res.status.code !== 0) throw new Error(`count failed: ${res.status.reason}`)
  return res.data
}

/** count(*) equals rows; three overwritten keys show their new values, their neighbours the old. */
async function verifyQuiver(client: Quiver, rows: number, overwriteCount: number): Promise<void> {
  const count = await countQuiver(client)
  if (count !== rows) throw new Error(`Quiver count(*) ${count} != ${rows}`)
  if (overwriteCount === 0) return
  const changed = [0, overwriteCount >> 1, overwriteCount - 1].map((j) => overwriteKey(j, rows, overwriteCount))
  const unchanged = changed.map((k) => k + 1n).filter((k) => k < BigInt(rows) && !changed.includes(k))
  const got = await client.collection(collectionName).get([...changed, ...unchanged], { outputFields: ['id', 'n', 'title'] })
  if (got.length !== changed.length + unchanged.length) throw new Error(`Quiver get returned ${got.length} rows`)
  for (const row of got) {
    const k = BigInt(row.id as bigint | number | string)
    const version = changed.includes(k) ? 1 : 0
    const wantN = k + (version === 1 ? overwriteNOffset : 0n)
    if (BigInt(row.n as bigint | number | string) !== wantN || row.title !== `row ${k} v${version}`) {
      throw new Error(`Quiver key ${k}: got n=${String(row.n)} title=${String(row.title)}, want n=${wantN}`)
    }
  }
}

async function runQuiver(cfg: Config, dir: string): Promise<RunResult> {
  // Imported here so that the peers can be benchmarked (--skip-quiver) while the engine is broken.
  const { Quiver } = await import('../src/index.ts')
  const overwriteCount = Math.round(cfg.rows * cfg.overwriteFraction)
  let client = await Quiver.open({ path: dir, sync: cfg.quiverSync })
  await createBenchCollection(client)
  const coll = client.collection(collectionName)
  const ms = { load: 0, overwrite: 0 }
  const fp = { value: 0 }
  let done = 0
  for (const { phase, batch } of batches(cfg.rows, overwriteCount, cfg.batchRows, cfg.seed, fp)) {
    const t0 = performance.now()
    const res = await coll.upsert(batch)
    ms[phase] += performance.now() - t0
    if (res.upsertCount !== batch.id.length) throw new Error(`Quiver upsertCount ${res.upsertCount} != ${batch.id.length}`)
    if (++done % 10 === 0) process.stderr.write(`quiver ${done} batches\n`)
  }
  let t0 = performance.now()
  await coll.flush()
  const flushMs = performance.now() - t0
  await verifyQuiver(client, cfg.rows, overwriteCount)
  await client.close()

  t0 = performance.now()
  client = await Quiver.open({ path: dir, sync: cfg.quiverSync })
  const reopenMs = performance.now() - t0
  const reopened = await countQuiver(client)
  const firstCountMs = performance.now() - t0
  if (reopened !== cfg.rows) throw new Error(`Quiver count(*) after reopen ${reopened} != ${cfg.rows}`)
  await client.close()
  const pkg = JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { version: string }
  return {
    system: 'Quiver',
    version: `quiverdb ${pkg.version}`,
    rows: cfg.rows,
    overwriteRows: overwriteCount,
    loadMs: ms.load,
    overwriteMs: ms.overwrite,
    flushMs,
    reopenMs,
    firstCountMs,
    fingerprint: fp.value,
    verified: true,
    durability: cfg.quiverSync ? 'WAL fdatasync per upsert' : 'sync off (no fsync)',
  }
}

// ---------------------------------------------------------------------------------------------
// Peers (child processes)

interface PeerLaunch {
  readonly command: string
  readonly args: string[]
  readonly dir: string
  readonly durability: string
}

/** How to start a peer, or why it cannot run here. */
function peerLaunch(name: PeerName, cfg: Config, peersDir: string): PeerLaunch | string {
  const common = ['--batch', String(cfg.batchRows), '--overwrite', String(cfg.overwriteFraction), '--seed', String(cfg.seed)]
  if (name === 'lancedb') {
    if (!existsSync(path.join(peersDir, 'node_modules', '@lancedb', 'lancedb'))) return 'bench/peers/node_modules has no @lancedb/lancedb: run bash bench/peers/setup.sh'
    const dir = path.join(cfg.dataDir, 'lancedb')
    return {
      command: process.execPath,
      args: [path.join(peersDir, 'lancedb-upsert.mjs'), '--dir', dir, '--rows', String(cfg.rows), ...common],
      dir,
      durability: 'no fsync (strace: 0 per mergeInsert)',
    }
  }
  const python = path.join(peersDir, '.venv', 'bin', 'python')
  if (!existsSync(python)) return 'bench/peers/.venv is missing: run bash bench/peers/setup.sh'
  const dir = path.join(cfg.dataDir, 'milvus-lite.db')
  return {
    command: python,
    args: [path.join(peersDir, 'milvus_lite_upsert.py'), '--dir', dir, '--rows', String(cfg.milvusRows), '--wal-sync', cfg.milvusWalSync, ...common],
    dir,
    durability: cfg.milvusWalSync === 'batch' ? 'WAL fsync per upsert (sync_mode=batch)' : 'no fsync per upsert (WAL sync_mode=close)',
  }
}

function runChild(launch: PeerLaunch): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(launch.command, launch.args, { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => { out += chunk })
    const timer = setTimeout(() => { if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL') }, peerTimeoutMs)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      const last = out.trim().split('\n').at(-1) ?? ''
      if (code !== 0 || !last.startsWith('{')) return reject(new Error(`${launch.command} ${launch.args.join(' ')} exited ${code}: ${out.slice(-2000)}`))
      resolve(JSON.parse(last) as RunResult)
    })
  })
}

function diskBytes(dir: string): number {
  let total = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name)
    total += entry.isDirectory() ? diskBytes(p) : statSync(p).size
  }
  return total
}

/** Writes back every dirty page, so one system's data does not slow the next system's fsyncs. */
function settleDisk(): void {
  spawnSync('sync', { stdio: 'ignore' })
}

function findPeersDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url))
  const direct = path.join(here, 'peers')
  return existsSync(path.join(direct, 'package.json')) ? direct : path.join(repoRoot(), 'bench', 'peers')
}

// ---------------------------------------------------------------------------------------------
// Report

const rate = (rows: number, ms: number) => (ms > 0 ? Math.round(rows / (ms / 1000)) : 0)
const fmtInt = (x: number) => x.toLocaleString('en-US')
const fmtMs = (x: number | null) => (x === null ? 'n/a' : x < 10 ? x.toFixed(1) : fmtInt(Math.round(x)))

/** The command as typed: `npx tsx bench/upsert.ts …` under tsx, else `node [flags] script …`. */
function commandLine(): string {
  const script = path.relative(process.cwd(), process.argv[1] ?? '')
  const args = process.argv.slice(2)
  const underTsx = process.execArgv.some((a) => a.includes('tsx'))
  const runner = underTsx ? ['npx', 'tsx'] : ['node', ...process.execArgv]
  return [...runner, script, ...args].join(' ')
}

function report(cfg: Config, results: RunResult[], skipped: string[]): string {
  const lines: string[] = []
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  lines.push(`Machine: ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`)
  lines.push(`Date: ${new Date().toISOString()}`)
  lines.push(`Command: ${commandLine()}`)
  lines.push(`Data: ${fmtInt(cfg.rows)} rows × (int64 pk, int64, varchar(64), float_vector(${dim})), batches of ${fmtInt(cfg.batchRows)}, overwrite ${cfg.overwriteFraction * 100} % of the keys, seed ${cfg.seed}`)
  lines.push('')
  lines.push('| system | version | rows | load rows/s | overwrite rows/s | flush ms | reopen ms | reopen + count(*) ms | disk bytes | durability of an acknowledged upsert |')
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---|')
  for (const r of results) {
    lines.push(`| ${r.system} | ${r.version} | ${fmtInt(r.rows)} | ${fmtInt(rate(r.rows, r.loadMs))} | ${fmtInt(rate(r.overwriteRows, r.overwriteMs))} | ${fmtMs(r.flushMs)} | ${fmtMs(r.reopenMs)} | ${fmtMs(r.firstCountMs)} | ${fmtInt(r.diskBytes ?? 0)} | ${r.durability ?? ''} |`)
  }
  const quiver = results.find((r) => r.system === 'Quiver')
  if (quiver !== undefined) {
    for (const peer of results.filter((r) => r !== quiver)) {
      const load = rate(quiver.rows, quiver.loadMs) / rate(peer.rows, peer.loadMs)
      const over = rate(quiver.overwriteRows, quiver.overwriteMs) / rate(peer.overwriteRows, peer.overwriteMs)
      lines.push('')
      lines.push(`Quiver / ${peer.system}: load ${load.toFixed(2)}×, overwrite ${over.toFixed(2)}×${peer.rows === quiver.rows ? '' : ` (${peer.system} ran ${fmtInt(peer.rows)} rows)`}`)
    }
  }
  for (const r of results) for (const note of r.notes ?? []) lines.push(`\nNote (${r.system}): ${note}`)
  for (const s of skipped) lines.push(`\nSkipped: ${s}`)
  return lines.join('\n')
}

/** Runs of equal row counts must have generated identical vectors (fingerprints equal). */
function checkSameData(results: readonly RunResult[]): void {
  for (const a of results) {
    for (const b of results) {
      if (a.rows === b.rows && a.fingerprint !== b.fingerprint) {
        throw new Error(`${a.system} and ${b.system} generated different data (fingerprints ${a.fingerprint}, ${b.fingerprint})`)
      }
    }
  }
}

async function main(): Promise<void> {
  const cfg = parseConfig()
  rmSync(cfg.dataDir, { recursive: true, force: true })
  mkdirSync(cfg.dataDir, { recursive: true })
  // Fail fast (before minutes of peer runs) when the engine does not load.
  if (!cfg.skipQuiver) await import('../src/index.ts')
  const peersDir = findPeersDir()
  const results: RunResult[] = []
  const skipped: string[] = []
  for (const name of cfg.peers) {
    const launch = peerLaunch(name, cfg, peersDir)
    if (typeof launch === 'string') {
      process.stderr.write(`skipping ${name}: ${launch}\n`)
      skipped.push(`${name}: ${launch}`)
      continue
    }
    settleDisk()
    const r = await runChild(launch)
    r.diskBytes = diskBytes(launch.dir)
    r.durability = launch.durability
    results.push(r)
  }
  if (!cfg.skipQuiver) {
    settleDisk()
    const quiverDir = path.join(cfg.dataDir, 'quiver')
    const q = await runQuiver(cfg, quiverDir)
    q.diskBytes = diskBytes(quiverDir)
    results.unshift(q)
  }
  checkSameData(results)
  process.stdout.write(`${report(cfg, results, skipped)}\n`)
  if (!cfg.keep) rmSync(cfg.dataDir, { recursive: true, force: true })
}

await main()
