import http from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { parentPort } from 'node:worker_threads'
import { type Config, HEALTHZ_TIMEOUT_MS } from './config.ts'
import { type OpStats, newOpStats, recordError, nextRun, loopDelay } from './shared.ts'

// ---- worker: the /healthz probe -----------------------------------------------------------------

export interface HealthData {
  readonly role: 'health'
  readonly opsUrl: string
  readonly cfg: Config
}
export interface HealthResult {
  readonly stats: OpStats
  /** Start (epoch ms) and latency of every probe. */
  readonly probes: { atMs: number; ms: number }[]
  readonly clientLoop: { p99Ms: number; maxMs: number }
}

/** One GET /healthz on a new connection (as an orchestrator's probe): its status code. */
export function probe(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: HEALTHZ_TIMEOUT_MS }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`no answer in ${HEALTHZ_TIMEOUT_MS} ms`)))
    req.on('error', reject)
  })
}

export async function healthWorker(d: HealthData): Promise<void> {
  const url = `${d.opsUrl}/healthz`
  for (let i = 0; i < 5; i++) await probe(url)
  parentPort!.postMessage({ type: 'ready' })
  const { endAtMs } = (await nextRun())!
  let ended = false
  void nextRun().then(() => {
    ended = true
  })
  const stats = newOpStats()
  const all: { atMs: number; ms: number }[] = []
  const loop = loopDelay()
  let nextMs = performance.now()
  while (!ended && Date.now() < endAtMs) {
    const atMs = Date.now()
    const t = performance.now()
    try {
      const status = await probe(url)
      if (status !== 200) recordError(stats, `http ${status}`, '')
    } catch (e) {
      recordError(stats, 'transport', (e as Error).message)
    }
    const ms = performance.now() - t
    stats.latenciesMs.push(ms)
    stats.count++
    all.push({ atMs, ms })
    nextMs += d.cfg.healthzEveryMs
    const now = performance.now()
    if (nextMs < now) nextMs = now
    await sleep(nextMs - now)
  }
  parentPort!.postMessage({ type: 'done', result: { stats, probes: all, clientLoop: loop.stop() } satisfies HealthResult })
}
