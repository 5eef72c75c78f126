import type { Analyzer, TextAnalyzer } from './analyzer.ts'
import { termHash } from './term-hash.ts'
import { createHashSink, type HashSink } from './term-hash-scan.ts'

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
 * The BM25 function's output for a column of texts at once: `termFrequencies` of each (a null row,
 * `isNull(r)`, is empty), the rows' indices and values views into two shared arrays (one allocation
 * per batch, not two per row). Each row's hashes are sorted and counted in place.
 */
export function termFrequencyRows(analyzerAt: (row: number) => Analyzer, texts: readonly string[], isNull: ((row: number) => boolean) | null): TermFrequencies[] {
  const rowCount = texts.length
  const rowStart = new Int32Array(rowCount + 1)
  let indices = new Uint32Array(Math.max(64, rowCount * 16))
  let values = new Float32Array(indices.length)
  let nnz = 0
  for (let r = 0; r < rowCount; r++) {
    rowStart[r] = nnz
    if (isNull !== null && isNull(r)) continue
    sink.count = 0
    hashTokens(analyzerAt(r), texts[r]!, sink)
    const n = sink.count
    if (n === 0) continue
    const hashes = sink.hashes.subarray(0, n).sort()
    if (nnz + n > indices.length) {
      const size = Math.max(indices.length * 2, nnz + n)
      const i2 = new Uint32Array(size)
      i2.set(indices.subarray(0, nnz))
      const v2 = new Float32Array(size)
      v2.set(values.subarray(0, nnz))
      indices = i2
      values = v2
    }
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
  }
  rowStart[rowCount] = nnz
  const out = new Array<TermFrequencies>(rowCount)
  for (let r = 0; r < rowCount; r++) out[r] = { indices: indices.subarray(rowStart[r]!, rowStart[r + 1]!), values: values.subarray(rowStart[r]!, rowStart[r + 1]!) }
  return out
}
