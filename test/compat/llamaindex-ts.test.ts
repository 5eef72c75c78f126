// LlamaIndex TS's MilvusVectorStore (@llamaindex/milvus, unchanged library code, on its own nested
// official SDK 2.6) against a real `quiver serve` on a free 127.0.0.1 port: nodes with given embeddings
// and metadata are added, queried (top-k, metadata filters on the JSON column) and deleted by id.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { BaseEmbedding } from '@llamaindex/core/embeddings'
import { TextNode } from '@llamaindex/core/schema'
import { type MetadataFilters, type VectorStoreQuery, VectorStoreQueryMode } from '@llamaindex/core/vector-store'
import { MilvusVectorStore } from '@llamaindex/milvus'
import { startTestServer, type TestServer } from './server-fixture.ts'

/** The store creates its collection with this dimension (hard-coded in @llamaindex/milvus). */
const STORE_DIM = 1536

/** A unit vector along axis `axis`, tilted a little towards axis `axis + 1` by `tilt`. */
function embedding(axis: number, tilt = 0): number[] {
  const v = new Array<number>(STORE_DIM).fill(0)
  v[axis] = 1
  v[axis + 1] = tilt
  return v
}

const nodes = [
  new TextNode({ id_: 'n-cat', text: 'cats purr', embedding: embedding(0), metadata: { source: 'pets', page: 1 } }),
  new TextNode({ id_: 'n-dog', text: 'dogs bark', embedding: embedding(0, 0.5), metadata: { source: 'pets', page: 2 } }),
  new TextNode({ id_: 'n-sea', text: 'rivers flow', embedding: embedding(10), metadata: { source: 'nature', page: 3 } }),
  new TextNode({ id_: 'n-hill', text: 'hills rise', embedding: embedding(10, 0.3), metadata: { source: 'nature', page: 4 } }),
]

/** The store insists on an embedding model; every node and query here carries its embedding already. */
class UnusedEmbedding extends BaseEmbedding {
  constructor() {
    super()
  }
  override getTextEmbedding(): Promise<number[]> {
    return Promise.reject(new Error('the test supplies every embedding itself'))
  }
}

function open(): MilvusVectorStore {
  return new MilvusVectorStore({ collection: 'llama_docs', embedModel: new UnusedEmbedding(), params: { configOrAddress: env.address } })
}

function query(queryEmbedding: number[], similarityTopK: number, filters?: MetadataFilters): VectorStoreQuery {
  return { queryEmbedding, similarityTopK, mode: VectorStoreQueryMode.DEFAULT, ...(filters === undefined ? {} : { filters }) }
}

let env: TestServer
let store: MilvusVectorStore
before(async () => {
  env = await startTestServer()
  store = open()
})
after(async () => {
  await store?.client().closeConnection()
  await env?.stop()
})

test('add creates the collection (varchar id, dim 1536, JSON metadata) and returns the node ids', async () => {
  const ids = await store.add(nodes)
  assert.deepEqual(ids, ['n-cat', 'n-dog', 'n-sea', 'n-hill'])
})

test('query returns the nearest nodes with text, metadata and a descending similarity (default metric COSINE)', async () => {
  const r = await store.query(query(embedding(0, 0.1), 2))
  assert.deepEqual(r.ids, ['n-cat', 'n-dog'])
  const found = r.nodes ?? []
  assert.deepEqual(found.map((n) => (n as TextNode).text), ['cats purr', 'dogs bark'])
  assert.equal(found[0]?.metadata.source, 'pets')
  assert.equal(found[0]?.metadata.page, 1)
  const [s0, s1] = r.similarities
  assert.ok(s0 !== undefined && s1 !== undefined && s0 > s1, `similarities descend: ${r.similarities.join(', ')}`)
  assert.ok(Math.abs(s0 - 1 / Math.hypot(1, 0.1)) < 1e-4, `cosine of the nearest node, got ${s0}`)
})

test('metadata filters (==, in, >, and/or) become JSON-path filters that Quiver evaluates', async () => {
  const nature = await store.query(query(embedding(0), 4, { filters: [{ key: 'source', value: 'nature', operator: '==' }] }))
  assert.deepEqual([...(nature.ids ?? [])].sort(), ['n-hill', 'n-sea'])
  const either = await store.query(query(embedding(0), 4, { filters: [{ key: 'source', value: ['pets'], operator: 'in' }] }))
  assert.deepEqual([...(either.ids ?? [])].sort(), ['n-cat', 'n-dog'])
  const late = await store.query(query(embedding(0), 4, { filters: [{ key: 'page', value: 2, operator: '>' }, { key: 'source', value: 'pets', operator: '==' }], condition: 'or' }))
  assert.deepEqual([...(late.ids ?? [])].sort(), ['n-cat', 'n-dog', 'n-hill', 'n-sea'])
  const none = await store.query(query(embedding(0), 4, { filters: [{ key: 'page', value: 3, operator: '>' }, { key: 'source', value: 'pets', operator: '==' }], condition: 'and' }))
  assert.deepEqual(none.ids, [])
})

test('delete removes a node by id; a new store instance reuses the existing collection', async () => {
  await store.delete('n-cat')
  const again = open()
  try {
    const r = await again.query(query(embedding(0), 4))
    assert.deepEqual([...(r.ids ?? [])].sort(), ['n-dog', 'n-hill', 'n-sea'])
  } finally {
    await again.client().closeConnection()
  }
})
