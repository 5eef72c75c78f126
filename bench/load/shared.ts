
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { parentPort } from 'node:worker_threads'
import type { MixResult } from './mix.ts'
import type { HealthResult } from './health.ts'
import type { HeavyResult } from './heavy.ts'

// ---- shared helpers -----------------------------------------------------------------------------

export interface OpStats {
  count: number
  errors: number
  /** Error answers by code or transport error name, with a first message. */
  errorKinds: Record<string, { count: number; first: string }>
  latenciesMs: number[]
}
export const newOpStats = (): OpStats => ({ count: 0, errors: 0, errorKinds: {}, latenciesMs: [] })

export function recordError(s: OpStats, kind: string, message: string): void {
  s.errors++
  const k = (s.errorKinds[kind] ??= { count: 0, first: message.slice(0, 200) })
  k.count++
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = Float64Array.from(values).sort()
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!
}

export function sdkStatusCode(status: { code?: number; error_code?: string | number } | undefined): number {
  if (status === undefined) return -1
  if (typeof status.code === 'number' && status.code !== 0) return status.code
  return status.error_code === 'Success' || status.error_code === 0 || status.error_code === undefined ? 0 : -2
}

export interface WorkerHandle<R> {
  readonly ready: Promise<void>
  run(message: RunMessage): Promise<R>
  /** Ends a worker that serves several runs (the heavy client). */
  end(): void
}
export interface RunMessage {
  readonly endAtMs: number
  /** Heavy client: one pass over the requests instead of looping until `endAtMs`. */
  readonly onePass?: boolean
}
/** The next run a worker is asked for (undefined: end). */
export function nextRun(): Promise<RunMessage | undefined> {
  return new Promise((resolve) => parentPort!.once('message', (m: RunMessage & { end?: boolean }) => resolve(m.end === true ? undefined : m)))
}

/** Client-side event-loop delay of a worker (is the client itself the bottleneck?). */
export function loopDelay(): { stop: () => { p99Ms: number; maxMs: number } } {
  const h = monitorEventLoopDelay({ resolution: 10 })
  h.enable()
  return {
    stop: () => {
      h.disable()
      return { p99Ms: h.percentile(99) / 1e6, maxMs: h.max / 1e6 }
    },
  }
}

export interface Sample {
  readonly tS: number
  readonly phase: string
  readonly rssMb: number
  /** Server CPU over the last interval, % of one core (all its threads). */
  readonly cpuPct: number
  readonly load1: number
}

export interface Phase {
  /** A: the mix alone; S: each heavy request once, alone; B: the mix and the heavy client. */
  readonly name: 'A' | 'S' | 'B'
  readonly startMs: number
  readonly endMs: number
  readonly mix?: MixResult
  readonly health: HealthResult
  readonly heavy?: HeavyResult
}
