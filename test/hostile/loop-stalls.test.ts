// Issue 11, the blocks the load benchmark's profile found: each heavy request that is within the limits
// holds the server's event loop for a bounded time per block. A real `quiver serve` child runs with a
// preloaded stall probe (test/support/loop-probe.ts) that reports, per late timer tick, the CPU time
// the main thread spent in it; each request's longest such block must stay under a bound.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { Client, credentials } from '@grpc/grpc-js'
import { DataType, MilvusClient } from '@zilliz/milvus2-sdk-node'
import { loadMilvusProto } from '../../src/server/grpc/milvus-proto.ts'
import { SDK_TIMEOUT_MS } from '../compat/server-fixture.ts'
import { longestCpuMs, loopProbeOptions, loopStalls } from '../support/loop-probe.ts'
import { type ServedChild, serveChild } from '../support/serve-child.ts'
import { tempDir } from '../support/temp-db.ts'

/**
 * The most CPU time one block of a heavy request may take on the server's main thread. Before the
 * fixes these blocks took 97–180 ms of CPU here at load average 7–12 (search answer 146–180, query
 * answer 108–137, insert 97–146); after, 15–25 ms, and ~40 ms for the insert's atomic apply (100,000
 * keys checked and indexed, vectors appended). Generous for a busy CI machine, where a major GC alone
 * can take tens of ms, and still below every "before".
 */
const BLOCK_CPU_MS_MAX = 80
/** A 100,000-row insert is applied all or nothing in one block (docs/design/0008: its seal copy, 80–165 ms measured, is the known remaining block). */
const INSERT_BLOCK_CPU_MS_MAX = 200
const DIM = 128
const ROWS = 20_000
const INSERT_ROWS = 100_000
const INSERT_DIM = 16

function encode(typeName: string, message: Record<string, unknown>): Buffer {
  const type = loadMilvusProto().root.lookupType(typeName)
  return Buffer.from(type.encode(type.fromObject(message)).finish())
}

function floats(n: number, seed: number): Float32Array {
  const out = new Float32Array(n)
  let a = seed
  for (let i = 0; i < n; i++) {
    a = (a * 1103515245 + 12345) >>> 0
    out[i] = a / 4294967296 - 0.5
  }
  return out
}

function searchBytes(nq: number, limit: number): Buffer {
  const flat = floats(nq * DIM, nq)
  const values = Array.from({ length: nq }, (_, i) => Buffer.from(flat.buffer, i * DIM * 4, DIM * 4))
  return encode('milvus.proto.milvus.SearchRequest', {
    collection_name: 'q',
    dsl_type: 1,
    nq,
    dsl: '',
    placeholder_group: encode('milvus.proto.common.PlaceholderGroup', { placeholders: [{ tag: '$0', type: DataType.FloatVector, values }] }),
    search_params: [
      { key: 'anns_field', value: 'vec' },
      { key: 'topk', value: String(limit) },
      { key: 'metric_type', value: 'L2' },
      { key: 'params', value: '{}' },
    ],
    output_fields: ['id'],
  })
}

function insertBytes(collection: string, n: number, dim: number, firstId: number, withScalars: boolean): Buffer {
  const type = loadMilvusProto().root.lookupType('milvus.proto.milvus.InsertRequest')
  const ids = Array.from({ length: n }, (_, i) => firstId + i)
  const msg = type.fromObject({
    collection_name: collection,
    num_rows: n,
    fields_data: [
      { field_name: 'id', type: DataType.Int64, scalars: { long_data: { data: ids } } },
      ...(withScalars
        ? [
            { field_name: 'n', type: DataType.Int64, scalars: { long_data: { data: ids.map((id) => id % 1000) } } },
            { field_name: 'title', type: DataType.VarChar, scalars: { string_data: { data: ids.map((id) => `row ${id}`) } } },
          ]
        : []),
      { field_name: 'vec', type: DataType.FloatVector, vectors: { dim, float_vector: { data: [] } } },
    ],
  }) as unknown as { fields_data: { vectors?: { float_vector: { data: ArrayLike<number> } } }[] }
  msg.fields_data.at(-1)!.vectors!.float_vector.data = floats(n * dim, firstId + 1)
  return Buffer.from(type.encode(msg as never).finish())
}

/** Sends raw request bytes; returns the answer's status code (field 1 decoded alone) and its size. */
function rawCall(client: Client, method: string, body: Buffer): Promise<{ code: number; reason: string; bytes: number }> {
  const def = loadMilvusProto().services.milvus[method]!
  const status = loadMilvusProto().root.lookupType('milvus.proto.common.Status')
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(def.path, (b: Buffer) => b, (b: Buffer) => b, body, { deadline: Date.now() + 120_000 }, (err, res) => {
      if (err !== null) return reject(err)
      // field 1, length-delimited: tag 0x0a, a varint length (statuses are short: one or two bytes)
      let len = res![1]!
      let at = 2
      if (len > 127) {
        len = (len & 127) | (res![2]! << 7)
        at = 3
      }
      const s = status.toObject(status.decode(res!.subarray(at, at + len))) as { code?: number; reason?: string }
      resolve({ code: s.code ?? 0, reason: s.reason ?? '', bytes: res!.length })
    })
  })
}

describe('heavy requests hold the server loop only in short blocks (issue 11)', () => {
  let served: ServedChild
  let sdk: MilvusClient
  let raw: Client
  const dir = tempDir('quiver-stalls-')
  const results: string[] = []
  /** Diagnosis (`LOOPPROBE_PROF_DIR=dir`): the server's main thread is profiled and each request's stalls written beside the profile. */
  const profDir = process.env.LOOPPROBE_PROF_DIR
  const windows: { name: string; fromMs: number; toMs: number }[] = []

  /** Runs one request; returns its answer and the most CPU one loop stall took while it ran. */
  async function measured(name: string, method: string, body: Buffer): Promise<{ code: number; reason: string; bytes: number; cpuMs: number }> {
    const from = Date.now()
    const a = await rawCall(raw, method, body)
    // The probe prints a stall at its next tick: wait for it.
    await new Promise((r) => setTimeout(r, 100))
    const stalls = loopStalls(served.stderr(), from, Date.now())
    const cpuMs = longestCpuMs(stalls)
    windows.push({ name, fromMs: from, toMs: Date.now() })
    results.push(`${name}: ${(Date.now() - from - 100).toFixed(0)} ms, longest block ${cpuMs} ms on CPU (${stalls.length} stalls > 10 ms, longest ${Math.max(0, ...stalls.map((s) => s.ms))} ms)`)
    return { ...a, cpuMs }
  }

  before(async () => {
    served = await serveChild(dir.path, ['--log-level', 'warn'], { NODE_OPTIONS: loopProbeOptions(dir.path), ...(profDir === undefined ? {} : { LOOPPROBE_PROF_DIR: profDir }) })
    sdk = new MilvusClient({ address: served.address, timeout: SDK_TIMEOUT_MS * 6, logLevel: 'error' })
    raw = new Client(served.address, credentials.createInsecure(), { 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 })
    await sdk.createCollection({
      collection_name: 'q',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'n', data_type: DataType.Int64 },
        { name: 'title', data_type: DataType.VarChar, max_length: 64 },
        { name: 'vec', data_type: DataType.FloatVector, dim: DIM },
      ],
    })
    await sdk.createCollection({ collection_name: 'w', fields: [{ name: 'id', data_type: DataType.Int64, is_primary_key: true }, { name: 'vec', data_type: DataType.FloatVector, dim: INSERT_DIM }] })
    const loaded = await rawCall(raw, 'Insert', insertBytes('q', ROWS, DIM, 0, true))
    assert.equal(loaded.code, 0, loaded.reason)
  })
  after(async () => {
    console.log(results.join('\n'))
    raw?.close()
    await sdk?.closeConnection()
    const code = await served?.stop()
    if (profDir !== undefined) writeFileSync(join(profDir, 'windows.json'), JSON.stringify({ windows, stderr: served.stderr() }))
    dir.cleanup()
    assert.equal(code, 0)
  })

  test('a search of 262,100 hits (nq 2621 × limit 100): scanned and encoded in short blocks', async () => {
    const a = await measured('search nq 2621 × 100', 'Search', searchBytes(2_621, 100))
    assert.equal(a.code, 0, a.reason)
    assert.ok(a.bytes > 2_621 * 100 * 5, `answer of ${a.bytes} bytes`)
    assert.ok(a.cpuMs <= BLOCK_CPU_MS_MAX, `longest block ${a.cpuMs} ms on CPU`)
  })

  test('a refused search of nq 16384: refused before its vectors are decoded', async () => {
    const a = await measured('search nq 16384 × 100 (refused)', 'Search', searchBytes(16_384, 100))
    assert.equal(a.code, 1100, a.reason)
    assert.ok(a.cpuMs <= BLOCK_CPU_MS_MAX, `longest block ${a.cpuMs} ms on CPU`)
  })

  test('a query of 16,384 rows with every field (128-d vectors): gathered and encoded in short blocks', async () => {
    const body = encode('milvus.proto.milvus.QueryRequest', { collection_name: 'q', expr: 'n >= 0', output_fields: ['id', 'n', 'title', 'vec'], query_params: [{ key: 'limit', value: '16384' }] })
    const a = await measured('query 16384 rows, all fields', 'Query', body)
    assert.equal(a.code, 0, a.reason)
    assert.ok(a.bytes > 16_384 * DIM * 4, `answer of ${a.bytes} bytes`)
    assert.ok(a.cpuMs <= BLOCK_CPU_MS_MAX, `longest block ${a.cpuMs} ms on CPU`)
  })

  test('a 100,000-row insert and the delete of its rows by a range filter: applied in short blocks, all or nothing to readers', async () => {
    const ins = await measured('insert 100,000 rows', 'Insert', insertBytes('w', INSERT_ROWS, INSERT_DIM, 1_000_000, false))
    assert.equal(ins.code, 0, ins.reason)
    assert.equal(Number((await sdk.count({ collection_name: 'w' })).data), INSERT_ROWS)
    assert.ok(ins.cpuMs <= INSERT_BLOCK_CPU_MS_MAX, `insert: longest block ${ins.cpuMs} ms on CPU`)
    const del = await measured('delete 100,000 rows by range', 'Delete', encode('milvus.proto.milvus.DeleteRequest', { collection_name: 'w', expr: 'id >= 1000000 and id < 1100000' }))
    assert.equal(del.code, 0, del.reason)
    assert.equal(Number((await sdk.count({ collection_name: 'w' })).data), 0)
    assert.ok(del.cpuMs <= BLOCK_CPU_MS_MAX, `delete: longest block ${del.cpuMs} ms on CPU`)
  })
})
