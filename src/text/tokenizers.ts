import { errors } from '../errors/errors.ts'
import { isAlphanumeric, isAsciiWhitespace } from './char-classes.ts'
import { createJiebaTokenizer } from './jieba-tokenizer.ts'
import type { ChainToken, Tokenize } from './token.ts'
import { createUax29Tokenizer } from './uax29-tokenizer.ts'

/**
 * Milvus's `standard` tokenizer (tantivy's SimpleTokenizer): maximal runs of alphanumeric characters
 * (Unicode Alphabetic or Numeric); everything else separates. Positions count 0, 1, 2, …
 */
export function standardTokenize(text: string): ChainToken[] {
  const tokens: ChainToken[] = []
  let start = -1
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i)
    let width = 1
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
      cp = text.codePointAt(i)!
      width = cp > 0xffff ? 2 : 1
    }
    if (isAlphanumeric(cp)) {
      if (start < 0) start = i
    } else if (start >= 0) {
      tokens.push({ text: text.slice(start, i), position: tokens.length, startOffset: start, endOffset: i, positionLength: 1 })
      start = -1
    }
    i += width - 1
  }
  if (start >= 0) tokens.push({ text: text.slice(start), position: tokens.length, startOffset: start, endOffset: text.length, positionLength: 1 })
  return tokens
}

/** Milvus's `whitespace` tokenizer (tantivy's WhitespaceTokenizer): runs of non-ASCII-whitespace characters. */
export function whitespaceTokenize(text: string): ChainToken[] {
  const tokens: ChainToken[] = []
  let start = -1
  for (let i = 0; i <= text.length; i++) {
    const ws = i === text.length || isAsciiWhitespace(text.charCodeAt(i))
    if (!ws) {
      if (start < 0) start = i
    } else if (start >= 0) {
      tokens.push({ text: text.slice(start, i), position: tokens.length, startOffset: start, endOffset: i, positionLength: 1 })
      start = -1
    }
  }
  return tokens
}

let icuSegmenter: Intl.Segmenter | undefined

/**
 * Milvus's `icu` tokenizer: ICU word-break segments, every one of them (words, spaces and punctuation
 * alike, as Milvus's docs show: "Привет! Как дела?" → Привет, !, ␠, Как, ␠, дела, ?). Node's
 * Intl.Segmenter is ICU's word breaker (dictionaries for CJK and Thai included). As in Milvus, a
 * token's position is its first character's index and `positionLength` its length in characters.
 */
export function icuTokenize(text: string): ChainToken[] {
  icuSegmenter ??= new Intl.Segmenter(undefined, { granularity: 'word' })
  const tokens: ChainToken[] = []
  let chars = 0
  for (const s of icuSegmenter.segment(text)) {
    const n = codePointCount(s.segment)
    tokens.push({ text: s.segment, position: chars, startOffset: s.index, endOffset: s.index + s.segment.length, positionLength: n })
    chars += n
  }
  return tokens
}

function codePointCount(s: string): number {
  let n = s.length
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--
        i++
      }
    }
  }
  return n
}

/**
 * The tokenizer of `analyzer_params.tokenizer`: a name, or an object with `type` and that
 * tokenizer's options. Wording of refusals as Milvus's tantivy binding words them.
 */
export function createTokenizer(spec: unknown): Tokenize {
  let name: string
  let options: Readonly<Record<string, unknown>> | undefined
  if (typeof spec === 'string') {
    name = spec
  } else if (spec !== null && typeof spec === 'object' && !Array.isArray(spec)) {
    options = spec as Record<string, unknown>
    if (options.type === undefined) throw errors.invalid('costum tokenizer must set type')
    if (typeof options.type !== 'string') throw errors.invalid('tokenizer type should be string')
    name = options.type
  } else {
    throw errors.invalid('tokenizer name should be string or dict')
  }
  switch (name) {
    case 'standard':
      if (options?.uax29 === true) return createUax29Tokenizer(options)
      if (options?.uax29 !== undefined && typeof options.uax29 !== 'boolean') throw errors.invalid('standard tokenizer uax29 must be a boolean')
      if (options?.max_token_length !== undefined) throw errors.invalid('standard tokenizer max_token_length requires uax29 to be true')
      return standardTokenize
    case 'whitespace':
      return whitespaceTokenize
    case 'icu':
      return icuTokenize
    case 'jieba':
      return createJiebaTokenizer(options)
    case 'lindera':
      if (options === undefined) throw errors.invalid('lindera tokenizer must be costum')
      throw errors.invalid('lindera tokenizer is not supported by Quiver (no dictionary is bundled); use icu for Japanese and Korean, jieba for Chinese')
    default:
      throw errors.invalid(`unsupported tokenizer: ${name}`)
  }
}
