// LangChain JS's Milvus vector store (@langchain/community, unchanged library code, on the official Node
// SDK) against a real `quiver serve` on a free 127.0.0.1 port: add documents with metadata, similarity
// search with and without a metadata filter, delete by filter and by id, reopen an existing collection.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { Milvus } from '@langchain/community/vectorstores/milvus'
import { Document } from '@langchain/core/documents'
import { Embeddings } from '@langchain/core/embeddings'
import { startTestServer, type TestServer } from './server-fixture.ts'

/** Dimension of the word-hash embedding below. */
const EMBEDDING_DIM = 16

/** Deterministic embedding: each word adds 1 at hash(word) mod dim, so equal texts get equal vectors. */
class WordHashEmbeddings extends Embeddings {
  constructor() {
    super({})
  }
  override embedDocuments(texts: string[]): Promise<number[][]> {
    return Promise.resolve(texts.map(embed))
  }
  override embedQuery(text: string): Promise<number[]> {
    return Promise.resolve(embed(text))
  }
}

function embed(text: string): number[] {
  const v = new Array<number>(EMBEDDING_DIM).fill(0)
  for (const word of text.toLowerCase().split(/\s+/)) {
    let h = 2166136261
    for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619) >>> 0
    v[h % EMBEDDING_DIM] = (v[h % EMBEDDING_DIM] ?? 0) + 1
  }
  return v
}

const docs = [
  new Document({ pageContent: 'cats purr on the sofa', metadata: { source: 'pets', page: 1, tags: { kind: 'cat' } } }),
  new Document({ pageContent: 'dogs bark at the mailman', metadata: { source: 'pets', page: 2, tags: { kind: 'dog' } } }),
  new Document({ pageContent: 'rivers flow to the sea', metadata: { source: 'nature', page: 3, tags: { kind: 'water' } } }),
  new Document({ pageContent: 'mountains rise above clouds', metadata: { source: 'nature', page: 4, tags: { kind: 'rock' } } }),
]

let env: TestServer
let url: string
before(async () => {
  env = await startTestServer()
  url = `http://${env.address}`
})
after(async () => {
  await env.stop()
})

test('fromDocuments creates the collection (autoID, HNSW L2) and similarity search finds the exact text with its metadata', async () => {
  const store = await Milvus.fromDocuments(docs, new WordHashEmbeddings(), { collectionName: 'lc_auto', url })
  const hits = await store.similaritySearchWithScore('rivers flow to the sea', 2)
  assert.equal(hits.length, 2)
  const [first] = hits
  assert.ok(first !== undefined)
  assert.equal(first[0].pageContent, 'rivers flow to the sea')
  assert.equal(first[0].metadata.source, 'nature')
  assert.equal(first[0].metadata.page, 3)
  assert.deepEqual(first[0].metadata.tags, { kind: 'water' }, 'object metadata is stored as JSON text and parsed back')
  // The official SDK hands int64 output fields back as JS numbers (so a Milvus-style auto id above 2^53 is rounded).
  assert.equal(typeof first[0].metadata.langchain_primaryid, 'number', 'the auto id is read back as an output field')
  assert.ok(Math.abs(first[1]) < 1e-6, `L2 distance of an identical vector is 0, got ${first[1]}`)
})

test('a metadata filter restricts the search', async () => {
  const store = await Milvus.fromExistingCollection(new WordHashEmbeddings(), { collectionName: 'lc_auto', url })
  const hits = await store.similaritySearch('cats purr on the sofa', 4, 'source == "nature"')
  assert.deepEqual(hits.map((d) => d.pageContent).sort(), ['mountains rise above clouds', 'rivers flow to the sea'])
  const none = await store.similaritySearch('cats purr on the sofa', 4, 'page > 10')
  assert.equal(none.length, 0)
})

test('delete by filter removes the matching documents from search', async () => {
  const store = await Milvus.fromExistingCollection(new WordHashEmbeddings(), { collectionName: 'lc_auto', url })
  await store.delete({ filter: 'source == "pets"' })
  const hits = await store.similaritySearch('cats purr on the sofa', 4)
  assert.deepEqual(hits.map((d) => d.metadata.source), ['nature', 'nature'])
})

test('autoId false upserts with caller ids (varchar primary key) and deletes by id', async () => {
  const store = new Milvus(new WordHashEmbeddings(), { collectionName: 'lc_ids', url, autoId: false })
  await store.addDocuments(docs, { ids: ['a', 'b', 'c', 'd'] })
  // Re-adding an id replaces the document (the store upserts when autoId is false).
  await store.addDocuments([new Document({ pageContent: 'cats sleep all day', metadata: { source: 'pets', page: 9, tags: { kind: 'cat' } } })], { ids: ['a'] })
  const top = await store.similaritySearch('cats sleep all day', 1)
  assert.equal(top[0]?.pageContent, 'cats sleep all day')
  assert.equal(top[0]?.metadata.langchain_primaryid, 'a')
  assert.equal(top[0]?.metadata.page, 9)
  await store.delete({ ids: ['a', 'c'] })
  const rest = await store.similaritySearch('cats sleep all day', 10)
  assert.deepEqual(rest.map((d) => d.metadata.langchain_primaryid).sort(), ['b', 'd'])
})
