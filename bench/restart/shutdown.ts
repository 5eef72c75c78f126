// The restart benchmark's shutdown scenarios: SIGTERM under load (index build, compaction, writers), then a restart that checks every acknowledged row and the resumed work.
import { rmSync } from 'node:fs'
import { type Build, compactedSegmentsMax, compactionLoadMs, compactionWaitMsMax, fmt, HNSW, loadMs, resumeWaitMsMax, sleep, writerBatchRows, writerClients } from './config.ts'
import { copyOf, type Prepared } from './data.ts'
import { checkStatus, logLine, type Rpc, rpcClient, start, stop, upsertRequest } from './server.ts'

export interface ShutdownResult {
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
export function startWriters(port: number, base: number): { stop: () => Promise<{ acked: number; inDoubt: number }> } {
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
export async function waitFor(check: () => Promise<boolean>, waitMs: number): Promise<number | undefined> {
  const t = performance.now()
  while (!(await check())) {
    if (performance.now() - t > waitMs) return undefined
    await sleep(250)
  }
  return performance.now() - t
}

export const seconds = (ms: number | undefined, waitMs: number) => (ms === undefined ? `not within ${fmt(waitMs / 1000)} s` : `${fmt(ms / 1000, 1)} s`)

export async function indexedRows(call: (name: string) => Rpc): Promise<number> {
  const r = await call('DescribeIndex')({ collection_name: 'b', field_name: 'vec' })
  return Number(r.index_descriptions?.[0]?.indexed_rows ?? 0)
}

/** Sealed segments with rows (the growing one, which writers fill, left out). */
export async function segmentCount(call: (name: string) => Rpc): Promise<number> {
  const r = await call('GetPersistentSegmentInfo')({ collectionName: 'b', dbName: '' })
  return (r.infos ?? []).filter((s: { num_rows?: string; state?: string }) => Number(s.num_rows ?? 0) > 0 && s.state !== 'Growing').length
}

export interface ScenarioLoad {
  readonly index?: boolean
  readonly compaction?: boolean
  readonly writers?: boolean
}

export async function shutdownScenario(build: Build, scenario: string, p: Prepared, load: ScenarioLoad): Promise<ShutdownResult> {
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
