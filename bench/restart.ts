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
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { Quiver } from '../src/index.ts'
import { BENCH_DIR, breakdown, type Build, builds, DIM, fmt, HNSW, largeRows, loadMs, compactionLoadMs, mb, median, runs, skipLarge, skipShutdown, smallRows, textFlag, unindexedRows, walRows, fragmentRows, fragmentSegments, writerClients } from './restart/config.ts'
import { addWalRows, bytesUnder, copyOf, fields, flushedDir, type Prepared, prepare, writerRole } from './restart/data.ts'
import { logLine, start, stop } from './restart/server.ts'
import { type ScenarioLoad, shutdownScenario, type ShutdownResult } from './restart/shutdown.ts'

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