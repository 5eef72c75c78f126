import { chineseStopWords } from './stop-words-chinese.ts'
import { snowballStopWords } from './stop-words-data.ts'

/** Milvus's `_english_` list (the one its `english` analyzer removes), as its tantivy binding defines it. */
const englishStopWords =
  'a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with'

const cache = new Map<string, readonly string[]>()

/**
 * The built-in list a `stop_words` entry names (`_english_`, `_danish_`, `_dutch_`, `_finnish_`,
 * `_french_`, `_german_`, `_hungarian_`, `_italian_`, `_norwegian_`, `_portuguese_`, `_russian_`,
 * `_spanish_`, `_swedish_`, `_chinese_`), or undefined when the entry is a plain word.
 */
export function languageStopWords(name: string): readonly string[] | undefined {
  if (name.length < 3 || !name.startsWith('_') || !name.endsWith('_')) return undefined
  const known = cache.get(name)
  if (known !== undefined) return known
  const lang = name.slice(1, -1)
  const raw = lang === 'english' ? englishStopWords : lang === 'chinese' ? chineseStopWords : snowballStopWords[lang]
  if (raw === undefined) return undefined
  const words = raw.split(' ').filter((w) => w !== '')
  cache.set(name, words)
  return words
}

/** Expands `_language_` entries into their lists; other entries stay words (Milvus: `get_stop_words_list`). */
export function expandStopWords(entries: readonly string[]): string[] {
  const out: string[] = []
  for (const e of entries) {
    const list = e.startsWith('_') ? languageStopWords(e) : undefined
    if (list !== undefined) out.push(...list)
    else out.push(e)
  }
  return out
}

export const englishStopWordList: readonly string[] = englishStopWords.split(' ')
