import { createRequire } from 'node:module'
import { errors } from '../errors/errors.ts'
import { isAsciiAlphanumeric } from './char-classes.ts'
import { createStemmer } from './stemmer.ts'
import { expandStopWords } from './stop-words.ts'
import { synonymFilter } from './synonym-filter.ts'
import { type ChainToken, retain, type TokenFilter, utf8Length } from './token.ts'

const require = createRequire(import.meta.url)
let asciiFolder: { foldMaintaining(s: string): string } | undefined

/** tantivy's LowerCaser: per character, without the final-sigma rule (`Σ` always becomes `σ`). */
export const lowercase: TokenFilter = (tokens) => {
  for (const t of tokens) {
    const s = t.text
    t.text = s.includes('Σ') ? lowerPerChar(s) : s.toLowerCase()
  }
  return tokens
}

function lowerPerChar(s: string): string {
  let out = ''
  for (const c of s) out += c.toLowerCase()
  return out
}

/** tantivy's AsciiFoldingFilter (Lucene's ASCIIFoldingFilter table): `café` → `cafe`, `ß` → `ss`; other characters kept. */
export const asciiFolding: TokenFilter = (tokens) => {
  asciiFolder ??= require('fold-to-ascii') as { foldMaintaining(s: string): string }
  for (const t of tokens) {
    if (!/[^\x00-\x7f]/.test(t.text)) continue
    t.text = asciiFolder.foldMaintaining(t.text)
  }
  return tokens
}

/** Keeps tokens made only of ASCII letters and digits (tantivy's AlphaNumOnlyFilter). */
export const alphanumOnly: TokenFilter = (tokens) =>
  retain(tokens, (s) => {
    for (let i = 0; i < s.length; i++) if (!isAsciiAlphanumeric(s.charCodeAt(i))) return false
    return true
  })

const hanRe = /\p{Script=Han}/u
const hanOrAlnumRe = /[\p{Script=Han}a-zA-Z0-9]/u
const punctOrSpaceRe = /[\p{P}\s]/u

/** Keeps tokens holding at least one Han character (Milvus's `cncharonly`). */
export const cnCharOnly: TokenFilter = (tokens) => retain(tokens, (s) => hanRe.test(s))

/** Keeps tokens holding a Han character or an ASCII letter or digit (Milvus's `cnalphanumonly`, the `chinese` analyzer's filter). */
export const cnAlphanumOnly: TokenFilter = (tokens) => retain(tokens, (s) => hanOrAlnumRe.test(s))

/** Drops tokens holding any punctuation or white space (Milvus's `removepunct`). */
export const removePunct: TokenFilter = (tokens) => retain(tokens, (s) => !punctOrSpaceRe.test(s))

/** The filters a bare name in `filter` selects. */
export const namedFilters: Readonly<Record<string, TokenFilter>> = {
  lowercase,
  asciifolding: asciiFolding,
  alphanumonly: alphanumOnly,
  cncharonly: cnCharOnly,
  cnalphanumonly: cnAlphanumOnly,
  removepunct: removePunct,
}

/** Drops the tokens in `words` (exact match). */
export function stopFilter(words: Iterable<string>): TokenFilter {
  const set = new Set(words)
  return (tokens) => (set.size === 0 ? tokens : retain(tokens, (s) => !set.has(s)))
}

/** `stop_words` as Milvus reads it: an array of strings, `_language_` entries expanded. */
export function stopWordsParam(value: unknown, label: string): string[] {
  if (!Array.isArray(value)) throw errors.invalid(`${label} should be array`)
  for (const w of value) if (typeof w !== 'string') throw errors.invalid(`${label} list item should be string`)
  return expandStopWords(value as string[])
}

/** A filter given as an object: `{type: length | stop | decompounder | stemmer | regex | synonym, …}`. */
export function createFilter(params: Readonly<Record<string, unknown>>): TokenFilter {
  const type = params.type
  if (type === undefined) throw errors.invalid('no type field in filter params')
  if (typeof type !== 'string') throw errors.invalid('filter type should be string')
  switch (type) {
    case 'length':
      return lengthFilter(params.max)
    case 'stop':
      if (params.stop_words_file !== undefined) throw errors.invalid('stop filter stop_words_file is not supported by Quiver (no file resources); list the words in stop_words')
      return stopFilter(params.stop_words === undefined ? [] : stopWordsParam(params.stop_words, 'stop_words'))
    case 'decompounder':
      return decompounder(params.word_list)
    case 'stemmer': {
      const stem = createStemmer(params.language)
      return (tokens) => {
        for (const t of tokens) t.text = stem(t.text)
        return tokens
      }
    }
    case 'regex':
      return regexFilter(params.expr)
    case 'synonym':
      return synonymFilter(params)
    default:
      throw errors.invalid(`unsupport filter type: ${type}`)
  }
}

/** Keeps tokens of at most `max` UTF-8 bytes (tantivy's RemoveLongFilter with limit max + 1). */
function lengthFilter(max: unknown): TokenFilter {
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 0) throw errors.invalid('lenth max param was none or not uint')
  return (tokens) => retain(tokens, (s) => s.length <= max / 3 || utf8Length(s) <= max)
}

/** Keeps tokens the regular expression matches somewhere (unanchored, as fancy_regex `is_match`). */
function regexFilter(expr: unknown): TokenFilter {
  if (expr === undefined) throw errors.invalid('must set expr for regex filter')
  if (typeof expr !== 'string') throw errors.invalid('expr must be string')
  let re: RegExp
  try {
    re = new RegExp(expr, 'u')
  } catch (e) {
    throw errors.invalid(`regex expression invalid, expr:${expr}, err: ${(e as Error).message}`)
  }
  return (tokens) => retain(tokens, (s) => re.test(s))
}

/**
 * tantivy's SplitCompoundWords: a token that the word list covers completely, left to right with the
 * longest word at each step, is replaced by those words (each keeping the token's position and
 * offsets); any other token passes unchanged.
 */
function decompounder(wordList: unknown): TokenFilter {
  if (!Array.isArray(wordList)) throw errors.invalid('decompounder word list should be array')
  const words = new Set<string>()
  let longest = 0
  for (const w of wordList) {
    if (typeof w !== 'string') throw errors.invalid('decompounder word list item should be string')
    if (w === '') continue
    words.add(w)
    longest = Math.max(longest, w.length)
  }
  return (tokens) => {
    const out: ChainToken[] = []
    for (const t of tokens) {
      const parts = splitCompound(t.text, words, longest)
      if (parts === undefined) out.push(t)
      else for (const p of parts) out.push({ ...t, text: p })
    }
    return out
  }
}

function splitCompound(text: string, words: ReadonlySet<string>, longest: number): string[] | undefined {
  if (text === '' || words.size === 0) return undefined
  const parts: string[] = []
  let pos = 0
  while (pos < text.length) {
    let end = -1
    for (let n = Math.min(longest, text.length - pos); n > 0; n--) {
      if (words.has(text.slice(pos, pos + n))) {
        end = pos + n
        break
      }
    }
    if (end < 0) return undefined
    parts.push(text.slice(pos, end))
    pos = end
  }
  return parts
}
