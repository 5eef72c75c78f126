/**
 * The rerankers of a hybrid search, as the official Node SDK builds them (`RRFRanker`,
 * `WeightedRanker` from `@zilliz/milvus2-sdk-node`): the same plain objects, so code written for
 * the SDK imports them from `quiverdb` unchanged. `parseReranker` (hybrid-search.ts) reads them.
 */
export interface RerankerObj {
  readonly strategy: 'rrf' | 'weighted'
  readonly params: { readonly k?: number; readonly weights?: readonly number[] }
}

/** Reciprocal rank fusion: a hit scores Σ 1 / (k + rank + 1) over the requests that found it (Milvus's default k 60). */
export function RRFRanker(k = 60): RerankerObj {
  return { strategy: 'rrf', params: { k } }
}

/** Weighted fusion: each request's normalised scores times its weight (one weight per request, in order). */
export function WeightedRanker(weights: readonly number[]): RerankerObj {
  return { strategy: 'weighted', params: { weights } }
}
