/**
 * The server's write path alone (issue 14, "the server's write path"): upserts of `--batch` rows ×
 * 128-d float vectors, **encoded once before the clock starts** and sent as raw bytes by a grpc-js
 * client (no protobuf encoding per call), so the rows/s are the server's: gRPC receive, decode, WAL
 * append + fdatasync, apply, answer. Beside it, in the same run: Quiver embedded (`collection.upsert` of
 * the same columns, fsync on), and pymilvus (its ORM `Collection.upsert([ids, vectors])` with numpy
 * arrays) against the same server, with the pymilvus client's own encoding time measured apart.
 * `--address host:port` points the raw client at another server too (e.g. real Milvus) instead of
 * only the `quiver serve` child this benchmark starts.
 * Run: `npx tsx bench/wire-upsert.ts [--batches 40] [--batch 5000] [--clients 1,4] [--python <pymilvus venv python>] [--address host:port]`.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { Client, credentials, Metadata } from '@grpc/grpc-js'
import { MilvusClient, DataType as SdkType } from '@zilliz/milvus2-sdk-node'
import type protobuf from 'protobufjs'
import { DataType, Quiver } from '../src/index.ts'
import { loadMilvusProto, MILVUS_SERVICE } from '../src/server/grpc/milvus-proto.ts'
import { seededRandom } from '../src/vector/seeded-random.ts'
import { serveChild } from '../test/support/serve-child.ts'

const DIM = 128
const { values } = parseArgs({
  options: {
    batches: { type: 'string', default: '40' },
    batch: { type: 'string', default: '5000' },
    clients: { type: 'string', default: '1,4' },
    python: { type: 'string', default: path.join(process.cwd(), 'tmp', 'pymilvus-venv', 'bin', 'python') },
    address: { type: 'string' },
  },
})
const batches = Number(values.batches)
const batchRows = Number(values.batch)
const clientCounts = values.clients!.split(',').map(Number)

/** Batch b: keys b·batchRows …, seeded vectors in [-1, 1). */
function batchOf(b: number): { ids: BigInt64Array; vecs: Float32Array } {
  const random = seededRandom(1000 + b)
  const ids = BigInt64Array.from({ length: batchRows }, (_, i) => BigInt(b * batchRows + i))
  const vecs = new Float32Array(batchRows * DIM)
  for (let i = 0; i < vecs.length; i++) vecs[i] = random() * 2 - 1
  return { ids, vecs }
}

function requestType(root: protobuf.Root, rpc: string): protobuf.Type {
  const m = root.lookupService(MILVUS_SERVICE).methods[rpc]!
  m.resolve()
  return m.resolvedRequestType!
}

/** Every batch's UpsertRequest, encoded; and how long protobufjs took to encode them (a Node client's own cost). */
function encodeAll(collection: string): { bytes: Buffer[]; encodeMs: number } {
  const { root } = loadMilvusProto()
  const type = requestType(root, 'Upsert')
  const bytes: Buffer[] = []
  let encodeMs = 0
  for (let b = 0; b < batches; b++) {
    const { ids, vecs } = batchOf(b)
    const t = performance.now()
    const msg = type.fromObject({
      collection_name: collection,
      num_rows: batchRows,
      fields_data: [
        { type: 'Int64', field_name: 'id', scalars: { long_data: { data: Array.from(ids, String) } } },
        { type: 'FloatVector', field_name: 'vec', vectors: { dim: DIM, float_vector: { data: [] } } },
      ],
    }) as unknown as { fields_data: { vectors: { float_vector: { data: ArrayLike<number> } } }[] }
    msg.fields_data[1]!.vectors.float_vector.data = vecs
    bytes.push(Buffer.from(type.encode(msg).finish()))
    encodeMs += performance.now() - t
  }
  return { bytes, encodeMs }
}

async function createCollection(address: string, name: string): Promise<void> {
  const sdk = new MilvusClient({ address })
  await sdk.dropCollection({ collection_name: name })
  const r = await sdk.createCollection({
    collection_name: name,
    fields: [
      { name: 'id', data_type: SdkType.Int64, is_primary_key: true },
      { name: 'vec', data_type: SdkType.FloatVector, dim: DIM },
    ],
  })
  if (r.error_code !== 'Success') throw new Error(`createCollection on ${address}: ${JSON.stringify(r)}`)
  await sdk.closeConnection()
}

/** Sends every pre-encoded batch once, `clients` at a time (one connection each); rows/s by wall time. */
async function sendAll(address: string, requests: readonly Buffer[], clients: number): Promise<{ rowsPerS: number; seconds: number; failures: string[] }> {
  const { services } = loadMilvusProto()
  const method = services.milvus.Upsert!.path
  const failures: string[] = []
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: clients }, async () => {
      const client = new Client(address, credentials.createInsecure(), { 'grpc.max_send_message_length': -1, 'grpc.max_receive_message_length': -1, 'grpc.use_local_subchannel_pool': 1 })
      try {
        while (next < requests.length) {
          const bytes = requests[next++]!
          const raw = await new Promise<Buffer>((resolve, reject) => {
            client.makeUnaryRequest(method, (b: Buffer) => b, (b: Buffer) => b, bytes, new Metadata(), { deadline: Date.now() + 120_000 }, (err, res) => (err === null ? resolve(res!) : reject(err)))
          })
          // MutationResult.status (field 1) → code (field 7) or error_code (field 1): any non-zero is a failure.
          const status = loadMilvusProto().root.lookupType('milvus.proto.milvus.MutationResult').decode(raw) as unknown as { status?: { code?: number; error_code?: number; reason?: string } }
          if ((status.status?.code ?? 0) !== 0 || (status.status?.error_code ?? 0) !== 0) failures.push(status.status?.reason ?? 'failed')
        }
      } finally {
        client.close()
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  return { rowsPerS: (requests.length * batchRows) / seconds, seconds, failures }
}

async function embedded(): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'quiver-wire-embedded-'))
  try {
    const q = await Quiver.open({ path: dir })
    await q.createCollection({ collection_name: 'w', fields: [{ name: 'id', data_type: DataType.Int64, is_primary_key: true }, { name: 'vec', data_type: DataType.FloatVector, dim: DIM }] })
    const coll = q.collection('w')
    const data = Array.from({ length: batches }, (_, b) => batchOf(b))
    const t = performance.now()
    for (const { ids, vecs } of data) await coll.upsert({ id: ids, vec: vecs })
    const s = (performance.now() - t) / 1000
    await q.close()
    return (batches * batchRows) / s
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** pymilvus ORM upsert of numpy columns: total rows/s, and the seconds outside the Upsert RPC (pymilvus building each request). */
function pymilvus(address: string): { rowsPerS: number; clientSeconds: number; seconds: number } | string {
  const script = `
import sys, time, numpy as np
from pymilvus import connections, Collection
host, port = sys.argv[1].rsplit(':', 1)
batches, rows = int(sys.argv[2]), int(sys.argv[3])
connections.connect(host=host, port=port)
c = Collection('wire_py')
rng = np.random.default_rng(7)
data = [(np.arange(b*rows, (b+1)*rows, dtype=np.int64), rng.random((rows, ${DIM}), dtype=np.float32) * 2 - 1) for b in range(batches)]
# Time inside the Upsert RPC itself (send, server, answer); the rest of each upsert is pymilvus building the request.
stub = connections._fetch_handler('default')._stub
inside = [0.0]
class TimedFuture:
    def __init__(self, f): self.f = f
    def result(self, *a, **k):
        t = time.perf_counter()
        try:
            return self.f.result(*a, **k)
        finally:
            inside[0] += time.perf_counter() - t
    def __getattr__(self, name): return getattr(self.f, name)
class TimedMethod:
    def __init__(self, m): self.m = m
    def __call__(self, *a, **k):
        t = time.perf_counter()
        try:
            return self.m(*a, **k)
        finally:
            inside[0] += time.perf_counter() - t
    def future(self, *a, **k):
        t = time.perf_counter()
        f = self.m.future(*a, **k)
        inside[0] += time.perf_counter() - t
        return TimedFuture(f)
stub.Upsert = TimedMethod(stub.Upsert)
t0 = time.perf_counter()
for ids, v in data: c.upsert([ids, v])
total = time.perf_counter() - t0
print(f"{batches*rows/total} {total - inside[0]} {total}")
`
  const file = path.join(os.tmpdir(), 'quiver-wire-pymilvus.py')
  writeFileSync(file, script)
  const r = spawnSync(values.python!, [file, address, String(batches), String(batchRows)], { encoding: 'utf8', timeout: 600_000 })
  if (r.error !== undefined) return `pymilvus not run (${values.python}: ${r.error.message}; pass --python)`
  if (r.status !== 0) return `pymilvus run failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`
  const [rowsPerS, clientSeconds, seconds] = r.stdout.trim().split(' ').map(Number) as [number, number, number]
  return { rowsPerS, clientSeconds, seconds }
}

async function main(): Promise<void> {
  const load0 = os.loadavg()[0]!
  const dir = mkdtempSync(path.join(os.tmpdir(), 'quiver-wire-serve-'))
  const served = await serveChild(dir)
  const lines: string[] = []
  try {
    const targets: [string, string][] = [['Quiver (`quiver serve`)', served.address]]
    if (values.address !== undefined) targets.push([`other server (${values.address})`, values.address])
    const emb = await embedded()
    lines.push(`| Quiver embedded \`collection.upsert\` (fsync per upsert) | 1 | ${Math.round(emb).toLocaleString('en-US')} | | |`)
    for (const [label, address] of targets) {
      for (const clients of clientCounts) {
        const name = `wire_${clients}`
        await createCollection(address, name)
        const { bytes, encodeMs } = encodeAll(name)
        const r = await sendAll(address, bytes, clients)
        if (r.failures.length > 0) throw new Error(`${label}: ${r.failures.length} upserts failed: ${r.failures[0]}`)
        lines.push(`| ${label}, pre-encoded bytes over grpc-js | ${clients} | ${Math.round(r.rowsPerS).toLocaleString('en-US')} | ${(r.rowsPerS / emb).toFixed(2)}× embedded | Node protobufjs would add ${(encodeMs / 1000).toFixed(2)} s for these ${(batches * batchRows).toLocaleString('en-US')} rows |`)
      }
      await createCollection(address, 'wire_py')
      const py = pymilvus(address)
      if (typeof py === 'string') lines.push(`| ${label}, pymilvus | 1 | ${py} | | |`)
      else lines.push(`| ${label}, pymilvus \`Collection.upsert([ids, numpy])\` | 1 | ${Math.round(py.rowsPerS).toLocaleString('en-US')} | ${(py.rowsPerS / emb).toFixed(2)}× embedded | of its ${py.seconds.toFixed(2)} s, ${py.clientSeconds.toFixed(2)} s is pymilvus building the requests |`)
    }
  } finally {
    await served.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  console.log(`Machine: ${os.cpus()[0]?.model ?? '?'}, ${os.cpus().length} cores, Node ${process.version}; load average ${load0.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)}; ${new Date().toISOString()}`)
  console.log(`Command: npx tsx bench/wire-upsert.ts ${process.argv.slice(2).join(' ')} — ${batches} upserts of ${batchRows.toLocaleString('en-US')} rows × (int64 key, ${DIM}-d float vector), fresh keys`)
  console.log('')
  console.log('| path | clients | rows/s | ratio | note |')
  console.log('|---|---:|---:|---|---|')
  for (const l of lines) console.log(l)
}

await main()
