// HNSW passes the VectorIndex contract (../vector-index.contract.ts) on seeded clustered data:
// recall@10 against FLAT measured at 0.99 (L2, M=8, efConstruction=64, ef=32), ≥ 0.975 with half the rows allowed.
// (The native core is the default; this file pins the JS core, kept as the fallback without the addon.)
import { vectorIndexContract } from '../vector-index.contract.ts'

process.env.QUIVER_HNSW_CORE = 'js'

vectorIndexContract({
  indexType: 'HNSW',
  params: { M: 8, efConstruction: 64 },
  metrics: ['L2', 'IP', 'COSINE'],
  searchParams: { ef: 32 },
  recallMin: 0.95,
  recallMinHalf: 0.93,
})
