import { exprLimits } from '../../src/expr/expr-limits.ts'
import { flag, textFlag } from '../argv-flags.ts'

// ---- configuration ------------------------------------------------------------------------------

export interface Config {
  /** Length of each phase, in minutes. */
  readonly minutes: number
  readonly rows: number
  readonly dim: number
  /** Mixing clients (each its own SDK client and connection). */
  readonly clients: number
  /** Rows per mixed upsert. */
  readonly batchRows: number
  /** Share of the mixing clients' operations that are upserts. */
  readonly upsertShare: number
  /** Share of the other operations that are searches (the rest are queries). */
  readonly searchShare: number
  readonly hnswM: number
  readonly efConstruction: number
  readonly searchEf: number
  /** Deadline of each heavy request (the server stops the work past it). */
  readonly heavyDeadlineMs: number
  /** Rows of the heavy insert. */
  readonly heavyInsertRows: number
  readonly healthzEveryMs: number
  readonly rssEveryMs: number
  /** Server CPU profile directory (`--cpu-prof` on the server child); undefined = not profiled. */
  readonly cpuProfDir: string | undefined
  /** Everything measured, as JSON; undefined = not written. */
  readonly jsonFile: string | undefined
  /** Which phases run, in order (A, S, B). */
  readonly phases: readonly ('A' | 'S' | 'B')[]
}


export function configFromArgs(): Config {
  const rows = flag('rows', 100_000)
  return {
    minutes: flag('minutes', 5),
    rows,
    dim: flag('dim', 128),
    clients: flag('clients', 8),
    batchRows: flag('batch', 100),
    upsertShare: flag('upsert-share', 0.1),
    searchShare: flag('search-share', 0.75),
    hnswM: flag('m', 16),
    efConstruction: flag('ef-construction', 200),
    searchEf: 64,
    heavyDeadlineMs: flag('heavy-deadline-ms', 120_000),
    heavyInsertRows: flag('heavy-insert-rows', 100_000),
    healthzEveryMs: 50,
    rssEveryMs: 5_000,
    cpuProfDir: textFlag('cpu-prof-dir'),
    jsonFile: textFlag('json'),
    phases: (textFlag('phases') ?? 'A,S,B').split(',').map((p) => {
      if (p !== 'A' && p !== 'S' && p !== 'B') throw new Error(`--phases: A, S or B, got ${p}`)
      return p
    }),
  }
}

export const COLLECTION = 'load'
export const LOAD_BATCH_ROWS = 5_000
/** Key range of the heavy insert (its rows are deleted again after each insert). */
export const HEAVY_KEY_BASE = 2_000_000_000
/** SDK calls of the setup and the mixing clients. */
export const SDK_TIMEOUT_MS = 120_000
export const INDEX_POLL_MS = 500
export const INDEX_WAIT_MS_MAX = 1_800_000
export const HEALTHZ_TIMEOUT_MS = 10_000
/** Untimed operations per mixing client before a phase starts. */
export const WARMUP_OPS = 20
/** Server event-loop gaps longer than this (ms past the probe's 10 ms timer) are logged as stalls. */
export const STALL_LOG_MS_MIN = 20
/** Operators one filter may have (`exprLimits.exprOperatorsMax` where the server has that limit). */
export const OPERATORS_MAX = (exprLimits as unknown as Record<string, number | undefined>).exprOperatorsMax ?? Number.POSITIVE_INFINITY
/** Phase S ends after one pass over the heavy requests, or after this. */
export const SOLO_MS_MAX = 900_000
