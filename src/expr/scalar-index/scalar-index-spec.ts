import type { Bitset } from '../../common/bitset.ts'
import type { Column } from '../../column/column.ts'
import { corrupt } from './scalar-index-codec.ts'
import type { SectionReader } from './index-sections.ts'
import type { IndexQuery } from './sorted-lookup.ts'
import type { ValueKind } from './sorted-entries.ts'

/** Milvus's scalar index types (`Trie` is spelled `TRIE` here; Milvus takes both). */
export const ScalarIndexType = { INVERTED: 'INVERTED', STL_SORT: 'STL_SORT', BITMAP: 'BITMAP', TRIE: 'TRIE', RTREE: 'RTREE' } as const
export type ScalarIndexType = (typeof ScalarIndexType)[keyof typeof ScalarIndexType]

/** What to build: the type, how values compare, and whether a row holds several (Array fields). */
export interface ScalarIndexSpec {
  readonly indexType: ScalarIndexType
  readonly valueKind: ValueKind
  readonly multiValued: boolean
}

/**
 * A scalar index over rows [0, rowCount) of one sealed segment's column. It answers filter leaves
 * on its field with exactly the rows the column scan finds (null rows never), and keeps the
 * column's validity so `not` and `is null` stay exact. Immutable; deletes are applied by the caller.
 */
export interface ScalarIndex {
  readonly spec: ScalarIndexSpec
  readonly rowCount: number
  /** 1 = the row is not null; null when the column has no nulls. Never mutate. */
  readonly validBits: Bitset | null
  /** Bytes of memory the index holds (typed arrays; strings counted as UTF-16). */
  readonly sizeBytes: number
  /** The rows where `q` is true as a fresh bitset of `rowCount` bits, or undefined if this index cannot answer it. */
  lookup(q: IndexQuery): Bitset | undefined
  /** The bytes to persist (format version and checksum inside); `decodeScalarIndex` is the inverse. */
  encode(): Uint8Array[]
}

/** How each type is built from a column and read back from its file. */
export interface ScalarIndexFactory {
  build(spec: ScalarIndexSpec, column: Column, rowCount: number): ScalarIndex
  decode(spec: ScalarIndexSpec, rowCount: number, header: Readonly<Record<string, unknown>>, reader: SectionReader): ScalarIndex
}

/** Header fields every index type writes. */
export function baseHeader(spec: ScalarIndexSpec, rowCount: number, validBits: Bitset | null): Record<string, string | number | boolean> {
  return { indexType: spec.indexType, valueKind: spec.valueKind, multiValued: spec.multiValued, rowCount, nullable: validBits !== null }
}

/** A non-negative integer header field (2100 if absent or malformed). */
export function headerCount(h: Readonly<Record<string, unknown>>, name: string): number {
  const v = h[name]
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw corrupt(`bad ${name} in header`)
  return v
}
