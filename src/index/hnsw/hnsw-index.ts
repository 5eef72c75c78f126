import type { Bitset } from '../../common/bitset.ts'
import { largerIsBetter } from '../../vector/metric.ts'
import type { VectorArena } from '../../vector/vector-arena.ts'
import { countAllowed, preferExactScanHnsw } from '../allowed-rows.ts'
import { withBuildRows } from '../build-rows.ts'
import { checkQuery } from '../check-query.ts'
import { exactSearch } from '../exact-search.ts'
import { emptyResult, resultsOfHeap } from '../search-result.ts'
import { corrupt, encodeIndexPayload, type IndexPayload, SectionReader } from '../index-codec.ts'
import { efDefaultMin, type IndexSpec, type SearchParams } from '../index-spec.ts'
import type { IndexSearchResult, VectorIndex } from '../vector-index.ts'
import { createVectorRows, type VectorRows } from '../vector-rows.ts'
import { buildHnswGraph } from './hnsw-build.ts'
import { HnswGraph } from './hnsw-graph.ts'
import { HnswSearcher } from './hnsw-searcher.ts'

/**
 * HNSW over float rows: our own graph on typed arrays (hnsw-graph.ts), distances by the WASM kernel one
 * pair at a time. The file holds the graph only; raw vectors are read from the segment's column.
 * Search: greedy descent to level 0, then a beam of width ef (default max(k, 16)) that walks through
 * disallowed rows without keeping them. Allowed sets below the cost rule of `preferExactScanHnsw` are
 * scanned exactly instead, and so is any search that found fewer than k allowed rows (knowhere's
 * brute-force fallback), so results are never short.
 */
export class HnswIndex implements VectorIndex {
  readonly spec: IndexSpec
  readonly rowCount: number
  readonly graph: HnswGraph
  private readonly rows: VectorRows
  private readonly searcher: HnswSearcher
  private readonly larger: boolean

  static build(spec: IndexSpec, vectors: Float32Array | Uint8Array, rowCount: number, arena: VectorArena): HnswIndex {
    const { M, efConstruction } = spec.params
    const graph = withBuildRows(arena, spec.metric, vectors, rowCount, spec.dim, (rows) => buildHnswGraph(rows, M!, efConstruction!))
    return new HnswIndex(spec, graph, vectors, rowCount, arena)
  }

  static decode(payload: IndexPayload, vectors: Float32Array | Uint8Array, arena: VectorArena): HnswIndex {
    const { spec, rowCount: n, meta } = payload
    const M = spec.params.M!
    const reader = new SectionReader(payload)
    const levels = reader.uint8(n)
    const level0 = reader.int32(n * (1 + 2 * M))
    const upperStart = reader.int32(n)
    const upper = reader.int32(-1)
    reader.done()
    const entryPoint = meta.entryPoint ?? -1
    const maxLevel = meta.maxLevel ?? -1
    if (n > 0 && !(entryPoint >= 0 && entryPoint < n && levels[entryPoint] === maxLevel)) throw corrupt('bad HNSW entry point')
    return new HnswIndex(spec, new HnswGraph(M, levels, level0, upperStart, upper, entryPoint, maxLevel), vectors, n, arena)
  }

  private constructor(spec: IndexSpec, graph: HnswGraph, vectors: Float32Array | Uint8Array, rowCount: number, arena: VectorArena) {
    this.spec = spec
    this.rowCount = rowCount
    this.graph = graph
    this.rows = createVectorRows(arena, spec.metric, vectors, rowCount, spec.dim)
    this.searcher = new HnswSearcher(graph, this.rows)
    this.larger = largerIsBetter(spec.metric)
  }

  search(query: Float32Array | Uint8Array, k: number, allowedBits: Bitset | null, params: SearchParams, knownCount?: number): IndexSearchResult {
    checkQuery(this.spec, query, k)
    const allowedCount = knownCount ?? countAllowed(allowedBits, this.rowCount)
    if (k === 0 || allowedCount === 0) return emptyResult
    this.rows.setQuery(query)
    const ef = Math.max(k, params.ef ?? Math.max(k, efDefaultMin))
    if (allowedBits !== null && preferExactScanHnsw(allowedCount, this.rowCount, k, ef, this.graph.M)) {
      return exactSearch(this.rows, k, allowedBits, allowedCount, this.larger)
    }
    const g = this.graph
    const searcher = this.searcher
    searcher.descend(g.entryPoint, this.rows.distance(g.entryPoint), g.maxLevel, 0)
    searcher.searchLayer(searcher.bestRow, searcher.bestDist, ef, 0, allowedBits === null ? null : allowedBits.words)
    if (searcher.results.size < Math.min(k, allowedCount)) return exactSearch(this.rows, k, allowedBits, allowedCount, this.larger)
    return resultsOfHeap(searcher.results, k, this.larger)
  }

  encode(): Uint8Array[] {
    const g = this.graph
    return encodeIndexPayload({
      spec: this.spec,
      rowCount: this.rowCount,
      meta: { entryPoint: g.entryPoint, maxLevel: g.maxLevel },
      sections: [g.levels, g.level0, g.upperStart, g.upper],
    })
  }

  release(): void {
    this.rows.release()
  }
}
