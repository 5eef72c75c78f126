/**
 * Vector index benchmark (issue #4), side by side: Quiver (embedded, HNSW), raw hnswlib-node, LanceDB
 * (HNSW_SQ and IVF_PQ) and Milvus Lite (HNSW), each in its own child process on the same data files
 * (bench/index-data.ts writes them once): build time, QPS and recall@10 per ef / nprobe, filtered search
 * (10 %), search after a 10 % upsert, reopen time, peak RSS (VmHWM). Prints Markdown tables and the
 * ratios at equal recall (≥ 0.95). Run: `npx tsx bench/index-peers.ts [--rows N] [--dataset clustered|fashion-mnist]
 * [--engines quiver,hnswlib,lancedb-hnsw,lancedb-ivfpq,milvus-lite]` (see bench/README.md "Vector index benchmark").
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import type { EngineResult, SweepRow } from './index-engine.ts'
import { type DatasetMeta, type DatasetName, ensureDataset, repoRoot } from './index-data.ts'

const engineNames = ['quiver', 'hnswlib', 'lancedb-hnsw', 'lancedb-ivfpq', 'milvus-lite'] as const
type EngineName = (typeof engineNames)[number]
/** An engine that has not answered after this long is stopped (a 1M run of a slow peer can take an hour). */
const childTimeoutMs = 3 * 60 * 60 * 1000
const targetRecall = 0.95

interface Config {
  readonly dataset: DatasetName
  readonly rows: number
  readonly queries: number
  readonly engines: readonly EngineName[]
  readonly efConstruction: number
  readonly efs: string
  readonly quiverTagIndex: string
  readonly keep: boolean
  /** Milvus Lite times only the first N queries (0 = all): it answers ~10 queries/s at 100k rows here. */
  readonly milvusQueries: number
}

function positiveInt(text: string, flag: string): number {
  const v = Number(text.replaceAll('_', ''))
  if (!Number.isSafeInteger(v) || v <= 0) throw new Error(`${flag} must be a positive integer, got ${text}`)
  return v
}

function parseConfig(): Config {
  const { values } = parseArgs({
    options: {
      dataset: { type: 'string', default: 'clustered' },
      rows: { type: 'string' },
      queries: { type: 'string', default: '1000' },
      engines: { type: 'string', default: engineNames.join(',') },
      'ef-construction': { type: 'string', default: '200' },
      efs: { type: 'string', default: '16,32,64,128,256' },
      'quiver-tag-index': { type: 'string', default: 'BITMAP' },
      keep: { type: 'boolean', default: false },
      'milvus-queries': { type: 'string', default: '0' },
    },
  })
  const dataset = values.dataset
  if (dataset !== 'clustered' && dataset !== 'fashion-mnist') throw new Error(`--dataset is clustered or fashion-mnist, got ${dataset}`)
  const engines = values.engines.split(',').map((e) => e.trim())
  for (const e of engines) if (!(engineNames as readonly string[]).includes(e)) throw new Error(`unknown engine ${e} (known: ${engineNames.join(', ')})`)
  return {
    dataset,
    rows: positiveInt(values.rows ?? (dataset === 'clustered' ? '100000' : '60000'), '--rows'),
    queries: positiveInt(values.queries, '--queries'),
    engines: engines as EngineName[],
    efConstruction: positiveInt(values['ef-construction'], '--ef-construction'),
    efs: values.efs,
    quiverTagIndex: values['quiver-tag-index'],
    keep: values.keep,
    milvusQueries: Number(values['milvus-queries']),
  }
}

interface Launch {
  readonly command: string
  readonly args: string[]
  readonly cwd: string
}

/** How to start an engine's child, or why it cannot run here. */
function launchOf(name: EngineName, cfg: Config, dataDir: string, workDir: string): Launch | string {
  const root = repoRoot()
  const peers = path.join(root, 'bench', 'peers')
  const common = ['--data', dataDir, '--work', path.join(workDir, name), '--ef-construction', String(cfg.efConstruction), '--efs', cfg.efs]
  if (name === 'quiver' || name === 'hnswlib') {
    const extra = name === 'quiver' ? ['--tag-index', cfg.quiverTagIndex] : []
    return { command: process.execPath, args: ['--import', 'tsx', path.join(root, 'bench', 'index-engine.ts'), '--engine', name, ...common, ...extra], cwd: root }
  }
  if (name === 'lancedb-hnsw' || name === 'lancedb-ivfpq') {
    if (!existsSync(path.join(peers, 'node_modules', '@lancedb', 'lancedb'))) return 'bench/peers/node_modules has no @lancedb/lancedb: run bash bench/peers/setup.sh'
    return { command: process.execPath, args: [path.join(peers, 'lancedb-index.mjs'), '--index', name === 'lancedb-hnsw' ? 'hnsw' : 'ivfpq', ...common], cwd: root }
  }
  const python = path.join(peers, '.venv', 'bin', 'python')
  if (!existsSync(python)) return 'bench/peers/.venv is missing: run bash bench/peers/setup.sh'
  return { command: python, args: [path.join(peers, 'milvus_lite_index.py'), ...common, '--max-queries', String(cfg.milvusQueries)], cwd: root }
}

/** Runs one child; its stderr lines are passed on (LanceDB's deprecation warnings dropped); resolves to its JSON line. */
function runChild(launch: Launch): Promise<EngineResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(launch.command, launch.args, { cwd: launch.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'error' } })
    let out = ''
    let errTail = ''
    child.stdout.setEncoding('utf8')
    child.stderr.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      out += chunk
    })
    child.stderr.on('data', (chunk: string) => {
      errTail = (errTail + chunk).slice(-4000)
      for (const line of chunk.split('\n')) if (line !== '' && !line.includes(' WARN ')) process.stderr.write(`${line}\n`)
    })
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL')
    }, childTimeoutMs)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      const last = out.trim().split('\n').at(-1) ?? ''
      if (code !== 0 || !last.startsWith('{')) return reject(new Error(`exited ${code}: ${errTail.slice(-1500)}`))
      resolve(JSON.parse(last) as EngineResult)
    })
  })
}

// ---------------------------------------------------------------------------------------------
// Report

const fmtInt = (x: number) => Math.round(x).toLocaleString('en-US')
const fmtS = (ms: number | null) => (ms === null ? '–' : (ms / 1000).toFixed(1))
const fmtMs = (ms: number) => (ms < 10 ? ms.toFixed(1) : fmtInt(ms))
const mib = (bytes: number) => fmtInt(bytes / 2 ** 20)
const phases: readonly SweepRow['phase'][] = ['unfiltered', 'filtered', 'filtered-1%', 'filtered-0.1%', 'upserted', 'upserted-indexed', 'reopened']

function commandLine(): string {
  return ['npx', 'tsx', path.relative(process.cwd(), process.argv[1] ?? ''), ...process.argv.slice(2)].join(' ')
}

function summaryTable(results: readonly EngineResult[]): string[] {
  const lines = [
    '| engine | version | index | build s (insert s) | build CPU s | upsert 10 % s | reindex s | reopen ms | reopen + first query ms | peak RSS MiB after build | peak RSS MiB |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ]
  for (const r of results) {
    lines.push(
      `| ${r.engine} | ${r.version} | ${r.index} | ${fmtS(r.buildMs)} (${fmtS(r.insertMs)}) | ${fmtS(r.buildCpuMs)} | ${fmtS(r.upsertMs)} | ${fmtS(r.reindexMs)} | ` +
        `${fmtMs(r.reopenMs)} | ${fmtMs(r.firstQueryMs)} | ${r.peakRssAfterBuildBytes === undefined ? '–' : mib(r.peakRssAfterBuildBytes)} | ${mib(r.peakRssBytes)} |`,
    )
  }
  return lines
}

function sweepTable(results: readonly EngineResult[]): string[] {
  const lines = [`| engine | setting | ${phases.map((p) => `${p}: QPS wall / CPU (recall)`).join(' | ')} |`, `|---|---|${phases.map(() => '---:').join('|')}|`]
  for (const r of results) {
    const settings = [...new Set(r.sweeps.map((s) => s.setting))]
    for (const setting of settings) {
      const cells = phases.map((p) => {
        const s = r.sweeps.find((x) => x.phase === p && x.setting === setting)
        return s === undefined ? '–' : `${fmtInt(s.qps)} / ${fmtInt(s.cpuQps)} (${s.recall.toFixed(3)})`
      })
      lines.push(`| ${r.engine} | ${setting} | ${cells.join(' | ')} |`)
    }
  }
  return lines
}

type Clock = 'qps' | 'cpuQps'

/** The fastest setting (by `clock`) of a phase whose recall reaches the target, if any. */
function bestAt(r: EngineResult, phase: SweepRow['phase'], clock: Clock = 'qps'): SweepRow | undefined {
  return r.sweeps.filter((s) => s.phase === phase && s.recall >= targetRecall).sort((a, b) => b[clock] - a[clock])[0]
}

function ratioTable(results: readonly EngineResult[]): string[] {
  const quiver = results.find((r) => r.engine === 'Quiver')
  const lines = [
    `| phase | engine | best wall QPS at recall ≥ ${targetRecall} (setting, recall) | Quiver / engine (wall) | best CPU QPS (setting) | Quiver / engine (CPU) |`,
    '|---|---|---:|---:|---:|---:|',
  ]
  for (const phase of ['unfiltered', 'filtered', 'filtered-1%', 'filtered-0.1%', 'upserted', 'upserted-indexed'] as const) {
    for (const r of results) {
      const cells = (['qps', 'cpuQps'] as const).map((clock) => {
        const q = quiver === undefined ? undefined : bestAt(quiver, phase, clock)
        const b = bestAt(r, phase, clock)
        const best = b === undefined ? `none reaches ${targetRecall}` : `${fmtInt(b[clock])} (${b.setting}${clock === 'qps' ? `, ${b.recall.toFixed(3)}` : ''})`
        const ratio = r === quiver || q === undefined || b === undefined ? '' : `${(q[clock] / b[clock]).toFixed(2)}×`
        return `${best} | ${ratio}`
      })
      lines.push(`| ${phase} | ${r.engine} | ${cells.join(' | ')} |`)
    }
  }
  return lines
}

/** Quiver's best QPS right after the upsert over its best unfiltered QPS (each at the target recall), by wall and CPU time. */
function selfRatio(results: readonly EngineResult[]): string {
  const q = results.find((r) => r.engine === 'Quiver')
  if (q === undefined) return 'not measured'
  const of = (clock: Clock) => {
    const before = bestAt(q, 'unfiltered', clock)
    const after = bestAt(q, 'upserted', clock)
    return before === undefined || after === undefined ? undefined : after[clock] / before[clock]
  }
  const wall = of('qps')
  const cpu = of('cpuQps')
  if (wall === undefined || cpu === undefined) return 'no setting reaches the recall target'
  return `${wall.toFixed(2)}× by wall time, ${cpu.toFixed(2)}× by CPU time — **${cpu >= 0.8 ? 'met' : 'missed'}**`
}

/** Quiver's best QPS at the target recall over the best of the peers', by wall and by CPU time. */
function ratio(results: readonly EngineResult[], phase: SweepRow['phase'], peer: (r: EngineResult) => boolean): { wall: number; cpu: number } | undefined {
  const q = results.find((r) => r.engine === 'Quiver')
  const of = (clock: Clock) => {
    const qBest = q === undefined ? undefined : bestAt(q, phase, clock)
    const peers = results.filter(peer).map((r) => bestAt(r, phase, clock)).filter((b) => b !== undefined)
    return qBest === undefined || peers.length === 0 ? undefined : qBest[clock] / Math.max(...peers.map((b) => b[clock]))
  }
  const wall = of('qps')
  const cpu = of('cpuQps')
  return wall === undefined || cpu === undefined ? undefined : { wall, cpu }
}

const byBoth = (v: { wall: number; cpu: number }) => `${v.wall.toFixed(2)}× by wall time, ${v.cpu.toFixed(2)}× by CPU time`

/** The issue's targets, each met / missed / not measured. */
function targetLines(results: readonly EngineResult[], meta: DatasetMeta): string[] {
  const verdict = <T,>(value: T | undefined, ok: (v: T) => boolean, text: (v: T) => string) =>
    value === undefined ? 'not measured' : `${text(value)} — **${ok(value) ? 'met' : 'missed'}**`
  const quiver = results.find((r) => r.engine === 'Quiver')
  const hnswlib = results.find((r) => r.engine === 'hnswlib-node')
  const isLance = (r: EngineResult) => r.engine.startsWith('LanceDB')
  return [
    `- Quiver HNSW QPS ≥ 1.0× hnswlib-node at recall ≥ ${targetRecall}: ${verdict(ratio(results, 'unfiltered', (r) => r === hnswlib), (v) => v.cpu >= 1, byBoth)}`,
    `- Quiver HNSW QPS ≥ 5× LanceDB (its best index) at recall ≥ ${targetRecall}: ${verdict(ratio(results, 'unfiltered', isLance), (v) => v.cpu >= 5, byBoth)}`,
    `- filtered (10 %) QPS ≥ 5× hnswlib-node with a JS filter callback at recall ≥ ${targetRecall}: ${verdict(ratio(results, 'filtered', (r) => r === hnswlib), (v) => v.cpu >= 5, byBoth)}`,
    `- filtered (1 %, \`id < rows/100\`) QPS ≥ 5× hnswlib-node with a JS filter callback at recall ≥ ${targetRecall}: ${verdict(ratio(results, 'filtered-1%', (r) => r === hnswlib), (v) => v.cpu >= 5, byBoth)}`,
    `- filtered (0.1 %, \`id < rows/1000\`) QPS ≥ 5× hnswlib-node with a JS filter callback at recall ≥ ${targetRecall}: ${verdict(ratio(results, 'filtered-0.1%', (r) => r === hnswlib), (v) => v.cpu >= 5, byBoth)}`,
    `- right after a 10 % upsert, Quiver's QPS ≥ 0.8× its unfiltered QPS (issue 14): ${selfRatio(results)}`,
    `- reopen (open + first query) ≤ 2 s (the target is for 1M rows; this run has ${fmtInt(meta.rows)}): ${verdict(quiver?.firstQueryMs, (v) => v <= 2000, (v) => `${fmtInt(v)} ms`)}`,
    `- peak RSS ≤ 1.3× raw hnswlib-node: ${verdict(quiver !== undefined && hnswlib !== undefined ? quiver.peakRssBytes / hnswlib.peakRssBytes : undefined, (v) => v <= 1.3, (v) => `${v.toFixed(2)}×`)}`,
  ]
}

function report(cfg: Config, meta: DatasetMeta, results: EngineResult[], skipped: string[], load: { start: string; end: string }): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  const lines = [
    `Machine: ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}; Node ${process.version}; load average ${load.start} at start, ${load.end} at end`,
    `Date: ${new Date().toISOString()}`,
    `Command: ${commandLine()}`,
    `Data: ${meta.description}; ${fmtInt(meta.rows)} rows, ${fmtInt(meta.queries)} queries, k = ${meta.k}, L2; filter \`${meta.filter}\` allows ${fmtInt(meta.filterRows)} rows; upsert: ${fmtInt(meta.upsertRows)} existing keys get new vectors. ` +
      'Recall@10 against exact top-10 (Quiver FLAT) of the same data (after the upsert: of the updated data). One client thread, nq = 1, each setting one timed pass over all queries (100 warm-up queries before a phase).',
    '',
    ...summaryTable(results),
    '',
    ...sweepTable(results),
    '',
    ...ratioTable(results),
    '',
    'Targets (issue #4; QPS verdicts by CPU time, the steadier clock on a shared machine):',
    ...targetLines(results, meta),
  ]
  for (const r of results) for (const note of r.notes) lines.push('', `Note (${r.engine}): ${note}`)
  for (const s of skipped) lines.push('', `Skipped: ${s}`)
  return lines.join('\n')
}

async function main(): Promise<void> {
  const cfg = parseConfig()
  const { dir: dataDir, meta } = await ensureDataset(cfg.dataset, cfg.rows, cfg.queries)
  const workDir = path.join(dataDir, 'work')
  const loadStart = os.loadavg().map((l) => l.toFixed(1)).join(' ')
  const results: EngineResult[] = []
  const skipped: string[] = []
  for (const name of cfg.engines) {
    const launch = launchOf(name, cfg, dataDir, workDir)
    if (typeof launch === 'string') {
      skipped.push(`${name}: ${launch}`)
      continue
    }
    process.stderr.write(`== ${name}\n`)
    mkdirSync(workDir, { recursive: true })
    try {
      results.push(await runChild(launch))
    } catch (e) {
      skipped.push(`${name}: ${(e as Error).message.replaceAll('\n', ' ').slice(0, 600)}`)
    }
    if (!cfg.keep) rmSync(path.join(workDir, name), { recursive: true, force: true })
  }
  const load = { start: loadStart, end: os.loadavg().map((l) => l.toFixed(1)).join(' ') }
  writeFileSync(path.join(dataDir, `results-${Date.now()}.json`), `${JSON.stringify({ cfg, meta, load, results, skipped }, null, 1)}\n`)
  process.stdout.write(`${report(cfg, meta, results, skipped, load)}\n`)
}

await main()
