import type { Analyzer } from './analyzer.ts'

/** Milvus's Lexical highlighter options (`LexicalHighlighter`), defaults applied. */
export interface HighlightOptions {
  /** Tags around each highlighted token; several rotate by match order. */
  readonly preTags: readonly string[]
  readonly postTags: readonly string[]
  /** Characters kept before a fragment's first highlighted token (default 0). */
  readonly fragmentOffset: number
  /** Characters of original text per fragment, tags excluded (default 100). */
  readonly fragmentSize: number
  /** Fragments returned per text at most (default 5). */
  readonly numOfFragments: number
}

export const highlightDefaults: HighlightOptions = { preTags: ['<em>'], postTags: ['</em>'], fragmentOffset: 0, fragmentSize: 100, numOfFragments: 5 }

/** A text's highlight: fragments with the matched tokens tagged, and per fragment its score (the tokens it highlights). */
export interface HighlightData {
  readonly fragments: string[]
  readonly scores: number[]
}

/**
 * Highlights in `text` every token whose analyzed term is in `terms`, cut at token offsets into
 * fragments as Milvus's Lexical highlighter does: a fragment starts `fragmentOffset` characters
 * before its first highlighted token (not before the previous fragment's end) and spans
 * `fragmentSize` characters of the original text, stretched to the end of a token it would cut;
 * the next fragment starts at the first highlighted token past it; at most `numOfFragments`.
 * Pre/post tags rotate over the text's matches. No match → no fragments.
 */
export function highlightText(text: string, analyzer: Analyzer, terms: ReadonlySet<string>, o: HighlightOptions): HighlightData {
  const spans: [number, number][] = []
  for (const t of analyzer.analyze(text)) {
    if (!terms.has(t.text)) continue
    const last = spans[spans.length - 1]
    // Tokens over the same characters (jieba search mode, decompounder) are tagged once, widest span.
    if (last !== undefined && t.startOffset < last[1]) last[1] = Math.max(last[1], t.endOffset)
    else spans.push([t.startOffset, t.endOffset])
  }
  const fragments: string[] = []
  const scores: number[] = []
  let match = 0
  let prevEnd = 0
  for (let i = 0; i < spans.length && fragments.length < o.numOfFragments; ) {
    const start = Math.max(prevEnd, spans[i]![0] - o.fragmentOffset, 0)
    let end = Math.min(text.length, start + Math.max(o.fragmentSize, 1))
    let out = ''
    let at = start
    let count = 0
    while (i < spans.length && spans[i]![0] < end) {
      const [s, e] = spans[i]!
      if (e > end) end = e
      const tag = match % Math.max(o.preTags.length, 1)
      out += text.slice(at, s) + (o.preTags[tag] ?? '') + text.slice(s, e) + (o.postTags[tag] ?? o.postTags[o.postTags.length - 1] ?? '')
      at = e
      match++
      count++
      i++
    }
    out += text.slice(at, end)
    fragments.push(out)
    scores.push(count)
    prevEnd = end
  }
  return { fragments, scores }
}
