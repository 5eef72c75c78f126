import { createRequire } from 'node:module'
import { errors } from '../errors/errors.ts'
import type { ChainToken, Tokenize } from './token.ts'

type JiebaModule = typeof import('@node-rs/jieba')
type Jieba = InstanceType<JiebaModule['Jieba']>

const require = createRequire(import.meta.url)
let jiebaModule: JiebaModule | undefined
let defaultDict: Uint8Array | undefined
let defaultJieba: Jieba | undefined

function jiebaLib(): JiebaModule {
  jiebaModule ??= require('@node-rs/jieba') as JiebaModule
  return jiebaModule
}

function dictBytes(): Uint8Array {
  defaultDict ??= (require('@node-rs/jieba/dict') as { dict: Uint8Array }).dict
  return defaultDict
}

let defaultVocabulary: Set<string> | undefined

/** The words of the default dictionary (search mode asks whether a sub-word is one of them). */
function defaultWords(): ReadonlySet<string> {
  if (defaultVocabulary !== undefined) return defaultVocabulary
  const set = new Set<string>()
  for (const line of Buffer.from(dictBytes()).toString('utf8').split('\n')) {
    const space = line.indexOf(' ')
    const w = space < 0 ? line.trim() : line.slice(0, space)
    if (w !== '') set.add(w)
  }
  return (defaultVocabulary = set)
}

/** The default-dictionary segmenter, loaded once per process on first use (~1 s). */
function sharedJieba(): Jieba {
  defaultJieba ??= jiebaLib().Jieba.withDict(dictBytes())
  return defaultJieba
}

/**
 * Frequency given to a user's `dict` word. jieba-rs `add_word(word, None, None)` (what Milvus calls)
 * suggests the smallest frequency that keeps the word whole; a high fixed frequency does the same for
 * the word itself, and may differ from Milvus only in how the text around it is segmented.
 */
const USER_WORD_FREQ = 100_000

/**
 * Milvus's `jieba` tokenizer (jieba-rs, the library @node-rs/jieba binds): options `dict` (words to
 * add; `_default_` keeps the built-in dictionary, without it only the listed words), `mode`
 * (`search`, the default, adds the dictionary words inside longer words; `exact`), `hmm` (default true).
 * A token's position is its first character's index and `positionLength` its length in characters,
 * as Milvus's tokenizer reports them.
 */
export function createJiebaTokenizer(options: Readonly<Record<string, unknown>> | undefined): Tokenize {
  let jieba: Jieba | undefined
  let words: string[] = []
  let useDefault = true
  if (options?.dict !== undefined) {
    if (!Array.isArray(options.dict)) throw errors.invalid('jieba tokenizer dict must be array')
    useDefault = false
    for (const w of options.dict as unknown[]) {
      if (typeof w !== 'string') throw errors.invalid('jieba tokenizer dict item must be string')
      if (w === '_default_') useDefault = true
      else words.push(w)
    }
  }
  let search = true
  if (options?.mode !== undefined) {
    if (typeof options.mode !== 'string') throw errors.invalid('jieba tokenizer mode must be string')
    if (options.mode !== 'exact' && options.mode !== 'search') throw errors.invalid('jieba tokenizer mode must be "exact" or "search"')
    search = options.mode === 'search'
  }
  let hmm = true
  if (options?.hmm !== undefined) {
    if (typeof options.hmm !== 'boolean') throw errors.invalid('jieba tokenizer mode must be boolean')
    hmm = options.hmm
  }
  words = words.filter((w) => w.trim() !== '')
  const segmenter = (): Jieba => {
    if (jieba !== undefined) return jieba
    if (useDefault && words.length === 0) return (jieba = sharedJieba())
    const lib = jiebaLib()
    jieba = useDefault ? lib.Jieba.withDict(dictBytes()) : new lib.Jieba()
    if (words.length > 0) jieba.loadDict(Buffer.from(words.map((w) => `${w.replace(/\s+/g, '')} ${USER_WORD_FREQ}`).join('\n') + '\n'))
    return jieba
  }
  let known: ReadonlySet<string> | undefined
  const vocabulary = (): ReadonlySet<string> | undefined => {
    if (!search) return undefined
    if (known !== undefined) return known
    if (useDefault && words.length === 0) return (known = defaultWords())
    const set = new Set(useDefault ? defaultWords() : [])
    for (const w of words) set.add(w)
    return (known = set)
  }
  return (text) => jiebaTokens(segmenter(), text, vocabulary(), hmm)
}

function jiebaTokens(jieba: Jieba, text: string, known: ReadonlySet<string> | undefined, hmm: boolean): ChainToken[] {
  const tokens: ChainToken[] = []
  if (text === '') return tokens
  const words = jieba.cut(text, hmm)
  const astral = /[\uD800-\uDFFF]/.test(text)
  const charIndex = (utf16: number): number => (astral ? [...text.slice(0, utf16)].length : utf16)
  let cursor = 0
  for (const word of words) {
    let start = text.startsWith(word, cursor) ? cursor : text.indexOf(word, cursor)
    if (start < 0) start = cursor
    const end = start + word.length
    cursor = end
    if (known !== undefined) pushSearchGrams(known, word, start, tokens, charIndex)
    const first = charIndex(start)
    tokens.push({ text: word, position: first, startOffset: start, endOffset: end, positionLength: charIndex(end) - first })
  }
  return tokens
}

/**
 * Search mode (jieba-rs `cut_for_search`): before a word of more than 2 characters, its 2-character
 * sub-words the dictionary holds, then (more than 3) its 3-character ones, left to right.
 */
function pushSearchGrams(known: ReadonlySet<string>, word: string, start: number, tokens: ChainToken[], charIndex: (i: number) => number): void {
  const chars = [...word]
  if (chars.length <= 2) return
  const offsets: number[] = []
  let o = 0
  for (const c of chars) {
    offsets.push(o)
    o += c.length
  }
  offsets.push(o)
  for (const n of [2, 3]) {
    if (chars.length <= n) break
    for (let i = 0; i + n <= chars.length; i++) {
      const g = word.slice(offsets[i], offsets[i + n])
      if (!known.has(g)) continue
      const s = start + offsets[i]!
      const first = charIndex(s)
      tokens.push({ text: g, position: first, startOffset: s, endOffset: s + g.length, positionLength: n })
    }
  }
}
