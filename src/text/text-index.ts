import type { Analyzer } from './analyzer.ts'

/**
 * The text inverted index of one string column (Milvus's "text index" behind `enable_match`):
 * term → the rows holding it, and per (term, row) the token positions, for `TEXT_MATCH` and
 * `PHRASE_MATCH`. Stored as blocks over consecutive row ranges, each in compressed-sparse-row form
 * (a few flat Int32Arrays: per term its postings, per posting its row and positions), built by one
 * counting sort of the block's tokens by term: no object or array per term, row or posting.
 *
 * Append-only: `extend` analyzes the rows added to the column since the last call into a new block,
 * and merges it with the previous blocks while they are no bigger (log-structured, so a growing
 * segment's index costs O(log n) merges per row overall); a sealed segment's is one block. Deleted
 * rows stay indexed: callers intersect with their visibility bits, like every other filter.
 */
export class TextIndex {
  private readonly analyzer: Analyzer
  private readonly termIds = new Map<string, number>()
  private blocks: Block[] = []
  /** Rows analyzed so far: rows [0, indexedRows) of the column. */
  indexedRows = 0
  /** Tokens indexed (all rows), for measurements. */
  tokenCount = 0

  constructor(analyzer: Analyzer) {
    this.analyzer = analyzer
  }

  /** Indexes rows [indexedRows, upTo) of `values`; a null row (`valid` bit 0) or a non-string has no terms. */
  extend(values: readonly unknown[], upTo: number, valid: { get(i: number): boolean } | null): void {
    if (upTo <= this.indexedRows) return
    const tokens = new TokenLog()
    for (let row = this.indexedRows; row < upTo; row++) {
      const text = values[row]
      if (typeof text !== 'string' || text === '' || (valid !== null && !valid.get(row))) continue
      for (const tok of this.analyzer.analyze(text)) {
        let id = this.termIds.get(tok.text)
        if (id === undefined) {
          id = this.termIds.size
          this.termIds.set(tok.text, id)
        }
        tokens.push(id, row, tok.position)
      }
    }
    this.tokenCount += tokens.length
    let block = buildBlock(tokens, this.termIds.size, this.indexedRows, upTo)
    while (this.blocks.length > 0 && this.blocks[this.blocks.length - 1]!.rowCount <= block.rowCount) {
      block = mergeBlocks(this.blocks.pop()!, block, this.termIds.size)
    }
    this.blocks.push(block)
    this.indexedRows = upTo
  }

  /** Distinct terms indexed. */
  get termCount(): number {
    return this.termIds.size
  }

  /** The rows (ascending) holding `term`; empty when none. */
  rowsOf(term: string): Int32Array {
    const id = this.termIds.get(term)
    if (id === undefined) return EMPTY
    const parts = this.blocks.map((b) => b.rowsOf(id))
    const out = new Int32Array(parts.reduce((n, p) => n + p.length, 0))
    let at = 0
    for (const p of parts) {
      out.set(p, at)
      at += p.length
    }
    return out
  }

  /**
   * Calls `hit(row)` for each row holding at least `minShouldMatch` of the distinct `terms`
   * (Milvus's TEXT_MATCH: any term by default). Rows at or past `rowLimit` are skipped.
   */
  matchAny(terms: readonly string[], minShouldMatch: number, rowLimit: number, hit: (row: number) => void): void {
    const ids = distinct(terms).map((t) => this.termIds.get(t)).filter((id): id is number => id !== undefined)
    if (ids.length < minShouldMatch) return
    const counts = minShouldMatch > 1 ? new Uint16Array(rowLimit) : undefined
    for (const b of this.blocks) {
      for (const id of ids) {
        const rows = b.rowsOf(id)
        for (let i = 0; i < rows.length; i++) {
          const row = rows[i]!
          if (row >= rowLimit) break
          if (counts === undefined) hit(row)
          else if ((counts[row] = counts[row]! + 1) === minShouldMatch) hit(row)
        }
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
    const unique = distinct(terms)
    const ids: number[] = []
    for (const t of unique) {
      const id = this.termIds.get(t)
      if (id === undefined) return
      ids.push(id)
    }
    const slot = terms.map((t) => unique.indexOf(t))
    for (const b of this.blocks) b.matchPhrase(ids, slot, offsets, slop, rowLimit, hit)
  }
}

const EMPTY = new Int32Array(0)

function distinct(terms: readonly string[]): string[] {
  return [...new Set(terms)]
}

/** Tokens of a block as parallel growable arrays (term id, row, position), in row then position order. */
class TokenLog {
  term: Int32Array<ArrayBuffer> = new Int32Array(1024)
  row: Int32Array<ArrayBuffer> = new Int32Array(1024)
  pos: Int32Array<ArrayBuffer> = new Int32Array(1024)
  length = 0

  push(term: number, row: number, pos: number): void {
    if (this.length === this.term.length) {
      this.term = grow(this.term)
      this.row = grow(this.row)
      this.pos = grow(this.pos)
    }
    this.term[this.length] = term
    this.row[this.length] = row
    this.pos[this.length++] = pos
  }
}

function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2)
  b.set(a)
  return b
}

/**
 * The postings of rows [fromRow, toRow), compressed sparse rows: term t's postings are
 * `termStart[t]..termStart[t+1]` (terms the block has not seen past `termStart`'s end: none);
 * posting i is row `rows[i]` with positions `positions[posStart[i]..posStart[i+1]]`.
 */
class Block {
  readonly fromRow: number
  readonly toRow: number
  readonly termStart: Int32Array
  readonly rows: Int32Array
  readonly posStart: Int32Array
  readonly positions: Int32Array

  constructor(fromRow: number, toRow: number, termStart: Int32Array, rows: Int32Array, posStart: Int32Array, positions: Int32Array) {
    this.fromRow = fromRow
    this.toRow = toRow
    this.termStart = termStart
    this.rows = rows
    this.posStart = posStart
    this.positions = positions
  }

  get rowCount(): number {
    return this.toRow - this.fromRow
  }

  rowsOf(term: number): Int32Array {
    if (term + 1 >= this.termStart.length) return EMPTY
    return this.rows.subarray(this.termStart[term]!, this.termStart[term + 1]!)
  }

  matchPhrase(ids: readonly number[], slot: readonly number[], offsets: readonly number[], slop: number, rowLimit: number, hit: (row: number) => void): void {
    const lists = ids.map((id) => this.rowsOf(id))
    if (lists.some((l) => l.length === 0)) return
    const base = ids.map((id) => this.termStart[id]!)
    // Drive by the rarest term; the others are found by binary search (rows are ascending).
    let lead = 0
    for (let i = 1; i < lists.length; i++) if (lists[i]!.length < lists[lead]!.length) lead = i
    const cursors = new Int32Array(lists.length)
    const positions: Int32Array[] = new Array(lists.length)
    const phrase: Int32Array[] = new Array(slot.length)
    for (const row of lists[lead]!) {
      if (row >= rowLimit) break
      let all = true
      for (let i = 0; i < lists.length && all; i++) {
        const at = lowerBound(lists[i]!, row, cursors[i]!)
        cursors[i] = at
        if (at >= lists[i]!.length || lists[i]![at] !== row) all = false
        else positions[i] = this.positions.subarray(this.posStart[base[i]! + at]!, this.posStart[base[i]! + at + 1]!)
      }
      if (!all) continue
      for (let i = 0; i < slot.length; i++) phrase[i] = positions[slot[i]!]!
      if (phraseHolds(phrase, offsets, slop)) hit(row)
    }
  }
}

/** One counting sort of the tokens by term (stable: rows, then positions, stay ascending). */
function buildBlock(t: TokenLog, termCount: number, fromRow: number, toRow: number): Block {
  const n = t.length
  const termStartOfTokens = new Int32Array(termCount + 1)
  for (let i = 0; i < n; i++) termStartOfTokens[t.term[i]! + 1]!++
  for (let k = 0; k < termCount; k++) termStartOfTokens[k + 1]! += termStartOfTokens[k]!
  const order = new Int32Array(n)
  const fill = termStartOfTokens.slice(0, termCount)
  for (let i = 0; i < n; i++) order[fill[t.term[i]!]!++] = i
  // Postings: a new one where the term or the row changes.
  const termStart = new Int32Array(termCount + 1)
  const rows = new Int32Array(n)
  const posStart = new Int32Array(n + 1)
  const positions = new Int32Array(n)
  let postings = 0
  let prevTerm = -1
  let prevRow = -1
  for (let k = 0; k < n; k++) {
    const i = order[k]!
    const term = t.term[i]!
    const row = t.row[i]!
    if (term !== prevTerm || row !== prevRow) {
      if (term !== prevTerm) for (let x = prevTerm + 1; x <= term; x++) termStart[x] = postings
      rows[postings] = row
      posStart[postings++] = k
      prevTerm = term
      prevRow = row
    }
    positions[k] = t.pos[i]!
  }
  for (let x = prevTerm + 1; x <= termCount; x++) termStart[x] = postings
  posStart[postings] = n
  return new Block(fromRow, toRow, termStart, rows.slice(0, postings), posStart.slice(0, postings + 1), positions)
}

/** `a` then `b` (b's rows follow a's), term by term. */
function mergeBlocks(a: Block, b: Block, termCount: number): Block {
  const np = a.rows.length + b.rows.length
  const termStart = new Int32Array(termCount + 1)
  const rows = new Int32Array(np)
  const posStart = new Int32Array(np + 1)
  const positions = new Int32Array(a.positions.length + b.positions.length)
  let p = 0
  let q = 0
  for (let term = 0; term < termCount; term++) {
    termStart[term] = p
    for (const blk of [a, b]) {
      if (term + 1 >= blk.termStart.length) continue
      for (let i = blk.termStart[term]!; i < blk.termStart[term + 1]!; i++) {
        rows[p] = blk.rows[i]!
        posStart[p++] = q
        const s = blk.posStart[i]!
        const e = blk.posStart[i + 1]!
        positions.set(blk.positions.subarray(s, e), q)
        q += e - s
      }
    }
  }
  termStart[termCount] = p
  posStart[p] = q
  return new Block(a.fromRow, b.toRow, termStart, rows, posStart, positions)
}

function lowerBound(a: Int32Array, x: number, from = 0): number {
  let lo = from
  let hi = a.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (a[mid]! < x) lo = mid + 1
    else hi = mid
  }
  return lo
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
  if (slop === 0) return exactPhrase(positions, offsets)
  // Terms repeated in the query share one positions array and must take distinct positions.
  const shared = positions.map((p) => countSame(positions, p) > 1)
  // The window [low, low + slop] of adjusted positions starts at some term's adjusted position.
  for (let i = 0; i < n; i++) {
    const pi = positions[i]!
    for (let k = 0; k < pi.length; k++) {
      const low = pi[k]! - offsets[i]!
      if (windowHolds(positions, offsets, shared, low, slop)) return true
    }
  }
  return false
}

/** slop 0: term i at exactly (first term's position − its offset) + offsets[i]. */
function exactPhrase(positions: readonly Int32Array[], offsets: readonly number[]): boolean {
  const first = positions[0]!
  for (let k = 0; k < first.length; k++) {
    const base = first[k]! - offsets[0]!
    let all = true
    for (let i = 1; i < positions.length && all; i++) {
      const p = positions[i]!
      const want = base + offsets[i]!
      const at = lowerBound(p, want)
      all = at < p.length && p[at] === want
    }
    if (all) return true
  }
  return false
}

/** Whether every term has an occurrence with adjusted position in [low, low + slop], repeated terms taking distinct positions. */
function windowHolds(positions: readonly Int32Array[], offsets: readonly number[], shared: readonly boolean[], low: number, slop: number): boolean {
  const n = positions.length
  let used: Map<Int32Array, Set<number>> | undefined
  for (let i = 0; i < n; i++) {
    const p = positions[i]!
    const from = low + offsets[i]!
    const to = from + slop
    // Greedy smallest free position: exact for equal-width windows visited in increasing offset order.
    let found = -1
    for (let k = lowerBound(p, from); k < p.length && p[k]! <= to; k++) {
      if (shared[i] && used?.get(p)?.has(p[k]!) === true) continue
      found = p[k]!
      break
    }
    if (found < 0) return false
    if (shared[i]) {
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
