import { errors } from '../errors/errors.ts'

/**
 * One token of an analyzed text: the term as indexed, its ordinal position among the text's tokens
 * (phrase matching counts distances in positions), and its UTF-16 offsets in the original text
 * (highlighting cuts fragments there).
 */
export interface Token {
  readonly text: string
  readonly position: number
  readonly startOffset: number
  readonly endOffset: number
}

/** Turns text into tokens. Deterministic: the same text always gives the same tokens. */
export interface Analyzer {
  analyze(text: string): Token[]
}

/** Milvus's `analyzer_params` as the client sent them (JSON object), before validation. */
export type AnalyzerParams = Readonly<Record<string, unknown>>

const defaultParams: AnalyzerParams = { type: 'standard' }

/**
 * Builds the analyzer Milvus builds for `analyzer_params` (absent: the `standard` analyzer).
 * Throws a MilvusError (1100) naming what is wrong with the parameters.
 */
export function createAnalyzer(params: AnalyzerParams | undefined = defaultParams): Analyzer {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw errors.invalid(`analyzer params should be a json map, got ${JSON.stringify(params)}`)
  }
  const type = params.type ?? (params.tokenizer === undefined ? 'standard' : undefined)
  if (type !== undefined && type !== 'standard') throw errors.invalid(`unsupported analyzer type: ${String(type)}`)
  const tokenizer = params.tokenizer ?? 'standard'
  if (tokenizer !== 'standard') throw errors.invalid(`unsupported tokenizer: ${JSON.stringify(tokenizer)}`)
  const filters = type === 'standard' ? ['lowercase'] : (params.filter ?? [])
  if (!Array.isArray(filters)) throw errors.invalid('analyzer filter should be an array')
  for (const f of filters) if (f !== 'lowercase') throw errors.invalid(`unsupported filter: ${JSON.stringify(f)}`)
  const lower = filters.includes('lowercase')
  return { analyze: (text) => standardTokens(text, lower) }
}

const wordRun = /[\p{L}\p{N}\p{M}]+/gu

function standardTokens(text: string, lower: boolean): Token[] {
  const tokens: Token[] = []
  for (const m of text.matchAll(wordRun)) {
    const start = m.index
    tokens.push({ text: lower ? m[0].toLowerCase() : m[0], position: tokens.length, startOffset: start, endOffset: start + m[0].length })
  }
  return tokens
}
