// FLAT and BIN_FLAT pass the VectorIndex contract (vector-index.contract.ts): exact search is the
// baseline, so its recall against itself must be 1 with and without filters.
import { vectorIndexContract } from './vector-index.contract.ts'

vectorIndexContract({ indexType: 'FLAT', params: {}, metrics: ['L2', 'IP', 'COSINE'], searchParams: {}, recallMin: 1, recallMinHalf: 1 })
vectorIndexContract({ indexType: 'BIN_FLAT', params: {}, metrics: ['HAMMING', 'JACCARD'], searchParams: {}, recallMin: 1, recallMinHalf: 1 })
