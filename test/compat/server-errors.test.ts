// Errors over the wire as Milvus reports them: common.Status with gRPC OK and both `code` and
// `error_code`; a rejected write changes nothing; over 64 MiB answers 1102; every unary RPC, handled
// or not, answers a status (a raw gRPC client sends each method an empty request).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Client, credentials, type ServiceError, status as grpcStatus } from '@grpc/grpc-js'
import { DataType, ErrorCode, type MilvusClient } from '@zilliz/milvus2-sdk-node'
import { REQUEST_BYTES_MAX } from '../../src/server/grpc/grpc-server.ts'
import { loadMilvusProto } from '../../src/server/grpc/milvus-proto.ts'
import { startTestServer, type TestServer } from './server-fixture.ts'

const fields = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'vec', data_type: DataType.FloatVector, dim: 4 },
  { name: 'title', data_type: DataType.VarChar, max_length: 8 },
]

type Status = { code: number; error_code: string; reason: string }

/** Calls a method with raw request bytes; resolves with the decoded response or the gRPC error. */
function rawCall(client: Client, service: 'milvus' | 'telemetry', method: string, body: Buffer): Promise<{ res?: Record<string, unknown>; err?: ServiceError }> {
  const def = loadMilvusProto().services[service][method]!
  return new Promise((resolve) => {
    client.makeUnaryRequest(def.path, (b: Buffer) => b, (b: Buffer) => def.responseDeserialize(b) as Record<string, unknown>, body, { deadline: Date.now() + 10_000 }, (err, res) => {
      resolve(err === null ? { res: res! } : { err })
    })
  })
}

function statusOf(res: Record<string, unknown>): Status {
  return ('status' in res ? res.status : 'alter_status' in res ? res.alter_status : res) as Status
}

describe('errors over the wire', () => {
  let env: TestServer
  let c: MilvusClient
  let raw: Client
  before(async () => {
    env = await startTestServer()
    c = env.connect()
    raw = new Client(env.address, credentials.createInsecure(), { 'grpc.max_send_message_length': -1 })
    await c.createCollection({ collection_name: 'e', fields })
    await c.insert({ collection_name: 'e', data: [{ id: 1, vec: [1, 0, 0, 0], title: 'one' }] })
  })
  after(async () => {
    raw.close()
    await env.stop()
  })

  const count = async () => (await c.count({ collection_name: 'e' })).data

  test('wrong dimension, missing field, too-long string: 1100 naming the field; nothing written', async () => {
    const dim = await c.insert({ collection_name: 'e', data: [{ id: 2, vec: [1, 0, 0, 0], title: 'ok' }, { id: 3, vec: [1, 0], title: 'x' }] })
    assert.equal(dim.status.error_code, 'IllegalArgument')
    assert.equal(dim.status.code, 1100)
    assert.match(dim.status.reason, /vec/)
    assert.deepEqual(dim.err_index, [0, 1])
    const missing = await c.insert({ collection_name: 'e', data: [{ id: 4, vec: [1, 0, 0, 0] }] })
    assert.equal(missing.status.code, 1100)
    assert.match(missing.status.reason, /title/)
    const long = await c.upsert({ collection_name: 'e', data: [{ id: 5, vec: [1, 0, 0, 0], title: 'far too long' }] })
    assert.equal(long.status.code, 1100)
    assert.equal(await count(), 1)
  })

  test('unknown collection: 100 CollectionNotExists everywhere; unknown partition: 200', async () => {
    const q = await c.query({ collection_name: 'nope', filter: 'id > 0' })
    assert.equal(q.status.code, 100)
    assert.equal(q.status.error_code, 'CollectionNotExists')
    assert.match(q.status.reason, /collection not found.*\[collection=nope\]/)
    await assert.rejects(c.insert({ collection_name: 'nope', data: [{ id: 1 }] }))
    const del = await c.deleteEntities({ collection_name: 'nope', filter: 'id > 0' })
    assert.equal(del.status.code, 100)
    const stats = await c.getCollectionStatistics({ collection_name: 'nope' })
    assert.equal(stats.status.code, 100)
    const part = await c.insert({ collection_name: 'e', partition_name: 'drama', data: [{ id: 9, vec: [1, 0, 0, 0], title: 't' }] })
    assert.equal(part.status.code, 200)
    assert.match(part.status.reason, /partition not found\[partition=drama\]/)
    assert.equal(await count(), 1)
  })

  test('bad expressions and bad search parameters: 1100', async () => {
    const q = await c.query({ collection_name: 'e', filter: 'id >> 1' })
    assert.equal(q.status.code, 1100)
    const unknownField = await c.query({ collection_name: 'e', filter: 'nope > 1' })
    assert.equal(unknownField.status.code, 1100)
    const s = await c.search({ collection_name: 'e', data: [1, 0], limit: 1 })
    assert.equal(s.status.code, 1100)
    assert.match(s.status.reason, /dim/)
    const topk = await c.search({ collection_name: 'e', data: [1, 0, 0, 0], limit: 20000 })
    assert.equal(topk.status.code, 1100)
    const del = await c.deleteEntities({ collection_name: 'e', filter: 'title like' })
    assert.equal(del.status.code, 1100)
    assert.equal(await count(), 1)
  })

  test('a request over 64 MiB answers 1102 parameter too large and changes nothing', async () => {
    const { res, err } = await rawCall(raw, 'milvus', 'Insert', Buffer.alloc(REQUEST_BYTES_MAX + 1))
    assert.equal(err, undefined)
    const s = statusOf(res!)
    assert.equal(s.code, 1102)
    assert.equal(s.error_code, 'IllegalArgument')
    assert.match(s.reason, /parameter too large/)
    assert.equal(await count(), 1)
  })

  test('every unary MilvusService RPC answers gRPC OK with a status; ClientHeartbeat succeeds', async () => {
    const service = loadMilvusProto().services.milvus
    const problems: string[] = []
    const codes = new Map<string, number>()
    for (const [name, def] of Object.entries(service)) {
      if (def.requestStream || def.responseStream || name === 'Dummy' || name === 'GetReplicateInfo') continue
      const { res, err } = await rawCall(raw, 'milvus', name, Buffer.alloc(0))
      if (err !== undefined) problems.push(`${name}: gRPC ${err.code} ${err.details}`)
      else if (typeof statusOf(res!).code !== 'number') problems.push(`${name}: no status`)
      else codes.set(name, statusOf(res!).code)
    }
    assert.deepEqual(problems, [])
    assert.ok(codes.size >= 135, `only ${codes.size} RPCs answered`)
    // RBAC works with authorization off (kept, not enforced): an empty request is listed or refused.
    assert.equal(codes.get('ListCredUsers'), 0)
    assert.equal(codes.get('CreateRole'), 1100)
    assert.equal(codes.get('ListFileResources'), 3000)
    assert.equal(codes.get('GetVersion'), 0)
    const hb = await rawCall(raw, 'telemetry', 'ClientHeartbeat', Buffer.alloc(0))
    assert.equal(statusOf(hb.res!).code, 0)
    assert.equal(await count(), 1)
    assert.equal((await c.hasCollection({ collection_name: 'e' })).value, true)
  })

  test('the streaming RPCs and Dummy answer gRPC UNIMPLEMENTED; the server keeps serving', async () => {
    const service = loadMilvusProto().services.milvus
    const stream = raw.makeServerStreamRequest(service.DumpMessages!.path, (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0))
    stream.on('data', () => {})
    const streamError = await new Promise<ServiceError>((resolve) => stream.on('error', resolve))
    assert.equal(streamError.code, grpcStatus.UNIMPLEMENTED)
    const bidi = raw.makeBidiStreamRequest(service.CreateReplicateStream!.path, (b: Buffer) => b, (b: Buffer) => b)
    bidi.on('data', () => {})
    const bidiError = await new Promise<ServiceError>((resolve) => bidi.on('error', resolve))
    bidi.end()
    assert.equal(bidiError.code, grpcStatus.UNIMPLEMENTED)
    const dummy = await rawCall(raw, 'milvus', 'Dummy', Buffer.alloc(0))
    assert.equal(dummy.err?.code, grpcStatus.UNIMPLEMENTED)
    assert.equal(await count(), 1)
  })

  test('the SDK sees success only when error_code is Success', async () => {
    const ok = await c.query({ collection_name: 'e', filter: 'id == 1', output_fields: ['title'] })
    assert.equal(ok.status.error_code, ErrorCode.SUCCESS)
    assert.deepEqual(ok.data, [{ id: '1', title: 'one' }])
  })
})
