/**
 * Bulk-import throughput (issue 15): one Parquet file of `--rows` rows (int64 pk + 128-d float
 * vector as List<Float32>, the layout the SDKs' BulkWriter writes), imported by Quiver as a job
 * (in this process, WAL fsync on), and the same file ingested by LanceDB (`createTable` from the
 * file read with parquet-wasm) and inserted into Milvus Lite (pyarrow batches of 10,000), each peer
 * a child process from bench/peers/. Prints one Markdown table.
 * Run: `npx tsx bench/import.ts [--rows 1000000] [--peers lancedb,milvus-lite]`; peers need
 * `bash bench/peers/setup.sh` first.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { arrow } from '../src/common/arrow.ts'
import { importJobsOf } from '../src/engine/import/import-jobs.ts'
import { Quiver } from '../src/index.ts'
import { randomFloats, seededRandom } from '../src/vector/seeded-random.ts'

const dim = 128
const here = path.dirname(fileURLToPath(import.meta.url))
const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, peers: { type: 'string', default: 'lancedb,milvus-lite' }, dir: { type: 'string', default: path.join(os.tmpdir(), 'quiver-import-bench') } } })
const rows = Number(values.rows)
const dir = values.dir!

interface Result {
  system: string
  rows: number
  seconds: number
  note: string
}

async function makeFile(file: string): Promise<void> {
  if (existsSync(file)) return
  const pq = await import('parquet-wasm')
  const random = seededRandom(42)
  const batches = []
  const batchRows = 100_000
  for (let start = 0; start < rows; start += batchRows) {
    const n = Math.min(batchRows, rows - start)
    const ids = BigInt64Array.from({ length: n }, (_, i) => BigInt(start + i))
    const flat = randomFloats(random, n * dim)
    const offsets = Int32Array.from({ length: n + 1 }, (_, i) => i * dim)
    const floatData = arrow.makeData({ type: new arrow.Float32(), length: n * dim, data: flat })
    const listType = new arrow.List(new arrow.Field('element', new arrow.Float32(), true))
    const vec = arrow.makeData({ type: listType, length: n, valueOffsets: offsets, child: floatData })
    batches.push(new arrow.RecordBatch({ id: arrow.makeData({ type: new arrow.Int64(), length: n, data: ids }), vec }))
  }
  const table = new arrow.Table(batches)
  const wasmTable = pq.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'))
  writeFileSync(file, pq.writeParquet(wasmTable))
}

async function runQuiver(file: string): Promise<Result> {
  const dataDir = path.join(dir, 'quiver-data')
  rmSync(dataDir, { recursive: true, force: true })
  const q = await Quiver.open({ path: dataDir })
  await q.createCollection({ collection_name: 'bench', fields: [{ name: 'id', data_type: 'Int64', is_primary_key: true }, { name: 'vec', data_type: 'FloatVector', dim }] })
  const start = performance.now()
  const cpu0 = process.cpuUsage()
  const r = await q.bulkInsert({ collection_name: 'bench', files: [file] })
  if (r.status.code !== 0) throw new Error(r.status.reason)
  const job = await importJobsOf(q.database).whenDone(r.tasks[0]!)
  const seconds = (performance.now() - start) / 1000
  const cpu = process.cpuUsage(cpu0)
  const cpuSeconds = (cpu.user + cpu.system) / 1e6
  if (job.state !== 'Completed') throw new Error(job.reason)
  const count = Number((await q.count({ collection_name: 'bench' })).data)
  await q.close()
  if (count !== rows) throw new Error(`quiver counted ${count} rows, expected ${rows}`)
  return { system: 'Quiver bulk import (job, fsync per batch)', rows: count, seconds, note: `batches of ~4 MiB; process CPU ${cpuSeconds.toFixed(1)} s (${Math.round((rows / cpuSeconds) * 60).toLocaleString('en')} rows per CPU-minute)` }
}

function runPeer(name: string, cmd: string, args: string[]): Result | undefined {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60 * 60 * 1000, maxBuffer: 1 << 24 })
  if (r.status !== 0) {
    console.error(`${name} failed: ${r.stderr}`)
    return undefined
  }
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Result
}

mkdirSync(dir, { recursive: true })
const file = path.join(dir, `rows-${rows}.parquet`)
await makeFile(file)
const results: Result[] = [await runQuiver(file)]
const peers = values.peers === '' ? [] : values.peers!.split(',')
if (peers.includes('lancedb')) {
  const r = runPeer('lancedb', process.execPath, [path.join(here, 'peers/lancedb-import.mjs'), '--file', file, '--dir', path.join(dir, 'lance')])
  if (r !== undefined) results.push(r)
}
if (peers.includes('milvus-lite')) {
  const r = runPeer('milvus-lite', path.join(here, 'peers/.venv/bin/python'), [path.join(here, 'peers/milvus_lite_import.py'), '--file', file, '--db', path.join(dir, 'lite.db')])
  if (r !== undefined) results.push(r)
}
console.log(`file: ${file} (${statSync(file).size} bytes, ${rows} rows × int64 + ${dim}-d float vector); node ${process.version}; load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`)
console.log('| system | rows | seconds | rows/s | rows/min | note |\n|---|---:|---:|---:|---:|---|')
for (const r of results) {
  const perS = r.rows / r.seconds
  console.log(`| ${r.system} | ${r.rows} | ${r.seconds.toFixed(1)} | ${Math.round(perS).toLocaleString('en')} | ${Math.round(perS * 60).toLocaleString('en')} | ${r.note} |`)
}
