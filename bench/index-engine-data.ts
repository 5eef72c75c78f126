// The vector index benchmark's data set files (bench/index-data.ts writes them): loading, batches read
// from disk, and the process's CPU time and peak RSS (used by bench/index-engine.ts and bench/interim-index.ts).
import { closeSync, openSync, readFileSync, readSync } from 'node:fs'
import path from 'node:path'
import type { DatasetMeta, SelectiveFilter } from './index-data.ts'

/** Rows per insert / upsert batch. */
export const batchRows = 10_000

export interface Data {
  readonly dir: string
  readonly meta: DatasetMeta
  readonly queries: Float32Array
  readonly tags: BigInt64Array
  readonly upsertKeys: BigInt64Array
  readonly truth: Int32Array
  readonly truthFiltered: Int32Array
  readonly truthUpserted: Int32Array
  /** The selective filters (1 %, 0.1 %) with their ground truth; empty for data sets without them. */
  readonly selective: readonly (SelectiveFilter & { readonly truthRows: Int32Array })[]
}

function readWhole<T>(dir: string, name: string, make: (b: ArrayBuffer) => T): T {
  const bytes = readFileSync(path.join(dir, name))
  return make(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
}

/** Everything but the big vector files, which are read in batches (so RSS shows the engine, not the data). */
export function loadData(dir: string): Data {
  const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as DatasetMeta
  const f = meta.files
  return {
    dir,
    meta,
    queries: readWhole(dir, f.queries, (b) => new Float32Array(b)),
    tags: readWhole(dir, f.tags, (b) => new BigInt64Array(b)),
    upsertKeys: readWhole(dir, f.upsertKeys, (b) => new BigInt64Array(b)),
    truth: readWhole(dir, f.truth, (b) => new Int32Array(b)),
    truthFiltered: readWhole(dir, f.truthFiltered, (b) => new Int32Array(b)),
    truthUpserted: readWhole(dir, f.truthUpserted, (b) => new Int32Array(b)),
    selective: (meta.selective ?? []).map((s) => ({ ...s, truthRows: readWhole(dir, s.truth, (b) => new Int32Array(b)) })),
  }
}

/** Rows start..start+count-1 of a row-major float32 file. */
export function readRows(file: string, dim: number, start: number, count: number): Float32Array {
  const out = new Float32Array(count * dim)
  const fd = openSync(file, 'r')
  try {
    readSync(fd, new Uint8Array(out.buffer), 0, out.byteLength, start * dim * 4)
  } finally {
    closeSync(fd)
  }
  return out
}

/** Batches of the base rows (ids 0..rows-1) or of the upsert, read from disk one at a time. */
export function* batchesOf(data: Data, which: 'base' | 'upsert'): Generator<{ ids: BigInt64Array; vectors: Float32Array }> {
  const { dim, rows, upsertRows, files } = data.meta
  const total = which === 'base' ? rows : upsertRows
  const file = path.join(data.dir, which === 'base' ? files.vectors : files.upsertVectors)
  for (let start = 0; start < total; start += batchRows) {
    const count = Math.min(batchRows, total - start)
    const ids = which === 'base' ? BigInt64Array.from({ length: count }, (_, i) => BigInt(start + i)) : data.upsertKeys.slice(start, start + count)
    yield { ids, vectors: readRows(file, dim, start, count) }
  }
}

/** CPU time of this process so far (user + system, every thread), in ms. */
export function cpuMs(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

export function peakRssBytes(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
  return m === null ? 0 : Number(m[1]) * 1024
}
