// TEXT_MATCH / PHRASE_MATCH and Lexical highlighting through the official Node SDK and `quiver serve`
// (gRPC: `enable_match` in type_params, the highlighter's key/value params, `highlight_results` read
// back into `hit.highlight`), and through REST v2 (`elementTypeParams`, a TEXT_MATCH filter).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType, ErrorCode, HighlightType, type MilvusClient } from '@zilliz/milvus2-sdk-node'
import { startTestServer, type TestServer } from './server-fixture.ts'

const docs = ['machine learning boosts efficiency', 'learning machine', 'deep learning and machine learning', 'machine deep learning', 'apple pie']

describe('text match and highlighting through the Node SDK and REST v2', () => {
  let env: TestServer
  let c: MilvusClient
  before(async () => {
    env = await startTestServer()
    c = env.connect()
    const created = await c.createCollection({
      collection_name: 'docs',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'vec', data_type: DataType.FloatVector, dim: 2 },
        { name: 'text', data_type: DataType.VarChar, max_length: 200, enable_analyzer: true, enable_match: true, analyzer_params: { type: 'english' } },
        { name: 'plain', data_type: DataType.VarChar, max_length: 200 },
      ],
    })
    assert.equal(created.error_code, ErrorCode.SUCCESS, created.reason)
    const ins = await c.insert({ collection_name: 'docs', data: docs.map((text, i) => ({ id: i, vec: [1, i], text, plain: text })) })
    assert.equal(ins.status.error_code, ErrorCode.SUCCESS, ins.status.reason)
    await c.createIndex({ collection_name: 'docs', field_name: 'vec', index_type: 'FLAT', metric_type: 'L2' })
    await c.loadCollection({ collection_name: 'docs' })
  })
  after(() => env.stop())

  const ids = async (filter: string) => {
    const q = await c.query({ collection_name: 'docs', filter, output_fields: ['id'], limit: 100 })
    assert.equal(q.status.error_code, ErrorCode.SUCCESS, `${filter}: ${q.status.reason}`)
    return q.data.map((r) => Number(r.id)).sort((a, b) => a - b)
  }

  test('describe echoes the options; TEXT_MATCH, minimum_should_match, PHRASE_MATCH with slop', async () => {
    const d = await c.describeCollection({ collection_name: 'docs' })
    const tp = d.schema.fields.find((f) => f.name === 'text')!.type_params
    assert.equal(tp.find((p) => p.key === 'enable_match')?.value, 'true')
    assert.deepEqual(JSON.parse(String(tp.find((p) => p.key === 'analyzer_params')?.value)), { type: 'english' })
    assert.deepEqual(await ids("TEXT_MATCH(text, 'boosting apples')"), [0, 4], 'english analyzer: stems on both sides')
    assert.deepEqual(await ids("TEXT_MATCH(text, 'deep machine', minimum_should_match=2)"), [2, 3])
    assert.deepEqual(await ids("PHRASE_MATCH(text, 'machine learning')"), [0, 2])
    assert.deepEqual(await ids("PHRASE_MATCH(text, 'machine learning', 2)"), [0, 1, 2, 3])
    const bad = await c.query({ collection_name: 'docs', filter: "TEXT_MATCH(plain, 'apple')", output_fields: ['id'] })
    assert.equal(bad.status.code, 1100)
    assert.match(bad.status.reason, /field "plain" does not enable match/)
  })

  test('search with a TEXT_MATCH filter and a Lexical highlighter: highlight_results read as hit.highlight', async () => {
    const res = await c.search({
      collection_name: 'docs',
      data: [1, 0],
      limit: 10,
      filter: "TEXT_MATCH(text, 'learning')",
      output_fields: ['text'],
      highlighter: { type: HighlightType.Lexical, pre_tags: ['<em>'], post_tags: ['</em>'], highlight_query: [{ type: 'TextMatch', field: 'text', text: 'learning' }] },
    })
    assert.equal(res.status.error_code, ErrorCode.SUCCESS, res.status.reason)
    assert.equal(res.results.length, 4)
    const byId = new Map(res.results.map((h) => [Number(h.id), h]))
    assert.deepEqual(byId.get(2)!.highlight, { text: { fragments: ['<em>learning</em> and machine <em>learning</em>'], scores: [2] } })
    assert.deepEqual(byId.get(1)!.highlight!.text!.fragments, ['<em>learning</em> machine'])
    const plain = await c.search({ collection_name: 'docs', data: [1, 0], limit: 3, output_fields: ['text'] })
    for (const h of plain.results) assert.equal(h.highlight, undefined)
  })

  test('REST v2: elementTypeParams enable_match and a TEXT_MATCH filter', async () => {
    const base = `http://127.0.0.1:${env.server.grpc.port}/v2/vectordb`
    const post = async (path: string, body: unknown) => (await (await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { code: number; data: unknown; message?: string }
    const created = await post('/collections/create', {
      collectionName: 'rest_docs',
      schema: {
        fields: [
          { fieldName: 'id', dataType: 'Int64', isPrimary: true },
          { fieldName: 'vec', dataType: 'FloatVector', elementTypeParams: { dim: 2 } },
          { fieldName: 'text', dataType: 'VarChar', elementTypeParams: { max_length: 100, enable_analyzer: true, enable_match: true } },
        ],
      },
    })
    assert.equal(created.code, 0, created.message)
    const ins = await post('/entities/insert', { collectionName: 'rest_docs', data: docs.map((text, i) => ({ id: i, vec: [1, i], text })) })
    assert.equal(ins.code, 0, ins.message)
    const q = await post('/entities/query', { collectionName: 'rest_docs', filter: "PHRASE_MATCH(text, 'deep learning')", outputFields: ['id'] })
    assert.equal(q.code, 0, q.message)
    assert.deepEqual((q.data as { id: number }[]).map((r) => Number(r.id)).sort(), [2, 3])
  })
})
