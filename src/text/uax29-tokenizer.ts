import { errors } from '../errors/errors.ts'
import type { ChainToken, Tokenize } from './token.ts'

/** Lucene's StandardTokenizer default and absolute maximum token length (characters), as Milvus. */
const UAX29_TOKEN_CHARS_DEFAULT = 255
const UAX29_TOKEN_CHARS_MAX = 1024 * 1024

const wordOrEmojiRe = /[\p{Alphabetic}\p{N}\p{Extended_Pictographic}\p{Emoji_Presentation}\p{Regional_Indicator}\u20e3]/u
/** Characters UAX #29 keeps one to a word (no rule joins ideographs or hiragana). */
const singleCharWordRe = /[\p{Script=Han}\p{Script=Hiragana}]/u

let segmenter: Intl.Segmenter | undefined

/**
 * Milvus's `standard` tokenizer with `uax29: true`: Unicode (UAX #29) word boundaries; segments that
 * hold a letter, digit or emoji are tokens (`O'Reilly`, `32.3`, `216.239.63.104`, `👩🔬` stay whole),
 * ideographs and hiragana one per token, longer segments cut every `max_token_length` characters.
 * Positions count 0, 1, 2, …
 */
export function createUax29Tokenizer(options: Readonly<Record<string, unknown>>): Tokenize {
  if (typeof options.uax29 !== 'boolean') throw errors.invalid('standard tokenizer uax29 must be a boolean')
  let max = UAX29_TOKEN_CHARS_DEFAULT
  if (options.max_token_length !== undefined) {
    const v = options.max_token_length
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw errors.invalid('standard tokenizer max_token_length must be a positive integer')
    if (v === 0 || v > UAX29_TOKEN_CHARS_MAX) throw errors.invalid(`standard tokenizer max_token_length must be between 1 and ${UAX29_TOKEN_CHARS_MAX}`)
    max = v
  }
  return (text) => {
    segmenter ??= new Intl.Segmenter('und', { granularity: 'word' })
    const tokens: ChainToken[] = []
    const push = (s: string, at: number) => tokens.push({ text: s, position: tokens.length, startOffset: at, endOffset: at + s.length, positionLength: 1 })
    for (const seg of segmenter.segment(text)) {
      if (!wordOrEmojiRe.test(seg.segment)) continue
      let chunk = ''
      let chunkAt = seg.index
      let chars = 0
      let at = seg.index
      for (const c of seg.segment) {
        if (singleCharWordRe.test(c)) {
          if (chunk !== '') push(chunk, chunkAt)
          push(c, at)
          chunk = ''
          chars = 0
          at += c.length
          chunkAt = at
          continue
        }
        if (chars === max) {
          push(chunk, chunkAt)
          chunk = ''
          chars = 0
          chunkAt = at
        }
        chunk += c
        chars++
        at += c.length
      }
      if (chunk !== '') push(chunk, chunkAt)
    }
    return tokens
  }
}
