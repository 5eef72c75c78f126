import type { Bitset } from '../common/bitset.ts'
import { largerIsBetter } from '../vector/metric.ts'
import type { VectorArena } from '../vector/vector-arena.ts'
import { countAllowed } from './allowed-rows.ts'
import { checkQuery } from './check-query.ts'
import { exactSearch } from './exact-search.ts'
import { emptyResult } from './search-result.ts'
import { encodeIndexPayload, type IndexPayload, SectionReader } from './index-codec.ts'
import type { IndexSpec, SearchParams } from './index-spec.ts'
import type { IndexSearchResult, VectorIndex } from './vector-index.ts'
import { createVectorRows, type VectorRows } from './vector-rows.ts'

/**
 * FLAT and BIN_FLAT: no structure at all, every search scans the allowed rows exactly (SIMD kernel
 * blocks for float rows, word popcounts for binary ones). The baseline every other index is measured
 * against; its file is a header only.
 */
export class FlatIndex implements VectorIndex {
  readonly spec: IndexSpec
  readonly rowCount: number
  private readonly rows: VectorRows
  private readonly larger: boolean

  static build(spec: IndexSpec, vectors: Float32Array | Uint8Array, rowCount: number, arena: VectorArena): FlatIndex {
    return new FlatIndex(spec, vectors, rowCount, arena)
  }

  static decode(payload: IndexPayload, vectors: Float32Array | Uint8Array, arena: VectorArena): FlatIndex {
    new SectionReader(payload).done()
    return new FlatIndex(payload.spec, vectors, payload.rowCount, arena)
  }

  private constructor(spec: IndexSpec, vectors: Float32Array | Uint8Array, rowCount: number, arena: VectorArena) {
    this.spec = spec
    this.rowCount = rowCount
    this.rows = createVectorRows(arena, spec.metric, vectors, rowCount, spec.dim)
    this.larger = largerIsBetter(spec.metric)
  }

  search(query: Float32Array | Uint8Array, k: number, allowedBits: Bitset | null, _params: SearchParams, knownCount?: number): IndexSearchResult {
    checkQuery(this.spec, query, k)
    const allowedCount = knownCount ?? countAllowed(allowedBits, this.rowCount)
    if (k === 0 || allowedCount === 0) return emptyResult
    this.rows.setQuery(query)
    return exactSearch(this.rows, k, allowedBits, allowedCount, this.larger)
  }

  encode(): Uint8Array[] {
    return encodeIndexPayload({ spec: this.spec, rowCount: this.rowCount, meta: {}, sections: [] })
  }

  release(): void {
    this.rows.release()
  }
}
