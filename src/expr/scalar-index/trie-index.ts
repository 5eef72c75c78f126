import { assert } from '../../common/assert.ts'
import type { Column } from '../../column/column.ts'
import { DictionaryIndex } from './dictionary-index.ts'
import type { SectionReader } from './index-sections.ts'
import type { ScalarIndexFactory, ScalarIndexSpec } from './scalar-index-spec.ts'

/**
 * Trie (Milvus: a MARISA trie of the distinct strings with their rows). VarChar fields only. What a
 * trie gives — the strings with a prefix are one contiguous run in key order — a sorted string
 * dictionary gives too, with two binary searches: `like "ab%"` is one range of terms; equality,
 * `in` and comparisons are binary searches; other `like` forms match each distinct string once.
 */
export const TrieIndex: ScalarIndexFactory = {
  build: (spec: ScalarIndexSpec, column: Column, rowCount: number) => {
    assert.ok(spec.valueKind === 'str' && !spec.multiValued, 'a Trie index is built on VarChar fields')
    return DictionaryIndex.build(spec, column, rowCount)
  },
  decode: (spec: ScalarIndexSpec, rowCount: number, header: Readonly<Record<string, unknown>>, r: SectionReader) => DictionaryIndex.decode(spec, rowCount, header, r),
}
