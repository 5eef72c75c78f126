/**
 * Retrieval for RAG on embedded Quiver: passages with a dense embedding and a BM25 function (full-text
 * search), retrieved by hybrid search (dense + BM25, fused with RRF), then put into a prompt. The
 * embedding is a deterministic hashed bag of words so the example runs offline; swap in a real model.
 * Run: `node --import tsx examples/rag-hybrid.ts "how do I keep old versions?"`.
 */
import { rmSync } from 'node:fs'
import { DataType, FunctionType, Quiver, RRFRanker } from '../src/index.ts'

const DIM = 64
const passages = [
  'Quiver stores collections of entities with a schema: a primary key, scalar fields and vector fields.',
  'Upsert inserts new entities and replaces existing ones with the same primary key in one atomic write.',
  'A BM25 function turns a VarChar field into a sparse vector of term frequencies when rows are written.',
  'Full-text search ranks documents by BM25: rare query terms weigh more, long documents are normalised.',
  'Dense embeddings capture meaning: paraphrases land close together even without shared words.',
  'Hybrid search runs a dense and a BM25 search and fuses the two rankings with RRF or weights.',
  'Compaction merges small segments and purges deleted rows; results stay identical before and after.',
  'Time travel reads data as it was at an older timestamp, within the retention window.',
  'An HNSW index makes dense vector search fast; SPARSE_INVERTED_INDEX serves BM25 and sparse vectors.',
  'Analyzers split text into tokens: the standard analyzer lowercases words, the english one also stems them.',
  'The write-ahead log makes every acknowledged write durable; a restart replays it after the last checkpoint.',
  'Partitions group entities; a search can be limited to some partitions of a collection.',
]

/** A deterministic stand-in for an embedding model: words hashed into DIM signed buckets, L2-normalised. */
function embed(text: string): number[] {
  const v = new Array<number>(DIM).fill(0)
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    let h = 2166136261
    for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619) >>> 0
    v[h % DIM]! += h & 0x80000000 ? -1 : 1
  }
  const norm = Math.hypot(...v) || 1
  return v.map((x) => x / norm)
}

const path = process.env.QUIVER_DATA ?? './quiver-rag-data'
rmSync(path, { recursive: true, force: true })
const client = await Quiver.open({ path })

await client.createCollection({
  collection_name: 'passages',
  fields: [
    { name: 'id', data_type: DataType.Int64, is_primary_key: true },
    { name: 'text', data_type: DataType.VarChar, max_length: 1000, enable_analyzer: true, analyzer_params: { type: 'english' } },
    { name: 'dense', data_type: DataType.FloatVector, dim: DIM },
    { name: 'sparse', data_type: DataType.SparseFloatVector },
  ],
  functions: [{ name: 'text_bm25', type: FunctionType.BM25, input_field_names: ['text'], output_field_names: ['sparse'], params: {} }],
})
await client.createIndex({ collection_name: 'passages', field_name: 'dense', index_type: 'HNSW', metric_type: 'COSINE', params: { M: 16, efConstruction: 64 } })
await client.createIndex({ collection_name: 'passages', field_name: 'sparse', index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'BM25', params: { bm25_k1: 1.2, bm25_b: 0.75 } })

// The sparse field is never given: the BM25 function computes it from `text`.
const inserted = await client.insert({ collection_name: 'passages', data: passages.map((text, id) => ({ id, text, dense: embed(text) })) })
if (inserted.status.code !== 0) throw new Error(inserted.status.reason)

const question = process.argv[2] ?? 'How does BM25 full-text search rank documents?'
const hybrid = await client.search({
  collection_name: 'passages',
  data: [
    { data: [question], anns_field: 'sparse', limit: 5 },
    { data: [embed(question)], anns_field: 'dense', limit: 5 },
  ],
  rerank: RRFRanker(60),
  limit: 3,
  output_fields: ['text'],
})
if (hybrid.status.code !== 0) throw new Error(hybrid.status.reason)
const hits = hybrid.results as unknown as { id: string; score: number; text: string }[]
const keyword = await client.search({ collection_name: 'passages', data: [question], anns_field: 'sparse', limit: 3, output_fields: ['text'] })

console.log(JSON.stringify({ question, bm25: (keyword.results as unknown as { id: string }[]).map((h) => h.id), hybrid: hits.map((h) => ({ id: h.id, score: h.score })) }))
const prompt = [`Answer the question from the context.`, `Context:`, ...hits.map((h, i) => `[${i + 1}] ${h.text}`), `Question: ${question}`].join('\n')
console.log(prompt)
await client.close()
