import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Phase } from './shared.ts'
import type { Stall } from './probe.ts'
import { fmt, heavyAt } from './report.ts'

// ---- CPU profile: what the server's main thread ran while a heavy request held it -----------------

export interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
  readonly children?: number[]
}
export interface Profile {
  readonly nodes: ProfileNode[]
  readonly startTime: number
  readonly samples: number[]
  readonly timeDeltas: number[]
}
/** One profile sample: when (epoch ms), for how long (ms), the function running and every function on its stack. */
export interface ProfileSample {
  readonly atMs: number
  readonly ms: number
  readonly idle: boolean
  readonly self: string
  readonly stack: readonly string[]
}

export function profileSamples(dir: string, clock: { epochMs: number; hrMs: number }): ProfileSample[] {
  const p = JSON.parse(readFileSync(join(dir, 'main-thread.cpuprofile'), 'utf8')) as Profile
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const keyOf = (n: ProfileNode) => {
    const url = n.callFrame.url.replace(/^file:\/\//, '').replace(/^.*\/work\/main\//, '').replace(/\?.*$/, '')
    return `${n.callFrame.functionName || '(anonymous)'}${url === '' ? '' : ` ${url}:${n.callFrame.lineNumber + 1}`}`
  }
  const stacks = new Map<number, string[]>()
  const stackOf = (id: number): string[] => {
    let st = stacks.get(id)
    if (st === undefined) {
      const keys = new Set<string>()
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) keys.add(keyOf(byId.get(at)!))
      st = [...keys]
      stacks.set(id, st)
    }
    return st
  }
  const out: ProfileSample[] = []
  let us = p.startTime
  for (let i = 0; i < p.samples.length; i++) {
    const delta = p.timeDeltas[i] ?? 0
    us += delta
    const n = byId.get(p.samples[i]!)!
    out.push({ atMs: clock.epochMs + (us / 1000 - clock.hrMs), ms: delta / 1000, idle: n.callFrame.functionName === '(idle)', self: keyOf(n), stack: stackOf(n.id) })
  }
  return out
}

/** Busy time, longest busy stretch, and the functions that took it, over the samples of one window. */
export function summarise(samples: readonly ProfileSample[]): { busyMs: number; longestMs: number; self: string; frames: string } {
  let busyMs = 0
  let longestMs = 0
  let run = 0
  const self = new Map<string, number>()
  const inclusive = new Map<string, number>()
  for (const s of samples) {
    if (s.idle) {
      run = 0
      continue
    }
    busyMs += s.ms
    run += s.ms
    longestMs = Math.max(longestMs, run)
    self.set(s.self, (self.get(s.self) ?? 0) + s.ms)
    for (const k of s.stack) if (k.includes(' src/')) inclusive.set(k, (inclusive.get(k) ?? 0) + s.ms)
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m.entries()].sort((x, y) => y[1] - x[1]).slice(0, n).map(([k, v]) => `\`${k}\` ${fmt(v)}`).join(', ')
  return { busyMs, longestMs, self: top(self, 4), frames: top(inclusive, 6) }
}

/**
 * Where the server's main thread spent its time (`--cpu-prof-dir`), read at the stalls the probe saw
 * (a stall is an exact wall interval in which the event loop did not turn): in phase S, per heavy
 * request (alone), its busy time and what ran during its longest stall; in phases A and B, the stalls
 * with the most time on a CPU and what ran during each. `src/` frames by inclusive ms (a request's
 * handler, then what it calls), and the functions with the most self time.
 */
export function profileReport(dir: string, phases: readonly Phase[], stalls: readonly Stall[], clock: { epochMs: number; hrMs: number } | undefined): string {
  if (clock === undefined) return '(no clock line from the server probe: the profile cannot be placed in time)'
  let samples: ProfileSample[]
  try {
    samples = profileSamples(dir, clock)
  } catch (e) {
    return `(no main-thread profile in ${dir}: ${(e as Error).message})`
  }
  const within = (fromMs: number, toMs: number) => samples.filter((x) => x.atMs >= fromMs && x.atMs <= toMs)
  const during = (st: Stall) => summarise(within(st.endMs - st.ms - 10, st.endMs))
  const lines: string[] = []
  const solo = phases.find((p) => p.name === 'S')
  if (solo?.heavy !== undefined) {
    lines.push(
      'Server main thread during each heavy request alone (phase S). Busy = profile samples (1 ms) not idle, whether the thread ran or waited for a core; the longest stall is the probe\'s (its on-CPU ms from schedstat), and what ran in it is read from the profile samples inside that interval:',
      '',
      '| heavy request | wall ms | main thread busy ms | longest stall ms (on CPU) | ran during that stall: src/ frames, inclusive ms | … most self time, ms |',
      '|---|---:|---:|---:|---|---|',
    )
    for (const c of solo.heavy.calls) {
      const busy = summarise(within(c.startMs, c.endMs + 5)).busyMs
      const own = stalls.filter((st) => st.endMs >= c.startMs && st.endMs - st.ms <= c.endMs).sort((x, y) => y.ms - x.ms)[0]
      const w = own === undefined ? undefined : during(own)
      lines.push(`| ${c.kind} | ${fmt(c.endMs - c.startMs)} | ${fmt(busy)} | ${own === undefined ? '–' : `${fmt(own.ms)} (${fmt(own.cpuMs)})`} | ${w?.frames ?? ''} | ${w?.self ?? ''} |`)
    }
  }
  for (const phase of phases.filter((p) => p.name !== 'S')) {
    const inPhase = stalls.filter((st) => st.endMs >= phase.startMs && st.endMs <= phase.endMs)
    const top = [...inPhase].sort((x, y) => y.cpuMs - x.cpuMs).slice(0, 10)
    lines.push(
      '',
      `Phase ${phase.name}: the ${top.length} stalls of the server main thread with the most time on a CPU (of ${inPhase.filter((st) => st.ms > 50).length} stalls > 50 ms), and what ran in them:`,
      '',
      '| stall ms | on CPU ms | heavy request in flight | src/ frames, inclusive ms | most self time, ms |',
      '|---:|---:|---|---|---|',
    )
    for (const st of top) {
      const w = during(st)
      lines.push(`| ${fmt(st.ms)} | ${fmt(st.cpuMs)} | ${phase.heavy === undefined ? '–' : heavyAt(phase.heavy.calls, st.endMs - st.ms, st.endMs)} | ${w.frames} | ${w.self} |`)
    }
  }
  return lines.join('\n')
}
