// The restart benchmark's data: seeded vectors, prepared data directories, rows left only in the WAL.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DataType, Quiver } from '../../src/index.ts'
import { seededRandom } from '../../src/vector/seeded-random.ts'
import { BENCH_DIR, DIM, flag, HNSW, log, SELF, sleep, textFlag } from './config.ts'

/** Row `i`'s vector: one of 64 seeded cluster centres plus noise (HNSW builds fast on clustered data). */
export const centers = (() => {
  const r = seededRandom(42)
  return Array.from({ length: 64 }, () => Float32Array.from({ length: DIM }, () => r() * 2 - 1))
})()
export function vectorsOf(from: number, count: number): Float32Array {
  const out = new Float32Array(count * DIM)
  for (let j = 0; j < count; j++) {
    const r = seededRandom(1_000_003 + from + j)
    const c = centers[Math.floor(r() * centers.length)]!
    for (let k = 0; k < DIM; k++) out[j * DIM + k] = c[k]! + (r() - 0.5) * 0.3
  }
  return out
}
export function batchOf(from: number, count: number) {
  return { id: BigInt64Array.from({ length: count }, (_, i) => BigInt(from + i)), vec: vectorsOf(from, count) }
}

export const fields = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'vec', data_type: DataType.FloatVector, dim: DIM },
]

export async function upsertRows(client: Quiver, from: number, count: number, batch = 10_000): Promise<void> {
  const coll = client.collection('b')
  for (let s = from; s < from + count; s += batch) await coll.upsert(batchOf(s, Math.min(batch, from + count - s)))
}

/** Child role: upserts rows into an open directory and waits to be SIGKILLed (its rows stay only in the WAL). */
export async function writerRole(): Promise<void> {
  const client = await Quiver.open({ path: textFlag('data')!, autoCompaction: false })
  await upsertRows(client, flag('from', 0), flag('rows', 0))
  process.stdout.write('written\n')
  setInterval(() => {}, 60_000)
}

/** Leaves `rows` more rows only in the WAL of `dir` (a child writes them and is killed, as by a crash). */
export async function addWalRows(dir: string, from: number, rows: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--role', 'writer', '--data', dir, '--from', String(from), '--rows', String(rows)], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout!.on('data', (b: Buffer) => {
    out += b.toString()
  })
  while (!out.includes('written')) {
    if (child.exitCode !== null) throw new Error(`writer exited with ${child.exitCode}`)
    await sleep(50)
  }
  const exited = once(child, 'exit')
  process.kill(child.pid!, 'SIGKILL')
  await exited
}

export interface Prepared {
  readonly name: string
  readonly dir: string
  readonly rows: number
}

/** Builds `name` once (reused while its `ready` marker is there). */
export async function prepare(name: string, rows: number, build: (dir: string) => Promise<void>): Promise<Prepared> {
  const dir = join(BENCH_DIR, `${name}-${rows}`)
  const marker = join(BENCH_DIR, `${name}-${rows}.ready`)
  if (process.argv.includes('--fresh') || !existsSync(marker)) {
    rmSync(dir, { recursive: true, force: true })
    rmSync(marker, { force: true })
    mkdirSync(dir, { recursive: true })
    const t = performance.now()
    await build(dir)
    writeFileSync(marker, new Date().toISOString())
    log(`prepared ${name} (${rows} rows) in ${((performance.now() - t) / 1000).toFixed(1)} s`)
  }
  return { name, dir, rows }
}

/** A collection `b` with `rows` rows flushed (and indexed with HNSW when `indexed`), closed cleanly. */
export async function flushedDir(dir: string, rows: number, indexed: boolean, segments = 1): Promise<void> {
  const client = await Quiver.open({ path: dir, autoCompaction: false })
  await client.createCollection({ collection_name: 'b', fields })
  if (indexed) await client.createIndex({ collection_name: 'b', field_name: 'vec', index_type: 'HNSW', metric_type: 'L2', params: HNSW })
  const per = Math.ceil(rows / segments)
  for (let s = 0; s < rows; s += per) {
    await upsertRows(client, s, Math.min(per, rows - s))
    await client.collection('b').flush()
  }
  await client.database.indexBuilds.idle()
  await client.close()
}


export function copyOf(p: Prepared, tag: string): string {
  const dir = join(BENCH_DIR, 'work', `${p.name}-${tag}`)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(join(BENCH_DIR, 'work'), { recursive: true })
  cpSync(p.dir, dir, { recursive: true })
  return dir
}

export function bytesUnder(dir: string, filter: (path: string) => boolean = () => true): number {
  if (!existsSync(dir)) return 0
  let n = 0
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    const st = statSync(p)
    n += st.isDirectory() ? bytesUnder(p, filter) : filter(p) ? st.size : 0
  }
  return n
}
