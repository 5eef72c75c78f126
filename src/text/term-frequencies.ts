import type { Analyzer } from './analyzer.ts'
import { termHash } from './term-hash.ts'

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
