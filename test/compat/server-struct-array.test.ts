// Array-of-structs fields through the official Node SDK (gRPC) and REST v2 against `quiver serve`:
// create/describe (struct_array_fields), struct lists in (struct_arrays, vector_array) and out, index
// on `items[emb]`, embedding-list (MAX_SIM) and element-level searches equal to a brute-force
// reference, element_filter queries with offsets (element_indices), and everything after a restart.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType, ErrorCode, type MilvusClient } from '@zilliz/milvus2-sdk-node'
import { rng } from '../support/temp-db.ts'
import { startTestServer, type TestServer } from './server-fixture.ts'

const DIM = 4
type Item = { label: string; order: number; emb: number[] }
const ip = (a: readonly number[], b: readonly number[]) => a.reduce((s, x, k) => s + x * b[k]!, 0)
const cos = (a: readonly number[], b: readonly number[]) => ip(a, b) / Math.sqrt(ip(a, a) * ip(b, b))

describe('Node SDK and REST against quiver serve: struct array fields', () => {
  let env: TestServer
  let c: MilvusClient
  const next = rng(31)
  const vec = () => Array.from({ length: DIM }, () => Math.round((next() * 2 - 1) * 1000) / 1000)
  const rows = new Map<number, Item[]>()
  before(async () => {
    env = await startTestServer()
    c = env.connect()
  })
  after(() => env.stop())

  async function checkReads(): Promise<void> {
    const q = await c.query({ collection_name: 'sa', filter: 'id > 0', output_fields: ['id', 'items'] })
    assert.equal(q.status.error_code, ErrorCode.SUCCESS, q.status.reason)
    assert.equal(q.data.length, rows.size)
    for (const r of q.data) {
      const want = rows.get(Number(r.id))!
      assert.deepEqual((r.items as Item[]).map((e) => [e.label, e.order]), want.map((e) => [e.label, e.order]))
      ;(r.items as Item[]).forEach((e, j) => e.emb.forEach((x, k) => assert.ok(Math.abs(x - want[j]!.emb[k]!) < 1e-6)))
    }
    const ef = await c.query({ collection_name: 'sa', filter: 'element_filter(items, $[order] >= 50)', output_fields: ['id', 'items[label]'] })
    assert.equal(ef.status.error_code, ErrorCode.SUCCESS, ef.status.reason)
    const want: string[] = []
    for (const [id, items] of rows) items.forEach((e, j) => e.order >= 50 && want.push(`${id}:${j}`))
    assert.deepEqual(ef.data.map((r) => `${r.id}:${r.offset}`).sort(), want.sort())

    const query = [vec(), vec()]
    const s = await c.search({ collection_name: 'sa', data: query, anns_field: 'items[emb]', limit: 4, output_fields: ['id'] })
    assert.equal(s.status.error_code, ErrorCode.SUCCESS, s.status.reason)
    const ref = [...rows]
      .filter(([, it]) => it.length > 0)
      .map(([id, it]) => ({ id, s: query.reduce((sum, q) => sum + Math.max(...it.map((e) => cos(q, e.emb))), 0) }))
      .sort((a, b) => b.s - a.s)
    assert.deepEqual(s.results.map((h) => Number(h.id)), ref.slice(0, 4).map((r) => r.id))
    s.results.forEach((h, i) => assert.ok(Math.abs(h.score - ref[i]!.s) < 1e-3))
  }

  test('SDK: create, describe, insert, index, load; query, element_filter and MAX_SIM search; again after a restart', async () => {
    const create = await c.createCollection({
      collection_name: 'sa',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: false },
        {
          name: 'items',
          data_type: DataType.Array,
          element_type: DataType.Struct,
          max_capacity: 3,
          fields: [
            { name: 'label', data_type: DataType.VarChar, max_length: 8 },
            { name: 'order', data_type: DataType.Int32 },
            { name: 'emb', data_type: DataType.FloatVector, dim: DIM },
          ],
        },
      ],
    })
    assert.equal(create.error_code, ErrorCode.SUCCESS, create.reason)
    const d = await c.describeCollection({ collection_name: 'sa' })
    const items = d.schema.fields.find((f) => f.name === 'items')!
    assert.equal(items.element_type, 'Struct')
    assert.equal(items.max_capacity, '3')
    assert.deepEqual(items.fields!.map((f) => [f.name, f.data_type]), [['label', 'VarChar'], ['order', 'Int32'], ['emb', 'FloatVector']])
    const data = Array.from({ length: 40 }, (_, i) => {
      const n = i % 7 === 0 ? 0 : 1 + Math.floor(next() * 3)
      const it = Array.from({ length: n }, () => ({ label: `l${Math.floor(next() * 3)}`, order: Math.floor(next() * 100), emb: vec() }))
      rows.set(i + 1, it)
      return { id: i + 1, items: it }
    })
    const ins = await c.insert({ collection_name: 'sa', data })
    assert.equal(ins.status.error_code, ErrorCode.SUCCESS, ins.status.reason)
    const bad = await c.createIndex({ collection_name: 'sa', field_name: 'items[emb]', index_type: 'IVF_FLAT', metric_type: 'MAX_SIM_COSINE' })
    assert.equal(bad.code, 1100)
    const idx = await c.createIndex({ collection_name: 'sa', field_name: 'items[emb]', index_name: 'emb', index_type: 'HNSW', metric_type: 'MAX_SIM_COSINE', params: { M: 8, efConstruction: 64 } })
    assert.equal(idx.error_code, ErrorCode.SUCCESS, idx.reason)
    await c.loadCollection({ collection_name: 'sa' })
    await checkReads()
    await c.flush({ collection_names: ['sa'] })
    const dir = env.dataDir
    await env.stop(true)
    env = await startTestServer(dir)
    c = env.connect()
    await c.loadCollection({ collection_name: 'sa' })
    await checkReads()
  })

  test('REST: create with structArrayFields, insert struct lists, query them back', async () => {
    const base = `http://127.0.0.1:${env.server.grpc.port}/v2/vectordb`
    const rest = async (path: string, body: unknown) => (await (await fetch(`${base}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { code: number; data?: unknown; message?: string }
    const create = await rest('collections/create', {
      collectionName: 'rs',
      schema: {
        fields: [{ fieldName: 'id', dataType: 'Int64', isPrimary: true }],
        structArrayFields: [
          { name: 'chunks', elementTypeParams: { max_capacity: 2 }, fields: [{ fieldName: 'text', dataType: 'VarChar', elementTypeParams: { max_length: 32 } }, { fieldName: 'v', dataType: 'FloatVector', elementTypeParams: { dim: 2 } }] },
        ],
      },
    })
    assert.equal(create.code, 0, create.message)
    const chunks = [{ text: 'hello', v: [0.5, 0.25] }, { text: 'world', v: [1, 0] }]
    const ins = await rest('entities/insert', { collectionName: 'rs', data: [{ id: 7, chunks }] })
    assert.equal(ins.code, 0, ins.message)
    await rest('collections/load', { collectionName: 'rs' })
    const q = await rest('entities/query', { collectionName: 'rs', filter: 'id == 7', outputFields: ['chunks'] })
    assert.equal(q.code, 0, q.message)
    assert.deepEqual((q.data as { chunks: unknown }[])[0]!.chunks, chunks)
    const s = await rest('entities/search', { collectionName: 'rs', annsField: 'chunks[v]', data: [[[1, 0]]], limit: 1, searchParams: { metric_type: 'MAX_SIM_IP' }, outputFields: ['id'] })
    assert.equal(s.code, 0, s.message)
    assert.equal(Number((s.data as { id: unknown }[])[0]!.id), 7)
    assert.ok(Math.abs((s.data as { distance: number }[])[0]!.distance - 1) < 1e-6)
    const d = await rest('collections/describe', { collectionName: 'rs' })
    const f = (d.data as { fields: { name: string; elementType?: string; fields?: { name: string }[] }[] }).fields.find((x) => x.name === 'chunks')!
    assert.equal(f.elementType, 'Struct')
    assert.deepEqual(f.fields!.map((x) => x.name), ['text', 'v'])
  })
})
