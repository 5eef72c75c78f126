import type { Column } from '../../column/column.ts'
import { DictionaryIndex } from './dictionary-index.ts'
import type { SectionReader } from './index-sections.ts'
import type { ScalarIndexFactory, ScalarIndexSpec } from './scalar-index-spec.ts'

/**
 * INVERTED (Milvus: a Tantivy index): a term dictionary with a posting list per distinct value.
 * Bool, integer, floating-point and VarChar fields, and Array fields (a term per element, answering
 * `array_contains`, `_all`, `_any`). Answers comparisons and ranges (binary search over the terms),
 * `in`, and every `like` form (prefix by range, others by matching each distinct term once).
 */
export const InvertedIndex: ScalarIndexFactory = {
  build: (spec: ScalarIndexSpec, column: Column, rowCount: number) => DictionaryIndex.build(spec, column, rowCount),
  decode: (spec: ScalarIndexSpec, rowCount: number, header: Readonly<Record<string, unknown>>, r: SectionReader) => DictionaryIndex.decode(spec, rowCount, header, r),
}
