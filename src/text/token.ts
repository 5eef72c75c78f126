/**
 * One token of an analyzed text: the term as indexed, its position (phrase matching counts distances
 * in positions; tokenizers number them, filters that drop tokens leave gaps as Milvus's tantivy does),
 * and its UTF-16 offsets in the original text (highlighting cuts fragments there).
 */
export interface Token {
  readonly text: string
  readonly position: number
  readonly startOffset: number
  readonly endOffset: number
}

/** A token as the chain builds it: filters rewrite `text` in place; `positionLength` is jieba's span in characters (1 elsewhere). */
export interface ChainToken {
  text: string
  position: number
  startOffset: number
  endOffset: number
  positionLength: number
}

/** Turns a text into tokens (the first stage of an analyzer). */
export type Tokenize = (text: string) => ChainToken[]

/** One stage after the tokenizer: rewrites or drops tokens; returns the same array compacted or a new one. */
export type TokenFilter = (tokens: ChainToken[]) => ChainToken[]

/** Keeps the tokens `keep` accepts, compacting `tokens` in place (positions are left as they were). */
export function retain(tokens: ChainToken[], keep: (text: string) => boolean): ChainToken[] {
  let n = 0
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!
    if (keep(t.text)) tokens[n++] = t
  }
  tokens.length = n
  return tokens
}

/** UTF-8 byte length of a string without encoding it. */
export function utf8Length(s: string): number {
  let bytes = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) bytes += 1
    else if (c < 0x800) bytes += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}
