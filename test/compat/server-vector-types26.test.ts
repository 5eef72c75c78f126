// Int8Vector and nullable vector fields through the official Node SDK (gRPC) and REST v2 against
// `quiver serve`: int8 rows as number[] and Int8Array, HNSW (other index types refused), searches
// equal to a brute-force reference; nullable float/int8/binary vectors with nulls in (valid_data,
// vectors of valid rows only) and out, never search hits.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType, ErrorCode, type MilvusClient } from '@zilliz/milvus2-sdk-node'
import { rng } from '../support/temp-db.ts'
import { startTestServer, type TestServer } from './server-fixture.ts'

const DIM = 8

function l2(a: readonly number[], b: readonly number[]): number {
  let s = 0
  for (let k = 0; k < a.length; k++) s += (a[k]! - b[k]!) ** 2
  return s
}

/** Ids of the k nearest non-null vectors (L2), ties by id. */
function bruteForce(rows: ReadonlyMap<number, number[] | null>, q: readonly number[], k: number): number[] {
  return [...rows]
    .filter((e): e is [number, number[]] => e[1] !== null)
    .map(([id, v]) => ({ id, d: l2(q, v) }))
    .sort((x, y) => x.d - y.d || x.id - y.id)
    .slice(0, k)
    .map((x) => x.id)
}

describe('Node SDK and REST against quiver serve: Int8Vector and nullable vectors', () => {
  let env: TestServer
  let c: MilvusClient
  let base: string
  const next = rng(26)
  const int8 = () => Array.from({ length: DIM }, () => Math.floor(next() * 256) - 128)
  before(async () => {
    env = await startTestServer()
    c = env.connect()
    base = `http://127.0.0.1:${env.server.grpc.port}/v2/vectordb`
  })
  after(() => env.stop())

  const rest = async (path: string, body: unknown): Promise<{ code: number; data?: unknown; message?: string }> => {
    const r = await fetch(`${base}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    return (await r.json()) as { code: number; data?: unknown; message?: string }
  }

  test('SDK: Int8Vector rows in as number[] and Int8Array, out as integers; HNSW search equals brute force', async () => {
    const create = await c.createCollection({
      collection_name: 'i8',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: false },
        { name: 'v', data_type: DataType.Int8Vector, dim: DIM },
      ],
    })
    assert.equal(create.error_code, ErrorCode.SUCCESS, create.reason)
    const d = await c.describeCollection({ collection_name: 'i8' })
    assert.equal(d.schema.fields.find((f) => f.name === 'v')?.data_type, 'Int8Vector')
    const rows = new Map<number, number[]>()
    const data = Array.from({ length: 200 }, (_, id) => {
      const v = int8()
      rows.set(id, v)
      return { id, v: id % 2 === 0 ? v : Int8Array.from(v) }
    })
    const ins = await c.insert({ collection_name: 'i8', data })
    assert.equal(ins.status.error_code, ErrorCode.SUCCESS, ins.status.reason)
    const bad = await c.createIndex({ collection_name: 'i8', field_name: 'v', index_type: 'IVF_FLAT', metric_type: 'L2', params: { nlist: 4 } })
    assert.equal(bad.code, 1100)
    assert.match(bad.reason, /data type Int8Vector can't build with this index IVF_FLAT/)
    const idx = await c.createIndex({ collection_name: 'i8', field_name: 'v', index_type: 'HNSW', metric_type: 'L2', params: { M: 16, efConstruction: 200 } })
    assert.equal(idx.error_code, ErrorCode.SUCCESS, idx.reason)
    await c.flushSync({ collection_names: ['i8'] })
    await c.loadCollectionSync({ collection_name: 'i8' })
    const q = await c.query({ collection_name: 'i8', filter: 'id in [0, 1, 199]', output_fields: ['id', 'v'] })
    assert.deepEqual(
      q.data.map((r) => [Number(r.id), r.v]).sort((a, b) => (a[0] as number) - (b[0] as number)),
      [0, 1, 199].map((id) => [id, rows.get(id)]),
    )
    const queries = [int8(), int8()]
    const s = await c.search({ collection_name: 'i8', data: [queries[0]!, Int8Array.from(queries[1]!)], limit: 5, params: { ef: 200 }, output_fields: ['v'] })
    assert.equal(s.status.error_code, ErrorCode.SUCCESS, s.status.reason)
    const results = s.results as unknown as { id: string; score: number; v: number[] }[][]
    queries.forEach((qv, i) => {
      assert.deepEqual(results[i]!.map((h) => Number(h.id)), bruteForce(rows, qv, 5))
      for (const h of results[i]!) {
        assert.deepEqual(h.v, rows.get(Number(h.id)))
        assert.equal(h.score, l2(qv, rows.get(Number(h.id))!))
      }
    })
  })

  for (const [label, dataType, dim, metric, indexType, params] of [
    ['float', DataType.FloatVector, 4, 'L2', 'HNSW', { M: 8, efConstruction: 64 }],
    ['int8', DataType.Int8Vector, 4, 'L2', 'HNSW', { M: 8, efConstruction: 64 }],
    ['binary', DataType.BinaryVector, 16, 'HAMMING', 'BIN_IVF_FLAT', { nlist: 2 }],
  ] as const) {
    test(`SDK: nullable ${label} vectors: null in and out, never a search hit`, async () => {
      const name = `nv_${label}`
      const create = await c.createCollection({
        collection_name: name,
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: false },
          { name: 'v', data_type: dataType, dim, nullable: true },
        ],
      })
      assert.equal(create.error_code, ErrorCode.SUCCESS, create.reason)
      const width = label === 'binary' ? dim / 8 : dim
      const make = () => Array.from({ length: width }, () => (label === 'float' ? Math.round(next() * 100) / 4 : label === 'binary' ? Math.floor(next() * 256) : Math.floor(next() * 256) - 128))
      const rows = new Map<number, number[] | null>()
      const data = Array.from({ length: 40 }, (_, id) => {
        const v = id % 3 === 0 ? null : make()
        rows.set(id, v)
        return { id, v }
      })
      const ins = await c.insert({ collection_name: name, data })
      assert.equal(ins.status.error_code, ErrorCode.SUCCESS, ins.status.reason)
      assert.equal((await c.createIndex({ collection_name: name, field_name: 'v', index_type: indexType, metric_type: metric, params })).error_code, ErrorCode.SUCCESS)
      await c.flushSync({ collection_names: [name] })
      await c.loadCollectionSync({ collection_name: name })
      const q = await c.query({ collection_name: name, filter: 'id >= 0', output_fields: ['id', 'v'] })
      assert.equal(q.data.length, rows.size)
      for (const r of q.data) assert.deepEqual(r.v, rows.get(Number(r.id)), `row ${r.id}`)
      const s = await c.search({ collection_name: name, data: make(), limit: 100, output_fields: ['v'] })
      const hits = s.results as unknown as { id: string; v: unknown }[]
      assert.equal(hits.length, [...rows.values()].filter((v) => v !== null).length)
      for (const h of hits) assert.notEqual(h.v, null)
      const byNullKey = await c.search({ collection_name: name, ids: [1, 3], anns_field: 'v', limit: 3 } as never)
      assert.equal(byNullKey.status.code, 1100)
      assert.match(byNullKey.status.reason, /the v vectors of primary keys 3 are null/)
    })
  }

  test('REST v2: Int8Vector and a nullable vector: create, insert, query, search equal to brute force; IVF_FLAT refused', async () => {
    const create = await rest('collections/create', {
      collectionName: 'rest8',
      schema: {
        fields: [
          { fieldName: 'id', dataType: 'Int64', isPrimary: true },
          { fieldName: 'v', dataType: 'Int8Vector', elementTypeParams: { dim: DIM } },
          { fieldName: 'nv', dataType: 'FloatVector', nullable: true, elementTypeParams: { dim: 2 } },
        ],
      },
    })
    assert.equal(create.code, 0, create.message)
    const rows = new Map<number, number[]>()
    const nulls = new Map<number, number[] | null>()
    const data = Array.from({ length: 30 }, (_, id) => {
      const v = int8()
      rows.set(id, v)
      const nv = id % 2 === 0 ? null : [id, 1]
      nulls.set(id, nv)
      return { id, v, nv }
    })
    assert.equal((await rest('entities/insert', { collectionName: 'rest8', data })).code, 0)
    const tooBig = await rest('entities/insert', { collectionName: 'rest8', data: [{ id: 99, v: [...int8().slice(1), 128], nv: null }] })
    assert.equal(tooBig.code, 1100)
    assert.match(tooBig.message ?? '', /field v at row 0: element 7/)
    const refused = await rest('indexes/create', { collectionName: 'rest8', indexParams: [{ fieldName: 'v', indexName: 'v', metricType: 'L2', indexType: 'IVF_FLAT', params: { nlist: 4 } }] })
    assert.equal(refused.code, 1100)
    const idx = await rest('indexes/create', {
      collectionName: 'rest8',
      indexParams: [
        { fieldName: 'v', indexName: 'v', metricType: 'L2', indexType: 'HNSW', params: { M: 16, efConstruction: 200 } },
        { fieldName: 'nv', indexName: 'nv', metricType: 'L2', indexType: 'AUTOINDEX' },
      ],
    })
    assert.equal(idx.code, 0, idx.message)
    assert.equal((await rest('collections/load', { collectionName: 'rest8' })).code, 0)
    const q = await rest('entities/query', { collectionName: 'rest8', filter: 'id < 4', outputFields: ['v', 'nv'] })
    assert.deepEqual(
      (q.data as { id: unknown; v: number[]; nv: number[] | null }[]).map((r) => [Number(r.id), r.v, r.nv]).sort((a, b) => (a[0] as number) - (b[0] as number)),
      [0, 1, 2, 3].map((id) => [id, rows.get(id), nulls.get(id)]),
    )
    const qv = int8()
    const s = await rest('entities/search', { collectionName: 'rest8', data: [qv], annsField: 'v', limit: 5, outputFields: ['v'] })
    assert.deepEqual((s.data as { id: unknown }[]).map((h) => Number(h.id)), bruteForce(rows, qv, 5))
    const sn = await rest('entities/search', { collectionName: 'rest8', data: [[1, 1]], annsField: 'nv', limit: 100, outputFields: ['nv'] })
    const hits = sn.data as { id: unknown; nv: unknown }[]
    assert.deepEqual(hits.map((h) => Number(h.id)), bruteForce(nulls, [1, 1], 100))
    for (const h of hits) assert.notEqual(h.nv, null)
  })
})
