import type { Bitset } from '../../common/bitset.ts'

/**
 * Which rows hold the keys at sorted positions [from, to): the part each index type stores its own
 * way (row ids per key, row-id lists per distinct key, bitsets per distinct key).
 */
export interface Postings {
  /** How many (key, row) entries positions [from, to) hold. */
  entryCount(from: number, to: number): number
  /** Sets in `out` the rows of positions [from, to). */
  addRows(from: number, to: number, out: Bitset): void
  /** Clears in `out` the rows of positions [from, to). */
  clearRows(from: number, to: number, out: Bitset): void
}

/** Sets the bits of `rowIds[from..to)` in `words`. */
export function setRowIds(rowIds: Uint32Array, from: number, to: number, words: Uint32Array): void {
  for (let j = from; j < to; j++) {
    const r = rowIds[j]!
    words[r >>> 5]! |= 1 << (r & 31)
  }
}

/** Clears the bits of `rowIds[from..to)` in `words`. */
export function clearRowIds(rowIds: Uint32Array, from: number, to: number, words: Uint32Array): void {
  for (let j = from; j < to; j++) {
    const r = rowIds[j]!
    words[r >>> 5]! &= ~(1 << (r & 31))
  }
}

/** Postings where key position j is row `rowIds[j]` (one entry per key: STL_SORT). */
export function pairPostings(rowIds: Uint32Array): Postings {
  return {
    entryCount: (from, to) => to - from,
    addRows: (from, to, out) => setRowIds(rowIds, from, to, out.words),
    clearRows: (from, to, out) => clearRowIds(rowIds, from, to, out.words),
  }
}

/** Postings where distinct key t owns `rowIds[offsets[t]..offsets[t + 1])` (INVERTED, Trie). */
export function listPostings(offsets: Uint32Array, rowIds: Uint32Array): Postings {
  return {
    entryCount: (from, to) => offsets[to]! - offsets[from]!,
    addRows: (from, to, out) => setRowIds(rowIds, offsets[from]!, offsets[to]!, out.words),
    clearRows: (from, to, out) => clearRowIds(rowIds, offsets[from]!, offsets[to]!, out.words),
  }
}
