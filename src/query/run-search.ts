import type { Bitset } from '../common/bitset.ts'
import { TopKHeap } from '../common/topk-heap.ts'
import { turnsWaiting } from '../common/loop-turns.ts'
import type { WorkSlice } from '../common/work-slice.ts'
import { encodeSparseCsr } from '../index/sparse/sparse-csr.ts'
import type { SearchParams, VectorIndex } from '../index/vector-index.ts'
import type { CollectionData } from '../collection/collection-data.ts'
import type { FieldSchema } from '../schema/collection-schema.ts'
import { DataType } from '../schema/data-type.ts'
import { encodeLocation } from '../segment/pk-index.ts'
import type { Segment } from '../segment/segment.ts'
import { largerIsBetter, type Metric } from '../vector/metric.ts'
import { type RowScope, type SegmentRows, selectRowsSliced } from './select-rows.ts'
import { type Bm25Params, runBm25Search } from './bm25-search.ts'
import { searchInterim, usableInterim } from './interim-search.ts'
import { runStructSearch } from './struct-search.ts'
import { type QueryVector, scoreRange } from './vector-scan.ts'

export interface SearchRequest extends RowScope {
  readonly field: FieldSchema
  readonly metric: Metric
  /** nq query vectors, already validated against the field. */
  readonly queries: readonly QueryVector[]
  readonly limit: number
  readonly offset: number
  /** Range search: keep only scores beyond `radius` and within `rangeFilter` (Milvus semantics). */
  readonly radius?: number | undefined
  readonly rangeFilter?: number | undefined
  /** Index search parameters (`ef`, `nprobe`, sparse `dropRatioSearch` / `dimMaxScoreRatio`); ignored by exact scans. */
  readonly indexParams?: Readonly<SearchParams> | undefined
  /** A struct vector sub-field searched with a MAX_SIM metric: each query is an embedding list scored by `metric` summed over best matches (`struct-search.ts`). */
  readonly embeddingList?: boolean | undefined
  /** Struct vector sub-field with an `element_filter`: per segment, the struct elements of a row that may take part (undefined = all). */
  readonly elementMask?: ((segment: Segment) => (row: number) => ReadonlySet<number>) | undefined
  /** Metric BM25 (a BM25 function's output field): k1 and b (the index's, else Milvus's defaults). */
  readonly bm25?: Bm25Params | undefined
}

/** The search request of a scope and a resolved search, every property present (see `RowScope`). */
export function searchRequest(
  scope: RowScope,
  r: Pick<SearchRequest, 'field' | 'metric' | 'queries' | 'limit' | 'offset' | 'radius' | 'rangeFilter' | 'indexParams' | 'embeddingList' | 'elementMask'> & { readonly bm25?: Bm25Params | undefined },
): SearchRequest {
  return {
    ts: scope.ts,
    partitionIds: scope.partitionIds,
    plan: scope.plan,
    ignoreGrowing: scope.ignoreGrowing,
    field: r.field,
    metric: r.metric,
    queries: r.queries,
    limit: r.limit,
    offset: r.offset,
    radius: r.radius,
    rangeFilter: r.rangeFilter,
    indexParams: r.indexParams,
    embeddingList: r.embeddingList,
    elementMask: r.elementMask,
    bm25: r.bm25,
  }
}

/** Milvus's BM25 defaults (knowhere `bm25_k1` / `bm25_b`), for a BM25 output field searched without an index. */
export const BM25_DEFAULTS: Bm25Params = { k1: 1.2, b: 0.75 }

/** Hits of one query vector, best first: scores and row locations (segment id · 2^32 + row). */
export interface SearchHits {
  readonly scores: Float32Array
  readonly locations: Float64Array
  /** Element-level search on a struct's vector sub-field: the struct element offset of each hit. */
  readonly offsets?: Int32Array
}

/** Rows per scoring block: scores for a block land in one reused buffer. */
const SCORE_BLOCK_ROWS = 16384
/** The block buffer, shared by every search (filled and consumed between two pauses of a search), made on the first exact scan. */
let blockScores: Float32Array | undefined

/**
 * Exact (FLAT) search: every allowed row of every segment in scope is scored; a bounded heap per
 * query keeps offset + limit best; the offset is then dropped. Between blocks (one query vector ×
 * one 16k-row block, or one query vector against one index) the search lets other work run once its
 * slice is used up, and stops there when its deadline passed.
 */
export async function runSearch(data: CollectionData, req: SearchRequest, slice: WorkSlice): Promise<SearchHits[]> {
  if (req.field.dataType === DataType.ArrayOfVector) return runStructSearch(data, req, slice)
  if (req.metric === 'BM25') return runBm25Search(data, req, req.bm25 ?? BM25_DEFAULTS, slice)
  // Counted in this frame (no wrapper: each async frame on the path is a promise per search).
  searchesUnderWay++
  try {
    return await searchDense(data, req, slice)
  } finally {
    searchesUnderWay--
  }
}

/** Searches started and not finished, in every collection (see `offloadWalk`). */
let searchesUnderWay = 0

/**
 * An index walk goes to the libuv pool (`VectorIndex.searchAsync`) only while other work waits for
 * the event loop (a read's turn: `turnsWaiting`) or another search is under way: then the loop serves
 * it meanwhile and two cores work. Alone, the two thread hops only add latency (docs/design/0007).
 */
function offloadWalk(index: VectorIndex): boolean {
  return index.searchAsync !== undefined && (searchesUnderWay > 1 || turnsWaiting() > 0)
}

async function searchDense(data: CollectionData, req: SearchRequest, slice: WorkSlice): Promise<SearchHits[]> {
  const k = req.offset + req.limit
  const better = largerIsBetter(req.metric)
  const picked = selectRowsSliced(data, req, slice)
  const selected = withVectors(picked instanceof Promise ? await picked : picked, req.field)
  // No query can find more hits than rows allowed: heaps sized by that (nq × k can be 2^28 slots).
  let allowedTotal = 0
  for (const s of selected) allowedTotal += s.allowedCount
  const heapSize = Math.max(1, Math.min(k, allowedTotal))
  const heaps = req.queries.map(() => new TopKHeap(heapSize, better))
  const ranged = req.radius !== undefined || req.rangeFilter !== undefined
  for (const { segment, allowedBits, allowedCount } of selected) {
    if (allowedCount === 0) continue
    const built = segment.vectorIndexes.get(req.field.name)
    if (built !== undefined && !ranged && built.index.spec.metric === req.metric) {
      // A loop here rather than an async helper: one search of one vector is the common case, and each
      // async frame on the path is a promise per search and more code for V8 to optimize while warming up.
      const allowed = allowedCount === built.index.rowCount ? null : allowedBits
      for (let q = 0; q < req.queries.length; q++) {
        if (slice.due()) await slice.pause()
        // Awaiting the walk (native HNSW on a pool thread) frees the event loop for other searches, as a pause does.
        if (offloadWalk(built.index)) await searchIndexAsync(built.index, heaps[q]!, req.queries[q]!, allowed, allowedCount, segment.id, k, req.indexParams)
        else searchIndexOne(built.index, heaps[q]!, req.queries[q]!, allowed, allowedCount, segment.id, k, req.indexParams)
      }
      continue
    }
    await scanSegment(data, segment, allowedBits, allowedCount, heaps, k, ranged, req, slice)
  }
  return drainSliced(heaps, req.offset, slice)
}

/**
 * A segment without a usable index: its interim index first when it has one, then an exact scan of
 * the rest. Its own function so that `runSearch`, which V8 optimises early on the indexed path, does
 * not carry (and recompile) this code.
 */
async function scanSegment(data: CollectionData, segment: Segment, allowedBits: Bitset, allowedCount: number, heaps: TopKHeap[], k: number, ranged: boolean, req: SearchRequest, slice: WorkSlice): Promise<void> {
  const interim = ranged ? null : usableInterim(data, segment, req, k, allowedCount)
  const exactFrom = interim === null ? 0 : await searchInterim(interim.index, interim.budget, heaps, allowedBits, segment.id, k, req, slice)
  const store = segment.fields.get(req.field.name)!
  for (let from = exactFrom; from < segment.rowCount; from += SCORE_BLOCK_ROWS) {
    const to = Math.min(segment.rowCount, from + SCORE_BLOCK_ROWS)
    if (!anySet(allowedBits.words, from, to)) continue
    for (let q = 0; q < req.queries.length; q++) {
      if (slice.due()) await slice.pause()
      const scores = (blockScores ??= new Float32Array(SCORE_BLOCK_ROWS))
      scoreRange(req.metric, req.queries[q]!, store, from, to, scores)
      pushAllowed(heaps[q]!, scores, allowedBits.words, from, to, segment.id, req, req.queries[q]!.kind === 'sparse')
    }
  }
}

/**
 * Each query's hits, best first, from its heap; between heaps the search lets others run (2,621 heaps
 * of 100 took 50 ms). Synchronous while the slice lasts, a promise once it has to pause.
 */
export function drainSliced(heaps: readonly TopKHeap[], offset: number, slice: WorkSlice): SearchHits[] | Promise<SearchHits[]> {
  const out: SearchHits[] = []
  for (let i = 0; i < heaps.length; i++) {
    if (slice.due()) return drainRest(heaps, i, offset, slice, out)
    out.push(dropOffset(heaps[i]!.drain(), offset))
  }
  return out
}

async function drainRest(heaps: readonly TopKHeap[], from: number, offset: number, slice: WorkSlice, out: SearchHits[]): Promise<SearchHits[]> {
  for (let i = from; i < heaps.length; i++) {
    if (slice.due()) await slice.pause()
    out.push(dropOffset(heaps[i]!.drain(), offset))
  }
  return out
}

/**
 * The selected rows of a nullable vector field without its null rows: a null vector is never a hit
 * (as in Milvus). The bits are copied (the selected ones may be shared between reads).
 */
function withVectors(selected: SegmentRows[], field: FieldSchema): SegmentRows[] {
  if (!field.nullable) return selected
  return selected.map((s) => {
    const valid = s.segment.fields.get(field.name)?.validity ?? null
    if (valid === null) return s
    const allowedBits = s.allowedBits.clone().and(valid)
    return { segment: s.segment, allowedBits, allowedCount: allowedBits.count() }
  })
}

/** A sealed segment with an index: the index takes the allowed bitset (null = every row) and returns its top k. */
function searchIndexOne(index: VectorIndex, heap: TopKHeap, query: QueryVector, allowedBits: Bitset | null, allowedCount: number, segmentId: number, k: number, params: Readonly<SearchParams> | undefined): void {
  const base = encodeLocation(segmentId, 0)
  const values = query.kind === 'sparse' ? encodeSparseCsr([query.row]) : query.values
  const hits = index.search(values, k, allowedBits, params ?? noParams, allowedCount)
  for (let i = 0; i < hits.rows.length; i++) heap.push(hits.scores[i]!, base + hits.rows[i]!)
}

/** `searchIndexOne` with the walk off the JavaScript thread (`VectorIndex.searchAsync`). */
async function searchIndexAsync(index: VectorIndex, heap: TopKHeap, query: QueryVector, allowedBits: Bitset | null, allowedCount: number, segmentId: number, k: number, params: Readonly<SearchParams> | undefined): Promise<void> {
  const base = encodeLocation(segmentId, 0)
  const values = query.kind === 'sparse' ? encodeSparseCsr([query.row]) : query.values
  const hits = await index.searchAsync!(values, k, allowedBits, params ?? noParams, allowedCount)
  for (let i = 0; i < hits.rows.length; i++) heap.push(hits.scores[i]!, base + hits.rows[i]!)
}

const noParams: Readonly<SearchParams> = {}

/**
 * Offers a block's allowed rows to the heap; `positiveOnly` (sparse vectors) keeps only positive
 * inner products, as Milvus's sparse brute force and sparse indexes do (a row sharing no dimension
 * with the query is no hit).
 */
function pushAllowed(
  heap: TopKHeap,
  scores: Float32Array,
  allowed: Uint32Array,
  from: number,
  to: number,
  segmentId: number,
  req: SearchRequest,
  positiveOnly: boolean,
): void {
  const ranged = req.radius !== undefined || req.rangeFilter !== undefined
  const larger = heap.largerIsBetter
  const base = encodeLocation(segmentId, 0)
  // Candidates must beat the worst kept score once the heap is full: one comparison per row.
  let bar = heap.isFull() ? heap.threshold() : larger ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY
  for (let r = from; r < to; r++) {
    if (((allowed[r >>> 5]! >>> (r & 31)) & 1) === 0) continue
    const s = scores[r - from]!
    if (heap.isFull() && (larger ? s <= bar : s >= bar)) continue
    if (positiveOnly && !(s > 0)) continue
    if (ranged && !inRange(s, larger, req.radius, req.rangeFilter)) continue
    heap.push(s, base + r)
    if (heap.isFull()) bar = heap.threshold()
  }
}

/**
 * Milvus range search: for distances (L2…) keep `rangeFilter <= d < radius`; for similarities
 * (IP, COSINE) keep `radius < s <= rangeFilter`.
 */
function inRange(s: number, larger: boolean, radius?: number, rangeFilter?: number): boolean {
  if (larger) return (radius === undefined || s > radius) && (rangeFilter === undefined || s <= rangeFilter)
  return (radius === undefined || s < radius) && (rangeFilter === undefined || s >= rangeFilter)
}

function anySet(words: Uint32Array, from: number, to: number): boolean {
  for (let w = from >>> 5; w <= (to - 1) >>> 5; w++) if (words[w] !== 0) return true
  return false
}

function dropOffset(h: { scores: Float32Array; ids: Float64Array }, offset: number): SearchHits {
  return { scores: h.scores.subarray(offset), locations: h.ids.subarray(offset) }
}
