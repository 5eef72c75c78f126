// Lexical highlighting through the embedded API: `highlight_query` TextMatch terms tagged in each
// hit's text, fragments cut at token offsets, the same shape as the Node SDK's search results
// (`hit.highlight[field].fragments`), fields read for highlighting but not asked for left out.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType, FunctionType, MilvusError } from '../../src/index.ts'
import { openTemp } from '../support/temp-db.ts'

const docs = [
  'my first test doc',
  'my second test doc',
  'my first test doc. Milvus is an open-source vector database built for GenAI applications.',
  'Nothing to see here',
]

describe('highlighter', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  before(async () => {
    env = await openTemp()
    const st = await env.client.createCollection({
      collection_name: 'h',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: 2 },
        { name: 'text', data_type: DataType.VarChar, max_length: 400, enable_analyzer: true, enable_match: true },
        { name: 'n', data_type: DataType.Int32 },
      ],
    })
    assert.equal(st.code, 0, st.reason)
    await env.client.collection('h').insert(docs.map((text, i) => ({ id: i, v: [1, i], text, n: i })))
  })
  after(() => env.cleanup())

  test('TEXT_MATCH terms highlighted in the filtered hits (SDK-style search)', async () => {
    const res = await env.client.search({
      collection_name: 'h',
      data: [1, 0],
      limit: 10,
      filter: "TEXT_MATCH(text, 'test doc')",
      output_fields: ['n'],
      highlighter: { type: 0, pre_tags: ['{'], post_tags: ['}'], highlight_query: [{ type: 'TextMatch', field: 'text', text: 'test doc' }] },
    })
    assert.equal(res.status.code, 0, res.status.reason)
    const hits = res.results as { id: string; n: number; text?: string; highlight: Record<string, { fragments: string[]; scores: number[] }> }[]
    assert.deepEqual(hits.map((h) => h.id).sort(), ['0', '1', '2'])
    const byId = new Map(hits.map((h) => [h.id, h]))
    assert.deepEqual(byId.get('0')!.highlight.text!.fragments, ['{test} {doc}'])
    assert.deepEqual(byId.get('1')!.highlight.text!.scores, [2])
    assert.deepEqual(byId.get('2')!.highlight.text!.fragments, ['{test} {doc}. Milvus is an open-source vector database built for GenAI applications.'])
    assert.equal(byId.get('0')!.text, undefined, 'the text was read for highlighting, not returned: not asked for')
    assert.equal(byId.get('0')!.n, 0)
  })

  test('Collection.search: fragments options; a hit without a match has no fragments', async () => {
    const hits = await env.client.collection('h').search([1, 0], {
      limit: 10,
      outputFields: ['text'],
      highlighter: { type: 0, pre_tags: ['<b>', '<i>'], post_tags: ['</b>', '</i>'], fragment_offset: 20, fragment_size: 40, num_of_fragments: 1, highlight_query: [{ type: 'TextMatch', field: 'text', text: 'Milvus GenAI' }] },
    })
    const byId = new Map(hits[0]!.map((h) => [Number(h.id), h]))
    assert.deepEqual(byId.get(2)!.highlight!.text!.fragments, ['my first test doc. <b>Milvus</b> is an open-sou'])
    assert.deepEqual(byId.get(3)!.highlight!.text, { fragments: [], scores: [] })
    assert.equal(byId.get(3)!.row.text, 'Nothing to see here', 'asked-for text is kept')
  })

  test('bad highlighters are refused: 1100 naming the option; Semantic is not served', async () => {
    const search = (highlighter: unknown) => env.client.collection('h').search([1, 0], { highlighter })
    const rejects = (h: unknown, code: number, re: RegExp) => assert.rejects(search(h), (e) => e instanceof MilvusError && e.code === code && re.test(e.message), JSON.stringify(h))
    await rejects({ type: 0, fragment_size: 0, highlight_query: [] }, 1100, /fragment_size should be an integer >= 1/)
    await rejects({ type: 0, pre_tags: [] }, 1100, /pre_tags should be a non-empty list/)
    await rejects({ type: 0, highlight_query: [{ type: 'PhraseMatch', field: 'text', text: 'a' }] }, 1100, /only TextMatch/)
    await rejects({ type: 0, highlight_query: [{ type: 'TextMatch', field: 'nope', text: 'a' }] }, 1100, /highlight field nope not exist/)
    await rejects({ type: 0, highlight_search_text: true }, 1100, /highlight_search_text needs a full text search/)
    await rejects({ type: 1, queries: ['x'], input_fields: ['text'] }, 3000, /Semantic/)
  })

  test("highlight_search_text on a BM25 search: the outputs of Milvus's Text Highlighter guide", async () => {
    const st = await env.client.createCollection({
      collection_name: 'guide',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: true },
        { name: 'text', data_type: DataType.VarChar, max_length: 2000, enable_analyzer: true, enable_match: true },
        { name: 'sparse_vector', data_type: DataType.SparseFloatVector },
      ],
      functions: [{ name: 'text_bm25', type: FunctionType.BM25, input_field_names: ['text'], output_field_names: ['sparse_vector'], params: {} }],
    })
    assert.equal(st.code, 0, st.reason)
    const guideDocs = [
      'my first test doc',
      'my second test doc',
      'my first test doc. Milvus is an open-source vector database built for GenAI applications.',
      'my second test doc. Milvus is an open-source vector database that suits AI applications of every size from running a demo chatbot to building web-scale search.',
    ]
    await env.client.insert({ collection_name: 'guide', data: guideDocs.map((text) => ({ text })) })
    const search = async (data: string[], highlighter: Record<string, unknown>, limit = 10) => {
      const res = await env.client.search({ collection_name: 'guide', data, anns_field: 'sparse_vector', limit, output_fields: ['text'], highlighter: { type: 0, pre_tags: ['{'], post_tags: ['}'], ...highlighter } })
      assert.equal(res.status.code, 0, res.status.reason)
      const lists = (data.length === 1 ? [res.results] : res.results) as { text: string; highlight: Record<string, { fragments: string[] }> }[][]
      return lists.map((hits) => hits.map((h) => h.highlight.text!.fragments).sort())
    }
    // Example 1: the BM25 search term.
    assert.deepEqual((await search(['test'], { highlight_search_text: true }))[0], [
      ['{test} doc'],
      ['{test} doc'],
      ['{test} doc. Milvus is an open-source vector database built for GenAI applications.'],
      ['{test} doc. Milvus is an open-source vector database that suits AI applications of every size from run'],
    ].sort())
    // Example 2: plus TEXT_MATCH terms.
    assert.deepEqual((await search(['test'], { highlight_search_text: true, highlight_query: [{ type: 'TextMatch', field: 'text', text: 'my doc' }] }))[0], [
      ['{my} first {test} {doc}'],
      ['{my} second {test} {doc}'],
      ['{my} first {test} {doc}. Milvus is an open-source vector database built for GenAI applications.'],
      ['{my} second {test} {doc}. Milvus is an open-source vector database that suits AI applications of every siz'],
    ].sort())
    // Example 3: fragment_offset 20, fragment_size 60.
    assert.deepEqual((await search(['Milvus'], { highlight_search_text: true, fragment_offset: 20, fragment_size: 60 }))[0], [
      ['my first test doc. {Milvus} is an open-source vector database '],
      ['my second test doc. {Milvus} is an open-source vector database'],
    ].sort())
    // Example 4: two queries, each highlighted with its own text.
    const [q1, q2] = await search(['test', 'Milvus'], { highlight_search_text: true }, 2)
    assert.deepEqual(q1, [['{test} doc'], ['{test} doc']])
    assert.deepEqual(q2, [
      ['{Milvus} is an open-source vector database built for GenAI applications.'],
      ['{Milvus} is an open-source vector database that suits AI applications of every size from running a dem'],
    ].sort())
  })
})
