import { errors } from '../errors/errors.ts'
import { createJiebaTokenizer } from './jieba-tokenizer.ts'
import { englishStopWordList } from './stop-words.ts'
import { createStemmer } from './stemmer.ts'
import type { ChainToken, Token, TokenFilter, Tokenize } from './token.ts'
import { cnAlphanumOnly, createFilter, lowercase, namedFilters, stopFilter, stopWordsParam } from './token-filters.ts'
import { createTokenizer, standardTokenize, whitespaceTokenize } from './tokenizers.ts'
import { type HashSink, scanAsciiTermHashes, scanStandardTermHashes } from './term-hash-scan.ts'

export type { Token } from './token.ts'

/** A token with its span in positions (jieba: characters of the word; 1 for every other tokenizer). */
export interface DetailedToken extends Token {
  readonly positionLength: number
}

/** Turns text into tokens. Deterministic: the same text always gives the same tokens. */
export interface Analyzer {
  analyze(text: string): Token[]
}

/** An analyzer as `createAnalyzer` builds it: its tokens also carry `positionLength` (RunAnalyzer's detail). */
export interface TextAnalyzer extends Analyzer {
  analyze(text: string): DetailedToken[]
  /**
   * The `termHash` of every token `analyze(text)` gives, in order, appended to `sink` without making
   * the tokens; false (nothing appended) when this analyzer or this text has no such fast path.
   */
  termHashes?(text: string, sink: HashSink): boolean
  /**
   * `termHashes` of the text whose UTF-8 bytes are `bytes[from, to)`, read from the bytes; false
   * (the sink's partial row to be discarded) at the first non-ASCII byte, or when there is no such path.
   */
  termHashesAscii?(bytes: Uint8Array, from: number, to: number, sink: HashSink): boolean
}

/** Milvus's `analyzer_params` as the client sent them (JSON object), before validation. */
export type AnalyzerParams = Readonly<Record<string, unknown>>

/**
 * Builds the analyzer Milvus builds for `analyzer_params` (absent or `{}`: the `standard` analyzer):
 * a built-in `type` (`standard`, `english`, `chinese`, each taking `stop_words`), or a `tokenizer`
 * with an optional `filter` chain. Throws a MilvusError (1100) worded as Milvus's analyzer builder
 * words it when the parameters are wrong, so a bad analyzer is refused when a collection is created.
 */
export function createAnalyzer(params: AnalyzerParams | undefined = {}): TextAnalyzer {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw errors.invalid('params should be a json map')
  }
  if (Object.keys(params).length === 0) return chain(standardTokenize, [lowercase])
  if (params.type !== undefined) return builtIn(params)
  if (params.tokenizer === undefined) throw errors.invalid('tokenizer name or type must be set')
  const tokenize = createTokenizer(params.tokenizer)
  const filters: TokenFilter[] = []
  for (const [key, value] of Object.entries(params)) {
    if (key === 'tokenizer') continue
    if (key !== 'filter') throw errors.invalid(`unknown analyzer option key: ${key}`)
    if (!Array.isArray(value)) throw errors.invalid('filter params should be array')
    for (const f of value as unknown[]) {
      if (typeof f === 'string') {
        const named = namedFilters[f]
        if (named === undefined) throw errors.invalid(`build analyzer failed, filter not found :${f}`)
        filters.push(named)
      } else if (f !== null && typeof f === 'object' && !Array.isArray(f)) {
        filters.push(createFilter(f as Record<string, unknown>))
      }
      // Milvus skips an entry that is neither a name nor an object.
    }
  }
  return chain(tokenize, filters)
}

/**
 * The built-in analyzers (Milvus's `build_in_analyzer.rs`); only `stop_words` is read beside `type`:
 * - `standard`: standard tokenizer → lowercase → stop_words
 * - `english`: standard tokenizer → lowercase → English Snowball stemmer → `_english_` stop words → stop_words
 * - `chinese`: jieba (search mode, HMM) → cnalphanumonly → stop_words
 */
function builtIn(params: AnalyzerParams): TextAnalyzer {
  if (typeof params.type !== 'string') throw errors.invalid('analyzer type shoud be string')
  const extra = params.stop_words === undefined ? [] : stopWordsParam(params.stop_words, 'filter stop_words')
  const tail = extra.length > 0 ? [stopFilter(extra)] : []
  switch (params.type) {
    case 'standard':
      return chain(standardTokenize, [lowercase, ...tail])
    case 'english': {
      const stem = createStemmer('english')
      const stemFilter: TokenFilter = (tokens) => {
        for (const t of tokens) t.text = stem(t.text)
        return tokens
      }
      return chain(standardTokenize, [lowercase, stemFilter, stopFilter(englishStopWordList), ...tail])
    }
    case 'chinese':
      return chain(createJiebaTokenizer(undefined), [cnAlphanumOnly, ...tail])
    default:
      throw errors.invalid(`unknown build-in analyzer type: ${params.type}`)
  }
}

/** `termHashes` of the standard analyzer: the same lower-casing guard as `chain`'s (else no fast path). */
function standardTermHashes(text: string, sink: HashSink): boolean {
  if (text.includes('Σ')) return false
  const lower = text.toLowerCase()
  if (lower.length !== text.length) return false
  scanStandardTermHashes(lower, sink)
  return true
}

/** The wording of an analyzer refusal without the code's base text, to embed in another message. */
export function analyzerErrorDetail(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e)
  return message.endsWith(': invalid parameter') ? message.slice(0, -': invalid parameter'.length) : message
}

function chain(tokenize: Tokenize, filters: readonly TokenFilter[]): TextAnalyzer {
  // Lower-casing the whole text once, then cutting it, gives the tokens lower-casing each token gives
  // when lower-casing keeps every UTF-16 length (no `İ`) and no final-sigma rule can apply (no `Σ`):
  // the standard and whitespace tokenizers split the same places in either case. One string instead
  // of one per token on the write path.
  const lowerFirst = filters[0] === lowercase && (tokenize === standardTokenize || tokenize === whitespaceTokenize)
  const rest = lowerFirst ? filters.slice(1) : filters
  // The standard tokenizer then lowercase only (the `standard` analyzer): term hashes straight from the lower-cased text.
  const plainStandard = lowerFirst && tokenize === standardTokenize && rest.length === 0
  return {
    ...(plainStandard ? { termHashes: standardTermHashes, termHashesAscii: scanAsciiTermHashes } : {}),
    analyze(text: string): DetailedToken[] {
      let tokens: ChainToken[]
      if (lowerFirst) {
        const lower = text.includes('Σ') ? undefined : text.toLowerCase()
        if (lower !== undefined && lower.length === text.length) tokens = tokenize(lower)
        else tokens = lowercase(tokenize(text))
        for (const f of rest) tokens = f(tokens)
        return tokens
      }
      tokens = tokenize(text)
      for (const f of filters) tokens = f(tokens)
      return tokens
    },
  }
}
