import type { Bitset } from '../../common/bitset.ts'
import type { Column } from '../../column/column.ts'
import { SectionWriter, type SectionReader } from './index-sections.ts'
import type { IndexKeys } from './index-keys.ts'
import { checkRowIds, validityOf } from './index-validity.ts'
import { pairPostings } from './postings.ts'
import { encodeScalarIndexPayload } from './scalar-index-codec.ts'
import { baseHeader, headerCount, type ScalarIndex, type ScalarIndexSpec } from './scalar-index-spec.ts'
import { sortedEntriesOf } from './sorted-entries.ts'
import { createSortedView, type IndexQuery, lookupSorted, type SortedView } from './sorted-lookup.ts'

/**
 * STL_SORT (Milvus `ScalarIndexSort`): every non-null row's value, sorted, with the row beside it.
 * A comparison or range is two binary searches and one contiguous slice of row ids; `in` one
 * slice per value. Numeric fields only (Int8–Int64, Float, Double). 12 bytes per row.
 */
export class StlSortIndex implements ScalarIndex {
  readonly spec: ScalarIndexSpec
  readonly rowCount: number
  readonly validBits: Bitset | null
  readonly sizeBytes: number
  private readonly keys: IndexKeys
  private readonly rowIds: Uint32Array
  private readonly view: SortedView

  constructor(spec: ScalarIndexSpec, rowCount: number, validBits: Bitset | null, keys: IndexKeys, rowIds: Uint32Array) {
    this.spec = spec
    this.rowCount = rowCount
    this.validBits = validBits
    this.keys = keys
    this.rowIds = rowIds
    this.view = createSortedView(spec, rowCount, validBits, keys, pairPostings(rowIds), rowIds.length)
    this.sizeBytes = (keys.values as Float64Array).byteLength + rowIds.byteLength + (validBits?.words.byteLength ?? 0)
  }

  static build(spec: ScalarIndexSpec, column: Column, rowCount: number): StlSortIndex {
    const s = sortedEntriesOf(column, rowCount, spec.valueKind)
    return new StlSortIndex(spec, rowCount, validityOf(column, rowCount), s.keys, s.rowIds)
  }

  static decode(spec: ScalarIndexSpec, rowCount: number, header: Readonly<Record<string, unknown>>, r: SectionReader): StlSortIndex {
    const n = headerCount(header, 'entryCount')
    const valid = r.valid(rowCount, header.nullable === true)
    const keys = r.keys(spec.valueKind === 'i64' ? 'i64' : 'f64', n)
    const rowIds = r.u32(n)
    checkRowIds(rowIds, rowCount)
    return new StlSortIndex(spec, rowCount, valid, keys, rowIds)
  }

  lookup(q: IndexQuery): Bitset | undefined {
    return lookupSorted(this.view, q)
  }

  encode(): Uint8Array[] {
    const sections = new SectionWriter().valid(this.validBits).keys(this.keys).add(this.rowIds).sections
    return encodeScalarIndexPayload({ header: { ...baseHeader(this.spec, this.rowCount, this.validBits), entryCount: this.rowIds.length }, sections })
  }
}
