import { assert } from '../../common/assert.ts'
import type { Bitset } from '../../common/bitset.ts'
import { TopKHeap } from '../../common/topk-heap.ts'
import { encodeIndexPayload, type IndexPayload, SectionReader } from '../index-codec.ts'
import type { IndexSpec, SearchParams } from '../index-spec.ts'
import { emptyResult } from '../search-result.ts'
import type { IndexSearchResult, VectorIndex } from '../vector-index.ts'
import { readSparseCsr } from './sparse-csr.ts'
import { DIM_MAX_SCORE_RATIO_DEFAULT, type SparseIndexAlgo, sparseAlgoOf } from './sparse-index-spec.ts'
import { searchMaxScore } from './sparse-maxscore.ts'
import { buildSparsePostings, type SparsePostings, withBounds } from './sparse-postings.ts'
import { createTaatScratch, searchTaat, type TaatScratch } from './sparse-taat.ts'
import { type QueryTerms, queryTerms, rowScore } from './sparse-terms.ts'
import { searchWand } from './sparse-wand.ts'

/**
 * SPARSE_INVERTED_INDEX and SPARSE_WAND over sparse float vectors (metric IP): one posting list per
 * dimension in typed arrays (`SparsePostings`), searched by the spec's `inverted_index_algo`:
 * TAAT_NAIVE (accumulate every posting), DAAT_WAND or DAAT_MAXSCORE (document at a time, skipping
 * rows whose upper bound cannot beat the k-th best). All three return the exact scan's top k (only
 * rows with a positive inner product are hits, as in Milvus) unless `drop_ratio_search` > 0 or
 * `dim_max_score_ratio` < 1 make them approximate, as Milvus's do (scores then count the kept query
 * terms only, unless `refine_factor` > 1 re-scores k × refine_factor candidates exactly). Vectors and queries arrive as
 * `encodeSparseCsr` bytes; nothing of the vectors is kept but the postings.
 */
export class SparseInvertedIndex implements VectorIndex {
  readonly spec: IndexSpec
  readonly rowCount: number
  readonly algo: SparseIndexAlgo
  private readonly postings: SparsePostings
  /** The encoded bytes the postings view (decoded indexes only). */
  private readonly source: Uint8Array | undefined
  /** TAAT scratch, made on the first TAAT search (one search at a time per index). */
  private taat: TaatScratch | null = null

  static build(spec: IndexSpec, vectors: Float32Array | Uint8Array, rowCount: number): SparseInvertedIndex {
    assert(vectors instanceof Uint8Array, 'sparse indexes take encodeSparseCsr bytes')
    const csr = readSparseCsr(vectors)
    assert(csr.rowCount === rowCount, `sparse index: ${csr.rowCount} rows given for ${rowCount}`)
    return new SparseInvertedIndex(spec, buildSparsePostings(csr))
  }

  /** The index over posting lists built elsewhere (a build worker's: `buildSparseInWorker`). */
  static fromPostings(spec: IndexSpec, postings: SparsePostings): SparseInvertedIndex {
    return new SparseInvertedIndex(spec, postings)
  }

  static decode(payload: IndexPayload): SparseInvertedIndex {
    const reader = new SectionReader(payload)
    const dimsBits = reader.int32(-1)
    const postStart = reader.int32(dimsBits.length + 1)
    const total = postStart[dimsBits.length]!
    const postRows = reader.int32(total)
    const postValues = reader.float32(total)
    reader.done()
    const dims = new Uint32Array(dimsBits.buffer, dimsBits.byteOffset, dimsBits.length)
    return new SparseInvertedIndex(payload.spec, withBounds(payload.rowCount, dims, postStart, postRows, postValues), payload.source)
  }

  /**
   * The same posting lists under another spec (the postings do not depend on it: the spec picks the
   * search algorithm and is what the index file records): an index built before its definition
   * existed (engine/sparse-prebuilds.ts) takes the definition's spec. Encodes anew (the header holds the spec).
   */
  withSpec(spec: IndexSpec): SparseInvertedIndex {
    return new SparseInvertedIndex(spec, this.postings)
  }

  /** `source`: the encoded bytes the postings were decoded from (views of them), given back by `encode`. */
  private constructor(spec: IndexSpec, postings: SparsePostings, source?: Uint8Array) {
    this.spec = spec
    this.rowCount = postings.rowCount
    this.postings = postings
    this.algo = sparseAlgoOf(spec)
    this.source = source
  }

  /** The posting lists (read-only: BM25 search reads a BM25 output field's term frequencies from them). */
  postingLists(): SparsePostings {
    return this.postings
  }

  search(query: Float32Array | Uint8Array, k: number, allowedBits: Bitset | null, params: SearchParams): IndexSearchResult {
    assert(query instanceof Uint8Array, 'sparse index queries are encodeSparseCsr bytes')
    const q = readSparseCsr(query)
    assert(q.rowCount === 1, 'one sparse query row at a time')
    if (k === 0 || this.rowCount === 0) return emptyResult
    const dropRatio = params.dropRatioSearch ?? 0
    const terms = queryTerms(this.postings, q, dropRatio, params.dimMaxScoreRatio ?? DIM_MAX_SCORE_RATIO_DEFAULT)
    if (terms.count === 0) return emptyResult
    const refine = dropRatio > 0 && (params.refineFactor ?? 1) > 1
    const heap = new TopKHeap(Math.min(refine ? k * params.refineFactor! : k, this.rowCount), true)
    this.run(terms, heap, allowedBits?.words)
    if (refine) return this.refined(heap, queryTerms(this.postings, q, 0, 1), k)
    const { scores, ids } = heap.drain()
    return { scores, rows: Int32Array.from(ids) }
  }

  /** The k best of the candidates in `heap` by their exact score over every query term (`refine_factor`). */
  private refined(heap: TopKHeap, all: QueryTerms, k: number): IndexSearchResult {
    const rows = Int32Array.from(heap.drain().ids).sort()
    const best = new TopKHeap(Math.min(k, rows.length), true)
    for (let i = 0; i < rows.length; i++) {
      const s = rowScore(this.postings, all, rows[i]!)
      if (s > 0) best.push(s, rows[i]!)
    }
    const { scores, ids } = best.drain()
    return { scores, rows: Int32Array.from(ids) }
  }

  private run(terms: QueryTerms, heap: TopKHeap, words: Uint32Array | undefined): void {
    switch (this.algo) {
      case 'TAAT_NAIVE':
        searchTaat(this.postings, terms, heap, words, (this.taat ??= createTaatScratch(this.rowCount)))
        break
      case 'DAAT_WAND':
        searchWand(this.postings, terms, heap, words)
        break
      case 'DAAT_MAXSCORE':
        searchMaxScore(this.postings, terms, heap, words)
        break
    }
  }

  encode(): Uint8Array[] {
    // The postings never change once built: bytes they were decoded from are still their encoding.
    if (this.source !== undefined) return [this.source]
    const p = this.postings
    const dimsBits = new Int32Array(p.dims.buffer, p.dims.byteOffset, p.dims.length)
    return encodeIndexPayload({ spec: this.spec, rowCount: this.rowCount, meta: {}, sections: [dimsBits, p.postStart, p.postRows, p.postValues] })
  }

  release(): void {
    this.taat = null
  }
}
