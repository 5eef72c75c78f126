// Issue 11 findings 1 and 5 as tests: counts, lengths and nesting that come from the wire are checked
// before anything is sized by them. Raw protobuf bytes go to the real server; each answer must be a
// prompt 1100 naming what was wrong, the server keeps serving, and the reference collection is unchanged.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Client, credentials } from '@grpc/grpc-js'
import { DataType, type MilvusClient } from '@zilliz/milvus2-sdk-node'
import { loadMilvusProto } from '../../src/server/grpc/milvus-proto.ts'
import { startTestServer, type TestServer } from '../compat/server-fixture.ts'

type Status = { code: number; reason: string }
type Answer = { status: Status; res: Record<string, unknown>; ms: number }

/** Per-call deadline (ms): a request that spins instead of answering fails the test instead of hanging it. */
const CALL_DEADLINE_MS = 20_000

function rawCall(client: Client, method: string, body: Buffer): Promise<Answer> {
  const def = loadMilvusProto().services.milvus[method]!
  const started = Date.now()
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(def.path, (b: Buffer) => b, (b: Buffer) => def.responseDeserialize(b) as Record<string, unknown>, body, { deadline: Date.now() + CALL_DEADLINE_MS }, (err, res) => {
      if (err !== null) return reject(err)
      const r = res!
      const status = ('status' in r ? r.status : r) as Status
      resolve({ status, res: r, ms: Date.now() - started })
    })
  })
}

/** Encodes a request message of the Milvus protocol by its type name. */
function encode(typeName: string, message: Record<string, unknown>): Buffer {
  const type = loadMilvusProto().root.lookupType(typeName)
  return Buffer.from(type.encode(type.fromObject(message)).finish())
}

describe('wire counts and lengths are checked before allocation (issue 11.1, 11.5)', () => {
  let env: TestServer
  let c: MilvusClient
  let raw: Client
  before(async () => {
    env = await startTestServer()
    c = env.connect()
    raw = new Client(env.address, credentials.createInsecure())
    await c.createCollection({
      collection_name: 'ref',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'vec', data_type: DataType.FloatVector, dim: 4 },
        { name: 'bin', data_type: DataType.BinaryVector, dim: 16 },
      ],
      enable_dynamic_field: true,
    })
    await c.insert({ collection_name: 'ref', data: [1, 2, 3].map((id) => ({ id, vec: [id, 0, 0, 0], bin: [id, 0] })) })
  })
  after(async () => {
    raw.close()
    await env.stop()
  })

  const count = async () => Number((await c.count({ collection_name: 'ref' })).data)

  test('the 14-byte Upsert with num_rows 4294967295 and no fields answers 1100 at once (was: out of memory)', async () => {
    for (const method of ['Upsert', 'Insert']) {
      const a = await rawCall(raw, method, Buffer.from('1a066e6f7375636838ffffffff0f', 'hex'))
      assert.equal(a.status.code, 1100, `${method}: ${a.status.reason}`)
      assert.match(a.status.reason, /num_rows is 4294967295 but the request carries no field data/)
      assert.deepEqual(a.res.err_index ?? [], [])
    }
  })

  test('bytes that are not a protobuf message of the RPC\'s type: 1100 with a Milvus status, not gRPC INTERNAL', async () => {
    // A message field (base, field 1) whose length runs past the end, an invalid wire type (7). (protobufjs
    // is lenient elsewhere: a string whose length runs past the end is cut there, not refused.)
    for (const hex of ['0a7f0801', '0f']) {
      for (const method of ['Upsert', 'Query', 'DescribeCollection']) {
        const a = await rawCall(raw, method, Buffer.from(hex, 'hex'))
        assert.equal(a.status.code, 1100, `${method} ${hex}: ${a.status.reason}`)
        assert.match(a.status.reason, new RegExp(`the ${method} request is not a valid protobuf message`))
      }
    }
    assert.equal(await count(), 3)
  })

  test('num_rows that disagrees with a column: 1100 naming the field and both counts (empty Int64, dynamic, binary, one real row)', async () => {
    const typeName = 'milvus.proto.milvus.UpsertRequest'
    const big = 4294967295
    const cases: { name: string; fields: Record<string, unknown>[]; numRows: number; reason: RegExp }[] = [
      { name: 'empty int64', fields: [{ field_name: 'id', type: DataType.Int64, scalars: { long_data: { data: [] } } }], numRows: big, reason: /no field data/ },
      { name: 'dynamic', fields: [{ field_name: '$meta', type: DataType.JSON, is_dynamic: true, scalars: { json_data: { data: [Buffer.from('{"a":1}')] } } }], numRows: big, reason: /num_rows \(1\) of field \(\$meta\) is not equal to passed num_rows \(4294967295\)/ },
      { name: 'binary', fields: [{ field_name: 'bin', type: DataType.BinaryVector, vectors: { dim: 16, binary_vector: Buffer.alloc(2) } }], numRows: big, reason: /field \(bin\).*4294967295/ },
      {
        name: 'one real row, num_rows 7',
        fields: [
          { field_name: 'id', type: DataType.Int64, scalars: { long_data: { data: [9] } } },
          { field_name: 'vec', type: DataType.FloatVector, vectors: { dim: 4, float_vector: { data: [1, 2, 3, 4] } } },
          { field_name: 'bin', type: DataType.BinaryVector, vectors: { dim: 16, binary_vector: Buffer.alloc(2) } },
        ],
        numRows: 7,
        reason: /num_rows \(1\) of field \(id\) is not equal to passed num_rows \(7\)/,
      },
    ]
    for (const k of cases) {
      for (const collection of ['nosuch', 'ref']) {
        const a = await rawCall(raw, 'Upsert', encode(typeName, { collection_name: collection, num_rows: k.numRows, fields_data: k.fields }))
        assert.equal(a.status.code, 1100, `${k.name} → ${collection}: ${a.status.reason}`)
        assert.match(a.status.reason, k.reason, k.name)
      }
    }
    assert.equal(await count(), 3)
  })

  test('vector bytes that are not whole vectors of the wire dim, or an impossible dim: 1100 naming the field', async () => {
    const typeName = 'milvus.proto.milvus.InsertRequest'
    const id = { field_name: 'id', type: DataType.Int64, scalars: { long_data: { data: [10] } } }
    const bin = { field_name: 'bin', type: DataType.BinaryVector, vectors: { dim: 16, binary_vector: Buffer.alloc(2) } }
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ field_name: 'vec', type: DataType.FloatVector, vectors: { dim: 4, float_vector: { data: [1, 2, 3] } } }, /field vec: 3 values is not a whole number of vectors of dim 4/],
      [{ field_name: 'vec', type: DataType.FloatVector, vectors: { dim: 0, float_vector: { data: [1, 2, 3, 4] } } }, /field vec: dim 0/],
      [{ field_name: 'vec', type: DataType.FloatVector, vectors: { dim: 4294967295, float_vector: { data: [1, 2, 3, 4] } } }, /field vec: dim/],
    ]
    for (const [vec, reason] of cases) {
      const a = await rawCall(raw, 'Insert', encode(typeName, { collection_name: 'ref', num_rows: 1, fields_data: [id, vec, bin] }))
      assert.equal(a.status.code, 1100, a.status.reason)
      assert.match(a.status.reason, reason)
    }
    const odd = await rawCall(raw, 'Insert', encode(typeName, { collection_name: 'ref', num_rows: 1, fields_data: [id, { field_name: 'vec', type: DataType.FloatVector, vectors: { dim: 4, float_vector: { data: [1, 2, 3, 4] } } }, { ...bin, vectors: { dim: 12, binary_vector: Buffer.alloc(2) } }] }))
    assert.equal(odd.status.code, 1100)
    assert.match(odd.status.reason, /bin.*multiple of 8/)
    assert.equal(await count(), 3)
  })

  test('JSON nested thousands deep (search params, a JSON row, a template value): 1100, not 65535 or a stack overflow', async () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`
    const search = await rawCall(
      raw,
      'Search',
      encode('milvus.proto.milvus.SearchRequest', {
        collection_name: 'ref',
        dsl_type: 1,
        nq: 1,
        placeholder_group: encode('milvus.proto.common.PlaceholderGroup', { placeholders: [{ tag: '$0', type: 101, values: [Buffer.from(new Float32Array([1, 0, 0, 0]).buffer)] }] }),
        search_params: [
          { key: 'anns_field', value: 'vec' },
          { key: 'topk', value: '2' },
          { key: 'params', value: deep },
        ],
      }),
    )
    assert.equal(search.status.code, 1100, search.status.reason)
    assert.match(search.status.reason, /params is nested more than 64 levels deep/)
    const row = await rawCall(
      raw,
      'Insert',
      encode('milvus.proto.milvus.InsertRequest', {
        collection_name: 'ref',
        num_rows: 1,
        fields_data: [
          { field_name: 'id', type: DataType.Int64, scalars: { long_data: { data: [11] } } },
          { field_name: 'vec', type: DataType.FloatVector, vectors: { dim: 4, float_vector: { data: [1, 2, 3, 4] } } },
          { field_name: 'bin', type: DataType.BinaryVector, vectors: { dim: 16, binary_vector: Buffer.alloc(2) } },
          { field_name: '$meta', type: DataType.JSON, is_dynamic: true, scalars: { json_data: { data: [Buffer.from(`{"x":${'['.repeat(5000)}${']'.repeat(5000)}}`)] } } },
        ],
      }),
    )
    assert.equal(row.status.code, 1100, row.status.reason)
    assert.match(row.status.reason, /field \$meta at row 0: JSON nested 5001 levels deep/)
    const del = await rawCall(
      raw,
      'Delete',
      encode('milvus.proto.milvus.DeleteRequest', {
        collection_name: 'ref',
        expr: 'id in {ids}',
        expr_template_values: { ids: { array_val: { json_data: { data: [Buffer.from(`${'['.repeat(3000)}${']'.repeat(3000)}`)] } } } },
      }),
    )
    assert.equal(del.status.code, 1100, del.status.reason)
    assert.match(del.status.reason, /template value \{ids\}: JSON nested 3000 levels deep/)
    assert.equal(await count(), 3)
    const health = await c.checkHealth()
    assert.equal(health.isHealthy, true)
  })

  test('found by the fuzzer: a Flush naming one collection a million times answers once; weights that are not a list are 1100', async () => {
    const flush = await rawCall(raw, 'Flush', encode('milvus.proto.milvus.FlushRequest', { collection_names: new Array(1_000_000).fill('ref') }))
    assert.equal(flush.status.code, 0, flush.status.reason)
    assert.deepEqual(Object.keys(flush.res.coll_segIDs as object), ['ref'])
    const res = await fetch(`http://${env.address}/v2/vectordb/entities/advanced_search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ collectionName: 'ref', search: [{ data: [[1, 0, 0, 0]], annsField: 'vec', limit: 2 }], rerank: { strategy: 'weighted', params: { weights: 9223372036854775808 } }, limit: 2 }),
    })
    const body = (await res.json()) as { code: number; message: string }
    assert.equal(body.code, 1100, body.message)
    assert.match(body.message, /weights should be a list of numbers/)
    assert.equal(await count(), 3)
  })
})
