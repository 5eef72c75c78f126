import { STALL_LOG_MS_MIN } from './config.ts'

// ---- the server's event-loop probe (preloaded into the server child, no server code changed) ------

/**
 * Preloaded with `--import` into the server process (main thread only): every 10 ms a timer notes how
 * late it fired and what the main thread did meanwhile (`/proc/self/task/<pid>/schedstat`: time on a
 * CPU, time waiting for one); a gap > STALL_LOG_MS_MIN is printed as a stall, with its end in epoch ms.
 * Every 5 s it prints the event-loop delay (perf_hooks `monitorEventLoopDelay`) p99 and max.
 */
export const PROBE_SOURCE = `
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { isMainThread } from 'node:worker_threads'
import { readFileSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'
if (isMainThread) {
  const profDir = process.env.LOADPROBE_CPU_PROF_DIR
  if (profDir) {
    // --cpu-prof is not allowed in NODE_OPTIONS: the same sampling profiler through the inspector,
    // written when the process exits (the in-thread session answers synchronously).
    const session = new Session()
    session.connect()
    session.post('Profiler.enable')
    session.post('Profiler.setSamplingInterval', { interval: 1000 })
    session.post('Profiler.start')
    process.on('exit', () => session.post('Profiler.stop', (err, r) => { if (!err) writeFileSync(profDir + '/main-thread.cpuprofile', JSON.stringify(r.profile)) }))
  }
  const path = '/proc/self/task/' + process.pid + '/schedstat'
  const sched = () => { try { const p = readFileSync(path, 'utf8').split(' '); return [Number(p[0]) / 1e6, Number(p[1]) / 1e6] } catch { return [NaN, NaN] } }
  const out = (kind, o) => process.stderr.write('LOADPROBE ' + kind + ' ' + JSON.stringify(o) + '\\n')
  out('CLOCK', { epochMs: Date.now(), hrMs: Number(process.hrtime.bigint() / 1000n) / 1000 })
  const h = monitorEventLoopDelay({ resolution: 10 })
  h.enable()
  let last = performance.now()
  let lastSched = sched()
  setInterval(() => {
    const now = performance.now()
    const s = sched()
    const lateMs = now - last - 10
    if (lateMs > ${STALL_LOG_MS_MIN}) out('STALL', { endMs: Date.now(), ms: +lateMs.toFixed(1), cpuMs: +(s[0] - lastSched[0]).toFixed(1), waitMs: +(s[1] - lastSched[1]).toFixed(1) })
    last = now
    lastSched = s
  }, 10).unref()
  setInterval(() => { out('ELD', { epochMs: Date.now(), p99Ms: h.percentile(99) / 1e6, maxMs: h.max / 1e6 }); h.reset() }, 5000).unref()
}
`

export interface Stall {
  readonly endMs: number
  readonly ms: number
  readonly cpuMs: number
  readonly waitMs: number
}

export function probeLines(stderr: string, kind: string): unknown[] {
  const prefix = `LOADPROBE ${kind} `
  return stderr
    .split('\n')
    .filter((l) => l.startsWith(prefix))
    .map((l) => JSON.parse(l.slice(prefix.length)) as unknown)
}
