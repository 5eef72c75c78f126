import type { Bitset } from '../common/bitset.ts'
import { TopKHeap } from '../common/topk-heap.ts'
import { isAllowed } from './allowed-rows.ts'
import type { IndexSearchResult } from './vector-index.ts'
import { resultsOf } from './search-result.ts'
import { distanceBlockRows, type VectorRows } from './vector-rows.ts'

/**
 * Below this share of allowed rows, allowed rows are scored one by one instead of whole blocks: a row
 * alone costs ~160 ns (a cache miss), a row in a block ~29 ns (measured at 100k × 128).
 */
const sparseAllowedFraction = 0.15

const blockScratch = new Float32Array(distanceBlockRows)

/**
 * The exact top-k of the rows `allowedBits` allows (all rows when null), from the query already set on
 * `rows`. Dense sets are scored block by block with the SIMD kernel (blocks with no allowed row are
 * skipped); sparse sets row by row. Ties keep the lower row. `allowedCount` is `countAllowed(...)`.
 */
export function exactSearch(rows: VectorRows, k: number, allowedBits: Bitset | null, allowedCount: number, larger: boolean): IndexSearchResult {
  const heap = new TopKHeap(Math.min(k, allowedCount), false)
  if (heap.k > 0) {
    if (allowedBits !== null && allowedCount < rows.rowCount * sparseAllowedFraction) scanAllowedRows(rows, heap, allowedBits.words)
    else scanBlocks(rows, heap, allowedBits === null ? null : allowedBits.words)
  }
  return resultsOf(heap, larger)
}

function scanAllowedRows(rows: VectorRows, heap: TopKHeap, words: Uint32Array): void {
  const rowCount = rows.rowCount
  const wordCount = (rowCount + 31) >>> 5
  for (let w = 0; w < wordCount; w++) {
    let word = words[w]!
    while (word !== 0) {
      const low = word & -word
      const row = (w << 5) + 31 - Math.clz32(low)
      word ^= low
      if (row >= rowCount) return
      const d = rows.distance(row)
      if (heap.size < heap.k || d < heap.scores[0]!) heap.push(d, row)
    }
  }
}

function scanBlocks(rows: VectorRows, heap: TopKHeap, words: Uint32Array | null): void {
  const out = blockScratch
  for (let from = 0; from < rows.rowCount; from += distanceBlockRows) {
    const n = Math.min(distanceBlockRows, rows.rowCount - from)
    if (words !== null && noneAllowed(words, from, n)) continue
    rows.distanceRange(from, n, out)
    for (let i = 0; i < n; i++) {
      const d = out[i]!
      if ((heap.size < heap.k || d < heap.scores[0]!) && (words === null || isAllowed(words, from + i))) heap.push(d, from + i)
    }
  }
}

/** True when rows [from, from + n) have no allowed row (from is a multiple of 32). */
function noneAllowed(words: Uint32Array, from: number, n: number): boolean {
  const end = (from + n + 31) >>> 5
  for (let w = from >>> 5; w < end; w++) if (words[w] !== 0) return false
  return true
}
