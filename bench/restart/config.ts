// The restart benchmark's flags, constants, builds and formatting helpers (bench/restart.ts).
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { flag, textFlag } from '../argv-flags.ts'

export { flag, textFlag }

export const DIM = 128
export const HNSW = { M: 16, efConstruction: 64 }
export const smallRows = flag('small-rows', 5_000)
export const largeRows = flag('large-rows', 200_000)
export const walRows = flag('wal-rows', 50_000)
export const runs = flag('runs', 3)
export const skipLarge = process.argv.includes('--skip-large')
export const skipShutdown = process.argv.includes('--skip-shutdown')
/** Rows of the unindexed directory the index-build scenario builds on (a build of some seconds). */
export const unindexedRows = flag('unindexed-rows', 100_000)
/** Segments × rows of the directory the compaction scenario merges. */
export const fragmentSegments = 20
export const fragmentRows = 10_000
/** Segments left once they are compacted: plans merge up to ~126k rows of this schema (64 MiB of rows). */
export const compactedSegmentsMax = 2
export const writerClients = 8
export const writerBatchRows = 500
/** How long scenarios let their load run before SIGTERM (the compaction alone: less, so it still runs). */
export const loadMs = flag('load-ms', 3_000)
export const compactionLoadMs = 1_000
/** The server must answer within this time after its start. */
export const startMsMax = 300_000
/** Waits for an index to cover every row, or a compaction to finish, after a restart. */
export const resumeWaitMsMax = 600_000
/** A compaction that has not resumed by then is reported as not resumed. */
export const compactionWaitMsMax = 60_000
export const BENCH_DIR = fileURLToPath(new URL('../data/restart/', import.meta.url))

/** A compiled build to measure: its CLI and package entry. */
export interface Build {
  readonly label: string
  readonly main: string
  readonly index: string
}
export const builds: Build[] = (textFlag('dist') ?? `this checkout=${fileURLToPath(new URL('../../dist/', import.meta.url))}`).split(',').map((spec) => {
  const [label, path] = spec.includes('=') ? (spec.split('=') as [string, string]) : [spec, spec]
  return { label, main: join(path, 'src/cli/main.js'), index: join(path, 'src/index.js') }
})
/** bench/restart.ts: the entry point, which also plays the writer child's role. */
export const SELF = fileURLToPath(new URL('../restart.ts', import.meta.url))

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

export function log(message: string): void {
  process.stderr.write(`[restart bench] ${message}\n`)
}

export const fmt = (n: number | undefined, digits = 0) => (n === undefined || Number.isNaN(n) ? '—' : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }))
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN
export const mb = (bytes: number) => `${fmt(bytes / 2 ** 20, 1)} MiB`

export function breakdown(o: Record<string, unknown> | undefined): string {
  if (o === undefined) return '(no breakdown logged)'
  return Object.entries(o)
    .map(([k, v]) => (typeof v === 'number' ? `${k} ${fmt(v)}` : typeof v === 'object' && v !== null ? `${k} {${breakdown(v as Record<string, unknown>)}}` : `${k} ${String(v)}`))
    .join(', ')
}
