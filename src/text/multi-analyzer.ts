import { errors } from '../errors/errors.ts'
import { analyzerErrorDetail, type AnalyzerParams, createAnalyzer, type DetailedToken, type TextAnalyzer } from './analyzer.ts'

/** The analyzer a row without a known language name uses; `multi_analyzer_params.analyzers` must define it. */
export const DEFAULT_ANALYZER_NAME = 'default'

/**
 * Milvus's multi-language analyzer (`multi_analyzer_params`): named analyzers, the VARCHAR field
 * (`by_field`) whose value names each row's analyzer, and `alias` (other names for the same analyzer).
 * A name neither an analyzer nor an alias of one selects `default`.
 */
export interface MultiAnalyzer {
  /** The field holding each row's analyzer name. */
  readonly byField: string
  /** The analyzer names (keys of `analyzers`). */
  readonly names: readonly string[]
  /** The analyzer `language` selects (via `alias`, falling back to `default`). */
  analyzerFor(language: string | null | undefined): TextAnalyzer
  analyze(text: string, language: string | null | undefined): DetailedToken[]
}

/**
 * Builds every analyzer of `multi_analyzer_params` now, so a bad one is refused (1100) when the
 * collection is created. Wording as Milvus's BM25 multi-analyzer runner words it.
 */
export function createMultiAnalyzer(params: AnalyzerParams): MultiAnalyzer {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) throw errors.invalid('multi_analyzer_params should be a json map')
  if (params.by_field === undefined) throw errors.invalid('bm25 function with multi analyzer must have by_field param in multi_analyzer_params')
  if (typeof params.by_field !== 'string') {
    throw errors.invalid(`bm25 function with multi analyzer by_field must be string but now: ${JSON.stringify(params.by_field)}`)
  }
  const alias = new Map<string, string>()
  if (params.alias !== undefined) {
    const a = params.alias
    if (a === null || typeof a !== 'object' || Array.isArray(a) || Object.values(a).some((v) => typeof v !== 'string')) {
      throw errors.invalid(`bm25 function with multi analyzer mapping must be string map but now: ${JSON.stringify(a)}`)
    }
    for (const [k, v] of Object.entries(a as Record<string, string>)) alias.set(k, v)
  }
  if (params.analyzers === undefined) throw errors.invalid('bm25 function with multi analyzer must have analyzers param in multi_analyzer_params')
  const specs = params.analyzers
  if (specs === null || typeof specs !== 'object' || Array.isArray(specs)) {
    throw errors.invalid(`bm25 function unmarshal multi_analyzer_params analyzers failed : analyzers should be a json map, got ${JSON.stringify(specs)}`)
  }
  const analyzers = new Map<string, TextAnalyzer>()
  for (const [name, spec] of Object.entries(specs as Record<string, unknown>)) {
    try {
      analyzers.set(name, createAnalyzer(spec as AnalyzerParams))
    } catch (e) {
      throw errors.invalid(`bm25 function create analyzer ${name} failed with error: ${analyzerErrorDetail(e)}`)
    }
  }
  const fallback = analyzers.get(DEFAULT_ANALYZER_NAME)
  if (fallback === undefined) throw errors.invalid('multi analyzer must set default analyzer in multi_analyzer_params analyzers')
  const analyzerFor = (language: string | null | undefined): TextAnalyzer => {
    if (language === null || language === undefined) return fallback
    const name = alias.get(language) ?? language
    return analyzers.get(name) ?? fallback
  }
  return {
    byField: params.by_field,
    names: [...analyzers.keys()],
    analyzerFor,
    analyze: (text, language) => (text === '' ? [] : analyzerFor(language).analyze(text)),
  }
}
