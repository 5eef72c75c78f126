import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { authHandlers } from '../../src/server/grpc/handlers/auth-handlers.ts'
import { catalogHandlers } from '../../src/server/grpc/handlers/catalog-handlers.ts'
import { collectionHandlers } from '../../src/server/grpc/handlers/collection-handlers.ts'
import { compactionHandlers } from '../../src/server/grpc/handlers/compaction-handlers.ts'
import { dataHandlers } from '../../src/server/grpc/handlers/data-handlers.ts'
import { indexHandlers } from '../../src/server/grpc/handlers/index-handlers.ts'
import { partitionHandlers } from '../../src/server/grpc/handlers/partition-handlers.ts'
import { readHandlers } from '../../src/server/grpc/handlers/read-handlers.ts'
import { systemHandlers } from '../../src/server/grpc/handlers/system-handlers.ts'
import { checkGrpcAnswer, checkRestAnswer, type Finding } from './fuzz-oracle.ts'
import { FuzzServer, HEALTH_MS_MAX } from './fuzz-server.ts'
import { createGrpcCorpus, type GrpcCase, grpcCase } from './grpc-fuzzer.ts'
import { type GrpcAnswer, statusOfResponse } from './grpc-transport.ts'
import { type GrpcSeed, grpcSeeds } from './grpc-seeds.ts'
import { type RestCase, restCase } from './rest-fuzzer.ts'
import { type RestSeed, restSeeds } from './rest-seeds.ts'
import type { RestAnswer } from './rest-transport.ts'

export interface FuzzOptions {
  readonly seed: number
  readonly grpcCases: number
  readonly restCases: number
  /** Cases per batch (both kinds together); the invariants are checked after every batch. */
  readonly batchSize?: number
  /** gRPC and REST requests in flight at once within a batch. */
  readonly grpcConcurrency?: number
  readonly restConcurrency?: number
  /** The fuzz world is dropped and built again every this many batches. */
  readonly resetEveryBatches?: number
  /** Progress lines. */
  readonly log?: (line: string) => void
  /** Where each distinct finding's request is written (hex) for replay; none when undefined. */
  readonly findingsDir?: string
}

/** A distinct finding: its first occurrence and how often it was seen. */
export interface FindingRecord extends Finding {
  readonly signature: string
  readonly batch: number
  count: number
}

export interface FuzzReport {
  readonly seed: number
  grpcSent: number
  restSent: number
  batches: number
  durationMs: number
  requestsPerSecond: number
  /** Servers started after a crash (and for crash isolation). */
  restarts: number
  resets: number
  /** Answers by outcome: `grpc:<status code | gRPC error>`, `rest:<HTTP status>[:<envelope code>]`. */
  readonly outcomes: Record<string, number>
  /** gRPC requests answered with code 0, by RPC: how deep the mutated requests got. */
  readonly acceptedByRpc: Record<string, number>
  /** Where the time went (ms): batches (cases made and sent; `generate` is the making, inside it), the checks between batches, resets. */
  readonly timeMs: { generate: number; send: number; check: number; reset: number }
  /** Answer time summed by RPC / endpoint (ms): where the server's time goes. */
  readonly msByWhere: Record<string, number>
  /** The longest /healthz answer seen while probing, less the fuzzer's own event-loop stall (ms). */
  healthMaxMs: number
  /** The slowest answers (ms). */
  readonly slowest: { id: string; where: string; ms: number }[]
  readonly findings: FindingRecord[]
}

/** The MilvusService RPCs Quiver implements (its handler tables), plus the telemetry heartbeat. */
export function implementedRpcs(): Set<string> {
  return new Set(Object.keys({ ...systemHandlers, ...collectionHandlers, ...partitionHandlers, ...indexHandlers, ...dataHandlers, ...readHandlers, ...catalogHandlers, ...compactionHandlers, ...authHandlers }))
}

const DEFAULTS = { batchSize: 100, grpcConcurrency: 8, restConcurrency: 4, resetEveryBatches: 10 }

/**
 * The fuzz loop: `grpcCases` gRPC and `restCases` REST requests (seeds, edge cases, then seeded
 * mutations) against a `quiver serve` child, in batches; after each batch the server must be
 * alive, healthy, and hold the reference collection unchanged. Every answer is checked as it comes
 * (no 65535, no stack trace or source path, no request served without credentials). A crash is
 * narrowed to the request that caused it on a fresh server, then the run goes on with a new server.
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const o = { ...DEFAULTS, ...options }
  const log = o.log ?? (() => {})
  const started = performance.now()
  const corpus = createGrpcCorpus(grpcSeeds(), implementedRpcs())
  const rest = restSeeds()
  const report: FuzzReport = { seed: o.seed, grpcSent: 0, restSent: 0, batches: 0, durationMs: 0, requestsPerSecond: 0, restarts: 0, resets: 0, outcomes: {}, acceptedByRpc: {}, timeMs: { generate: 0, send: 0, check: 0, reset: 0 }, healthMaxMs: 0, msByWhere: {}, slowest: [], findings: [] }
  const record = recorder(report, o.findingsDir)
  let server = await FuzzServer.start()
  log(`seed ${o.seed}: quiver serve pid ${server.child.pid} on 127.0.0.1:${server.child.port}, health on ${server.child.opsPort}; ${o.grpcCases} gRPC + ${o.restCases} REST requests`)
  const seedsStarted = performance.now()
  for (const f of await seedsAnswerAsExpected(server, corpus.seeds, rest)) record(f, 0)
  log(`every seed sent alone (${corpus.seeds.length} gRPC, ${rest.length} REST) in ${((performance.now() - seedsStarted) / 1000).toFixed(1)} s`)
  const batchCount = Math.max(1, Math.ceil((o.grpcCases + o.restCases) / o.batchSize))
  try {
    for (let b = 0; b < batchCount; b++) {
      let t = performance.now()
      const lap = (key: keyof FuzzReport['timeMs']) => {
        const now = performance.now()
        report.timeMs[key] += now - t
        t = now
      }
      if (b > 0 && b % o.resetEveryBatches === 0) {
        for (const f of await server.reset()) record(f, b)
        report.resets++
        lap('reset')
      }
      const grpcIndexes = range(Math.round((o.grpcCases * b) / batchCount), Math.round((o.grpcCases * (b + 1)) / batchCount))
      const restIndexes = range(Math.round((o.restCases * b) / batchCount), Math.round((o.restCases * (b + 1)) / batchCount))
      const makeGrpc = (i: number) => grpcCase(corpus, o.seed, i)
      const makeRest = (i: number) => restCase(rest, o.seed, i)
      const answerFindings = await sendBatch(server, grpcIndexes.map((i) => () => makeGrpc(i)), restIndexes.map((i) => () => makeRest(i)), o, report)
      lap('send')
      const checks = await server.check()
      lap('check')
      report.batches++
      if (checks.some((f) => f.kind === 'crash')) {
        const grpcBatch = grpcIndexes.map(makeGrpc)
        const restBatch = restIndexes.map(makeRest)
        const culprit = await isolateCrash(grpcBatch, restBatch, log)
        report.restarts += 2
        record({ ...checks[0]!, ...(culprit === undefined ? { detail: `${checks[0]!.detail} (not reproduced alone; batch ${grpcBatch[0]?.id}..${restBatch.at(-1)?.id})` } : culprit) }, b)
        for (const f of answerFindings) if (f.kind !== 'bad-answer' && f.kind !== 'freeze') record(f, b)
        await server.stop().catch(() => undefined)
        server = await FuzzServer.start()
        continue
      }
      for (const f of [...answerFindings, ...checks]) record(f, b)
      if ((b + 1) % 10 === 0 || b === batchCount - 1) {
        const s = (performance.now() - started) / 1000
        log(`batch ${b + 1}/${batchCount}: ${report.grpcSent} gRPC + ${report.restSent} REST in ${s.toFixed(0)} s (${((report.grpcSent + report.restSent) / s).toFixed(0)}/s), ${report.findings.length} distinct findings`)
      }
    }
  } finally {
    const code = await server.stop()
    if (code !== 0) record({ kind: 'crash', detail: `SIGTERM after the run: exit code ${code}, not a clean stop` }, report.batches)
  }
  report.durationMs = performance.now() - started
  report.requestsPerSecond = (report.grpcSent + report.restSent) / (report.durationMs / 1000)
  return report
}

/**
 * Every seed, sent alone and in order over the fresh fuzz world, answers its expected code (0 unless
 * the seed says otherwise): the mutations start from requests that reach the engine, so the fuzz
 * is not shallow. A seed that drifted is a `setup` finding.
 */
async function seedsAnswerAsExpected(server: FuzzServer, grpc: readonly GrpcSeed[], rest: readonly RestSeed[]): Promise<Finding[]> {
  const found: Finding[] = []
  for (const [i, s] of grpc.entries()) {
    const c = grpcCase({ seeds: grpc, edges: [], donors: [], weightedSeeds: [], unimplemented: [] }, 0, i)
    const a = await server.sendGrpc(c)
    const status = a.res === undefined ? undefined : statusOfResponse(a.res)
    const code = a.res === undefined ? `${a.err?.code ?? a.decodeError}` : String(status?.code)
    if (code !== String(s.expectCode ?? 0)) found.push({ kind: 'setup', detail: `seed ${c.id} ${s.rpc} answered ${code}, expected ${s.expectCode ?? 0}: ${a.err?.details ?? status?.reason}`, caseId: c.id, where: s.rpc, bytes: c.bytes, notes: c.notes })
  }
  found.push(...(await server.reset()))
  for (const [i, s] of rest.entries()) {
    const c = restCase(rest, 0, i)
    const a = await server.sendRest(c)
    let code = a.response === undefined ? 'no response' : `HTTP ${a.response.status}`
    if (a.response?.status === 200) code = String((JSON.parse(a.response.body.toString('utf8')) as { code: number }).code)
    if (code !== String(s.expectCode ?? 0)) found.push({ kind: 'setup', detail: `seed ${c.id} ${s.endpoint} answered ${code}, expected ${s.expectCode ?? 0}: ${a.response?.body.toString('utf8').slice(0, 300)}`, caseId: c.id, where: s.endpoint, bytes: c.bytes, notes: c.notes })
  }
  found.push(...(await server.reset()))
  return found
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i)
}

/**
 * Sends a batch (gRPC and REST pools side by side) and checks each answer, with /healthz probed
 * throughout: a stall past HEALTH_MS_MAX is a freeze, blamed on the batch's slowest requests.
 */
async function sendBatch(server: FuzzServer, grpc: readonly (() => GrpcCase)[], rest: readonly (() => RestCase)[], o: typeof DEFAULTS, report: FuzzReport): Promise<Finding[]> {
  const found: Finding[] = []
  const dataDir = server.child.dataDir
  const timed: { c: GrpcCase | RestCase; ms: number }[] = []
  const probe = server.probeHealth()
  // The probe runs in this process: a stall of our own (a big case being made) is not the server's.
  const ownLag = monitorEventLoopDelay({ resolution: 20 })
  ownLag.enable()
  // Each case is made right before it is sent: making one overlaps with the server working on the others.
  const made = <T>(make: () => T): T => {
    const started = performance.now()
    const c = make()
    report.timeMs.generate += performance.now() - started
    return c
  }
  await Promise.all([
    pool(grpc, o.grpcConcurrency, async (make) => {
      const c = made(make)
      const a = await server.sendGrpc(c)
      report.grpcSent++
      count(report, c, a)
      noteSlow(report, c.id, c.rpc, a.ms)
      timed.push({ c, ms: a.ms })
      found.push(...checkGrpcAnswer(c, a, dataDir))
    }),
    pool(rest, o.restConcurrency, async (make) => {
      const c = made(make)
      const a = await server.sendRest(c)
      report.restSent++
      countRest(report, a)
      noteSlow(report, c.id, c.endpoint, a.ms)
      timed.push({ c, ms: a.ms })
      found.push(...checkRestAnswer(c, a, dataDir))
    }),
  ])
  const health = await probe.stop()
  ownLag.disable()
  const ownLagMs = Number.isFinite(ownLag.max) ? ownLag.max / 1e6 : 0
  const serverMs = health.maxMs - ownLagMs
  report.healthMaxMs = Math.max(report.healthMaxMs, Math.round(serverMs))
  if ((health.failure !== undefined && ownLagMs < HEALTH_MS_MAX) || serverMs > HEALTH_MS_MAX) {
    const suspects = timed.sort((a, b) => b.ms - a.ms).slice(0, 3)
    const first = suspects[0]?.c
    const where = first === undefined ? undefined : 'rpc' in first ? first.rpc : first.endpoint
    found.push({
      kind: 'freeze',
      detail: `/healthz stalled ${Math.round(health.maxMs)} ms during the batch (the fuzzer's own loop ${Math.round(ownLagMs)} ms)${health.failure === undefined ? '' : ` (${health.failure})`}; slowest: ${suspects.map((s) => `${s.c.id} ${Math.round(s.ms)} ms`).join(', ')}`,
      ...(first === undefined ? {} : { caseId: first.id, where: where!, bytes: first.bytes, notes: first.notes }),
    })
  }
  return found
}

async function pool<T>(items: readonly T[], concurrency: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) await run(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker))
}

/** How many of the slowest answers the report keeps. */
const SLOWEST_KEPT = 10

function noteSlow(report: FuzzReport, id: string, where: string, ms: number): void {
  report.msByWhere[where] = Math.round((report.msByWhere[where] ?? 0) + ms)
  const s = report.slowest
  if (s.length === SLOWEST_KEPT && ms <= s[s.length - 1]!.ms) return
  s.push({ id, where, ms: Math.round(ms) })
  s.sort((a, b) => b.ms - a.ms)
  if (s.length > SLOWEST_KEPT) s.pop()
}

function count(report: FuzzReport, c: GrpcCase, a: GrpcAnswer): void {
  const status = a.res === undefined ? undefined : statusOfResponse(a.res)
  const key = a.err !== undefined ? `grpc:E${a.err.code}` : a.decodeError !== undefined ? 'grpc:undecodable' : `grpc:${status?.code ?? `no status (${c.rpc})`}`
  report.outcomes[key] = (report.outcomes[key] ?? 0) + 1
  if (key === 'grpc:0') report.acceptedByRpc[c.rpc] = (report.acceptedByRpc[c.rpc] ?? 0) + 1
}

function countRest(report: FuzzReport, a: RestAnswer): void {
  let key = 'rest:silent'
  if (a.response !== undefined) {
    key = `rest:${a.response.status}`
    if (a.response.status === 200) {
      try {
        key += `:${(JSON.parse(a.response.body.toString('utf8')) as { code: number }).code}`
      } catch {
        key += ':not-json'
      }
    }
  }
  report.outcomes[key] = (report.outcomes[key] ?? 0) + 1
}

/** Replays a crashed batch one request at a time on a fresh server; the finding of the first request that kills it. */
async function isolateCrash(grpc: readonly GrpcCase[], rest: readonly RestCase[], log: (line: string) => void): Promise<Finding | undefined> {
  log(`the server died: replaying the batch's ${grpc.length + rest.length} requests one by one on a fresh server`)
  let server = await FuzzServer.start()
  try {
    for (const c of [...grpc, ...rest]) {
      if ('rpc' in c) await server.sendGrpc(c)
      else await server.sendRest(c)
      await new Promise((r) => setTimeout(r, 50))
      if (!server.child.alive()) {
        const where = 'rpc' in c ? c.rpc : c.endpoint
        return { kind: 'crash', detail: `${where} kills the server: ${server.child.outputTail().split('\n').slice(-8).join('\n')}`, caseId: c.id, where, bytes: c.bytes, notes: c.notes }
      }
    }
    return undefined
  } finally {
    await server.stop().catch(() => undefined)
  }
}

/** Deduplicates findings by signature (kind, where, the detail without numbers) and writes each new one's request for replay. */
function recorder(report: FuzzReport, dir: string | undefined): (f: Finding, batch: number) => void {
  const bySignature = new Map<string, FindingRecord>()
  return (f, batch) => {
    const signature = `${f.kind} ${f.where ?? ''} ${f.detail.replace(/\d+/g, '#').slice(0, 120)}`
    const seen = bySignature.get(signature)
    if (seen !== undefined) {
      seen.count++
      return
    }
    const rec: FindingRecord = { ...f, signature, batch, count: 1 }
    bySignature.set(signature, rec)
    report.findings.push(rec)
    if (dir !== undefined && f.bytes !== undefined && f.caseId !== undefined) {
      mkdirSync(dir, { recursive: true })
      writeFileSync(join(dir, `seed-${report.seed}-${f.caseId.replace(':', '-')}.json`), JSON.stringify({ seed: report.seed, case: f.caseId, where: f.where, kind: f.kind, detail: f.detail, notes: f.notes, hex: Buffer.from(f.bytes).toString('hex') }, null, 1))
    }
  }
}

/** A finding as the test prints it: what, where, how to replay, and the request's first 2 KiB as hex. */
export function describeFinding(f: FindingRecord, seed: number): string {
  const hex = f.bytes === undefined ? '' : Buffer.from(f.bytes.subarray(0, 2_048)).toString('hex')
  return [
    `[${f.kind}] ${f.where ?? ''} ×${f.count} (first in batch ${f.batch}${f.caseId === undefined ? '' : `, case ${f.caseId}`}): ${f.detail}`,
    ...(f.notes === undefined ? [] : [`  made by: ${f.notes.join(' | ').slice(0, 600)}`]),
    ...(f.caseId === undefined ? [] : [`  replay: npx tsx bench/fuzz-long.ts --seed ${seed} --replay ${f.caseId}`]),
    ...(hex === '' ? [] : [`  request (${f.bytes!.length} bytes${f.bytes!.length > 2_048 ? ', first 2048' : ''}): ${hex}`]),
  ].join('\n')
}
