// Full-text search with a BM25 function through `quiver serve`: the official Node SDK over gRPC
// (schema functions, text queries in VarChar placeholders, BM25 index params, dense + BM25 hybrid
// search with RRF and weighted rankers) and REST v2 with plain fetch (create with `schema.functions`,
// describe, insert, search with `data: ['text']`). Both transports must give the embedded scores.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType, ErrorCode, FunctionType, type MilvusClient, RRFRanker, WeightedRanker } from '@zilliz/milvus2-sdk-node'
import { startTestServer, type TestServer } from './server-fixture.ts'

const docs = ['information retrieval with BM25', 'dense vectors capture meaning', 'hybrid search mixes BM25 and dense vectors', 'apple pie recipe', 'retrieval augmented generation']

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
type Json = any

describe('BM25 function through the Node SDK (gRPC) and REST v2', () => {
  let env: TestServer
  let c: MilvusClient
  let base: string
  before(async () => {
    env = await startTestServer()
    c = env.connect()
    base = `http://127.0.0.1:${env.server.port}/v2/vectordb`
  })
  after(() => env.stop())

  const post = async (path: string, body: unknown): Promise<Json> => {
    const res = await fetch(`${base}/${path}`, { method: 'POST', body: JSON.stringify(body) })
    assert.equal(res.status, 200, `${path}: HTTP ${res.status}`)
    return res.json()
  }

  test('gRPC: create with a BM25 function, describe, insert texts, search with text, BM25 index', async () => {
    const created = await c.createCollection({
      collection_name: 'g',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'text', data_type: DataType.VarChar, max_length: 200, enable_analyzer: true },
        { name: 'sparse', data_type: DataType.SparseFloatVector },
        { name: 'dense', data_type: DataType.FloatVector, dim: 2 },
      ],
      functions: [{ name: 'bm25', type: FunctionType.BM25, input_field_names: ['text'], output_field_names: ['sparse'], params: {} }],
    })
    assert.equal(created.error_code, ErrorCode.SUCCESS, created.reason)
    const d = await c.describeCollection({ collection_name: 'g' })
    assert.deepEqual(d.schema.functions.map((f) => [f.name, f.type, f.input_field_names, f.output_field_names]), [['bm25', 'BM25', ['text'], ['sparse']]])
    assert.equal(d.schema.fields.find((f) => f.name === 'sparse')!.is_function_output, true)
    const ins = await c.insert({ collection_name: 'g', data: docs.map((text, i) => ({ id: i, text, dense: [1, i] })) })
    assert.equal(ins.status.error_code, ErrorCode.SUCCESS, ins.status.reason)
    await c.createIndex({ collection_name: 'g', field_name: 'sparse', index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'BM25', params: { bm25_k1: 1.2, bm25_b: 0.75 } })
    await c.createIndex({ collection_name: 'g', field_name: 'dense', index_type: 'FLAT', metric_type: 'L2' })
    await c.loadCollection({ collection_name: 'g' })
    const s = await c.search({ collection_name: 'g', data: ['BM25 retrieval', 'apple'], anns_field: 'sparse', limit: 3, output_fields: ['text'] })
    assert.equal(s.status.error_code, ErrorCode.SUCCESS, s.status.reason)
    const results = s.results as unknown as { id: string; score: number }[][]
    assert.deepEqual(results[0]!.map((h) => h.id), ['0', '4', '2'])
    assert.deepEqual(results[1]!.map((h) => h.id), ['3'])
    // the same search embedded-side (the server's own engine): identical scores
    const local = await env.server.client.search({ collection_name: 'g', data: ['BM25 retrieval'], anns_field: 'sparse', limit: 3 })
    assert.deepEqual(results[0]!.map((h) => h.score), (local.results as unknown as { score: number }[]).map((h) => h.score))
    const q = await c.query({ collection_name: 'g', filter: 'id >= 0', output_fields: ['sparse'] })
    assert.equal(q.status.reason, 'not allowed to retrieve raw data of field sparse')
  })

  test('gRPC: hybrid search of a BM25 sub-request and a dense one, RRF and weighted', async () => {
    for (const rerank of [RRFRanker(60), WeightedRanker([0.7, 0.3])]) {
      const h = await c.search({
        collection_name: 'g',
        data: [
          { data: 'hybrid dense vectors', anns_field: 'sparse', params: { drop_ratio_search: 0 } },
          { data: [1, 2], anns_field: 'dense' },
        ],
        rerank,
        limit: 3,
        output_fields: ['text'],
      })
      assert.equal(h.status.error_code, ErrorCode.SUCCESS, h.status.reason)
      const ids = (h.results as unknown as { id: string }[]).map((x) => x.id)
      assert.equal(ids[0], '2', `both lists rank doc 2 first or second: ${ids}`)
      assert.equal(ids.length, 3)
    }
  })

  test('REST v2: create with schema.functions, describe, insert, search with text data', async () => {
    const created = await post('collections/create', {
      collectionName: 'r',
      schema: {
        fields: [
          { fieldName: 'id', dataType: 'Int64', isPrimary: true },
          { fieldName: 'text', dataType: 'VarChar', elementTypeParams: { max_length: 200, enable_analyzer: true } },
          { fieldName: 'sparse', dataType: 'SparseFloatVector' },
        ],
        functions: [{ name: 'bm25', type: 'BM25', inputFieldNames: ['text'], outputFieldNames: ['sparse'], params: {} }],
      },
      indexParams: [{ fieldName: 'sparse', indexName: 'sparse', metricType: 'BM25', indexType: 'SPARSE_INVERTED_INDEX' }],
    })
    assert.equal(created.code, 0, JSON.stringify(created))
    const d = await post('collections/describe', { collectionName: 'r' })
    assert.deepEqual(d.data.functions.map((f: Json) => [f.name, f.type, f.inputFieldNames, f.outputFieldNames]), [['bm25', 'BM25', ['text'], ['sparse']]])
    const ins = await post('entities/insert', { collectionName: 'r', data: docs.map((text, i) => ({ id: i, text })) })
    assert.equal(ins.code, 0, JSON.stringify(ins))
    const s = await post('entities/search', { collectionName: 'r', data: ['BM25 retrieval'], annsField: 'sparse', limit: 3, outputFields: ['text'] })
    assert.equal(s.code, 0, JSON.stringify(s))
    assert.deepEqual(s.data.map((h: Json) => String(h.id)), ['0', '4', '2'])
    const grpc = await c.search({ collection_name: 'g', data: ['BM25 retrieval'], anns_field: 'sparse', limit: 3 })
    assert.deepEqual(s.data.map((h: Json) => h.distance), (grpc.results as unknown as { score: number }[]).map((h) => h.score))
    const bad = await post('entities/insert', { collectionName: 'r', data: [{ id: 9, text: 'x', sparse: { 1: 1 } }] })
    assert.equal(bad.code, 1100)
  })
})
