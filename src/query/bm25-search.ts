import { TopKHeap } from '../common/topk-heap.ts'
import type { WorkSlice } from '../common/work-slice.ts'
import type { CollectionData } from '../collection/collection-data.ts'
import { encodeLocation } from '../segment/pk-index.ts'
import type { Segment } from '../segment/segment.ts'
import { type Accumulators, accumulateTerms, type QueryWeights } from './bm25-accumulate.ts'
import { maxScoreSegment } from './bm25-maxscore.ts'
import { type Bm25Segment, bm25Segment, lengthNorms, liveStats, minDocLength, rowLength, termFrequency } from './bm25-segment.ts'
import type { SearchHits, SearchRequest } from './run-search.ts'
import { selectRowsSliced } from './select-rows.ts'

/** BM25's free parameters (knowhere's `bm25_k1`, `bm25_b`). */
export interface Bm25Params {
  readonly k1: number
  readonly b: number
}

/** Corpus statistics at one snapshot: live documents, their total length, and the document frequency of each query term. */
export interface Bm25Stats {
  readonly docCount: number
  readonly docLengthTotal: number
  readonly docFrequency: ReadonlyMap<number, number>
}

/**
 * Milvus's idf: ln(1 + (N − df + 0.5) / (df + 0.5)), in float32 as its proxy builds the query
 * vector (`BM25Stats.BuildIDF`).
 */
export function bm25Idf(docCount: number, df: number): number {
  return Math.fround(Math.log(1 + (docCount - df + 0.5) / (df + 0.5)))
}

/**
 * BM25 search over a BM25 function's output field. Exact, at the read's snapshot: N, the average
 * document length and each query term's document frequency are counted over the rows visible at
 * `ts` in every segment of the searched partitions (deleted and upserted-away rows excluded, the
 * filter not applied, as corpus statistics); every allowed row (visible ∧ filter) holding a query
 * term is scored Σ w·tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl)) with w = query tf × idf (Milvus's
 * formula), term at a time over the segment's postings. Rows scoring 0 are no hits.
 */
export async function runBm25Search(data: CollectionData, req: SearchRequest, params: Bm25Params, slice: WorkSlice): Promise<SearchHits[]> {
  const field = req.field.name
  const k = req.offset + req.limit
  const segments = data.segmentsOf(req.partitionIds).filter((s) => s.rowCount > 0)
  const stats = corpusStats(segments, field, req, queryTermSet(req))
  const selected = await selectRowsSliced(data, req, slice)
  const heaps = req.queries.map(() => new TopKHeap(Math.max(1, k), true))
  const avgdl = stats.docCount === 0 ? 0 : stats.docLengthTotal / stats.docCount
  const dropRatio = req.indexParams?.dropRatioSearch ?? 0
  const weights = req.queries.map((q) => queryWeights(q.kind === 'sparse' ? q.row : undefined, stats, dropRatio))
  for (const { segment, allowedBits, allowedCount } of selected) {
    if (allowedCount === 0 || (req.ignoreGrowing === true && segment.state === 'growing')) continue
    const view = bm25Segment(segment, field)
    for (let q = 0; q < req.queries.length; q++) {
      if (slice.due()) await slice.pause()
      scoreSegment(view, weights[q]!, params, avgdl, allowedBits.words, segment, heaps[q]!, req)
    }
  }
  return heaps.map((h) => {
    const { scores, ids } = h.drain()
    return { scores: scores.subarray(req.offset), locations: ids.subarray(req.offset) }
  })
}

function queryTermSet(req: SearchRequest): Set<number> {
  const terms = new Set<number>()
  for (const q of req.queries) if (q.kind === 'sparse') for (const t of q.row.indices) terms.add(t)
  return terms
}

/** N, total length and df of `terms` over the rows visible at the read's timestamp (no filter). */
export function corpusStats(segments: readonly Segment[], field: string, req: Pick<SearchRequest, 'ts'>, terms: ReadonlySet<number>): Bm25Stats {
  let docCount = 0
  let docLengthTotal = 0
  const docFrequency = new Map<number, number>()
  for (const t of terms) docFrequency.set(t, 0)
  for (const segment of segments) {
    const visible = segment.visibleRows(req.ts)
    if (visible.count === 0) continue
    const live = liveStats(segment, bm25Segment(segment, field), visible)
    docCount += visible.count
    docLengthTotal += live.docLengthTotal
    for (const t of terms) docFrequency.set(t, docFrequency.get(t)! + live.docFrequency(t))
  }
  return { docCount, docLengthTotal, docFrequency }
}

/** Query tf × idf per term (Milvus's query vector); `drop_ratio_search` leaves out the smallest share of them. */
function queryWeights(row: { indices: Uint32Array; values: Float32Array } | undefined, stats: Bm25Stats, dropRatio: number): QueryWeights {
  if (row === undefined) return { terms: new Uint32Array(0), weights: new Float64Array(0) }
  const n = row.indices.length
  const w = new Float64Array(n)
  for (let i = 0; i < n; i++) w[i] = Math.fround(row.values[i]! * bm25Idf(stats.docCount, stats.docFrequency.get(row.indices[i]!) ?? 0))
  const cut = Math.floor(n * dropRatio)
  if (cut === 0) return { terms: row.indices, weights: w }
  const floor = Float64Array.from(w, Math.abs).sort()[Math.min(cut, n - 1)]!
  const keep: number[] = []
  for (let i = 0; i < n; i++) if (w[i] !== 0 && Math.abs(w[i]!) >= floor) keep.push(i)
  return { terms: Uint32Array.from(keep, (i) => row.indices[i]!), weights: Float64Array.from(keep, (i) => w[i]!) }
}

/** Per-row sums of one segment, reused (sized to the largest segment seen). */
const acc: Accumulators = { sums: new Float64Array(0), touched: new Int32Array(0) }

function scoreSegment(view: Bm25Segment, q: QueryWeights, params: Bm25Params, avgdl: number, allowed: Uint32Array, segment: Segment, heap: TopKHeap, req: SearchRequest): void {
  const { k1, b } = params
  const norm = avgdl > 0 ? 1 / avgdl : 0
  const base = encodeLocation(segment.id, 0)
  // Pruned to the top k only when every hit counts by rank (not a range search).
  const ranked = req.radius === undefined && req.rangeFilter === undefined
  if (ranked) {
    const invAvgdl = avgdl > 0 ? 1 / avgdl : 0
    const minNorm = (d: number): number => k1 * (1 - b + b * minDocLength(view, d) * invAvgdl)
    maxScoreSegment(view, q, k1, lengthNorms(view, k1, b, avgdl), minNorm, allowed, heap, base)
  } else {
    if (acc.sums.length < view.rowCount) {
      acc.sums = new Float64Array(view.rowCount)
      acc.touched = new Int32Array(view.rowCount)
    }
    const count = accumulateTerms(view, q, k1, b, avgdl, allowed, acc, 0)
    const { sums, touched } = acc
    for (let i = 0; i < count; i++) {
      const r = touched[i]!
      const s = sums[r]!
      sums[r] = 0
      offer(heap, s, base + r, req)
    }
  }
  // A growing segment's rows past its postings: scored row by row.
  for (let r = view.baseRows; r < view.rowCount; r++) {
    if (((allowed[r >>> 5]! >>> (r & 31)) & 1) === 0) continue
    const row = view.rows[r]!
    const lengthNorm = k1 * (1 - b + b * rowLength(row) * norm)
    let s = 0
    for (let t = 0; t < q.terms.length; t++) {
      const tf = termFrequency(row, q.terms[t]!)
      if (tf > 0) s += (q.weights[t]! * tf * (k1 + 1)) / (tf + lengthNorm)
    }
    offer(heap, s, base + r, req)
  }
}

/** A positive score within the range (range search) enters the heap. */
function offer(heap: TopKHeap, s: number, location: number, req: SearchRequest): void {
  if (!(s > 0)) return
  if ((req.radius !== undefined && !(s > req.radius)) || (req.rangeFilter !== undefined && !(s <= req.rangeFilter))) return
  heap.push(s, location)
}
