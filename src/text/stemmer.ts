import { createRequire } from 'node:module'
import { errors } from '../errors/errors.ts'

interface SnowballStemmer {
  stem(word: string): string
}
interface SnowballModule {
  newStemmer(language: string): SnowballStemmer
}

const require = createRequire(import.meta.url)
let snowball: SnowballModule | undefined
let greek: ((word: string) => string) | undefined

/**
 * The languages Milvus's `stemmer` filter accepts (case-insensitive; `arabig` is Milvus's own alias),
 * mapped to the Snowball algorithm that stems them.
 */
const languages: Readonly<Record<string, string>> = {
  arabic: 'arabic', arabig: 'arabic', danish: 'danish', dutch: 'dutch', english: 'english', finnish: 'finnish',
  french: 'french', german: 'german', greek: 'greek', hungarian: 'hungarian', italian: 'italian',
  norwegian: 'norwegian', portuguese: 'portuguese', romanian: 'romanian', russian: 'russian',
  spanish: 'spanish', swedish: 'swedish', tamil: 'tamil', turkish: 'turkish',
}

/**
 * A Snowball stemmer for `language` (the algorithms of the Snowball project, as Milvus's rust-stemmers
 * runs them; `snowball-stemmers` for all but Greek, `@orama/stemmers` for Greek). Stems are cached per
 * stemmer: a corpus repeats its words, and a cached word costs one map lookup.
 */
export function createStemmer(language: unknown): (word: string) => string {
  if (typeof language !== 'string') throw errors.invalid('stemmer language field should be string')
  const algorithm = languages[language.toLowerCase()]
  if (algorithm === undefined) throw errors.invalid(`create stemmer failed : unsupport language: ${language.toLowerCase()}`)
  const stem = algorithm === 'greek' ? greekStemmer() : snowballStemmer(algorithm)
  const cache = new Map<string, string>()
  return (word) => {
    let s = cache.get(word)
    if (s === undefined) {
      s = stem(word)
      if (cache.size >= STEM_CACHE_ENTRIES_MAX) cache.clear()
      cache.set(word, s)
    }
    return s
  }
}

/** Bound on a stemmer's memo of word → stem (entries, not bytes). */
const STEM_CACHE_ENTRIES_MAX = 200_000

function snowballStemmer(algorithm: string): (word: string) => string {
  snowball ??= require('snowball-stemmers') as SnowballModule
  const s = snowball.newStemmer(algorithm)
  return (word) => s.stem(word)
}

function greekStemmer(): (word: string) => string {
  greek ??= (require('@orama/stemmers/greek') as { stemmer: (w: string) => string }).stemmer
  return greek
}
