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
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import { isMainThread, Worker, workerData } from 'node:worker_threads'
import { DataType, MilvusClient } from '@zilliz/milvus2-sdk-node'
import { seededRandom } from '../src/vector/seeded-random.ts'
import { serveChild } from '../test/support/serve-child.ts'
import { configFromArgs, COLLECTION, LOAD_BATCH_ROWS, SDK_TIMEOUT_MS, INDEX_POLL_MS, INDEX_WAIT_MS_MAX, SOLO_MS_MAX } from './load/config.ts'
import { sdkStatusCode, type WorkerHandle, type Sample, type Phase } from './load/shared.ts'
import { type MixData, type MixResult, mixWorker } from './load/mix.ts'
import { type HealthData, type HealthResult, healthWorker } from './load/health.ts'
import { type HeavyData, type HeavyResult, heavyWorker } from './load/heavy.ts'
import { PROBE_SOURCE, type Stall, probeLines } from './load/probe.ts'
import { gitState, formatReport } from './load/report.ts'
import { profileReport } from './load/profile.ts'

function startSelf(data: unknown): Worker {
  const self = import.meta.url
  if (!self.endsWith('.ts')) return new Worker(new URL(self), { workerData: data })
  const tsxApi = import.meta.resolve('tsx/esm/api')
  const boot = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(self)}) })`
  return new Worker(boot, { eval: true, workerData: data })
}

/** A worker of this file: `ready` once it is set up; `run` starts one timed run and resolves with its result. */

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

// ---- main: setup, phases, report ----------------------------------------------------------------

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

// ---- entry --------------------------------------------------------------------------------------

if (isMainThread) {
  await main()
} else {
  const d = workerData as MixData | HealthData | HeavyData
  if (d.role === 'mix') await mixWorker(d)
  else if (d.role === 'health') await healthWorker(d)
  else await heavyWorker(d)
}
