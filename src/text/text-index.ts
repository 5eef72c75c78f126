import type { Analyzer } from './analyzer.ts'

/**
 * The text inverted index of one string column (Milvus's "text index" behind `enable_match`):
 * term → the rows holding it, and per (term, row) the token positions, for `TEXT_MATCH` and
 * `PHRASE_MATCH`. Postings live in growable typed arrays per term (no object per row or posting):
 * `rows` ascending, `posStart[i]..posStart[i+1]` the positions of posting i in `positions`.
 *
 * Append-only: `extend` analyzes the rows added to the column since the last call, so a growing
 * segment's index follows its column; a sealed segment's is built once. Deleted rows stay indexed:
 * callers intersect with their visibility bits, like every other filter.
 */
export class TextIndex {
  private readonly analyzer: Analyzer
  private readonly terms = new Map<string, TermPostings>()
  /** Rows analyzed so far: rows [0, indexedRows) of the column. */
  indexedRows = 0
  /** Tokens indexed (all rows), for measurements. */
  tokenCount = 0

  constructor(analyzer: Analyzer) {
    this.analyzer = analyzer
  }

  /** Indexes rows [indexedRows, upTo) of `values`; a null row (`valid` bit 0) or a non-string has no terms. */
  extend(values: readonly unknown[], upTo: number, valid: { get(i: number): boolean } | null): void {
    for (let row = this.indexedRows; row < upTo; row++) {
      const text = values[row]
      if (typeof text !== 'string' || text === '' || (valid !== null && !valid.get(row))) continue
      const tokens = this.analyzer.analyze(text)
      this.tokenCount += tokens.length
      for (const tok of tokens) {
        let p = this.terms.get(tok.text)
        if (p === undefined) {
          p = new TermPostings()
          this.terms.set(tok.text, p)
        }
        p.add(row, tok.position)
      }
    }
    if (upTo > this.indexedRows) this.indexedRows = upTo
  }

  /** Distinct terms indexed. */
  get termCount(): number {
    return this.terms.size
  }

  /** The rows (ascending) holding `term`; empty when none. */
  rowsOf(term: string): Int32Array {
    return this.terms.get(term)?.rowView() ?? EMPTY
  }

  /**
   * Calls `hit(row)` for each row holding at least `minShouldMatch` of the distinct `terms`
   * (Milvus's TEXT_MATCH: any term by default). Rows at or past `rowLimit` are skipped.
   */
  matchAny(terms: readonly string[], minShouldMatch: number, rowLimit: number, hit: (row: number) => void): void {
    const lists = distinct(terms).map((t) => this.terms.get(t)).filter((p): p is TermPostings => p !== undefined)
    if (lists.length < minShouldMatch) return
    if (minShouldMatch <= 1) {
      for (const p of lists) for (let i = 0; i < p.count; i++) if (p.rows[i]! < rowLimit) hit(p.rows[i]!)
      return
    }
    const counts = new Uint16Array(rowLimit)
    for (const p of lists) {
      for (let i = 0; i < p.count; i++) {
        const row = p.rows[i]!
        if (row < rowLimit && (counts[row] = counts[row]! + 1) === minShouldMatch) hit(row)
      }
    }
  }

  /**
   * Calls `hit(row)` for each row where the phrase's terms occur within `slop` (see `phraseHolds`).
   * `offsets[i]` is term i's position in the analyzed query. An empty phrase matches nothing.
   */
  matchPhrase(terms: readonly string[], offsets: readonly number[], slop: number, rowLimit: number, hit: (row: number) => void): void {
    if (terms.length === 0) return
    // One postings list per distinct term; a term repeated in the query shares its positions array.
    const unique: string[] = distinct(terms)
    const lists: TermPostings[] = []
    for (const t of unique) {
      const p = this.terms.get(t)
      if (p === undefined) return
      lists.push(p)
    }
    const slot = terms.map((t) => unique.indexOf(t))
    const phrase: Int32Array[] = new Array(terms.length)
    // Drive by the rarest term; the others are found by binary search (rows are ascending).
    let lead = 0
    for (let i = 1; i < lists.length; i++) if (lists[i]!.count < lists[lead]!.count) lead = i
    const driver = lists[lead]!
    const cursors = new Int32Array(lists.length)
    const positions: Int32Array[] = new Array(lists.length)
    for (let k = 0; k < driver.count; k++) {
      const row = driver.rows[k]!
      if (row >= rowLimit) break
      let all = true
      for (let i = 0; i < lists.length && all; i++) {
        const p = lists[i]!
        const at = p.seek(row, cursors[i]!)
        cursors[i] = at
        if (at >= p.count || p.rows[at] !== row) all = false
        else positions[i] = p.positionsAt(at)
      }
      if (!all) continue
      for (let i = 0; i < terms.length; i++) phrase[i] = positions[slot[i]!]!
      if (phraseHolds(phrase, offsets, slop)) hit(row)
    }
  }
}

const EMPTY = new Int32Array(0)

function distinct(terms: readonly string[]): string[] {
  return [...new Set(terms)]
}

/** One term's postings: rows ascending (a row once), positions per row. */
class TermPostings {
  rows: Int32Array<ArrayBuffer> = new Int32Array(4)
  posStart: Int32Array<ArrayBuffer> = new Int32Array(5)
  positions: Int32Array<ArrayBuffer> = new Int32Array(4)
  count = 0
  private posCount = 0

  add(row: number, position: number): void {
    if (this.count === 0 || this.rows[this.count - 1] !== row) {
      if (this.count === this.rows.length) {
        this.rows = grow(this.rows)
        const ps = new Int32Array(this.rows.length + 1)
        ps.set(this.posStart)
        this.posStart = ps
      }
      this.rows[this.count++] = row
    }
    if (this.posCount === this.positions.length) this.positions = grow(this.positions)
    this.positions[this.posCount++] = position
    this.posStart[this.count] = this.posCount
  }

  rowView(): Int32Array {
    return this.rows.subarray(0, this.count)
  }

  positionsAt(i: number): Int32Array {
    return this.positions.subarray(this.posStart[i]!, this.posStart[i + 1]!)
  }

  /** The first posting index ≥ `from` whose row is ≥ `row`. */
  seek(row: number, from: number): number {
    let lo = from
    let hi = this.count
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.rows[mid]! < row) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2)
  b.set(a)
  return b
}

/**
 * Whether one row's token positions hold the phrase within `slop` (Lucene/Tantivy sloppy phrase
 * semantics, which Milvus's PHRASE_MATCH inherits): choose one occurrence per query term, term i
 * at position p_i (distinct occurrences for a term repeated in the query); with a_i = p_i − offsets[i],
 * the phrase matches when max(a) − min(a) ≤ slop. slop 0 is the exact phrase; a transposition of
 * two adjacent terms costs 2 ("learning machine" matches 'machine learning' at slop 2).
 */
export function phraseHolds(positions: readonly Int32Array[], offsets: readonly number[], slop: number): boolean {
  const n = positions.length
  if (n === 1) return positions[0]!.length > 0
  // The window [low, low + slop] of adjusted positions starts at some term's adjusted position.
  for (let i = 0; i < n; i++) {
    const pi = positions[i]!
    for (let k = 0; k < pi.length; k++) {
      const low = pi[k]! - offsets[i]!
      if (windowHolds(positions, offsets, low, slop)) return true
    }
  }
  return false
}

/** Whether every term has an occurrence with adjusted position in [low, low + slop], repeated terms taking distinct positions. */
function windowHolds(positions: readonly Int32Array[], offsets: readonly number[], low: number, slop: number): boolean {
  const n = positions.length
  let used: Map<Int32Array, Set<number>> | undefined
  for (let i = 0; i < n; i++) {
    const p = positions[i]!
    const from = low + offsets[i]!
    const to = from + slop
    // Terms repeated in the query share one positions array: take the smallest free position
    // (greedy is exact for equal-width windows visited in increasing offset order).
    const shared = countSame(positions, p) > 1
    let found = -1
    for (let k = lowerBound(p, from); k < p.length && p[k]! <= to; k++) {
      if (shared && used?.get(p)?.has(p[k]!) === true) continue
      found = p[k]!
      break
    }
    if (found < 0) return false
    if (shared) {
      used ??= new Map()
      let s = used.get(p)
      if (s === undefined) used.set(p, (s = new Set()))
      s.add(found)
    }
  }
  return true
}

function countSame(positions: readonly Int32Array[], p: Int32Array): number {
  let c = 0
  for (const q of positions) if (q === p) c++
  return c
}

function lowerBound(a: Int32Array, x: number): number {
  let lo = 0
  let hi = a.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (a[mid]! < x) lo = mid + 1
    else hi = mid
  }
  return lo
}
