import { errors } from '../errors/errors.ts'
import { runSearch, type SearchHits, searchRequest } from '../query/run-search.ts'
import type { Metric } from '../vector/metric.ts'
import { type Decay, type DecaySpec, greaterScore, rescoreByDecay, resolveDecay } from './decay-rerank.ts'
import type { Database } from './database.ts'
import type { CollectionData } from '../collection/collection-data.ts'
import { type OutputPlan, planOutput } from './output-fields.ts'
import { hitsToRows, type ReadScope, readTimezone, requireLoaded, runRead, type SearchHit, scopeOfAsync } from './read-ops.ts'
import { resolveSearch, SEARCH_LIMIT_MAX, type SearchSpec } from './search-spec.ts'

/** One ANN request of a hybrid search: its own vectors, field, filter and limit. */
export type HybridRequest = Omit<SearchSpec, 'partitions' | 'asOf' | 'outputFields' | 'offset' | 'roundDecimal'>

export type Reranker =
  | { readonly strategy: 'rrf'; readonly k: number }
  | { readonly strategy: 'weighted'; readonly weights: readonly number[] }
  /** Milvus 2.6's decay function: each row's best similarity over the requests × the decay of a numeric field. */
  | { readonly strategy: 'decay'; readonly decay: DecaySpec }

export interface HybridSpec extends Pick<ReadScope, 'partitions' | 'asOf' | 'timeoutMs' | 'signal' | 'timezone'> {
  readonly requests: readonly HybridRequest[]
  readonly rerank: Reranker
  readonly limit?: number
  readonly offset?: number
  readonly outputFields?: readonly string[]
  readonly roundDecimal?: number
}

/** Milvus's RRF k range. */
const RRF_K_MAX = 16384

/**
 * Multi-vector search: each request is an ordinary search (its own field, metric, filter, limit) at
 * one snapshot; the hits are fused per primary key by the reranker — RRF: Σ 1/(k + rank);
 * Weighted: Σ wᵢ · normalised score (Milvus's normalisation: L2 → 1 − 2·atan(d)/π,
 * IP → 0.5 + atan(s)/π, COSINE → (1 + s)/2) — and the best `limit` after `offset` returned.
 */
export function hybridSearchRows(db: Database, collection: string, spec: HybridSpec): Promise<SearchHit[][]> {
  return runRead(spec, async (slice) => {
  db.assertOpen()
  const d = db.state.collection(collection)
  requireLoaded(d)
  if (spec.requests.length === 0) throw errors.invalid('hybrid search needs at least one search request')
  checkReranker(spec.rerank, spec.requests.length)
  // A per-request reranker would otherwise be dropped without a word: the fused ranking is the hybrid search's own.
  spec.requests.forEach((r, i) => {
    if (r.decay !== undefined || r.boost !== undefined) {
      throw errors.invalid(`hybrid search request ${i} has its own ${r.decay !== undefined ? 'decay' : 'boost'} function_score: Quiver reranks only the hybrid search as a whole (put a decay function_score on the hybrid search itself)`)
    }
  })
  const decay = spec.rerank.strategy === 'decay' ? resolveDecay(d.schema, spec.rerank.decay) : undefined
  const limit = spec.limit ?? 10
  const offset = spec.offset ?? 0
  if (!Number.isInteger(limit) || limit < 1 || offset < 0 || offset + limit > SEARCH_LIMIT_MAX) {
    throw errors.invalid(`limit ${limit} and offset ${offset} should satisfy 1 ≤ limit, 0 ≤ offset, offset + limit ≤ ${SEARCH_LIMIT_MAX}`)
  }
  const metricOf = (field: string) => d.meta.indexes.find((i) => i.fieldName === field)?.metricType
  const shared = { ...(spec.partitions === undefined ? {} : { partitions: spec.partitions }), ...(spec.asOf === undefined ? {} : { asOf: spec.asOf }) }
  // Every request reads one snapshot: filters compile first (maybe on the filter worker), then all
  // scopes take the same timestamp before any search pauses.
  const prepared = []
  for (const r of spec.requests) {
    const resolved = resolveSearch(d.schema, { ...r, limit: r.limit ?? offset + limit }, metricOf, (field) => d.meta.indexes.find((i) => i.fieldName === field)?.params)
    prepared.push({ resolved, scope: await scopeOfAsync(db, d, { ...shared, ...r }) })
  }
  const ts = spec.asOf ?? db.latestTs()
  const results: { metric: Metric; hits: SearchHits[] }[] = []
  for (const { resolved, scope } of prepared) {
    results.push({ metric: resolved.metric, hits: await runSearch(d, searchRequest({ ...scope, ts }, resolved), slice) })
  }
  const nq = results[0]!.hits.length
  if (results.some((r) => r.hits.length !== nq)) throw errors.invalid('every request of a hybrid search must have the same number of query vectors')
  const extra = decay === undefined || (spec.outputFields ?? []).includes(decay.field) ? [] : [decay.field]
  const out = planOutput(d.schema, extra.length === 0 ? spec.outputFields : [...(spec.outputFields ?? []), ...extra], d.pkField.name, readTimezone(d, spec))
  const fusedAll = []
  for (let q = 0; q < nq; q++) {
    if (slice.due()) await slice.pause()
    const fused = fuse(spec.rerank, results, q)
    if (decay !== undefined) {
      fusedAll.push(decayFused(d, fused, out, decay, extra, offset, limit))
      continue
    }
    const ranked = [...fused].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(offset, offset + limit)
    const hits = { scores: Float32Array.from(ranked.map((x) => x[1])), locations: Float64Array.from(ranked.map((x) => x[0])) }
    fusedAll.push(hitsToRows(d, hits, out, spec.roundDecimal ?? -1))
  }
  return fusedAll
  })
}

/** Each hit location's fused score for query q: RRF and weighted sum over the requests, decay takes the best (as "greater is better"). */
function fuse(rerank: Reranker, results: readonly { metric: Metric; hits: SearchHits[] }[], q: number): Map<number, number> {
  const fused = new Map<number, number>()
  results.forEach((r, i) => {
    const h = r.hits[q]!
    for (let rank = 0; rank < h.locations.length; rank++) {
      const loc = h.locations[rank]!
      if (rerank.strategy === 'decay') {
        fused.set(loc, Math.max(fused.get(loc) ?? -Infinity, greaterScore(r.metric, h.scores[rank]!)))
        continue
      }
      const add = rerank.strategy === 'rrf' ? 1 / (rerank.k + rank + 1) : rerank.weights[i]! * normalise(r.metric, h.scores[rank]!)
      fused.set(loc, (fused.get(loc) ?? 0) + add)
    }
  })
  return fused
}

/** Every fused row with its decay field, re-scored by best similarity × decay, then paged. */
function decayFused(d: CollectionData, fused: Map<number, number>, out: OutputPlan, decay: Decay, extra: readonly string[], offset: number, limit: number): SearchHit[] {
  const all = [...fused].sort((a, b) => b[1] - a[1] || a[0] - b[0])
  const rows = hitsToRows(d, { scores: Float32Array.from(all.map((x) => x[1])), locations: Float64Array.from(all.map((x) => x[0])) }, out, -1)
  return rescoreByDecay(rows, decay, extra, offset, limit)
}

function checkReranker(r: Reranker, n: number): void {
  if (r.strategy === 'decay') return
  if (r.strategy === 'rrf') {
    if (!(r.k > 0 && r.k < RRF_K_MAX)) throw errors.invalid(`The rank params k should be in range (0, ${RRF_K_MAX}), got ${r.k}`)
    return
  }
  if (r.weights.length !== n) throw errors.invalid(`the length of weights param mismatch with ann search requests: invalid parameter[expected=${n}][actual=${r.weights.length}]`)
  for (const w of r.weights) if (!(w >= 0 && w <= 1)) throw errors.invalid(`rank param weight should be in range [0, 1], got ${w}`)
}

function normalise(metric: Metric, s: number): number {
  switch (metric) {
    case 'L2':
    case 'HAMMING':
    case 'JACCARD':
      return 1 - (2 * Math.atan(s)) / Math.PI
    case 'IP':
      return 0.5 + Math.atan(s) / Math.PI
    case 'COSINE':
      return (1 + s) / 2
    case 'BM25':
      return (2 * Math.atan(s)) / Math.PI
  }
}

/** Reads the SDK's `rerank` object (`RRFRanker(k)` / `WeightedRanker(weights)`). */
export function parseReranker(raw: unknown): Reranker {
  if (raw === undefined || raw === null) return { strategy: 'rrf', k: 60 }
  const r = raw as { strategy?: string; params?: Record<string, unknown> }
  const params = r.params ?? {}
  switch (String(r.strategy ?? '').toLowerCase()) {
    case 'rrf':
      return { strategy: 'rrf', k: Number(params.k ?? 60) }
    case 'weighted': {
      const weights = params.weights ?? []
      if (!Array.isArray(weights)) throw errors.invalid(`rerank params weights should be a list of numbers, got ${typeof weights}`)
      return { strategy: 'weighted', weights: weights.map(Number) }
    }
    default:
      throw errors.invalid(`unsupported rerank strategy ${String(r.strategy)}; use RRFRanker(k) or WeightedRanker(weights)`)
  }
}
