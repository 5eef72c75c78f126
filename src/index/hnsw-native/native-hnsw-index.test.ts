// HNSW on the native core passes the VectorIndex contract (../vector-index.contract.ts): recall@10
// against FLAT, exact (FLAT's) scores, bitset filters, empty index, codec round trip, worker build.
import { vectorIndexContract } from '../vector-index.contract.ts'
import { hnswCore } from '../vector-index.ts'
import assert from 'node:assert/strict'
import { test } from 'node:test'

test('new HNSW builds use the native core (the addon is built at install)', () => {
  assert.equal(hnswCore(), 'native')
})

vectorIndexContract({
  indexType: 'HNSW',
  params: { M: 8, efConstruction: 64 },
  metrics: ['L2', 'IP', 'COSINE'],
  searchParams: { ef: 32 },
  recallMin: 0.95,
  recallMinHalf: 0.93,
})
