import type { Analyzer, TextAnalyzer } from './analyzer.ts'
import { termHash } from './term-hash.ts'
import { createHashSink, type HashSink, scanAsciiTermHashes } from './term-hash-scan.ts'
import { termScanAvailable, wasmTermFrequencies } from './term-scan.ts'

/** A text as a BM25 sparse vector: ascending term hashes and how often each occurs. */
export interface TermFrequencies {
  readonly indices: Uint32Array
  readonly values: Float32Array
}

/** Distinct terms whose hash is remembered (natural text repeats a small vocabulary). */
const HASH_CACHE_TERMS_MAX = 200_000
const hashCache = new Map<string, number>()

function cachedHash(term: string): number {
  let h = hashCache.get(term)
  if (h === undefined) {
    h = termHash(term)
    if (hashCache.size >= HASH_CACHE_TERMS_MAX) hashCache.clear()
    hashCache.set(term, h)
  }
  return h
}

const counts = new Map<number, number>()

/**
 * The BM25 function's output for one text, as Milvus computes it: every token of the analyzed text
 * hashed (`termHash`) and counted; the row's dimensions ascending. Empty text (or no tokens): an
 * empty row. Deterministic (replaying the WAL recomputes nothing, but tests compare).
 */
export function termFrequencies(analyzer: Analyzer, text: string): TermFrequencies {
  counts.clear()
  for (const token of analyzer.analyze(text)) {
    const h = cachedHash(token.text)
    counts.set(h, (counts.get(h) ?? 0) + 1)
  }
  const indices = new Uint32Array(counts.size)
  let n = 0
  for (const h of counts.keys()) indices[n++] = h
  indices.sort()
  const values = new Float32Array(indices.length)
  for (let i = 0; i < indices.length; i++) values[i] = counts.get(indices[i]!)!
  return { indices, values }
}

const sink = createHashSink()

/** Appends the term hashes of `text`'s tokens to `out` (the analyzer's fast path when it has one). */
function hashTokens(analyzer: Analyzer & Partial<Pick<TextAnalyzer, 'termHashes'>>, text: string, out: HashSink): void {
  if (analyzer.termHashes?.(text, out) === true) return
  for (const token of analyzer.analyze(text)) {
    if (out.count === out.hashes.length) {
      const grown = new Uint32Array(out.hashes.length * 2)
      grown.set(out.hashes)
      out.hashes = grown
    }
    out.hashes[out.count++] = cachedHash(token.text)
  }
}

/**
 * The BM25 function's output for many rows in one compressed-sparse-row block: row r's term hashes
 * (ascending) are `indices[rowStart[r], rowStart[r + 1])`, their counts the same range of `values`.
 */
export interface TermFrequencyCsr {
  readonly rowStart: Int32Array
  readonly indices: Uint32Array
  readonly values: Float32Array
}

/** A column of texts as UTF-8: row r is `bytes[offsets[r], offsets[r + 1])`. */
export interface Utf8Texts {
  readonly bytes: Uint8Array
  readonly offsets: Int32Array
}

/** Grows one CSR block row by row from each row's unsorted term hashes. */
class CsrBuilder {
  readonly rowStart: Int32Array
  indices: Uint32Array
  values: Float32Array
  nnz = 0
  constructor(rowCount: number, nnzGuess: number) {
    this.rowStart = new Int32Array(rowCount + 1)
    this.indices = new Uint32Array(Math.max(64, nnzGuess))
    this.values = new Float32Array(this.indices.length)
  }

  /** Row `r` from the sink's `count` hashes: sorted in place, equal hashes counted. */
  addRow(r: number, hashes: Uint32Array, n: number): void {
    this.rowStart[r] = this.nnz
    if (n === 0) return
    if (n <= 32) insertionSort(hashes, n)
    else hashes.subarray(0, n).sort()
    if (this.nnz + n > this.indices.length) this.#grow(this.nnz + n)
    const indices = this.indices
    const values = this.values
    let nnz = this.nnz
    let prev = hashes[0]!
    let run = 1
    for (let i = 1; i < n; i++) {
      const h = hashes[i]!
      if (h === prev) run++
      else {
        indices[nnz] = prev
        values[nnz++] = run
        prev = h
        run = 1
      }
    }
    indices[nnz] = prev
    values[nnz++] = run
    this.nnz = nnz
  }

  /** Rows [a, b) as the same rows of another block (ascending and counted already): one copy for them all. */
  addCountedRows(a: number, b: number, src: TermFrequencyCsr): void {
    const first = src.rowStart[a]!
    const n = src.rowStart[b]! - first
    const shift = this.nnz - first
    for (let r = a; r < b; r++) this.rowStart[r] = src.rowStart[r]! + shift
    if (n === 0) return
    if (this.nnz + n > this.indices.length) this.#grow(this.nnz + n)
    this.indices.set(src.indices.subarray(first, first + n), this.nnz)
    this.values.set(src.values.subarray(first, first + n), this.nnz)
    this.nnz += n
  }

  /** The block, trimmed to its entries (row `rowCount` closes the last row). */
  finish(rowCount: number): TermFrequencyCsr {
    this.rowStart[rowCount] = this.nnz
    return { rowStart: this.rowStart, indices: this.indices.slice(0, this.nnz), values: this.values.slice(0, this.nnz) }
  }

  #grow(min: number): void {
    const size = Math.max(this.indices.length * 2, min)
    const i2 = new Uint32Array(size)
    i2.set(this.indices.subarray(0, this.nnz))
    const v2 = new Float32Array(size)
    v2.set(this.values.subarray(0, this.nnz))
    this.indices = i2
    this.values = v2
  }
}

function insertionSort(a: Uint32Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const v = a[i]!
    let j = i - 1
    while (j >= 0 && a[j]! > v) {
      a[j + 1] = a[j]!
      j--
    }
    a[j + 1] = v
  }
}

/**
 * The BM25 function's output for a column of texts at once (`termFrequencies` of each; a null row,
 * `isNull(r)`, is empty) as one CSR block. One allocation per block, not two per row.
 */
export function termFrequencyCsr(analyzerAt: (row: number) => Analyzer, texts: readonly string[], isNull: ((row: number) => boolean) | null): TermFrequencyCsr {
  const rowCount = texts.length
  const out = new CsrBuilder(rowCount, rowCount * 16)
  for (let r = 0; r < rowCount; r++) {
    sink.count = 0
    if (isNull === null || !isNull(r)) hashTokens(analyzerAt(r), texts[r]!, sink)
    out.addRow(r, sink.hashes, sink.count)
  }
  return out.finish(rowCount)
}

/**
 * `termFrequencyCsr` of rows [from, to) of a column given as UTF-8 (rows of the block numbered from
 * 0): an all-ASCII row of an analyzer with `termHashesAscii` is hashed from its bytes, any other row
 * decoded and analyzed as text. `isNull(r)` takes the column's row number.
 */
export function utf8TermFrequencyCsr(analyzerAt: (row: number) => Analyzer, texts: Utf8Texts, from: number, to: number, isNull: ((row: number) => boolean) | null): TermFrequencyCsr {
  const rowCount = to - from
  const { bytes, offsets } = texts
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out = new CsrBuilder(rowCount, Math.ceil((offsets[to]! - offsets[from]!) / 5))
  for (let r = 0; r < rowCount; r++) {
    const row = from + r
    sink.count = 0
    if (isNull === null || !isNull(row)) {
      const analyzer = analyzerAt(row) as Analyzer & Partial<Pick<TextAnalyzer, 'termHashesAscii'>>
      const a = offsets[row]!
      const b = offsets[row + 1]!
      if (analyzer.termHashesAscii?.(bytes, a, b, sink) !== true) {
        sink.count = 0
        hashTokens(analyzer, buffer.toString('utf8', a, b), sink)
      }
    }
    out.addRow(r, sink.hashes, sink.count)
  }
  return out.finish(rowCount)
}

/** True when `utf8TermFrequencyCsrOf` hashes `analyzer`'s rows in WebAssembly (the plain standard analyzer, the module built). */
export function scansInWasm(analyzer: Analyzer): boolean {
  return (analyzer as Partial<TextAnalyzer>).termHashesAscii === scanAsciiTermHashes && termScanAvailable()
}

/**
 * `utf8TermFrequencyCsr` with one analyzer for every row. The plain standard analyzer's rows are
 * hashed by term-scan.wasm (no JavaScript loop to warm up: a process's first inserts run at full
 * speed, accented text too), the few it leaves as `utf8TermFrequencyCsr` does them; the output is
 * the same.
 */
export function utf8TermFrequencyCsrOf(analyzer: Analyzer, texts: Utf8Texts, from: number, to: number, isNull: ((row: number) => boolean) | null): TermFrequencyCsr {
  const scanned = scansInWasm(analyzer) ? wasmTermFrequencies(texts.bytes, texts.offsets, from, to) : null
  if (scanned === null) return utf8TermFrequencyCsr(() => analyzer, texts, from, to, isNull)
  let nulls = false
  if (isNull !== null) for (let row = from; row < to && !nulls; row++) nulls = isNull(row)
  if (scanned.skipped.length === 0 && !nulls) return { rowStart: scanned.rowStart, indices: scanned.indices, values: scanned.values }
  // Rows the module left analyzed here, null rows emptied.
  const rowCount = to - from
  const redo = new Uint8Array(rowCount)
  for (const r of scanned.skipped) redo[r] = 1
  const buffer = Buffer.from(texts.bytes.buffer, texts.bytes.byteOffset, texts.bytes.byteLength)
  const out = new CsrBuilder(rowCount, scanned.indices.length + 64)
  for (let r = 0; r < rowCount; r++) {
    const row = from + r
    if (isNull !== null && isNull(row)) out.addRow(r, sink.hashes, 0)
    else if (redo[r] === 0) {
      // The run of rows the module did, up to the next one it left or a null: copied in one go.
      let end = r + 1
      while (end < rowCount && redo[end] === 0 && (isNull === null || !isNull(from + end))) end++
      out.addCountedRows(r, end, scanned)
      r = end - 1
    } else {
      sink.count = 0
      hashTokens(analyzer, buffer.toString('utf8', texts.offsets[row]!, texts.offsets[row + 1]!), sink)
      out.addRow(r, sink.hashes, sink.count)
    }
  }
  return out.finish(rowCount)
}

/** Row `r` of a CSR block as its own sparse row (views, no copy). */
export function csrRow(csr: TermFrequencyCsr, r: number): TermFrequencies {
  const a = csr.rowStart[r]!
  const b = csr.rowStart[r + 1]!
  return { indices: csr.indices.subarray(a, b), values: csr.values.subarray(a, b) }
}

/** `termFrequencyCsr` with each row as views into the block's two arrays. */
export function termFrequencyRows(analyzerAt: (row: number) => Analyzer, texts: readonly string[], isNull: ((row: number) => boolean) | null): TermFrequencies[] {
  const csr = termFrequencyCsr(analyzerAt, texts, isNull)
  const out = new Array<TermFrequencies>(texts.length)
  for (let r = 0; r < texts.length; r++) out[r] = csrRow(csr, r)
  return out
}
