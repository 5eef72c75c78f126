import type { Bitset } from '../../common/bitset.ts'
import type { Column } from '../../column/column.ts'
import { type Dictionary, dictionaryOf } from './dictionary.ts'
import { type IndexKeys, keyCount } from './index-keys.ts'
import { SectionWriter, type SectionReader } from './index-sections.ts'
import { checkRowIds, validityOf } from './index-validity.ts'
import { listPostings } from './postings.ts'
import { corrupt, encodeScalarIndexPayload } from './scalar-index-codec.ts'
import { baseHeader, headerCount, type ScalarIndex, type ScalarIndexSpec } from './scalar-index-spec.ts'
import { sortedEntriesOf } from './sorted-entries.ts'
import { createSortedView, type IndexQuery, lookupSorted, type SortedView } from './sorted-lookup.ts'

/**
 * A term dictionary with posting lists: the distinct values sorted, and for each the ascending
 * rows that hold it (for Array fields: the rows with that element). INVERTED and Trie are this
 * structure; they differ in the fields they accept.
 */
export class DictionaryIndex implements ScalarIndex {
  readonly spec: ScalarIndexSpec
  readonly rowCount: number
  readonly validBits: Bitset | null
  readonly sizeBytes: number
  private readonly dict: Dictionary
  private readonly view: SortedView

  constructor(spec: ScalarIndexSpec, rowCount: number, validBits: Bitset | null, dict: Dictionary) {
    this.spec = spec
    this.rowCount = rowCount
    this.validBits = validBits
    this.dict = dict
    this.view = createSortedView(spec, rowCount, validBits, dict.keys, listPostings(dict.offsets, dict.rowIds), dict.rowIds.length)
    this.sizeBytes = keyBytes(dict.keys) + dict.offsets.byteLength + dict.rowIds.byteLength + (validBits?.words.byteLength ?? 0)
  }

  static build(spec: ScalarIndexSpec, column: Column, rowCount: number): DictionaryIndex {
    return new DictionaryIndex(spec, rowCount, validityOf(column, rowCount), dictionaryOf(sortedEntriesOf(column, rowCount, spec.valueKind)))
  }

  static decode(spec: ScalarIndexSpec, rowCount: number, header: Readonly<Record<string, unknown>>, r: SectionReader): DictionaryIndex {
    const valid = r.valid(rowCount, header.nullable === true)
    return new DictionaryIndex(spec, rowCount, valid, readDictionary(spec, header, r, rowCount))
  }

  /** Number of distinct values. */
  get cardinality(): number {
    return keyCount(this.dict.keys)
  }

  lookup(q: IndexQuery): Bitset | undefined {
    return lookupSorted(this.view, q)
  }

  encode(): Uint8Array[] {
    const w = new SectionWriter().valid(this.validBits)
    writeDictionary(this.dict, w)
    return encodeScalarIndexPayload({ header: { ...baseHeader(this.spec, this.rowCount, this.validBits), ...dictionaryHeader(this.dict) }, sections: w.sections })
  }
}

export function dictionaryHeader(d: Dictionary): Record<string, number> {
  return { keyCount: keyCount(d.keys), entryCount: d.rowIds.length }
}

export function writeDictionary(d: Dictionary, w: SectionWriter): void {
  w.keys(d.keys).add(d.offsets).add(d.rowIds)
}

/** Reads a dictionary back and checks its offsets and row ids (2100 when they do not fit). */
export function readDictionary(spec: ScalarIndexSpec, header: Readonly<Record<string, unknown>>, r: SectionReader, rowCount: number): Dictionary {
  const m = headerCount(header, 'keyCount')
  const n = headerCount(header, 'entryCount')
  const keys = r.keys(spec.valueKind === 'i64' ? 'i64' : spec.valueKind === 'str' ? 'str' : 'f64', m)
  const offsets = r.u32(m + 1)
  const rowIds = r.u32(n)
  if (offsets[0] !== 0 || offsets[m] !== n) throw corrupt('posting offsets do not cover the entries')
  for (let t = 0; t < m; t++) if (offsets[t]! > offsets[t + 1]!) throw corrupt('posting offsets decrease')
  checkRowIds(rowIds, rowCount)
  return { keys, offsets, rowIds }
}

/** Memory of keys: typed arrays exactly, strings as UTF-16 plus a pointer each. */
export function keyBytes(keys: IndexKeys): number {
  if (keys.kind !== 'str') return keys.values.byteLength
  let n = 0
  for (const s of keys.values) n += 2 * s.length + 16
  return n
}
