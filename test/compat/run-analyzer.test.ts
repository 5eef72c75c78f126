// RunAnalyzer and analyzer validation through the official Node SDK against a real `quiver serve`:
// tokens, offsets (UTF-8 bytes), positions and Milvus's term hash; a field's analyzer (also after a
// restart); multi-language fields with analyzer_names; bad analyzers refused at create, nothing created.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType, type FieldType, type MilvusClient } from '@zilliz/milvus2-sdk-node'
import { startTestServer, type TestServer } from './server-fixture.ts'

const baseFields = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'v', data_type: DataType.FloatVector, dim: 2 },
]

describe('RunAnalyzer through the Node SDK', () => {
  let srv: TestServer
  let c: MilvusClient
  before(async () => {
    srv = await startTestServer()
    c = srv.connect()
  })
  after(() => srv.stop())

  test('analyzer_params: tokens with offsets, positions and hashes', async () => {
    const res = await c.runAnalyzer({ analyzer_params: { tokenizer: 'standard', filter: ['lowercase'] }, text: ['Would you like to eat an apple?', 'I like apple'], with_detail: true, with_hash: true })
    assert.equal(res.status.error_code, 'Success', res.status.reason)
    assert.deepEqual(res.results.map((r) => r.tokens.length), [7, 3])
    const apple = res.results[0]!.tokens[6]!
    // int64 offsets and positions reach the SDK as decimal strings (as from Milvus); the uint32 hash as a number.
    assert.deepEqual({ ...apple }, { token: 'apple', start_offset: '25', end_offset: '30', position: '6', position_length: '1', hash: 2838417488 })
    assert.equal(res.results[1]!.tokens[2]!.hash, apple.hash)
  })

  test('offsets are UTF-8 byte offsets; jieba positions are character indices', async () => {
    const res = await c.runAnalyzer({ analyzer_params: { type: 'chinese' }, text: 'Milvus 是向量数据库', with_detail: true })
    assert.equal(res.status.error_code, 'Success', res.status.reason)
    const byToken = new Map(res.results[0]!.tokens.map((t) => [t.token, t]))
    assert.deepEqual([byToken.get('Milvus')!.start_offset, byToken.get('Milvus')!.end_offset].map(Number), [0, 6])
    const db = byToken.get('数据库')!
    assert.deepEqual([db.start_offset, db.end_offset, db.position, db.position_length].map(Number), [16, 25, 10, 3])
  })

  test('without detail or hash only the token text', async () => {
    const res = await c.runAnalyzer({ analyzer_params: { type: 'english' }, text: 'The runners were running' })
    assert.deepEqual(res.results[0]!.tokens.map((t) => t.token), ['runner', 'were', 'run'])
    assert.equal(res.results[0]!.tokens[0]!.hash, 0)
  })

  test('bad analyzer_params answer 1100 with Milvus wording', async () => {
    const res = await c.runAnalyzer({ analyzer_params: { tokenizer: 'standard', filter: ['nope'] }, text: 'x' })
    assert.equal(res.status.code, 1100)
    assert.match(res.status.reason, /build analyzer failed, filter not found :nope/)
  })

  test("a field's analyzer, kept across a restart; multi-language fields choose by analyzer_names", async () => {
    const create = await c.createCollection({
      collection_name: 'docs',
      fields: [
        ...baseFields,
        { name: 'text', data_type: DataType.VarChar, max_length: 256, enable_analyzer: true, analyzer_params: { type: 'english' } },
        { name: 'lang', data_type: DataType.VarChar, max_length: 16 },
        {
          name: 'body', data_type: DataType.VarChar, max_length: 256, enable_analyzer: true,
          multi_analyzer_params: { analyzers: { english: { type: 'english' }, default: { tokenizer: 'whitespace' } }, by_field: 'lang', alias: { en: 'english' } },
        },
      ],
    })
    assert.equal(create.error_code, 'Success', create.reason)
    const check = async (client: MilvusClient, label: string) => {
      const one = await client.runAnalyzer({ collection_name: 'docs', field_name: 'text', text: 'Running dogs', with_hash: true })
      assert.equal(one.status.error_code, 'Success', `${label}: ${one.status.reason}`)
      assert.deepEqual(one.results[0]!.tokens.map((t) => t.token), ['run', 'dog'], label)
      const multi = await client.runAnalyzer({ collection_name: 'docs', field_name: 'body', text: ['Running dogs', 'Running dogs'], analyzer_names: ['en', 'xx'] })
      assert.equal(multi.status.error_code, 'Success', `${label}: ${multi.status.reason}`)
      assert.deepEqual(multi.results.map((r) => r.tokens.map((t) => t.token)), [['run', 'dog'], ['Running', 'dogs']], label)
    }
    await check(c, 'before restart')
    const described = await c.describeCollection({ collection_name: 'docs' })
    const text = described.schema.fields.find((f) => f.name === 'text')!
    assert.equal(text.type_params.find((p) => p.key === 'analyzer_params')?.value, '{"type":"english"}')
    const dir = srv.dataDir
    await srv.stop(true)
    srv = await startTestServer(dir)
    c = srv.connect()
    await check(c, 'after restart')
    const missing = await c.runAnalyzer({ collection_name: 'docs', field_name: 'nope', text: 'x' })
    assert.notEqual(missing.status.code, 0)
  })

  test('REST v2 common/run_analyzer answers the same tokens', async () => {
    const post = async (body: unknown) =>
      (await fetch(`http://${srv.address}/v2/vectordb/common/run_analyzer`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<Record<string, any>>
    const r = await post({ text: ['Would you like to eat an apple?', 'I like apple'], analyzerParams: '{"tokenizer": "standard", "filter": ["lowercase"]}', withDetail: true, withHash: true })
    assert.equal(r.code, 0, JSON.stringify(r))
    assert.deepEqual(r.data.results.map((x: { tokens: unknown[] }) => x.tokens.length), [7, 3])
    assert.deepEqual(r.data.results[0].tokens[6], { token: 'apple', start_offset: 25, end_offset: 30, position: 6, position_length: 1, hash: 2838417488 })
    const byField = await post({ text: ['Running dogs'], collectionName: 'docs', fieldName: 'text' })
    assert.equal(byField.code, 0, JSON.stringify(byField))
    assert.deepEqual(byField.data.results[0].tokens, [{ token: 'run' }, { token: 'dog' }])
    const bad = await post({ text: ['x'], analyzerParams: { type: 'nope' } })
    assert.equal(bad.code, 1100)
    assert.match(bad.message, /unknown build-in analyzer type: nope/)
  })

  test('a collection with a bad analyzer is never created', async () => {
    const cases: [FieldType, RegExp][] = [
      [{ name: 't', data_type: DataType.VarChar, max_length: 64, enable_analyzer: true, analyzer_params: { type: 'klingon' } }, /create analyzer failed for field t: unknown build-in analyzer type: klingon/],
      [{ name: 't', data_type: DataType.VarChar, max_length: 64, enable_match: true }, /field t is set to enable match or bm25 function but not enable analyzer/],
      [{ name: 't', data_type: DataType.Int64, enable_analyzer: true }, /only for VarChar fields/],
      [{ name: 't', data_type: DataType.VarChar, max_length: 64, enable_analyzer: true, multi_analyzer_params: { analyzers: { default: {} }, by_field: 'missing' } }, /by_field missing should be a VarChar field/],
    ]
    for (const [field, re] of cases) {
      // The SDK's createCollection rejects with the status when the server refuses.
      const res = await c.createCollection({ collection_name: 'bad', fields: [...baseFields, field] }).then((s) => s, (e: unknown) => e as { code: number; reason: string })
      assert.equal(res.code, 1100, JSON.stringify(field))
      assert.match(res.reason, re)
      assert.equal((await c.hasCollection({ collection_name: 'bad' })).value, false)
    }
  })
})
