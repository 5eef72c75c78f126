import type { Column } from '../../column/column.ts'
import { BitmapIndex } from './bitmap-index.ts'
import { InvertedIndex } from './inverted-index.ts'
import { SectionReader } from './index-sections.ts'
import { corrupt, decodeScalarIndexPayload } from './scalar-index-codec.ts'
import { type ScalarIndex, type ScalarIndexFactory, type ScalarIndexSpec, ScalarIndexType } from './scalar-index-spec.ts'
import type { ValueKind } from './sorted-entries.ts'
import { StlSortIndex } from './stl-sort-index.ts'
import { TrieIndex } from './trie-index.ts'
import { RtreeIndexFactory } from './rtree-index.ts'

export type { IndexQuery } from './sorted-lookup.ts'
export type { ValueKind } from './sorted-entries.ts'
export { type ScalarIndex, type ScalarIndexSpec, ScalarIndexType } from './scalar-index-spec.ts'

const factories: Readonly<Record<ScalarIndexType, ScalarIndexFactory>> = {
  INVERTED: InvertedIndex,
  STL_SORT: StlSortIndex,
  BITMAP: BitmapIndex,
  TRIE: TrieIndex,
  RTREE: RtreeIndexFactory,
}

/**
 * Builds the index of `spec` over rows [0, rowCount) of `column` (a column of the kind the spec's
 * field has; `scalarIndexSpecOf` checks the field). Synchronous: O(n) radix sorts for numbers, one
 * hash pass and a sort of the distinct values for strings.
 */
export function buildScalarIndex(spec: ScalarIndexSpec, column: Column, rowCount: number): ScalarIndex {
  return factories[spec.indexType].build(spec, column, rowCount)
}

/** The index encoded in `bytes`, which must cover `rowCount` rows; corruption is a MilvusError 2100. */
export function decodeScalarIndex(bytes: Uint8Array, rowCount: number): ScalarIndex {
  const { header, sections } = decodeScalarIndexPayload(bytes)
  const spec = specOfHeader(header)
  if (header.rowCount !== rowCount) throw corrupt(`the index has ${String(header.rowCount)} rows, the segment ${rowCount}`)
  const reader = new SectionReader(sections)
  const index = factories[spec.indexType].decode(spec, rowCount, header, reader)
  reader.end()
  return index
}

function specOfHeader(h: Readonly<Record<string, unknown>>): ScalarIndexSpec {
  const types: readonly unknown[] = Object.values(ScalarIndexType)
  const kinds: readonly unknown[] = ['bool', 'num', 'i64', 'str']
  if (!types.includes(h.indexType) || !kinds.includes(h.valueKind) || typeof h.multiValued !== 'boolean') throw corrupt('bad spec in header')
  return { indexType: h.indexType as ScalarIndexType, valueKind: h.valueKind as ValueKind, multiValued: h.multiValued }
}
