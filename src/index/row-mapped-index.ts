import { Bitset } from '../common/bitset.ts'
import type { IndexSpec, SearchParams } from './index-spec.ts'
import type { IndexSearchResult, VectorIndex } from './vector-index.ts'

/**
 * An index built over only some rows of a segment (the non-null rows of a nullable vector field):
 * `rowMap[i]` is the segment row of index row i, ascending. Searches take and return segment rows;
 * rows outside the map (null vectors) are never returned. The inner index is what is persisted:
 * the map is derived again from the column's validity when the file is loaded.
 */
export class RowMappedIndex implements VectorIndex {
  readonly inner: VectorIndex
  readonly rowMap: Int32Array
  /** Rows the index holds (the mapped rows). */
  readonly rowCount: number
  /** Index-space allowed bits, reused between searches (one search at a time per index). */
  private readonly scratch: Bitset

  constructor(inner: VectorIndex, rowMap: Int32Array) {
    this.inner = inner
    this.rowMap = rowMap
    this.rowCount = rowMap.length
    this.scratch = new Bitset(rowMap.length)
  }

  get spec(): IndexSpec {
    return this.inner.spec
  }

  search(query: Float32Array | Uint8Array, k: number, allowedBits: Bitset | null, params: SearchParams): IndexSearchResult {
    let inner: Bitset | null = null
    if (allowedBits !== null) {
      inner = this.scratch
      inner.words.fill(0)
      const map = this.rowMap
      const words = allowedBits.words
      for (let i = 0; i < map.length; i++) {
        const r = map[i]!
        if (((words[r >>> 5]! >>> (r & 31)) & 1) === 1) inner.set(i)
      }
    }
    const hits = this.inner.search(query, k, inner, params)
    const rows = new Int32Array(hits.rows.length)
    for (let i = 0; i < rows.length; i++) rows[i] = this.rowMap[hits.rows[i]!]!
    return { scores: hits.scores, rows }
  }

  encode(): Uint8Array[] {
    return this.inner.encode()
  }

  release(): void {
    this.inner.release()
  }
}
