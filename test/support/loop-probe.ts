import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

/**
 * An event-loop stall probe for a server child process, preloaded with `--import` (no server code
 * changed): on the main thread a `TICK_MS` timer notes how late it fired and how much of that time
 * the thread spent on a CPU (`/proc/self/task/<pid>/schedstat`); every gap longer than `STALL_MS_MIN`
 * is printed to stderr as `LOOPPROBE {"endMs","ms","cpuMs"}`. On a busy machine a gap is mostly
 * waiting for a core; `cpuMs` is what the server itself held the loop for, which is what a test bounds.
 */
const TICK_MS = 5
const STALL_MS_MIN = 10

const SOURCE = `
import { isMainThread } from 'node:worker_threads'
import { readFileSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'
if (isMainThread) {
  const profDir = process.env.LOOPPROBE_PROF_DIR
  if (profDir) {
    // Diagnosis only: the main thread's CPU profile (1 ms samples), written at exit, placed in time by CLOCK.
    const session = new Session()
    session.connect()
    session.post('Profiler.enable')
    session.post('Profiler.setSamplingInterval', { interval: 1000 })
    session.post('Profiler.start')
    process.stderr.write('LOOPPROBE_CLOCK ' + JSON.stringify({ epochMs: Date.now(), hrMs: Number(process.hrtime.bigint() / 1000n) / 1000 }) + '\\n')
    process.on('exit', () => session.post('Profiler.stop', (err, r) => { if (!err) writeFileSync(profDir + '/main-thread.cpuprofile', JSON.stringify(r.profile)) }))
  }
  const path = '/proc/self/task/' + process.pid + '/schedstat'
  const cpu = () => { try { return Number(readFileSync(path, 'utf8').split(' ')[0]) / 1e6 } catch { return NaN } }
  let last = performance.now()
  let lastCpu = cpu()
  setInterval(() => {
    const now = performance.now()
    const c = cpu()
    const ms = now - last - ${TICK_MS}
    if (ms > ${STALL_MS_MIN}) process.stderr.write('LOOPPROBE ' + JSON.stringify({ endMs: Date.now(), ms: +ms.toFixed(1), cpuMs: +(c - lastCpu).toFixed(1) }) + '\\n')
    last = now
    lastCpu = c
  }, ${TICK_MS}).unref()
}
`

export interface LoopStall {
  /** Epoch ms when the late tick fired. */
  readonly endMs: number
  /** How late it was. */
  readonly ms: number
  /** Of that, time the main thread ran on a CPU. */
  readonly cpuMs: number
}

/** Writes the probe into `dir`; returns the NODE_OPTIONS that preload it. */
export function loopProbeOptions(dir: string): string {
  const file = join(dir, 'loop-probe.mjs')
  writeFileSync(file, SOURCE)
  return [process.env.NODE_OPTIONS ?? '', `--import=${pathToFileURL(file).href}`].join(' ').trim()
}

/** The stalls printed in `stderr` that ended within [fromMs, toMs] (epoch ms). */
export function loopStalls(stderr: string, fromMs: number, toMs: number): LoopStall[] {
  const out: LoopStall[] = []
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('LOOPPROBE ')) continue
    const s = JSON.parse(line.slice('LOOPPROBE '.length)) as LoopStall
    if (s.endMs >= fromMs && s.endMs <= toMs) out.push(s)
  }
  return out
}

/** The most CPU time the server's main thread spent in one stall (0 when none). */
export function longestCpuMs(stalls: readonly LoopStall[]): number {
  let m = 0
  for (const s of stalls) m = Math.max(m, s.cpuMs)
  return m
}
