import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import os from 'node:os'
import { type Config, LOAD_BATCH_ROWS, STALL_LOG_MS_MIN } from './config.ts'
import { type OpStats, percentile, type Sample, type Phase } from './shared.ts'
import type { HeavyCall } from './heavy.ts'
import { type Stall, probeLines } from './probe.ts'

// ---- report -------------------------------------------------------------------------------------

export const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–')
export const ms = (n: number) => fmt(n, n < 10 ? 2 : 1)

export function errorText(s: OpStats): string {
  if (s.errors === 0) return '0'
  return `${s.errors} (${Object.entries(s.errorKinds).map(([k, v]) => `${k}: ${v.count}, "${v.first}"`).join('; ')})`
}

/** The heavy request in flight at epoch `atMs`, if any. */
export function heavyAt(calls: readonly HeavyCall[], fromMs: number, toMs: number): string {
  let best = 'none'
  let bestOverlap = 0
  for (const c of calls) {
    const overlap = Math.min(toMs, c.endMs) - Math.max(fromMs, c.startMs)
    if (overlap > bestOverlap) {
      best = c.kind
      bestOverlap = overlap
    }
  }
  return best
}

export function gitState(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { encoding: 'utf8' }).split('\n').filter((l) => l.length > 3)
    if (dirty.length === 0) return head
    const diff = execFileSync('git', ['diff', 'HEAD', '--', 'src'], { encoding: 'utf8', maxBuffer: 1 << 28 })
    const hash = createHash('sha1').update(diff).digest('hex').slice(0, 10)
    return `${head} + uncommitted changes in ${dirty.length} paths under src/ (tracked diff sha1 ${hash}): ${dirty.map((l) => l.slice(3)).join(', ')}`
  } catch {
    return '?'
  }
}

export function formatReport(cfg: Config, startedAt: Date, code: string, setup: { insertMs: number; flushMs: number; indexMs: number }, phases: readonly Phase[], samples: readonly Sample[], stderr: string): string {
  const lines: string[] = []
  const cpu = os.cpus()[0]?.model ?? '?'
  const loads = (phase: string) => samples.filter((s) => s.phase === phase).map((s) => s.load1)
  const range = (xs: number[]) => (xs.length === 0 ? '–' : `${fmt(Math.min(...xs), 1)}–${fmt(Math.max(...xs), 1)} (mean ${fmt(xs.reduce((a, b) => a + b, 0) / xs.length, 1)})`)
  const searchShare = (1 - cfg.upsertShare) * cfg.searchShare
  lines.push(
    `Machine: ${cpu}, ${os.cpus().length} cores, ${fmt(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`,
    `Date: ${startedAt.toISOString()} → ${new Date().toISOString()}; code: ${code}`,
    `Command: \`${['npx tsx bench/load.ts', ...process.argv.slice(2)].join(' ')}\``,
    `1-minute load average (every 5 s): setup ${range(loads('setup'))}, phase A ${range(loads('A'))}, phase S ${range(loads('S'))}, phase B ${range(loads('B'))}`,
    `Data: ${fmt(cfg.rows)} rows × dim ${cfg.dim} (id int64 key, n = id mod 1000 int64 without index, title varchar, vec), inserted through the SDK in batches of ${fmt(LOAD_BATCH_ROWS)} in ${fmt(setup.insertMs / 1000, 1)} s, flush ${fmt(setup.flushMs / 1000, 1)} s; HNSW M ${cfg.hnswM} efConstruction ${cfg.efConstruction}, L2: create + load + built in ${fmt(setup.indexMs / 1000, 1)} s`,
    `Mix: ${cfg.clients} SDK clients (own connections, no SDK retries), closed loops; per operation: upsert ${Math.round(cfg.upsertShare * 100)} % (${cfg.batchRows} rows: 90 % existing keys, 10 % from ${fmt(cfg.rows)}..${fmt(cfg.rows + cfg.rows / 10)} cycling), search ${Math.round(searchShare * 100)} % (nq 1, limit 10, ef ${cfg.searchEf}, output id), query ${Math.round((1 - cfg.upsertShare - searchShare) * 100)} % (\`n == k\`, limit 100, output id, n); /healthz every ${cfg.healthzEveryMs} ms on a new connection; ${cfg.minutes} min per phase`,
    '',
    '| phase | operation | count | per s | errors | p50 ms | p99 ms | max ms |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  )
  for (const p of phases) {
    const seconds = (p.endMs - p.startMs) / 1000
    for (const [op, s] of Object.entries(p.mix?.ops ?? {})) {
      lines.push(`| ${p.name} | ${op} | ${fmt(s.count)} | ${fmt(s.count / p.mix!.seconds, 1)} | ${errorText(s)} | ${ms(percentile(s.latenciesMs, 0.5))} | ${ms(percentile(s.latenciesMs, 0.99))} | ${ms(Math.max(...s.latenciesMs))} |`)
    }
    const h = p.health.stats
    lines.push(`| ${p.name} | /healthz | ${fmt(h.count)} | ${fmt(h.count / seconds, 1)} | ${errorText(h)} | ${ms(percentile(h.latenciesMs, 0.5))} | ${ms(percentile(h.latenciesMs, 0.99))} | ${ms(Math.max(...h.latenciesMs))} |`)
  }
  const a = phases.find((p) => p.name === 'A')
  const b = phases.find((p) => p.name === 'B')
  lines.push('')
  for (const p of phases) {
    const parts = [
      ...(p.mix === undefined ? [] : [`upserted ${fmt(p.mix.upsertedRows / p.mix.seconds)} rows/s`, `client-side event-loop delay p99/max: mixing clients ${ms(p.mix.clientLoop.p99Ms)}/${ms(p.mix.clientLoop.maxMs)} ms`]),
      `health probe ${ms(p.health.clientLoop.p99Ms)}/${ms(p.health.clientLoop.maxMs)} ms`,
      ...(p.heavy === undefined ? [] : [`heavy client ${ms(p.heavy.clientLoop.p99Ms)}/${ms(p.heavy.clientLoop.maxMs)} ms`]),
    ]
    lines.push(`Phase ${p.name} (${fmt((p.endMs - p.startMs) / 1000)} s): ${parts.join('; ')}.`)
  }
  const withHeavy = phases.filter((p) => p.heavy !== undefined)
  if (withHeavy.length > 0) {
    lines.push(
      '',
      `Heavy client (one connection; pre-encoded requests, ${fmt(withHeavy[0]!.heavy!.prepareMs / 1000, 1)} s to build; deadline ${fmt(cfg.heavyDeadlineMs / 1000)} s each; in this order; S = once alone, B = looped beside the mix):`,
      '',
      '| phase | heavy request | request MB | limits | sent | ok | refused 1100 | other code | transport error | cut at phase end | p50 ms | max ms | response MB (max) |',
      '|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    )
    for (const p of withHeavy) {
      for (const k of p.heavy!.kinds) {
        const others = Object.entries(k.otherCodes).map(([c, n]) => `${n} × ${c}`).join(', ') || '0'
        const transport = Object.entries(k.transport).map(([c, n]) => `${n} × grpc ${c}`).join(', ') || '0'
        lines.push(`| ${p.name} | ${k.kind} | ${fmt(k.requestBytes / 1e6, 1)} | ${k.expect === 'refused' ? 'past a limit' : 'within'} | ${k.count} | ${k.ok} | ${k.refused1100} | ${others} | ${transport} | ${k.cancelledAtEnd} | ${ms(percentile(k.latenciesMs, 0.5))} | ${ms(Math.max(...k.latenciesMs))} | ${k.responseBytes.length === 0 ? '–' : fmt(Math.max(...k.responseBytes) / 1e6, 1)} |`)
      }
    }
    const reasons = new Map<string, string>()
    for (const p of withHeavy) for (const k of p.heavy!.kinds) for (const [c, r] of Object.entries(k.firstReason)) reasons.set(`${k.kind}, ${c}`, r)
    if (reasons.size > 0) lines.push('', 'First answer per non-ok code:', ...[...reasons].map(([k, r]) => `- ${k}: ${r}`))
  }
  if (a?.mix !== undefined && b?.mix !== undefined) {
    lines.push('', '| target | phase A | phase B | B / A | verdict |', '|---|---:|---:|---:|---|')
    for (const op of ['upsert', 'search', 'query'] as const) {
      const pa = percentile(a.mix.ops[op].latenciesMs, 0.99)
      const pb = percentile(b.mix.ops[op].latenciesMs, 0.99)
      lines.push(`| ${op} p99 ≤ 3× unloaded | ${ms(pa)} ms | ${ms(pb)} ms | ${fmt(pb / pa, 2)}× | ${pb <= 3 * pa ? 'met' : 'missed'} |`)
    }
    const ha = percentile(a.health.stats.latenciesMs, 0.99)
    const hb = percentile(b.health.stats.latenciesMs, 0.99)
    lines.push(`| /healthz p99 ≤ 50 ms under load | ${ms(ha)} ms | ${ms(hb)} ms | ${fmt(hb / ha, 2)}× | ${hb <= 50 ? 'met' : 'missed'} |`)
    const errors = phases.map((p) => phaseErrors(p))
    lines.push(`| 0 errors (mix, /healthz, heavy: no 65535, no transport error; S and B counted in B) | ${errors[0]} | ${errors.slice(1).reduce((x, y) => x + y, 0)} | | ${errors.every((e) => e === 0) ? 'met' : 'missed'} |`)
  }
  lines.push('', ...stallReport(phases, probeLines(stderr, 'STALL') as Stall[]))
  lines.push('', ...rssReport(samples, probeLines(stderr, 'ELD') as { epochMs: number; p99Ms: number; maxMs: number }[], startedAt))
  return lines.join('\n')
}

export function phaseErrors(p: Phase): number {
  const mix = Object.values(p.mix?.ops ?? {}).reduce((m, s) => m + s.errors, 0)
  const heavy = (p.heavy?.kinds ?? []).reduce((n, k) => n + Object.values(k.otherCodes).reduce((x, y) => x + y, 0) + Object.values(k.transport).reduce((x, y) => x + y, 0), 0)
  return mix + p.health.stats.errors + heavy
}

/** The server main thread's stalls per phase, and in phase B by the heavy request in flight. */
export function stallReport(phases: readonly Phase[], stalls: readonly Stall[]): string[] {
  const lines = [
    `Server main-thread stalls (the preloaded probe's 10 ms timer late by > ${STALL_LOG_MS_MIN} ms; on CPU = the thread ran, waiting = it was runnable but had no core):`,
    '',
    '| phase | heavy request in flight | /healthz probes | /healthz p99 ms | /healthz max ms | stalls > 20 ms | > 50 ms | > 100 ms | longest ms | most on CPU in one stall ms | total ms | of it on CPU ms | waiting for a core ms |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ]
  for (const p of phases) {
    const inPhase = stalls.filter((s) => s.endMs >= p.startMs && s.endMs <= p.endMs)
    const kindOf = (fromMs: number, toMs: number) => (p.heavy === undefined ? '–' : heavyAt(p.heavy.calls, fromMs, toMs))
    const groups = new Map<string, { stalls: Stall[]; probesMs: number[] }>()
    const group = (kind: string) => groups.get(kind) ?? groups.set(kind, { stalls: [], probesMs: [] }).get(kind)!
    for (const s of inPhase) group(kindOf(s.endMs - s.ms, s.endMs)).stalls.push(s)
    for (const h of p.health.probes) group(kindOf(h.atMs, h.atMs + h.ms)).probesMs.push(h.ms)
    const order = p.heavy === undefined ? [] : p.heavy.kinds.map((k) => k.kind)
    const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length)
    for (const [kind, { stalls: g, probesMs }] of [...groups.entries()].sort((x, y) => rank(x[0]) - rank(y[0]))) {
      const sum = (f: (s: Stall) => number) => g.reduce((n, s) => n + f(s), 0)
      const most = (f: (s: Stall) => number) => (g.length === 0 ? 0 : Math.max(...g.map(f)))
      lines.push(`| ${p.name} | ${kind} | ${probesMs.length} | ${ms(percentile(probesMs, 0.99))} | ${ms(probesMs.length === 0 ? Number.NaN : Math.max(...probesMs))} | ${g.length} | ${g.filter((s) => s.ms > 50).length} | ${g.filter((s) => s.ms > 100).length} | ${ms(most((s) => s.ms))} | ${ms(most((s) => s.cpuMs))} | ${fmt(sum((s) => s.ms))} | ${fmt(sum((s) => s.cpuMs))} | ${fmt(sum((s) => s.waitMs))} |`)
    }
  }
  return lines
}

/** RSS and CPU of the server over time: one row per 30 s (the 5 s samples summarised). */
export function rssReport(samples: readonly Sample[], eld: readonly { epochMs: number; p99Ms: number; maxMs: number }[], startedAt: Date): string[] {
  const lines = [
    'Server process over time (sampled every 5 s: VmRSS from /proc/<pid>/status, CPU from /proc/<pid>/stat; one row per 30 s: last RSS, max RSS, mean CPU, max event-loop delay from monitorEventLoopDelay):',
    '',
    '| t (s) | phase | RSS MB | max RSS MB | server CPU % | event-loop delay max ms | load avg 1 min |',
    '|---:|---|---:|---:|---:|---:|---:|',
  ]
  const windowS = 30
  for (let from = 0; from <= (samples.at(-1)?.tS ?? 0); from += windowS) {
    const w = samples.filter((s) => s.tS >= from && s.tS < from + windowS)
    if (w.length === 0) continue
    const last = w.at(-1)!
    const e = eld.filter((x) => (x.epochMs - startedAt.getTime()) / 1000 >= from && (x.epochMs - startedAt.getTime()) / 1000 < from + windowS)
    lines.push(`| ${fmt(last.tS)} | ${[...new Set(w.map((s) => s.phase))].join('/')} | ${fmt(last.rssMb)} | ${fmt(Math.max(...w.map((s) => s.rssMb)))} | ${fmt(w.reduce((n, s) => n + s.cpuPct, 0) / w.length)} | ${e.length === 0 ? '–' : ms(Math.max(...e.map((x) => x.maxMs)))} | ${fmt(last.load1, 1)} |`)
  }
  const peak = Math.max(...samples.map((s) => s.rssMb))
  lines.push('', `Peak RSS ${fmt(peak)} MB.`)
  return lines
}
