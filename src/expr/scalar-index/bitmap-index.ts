import type { Bitset } from '../../common/bitset.ts'
import type { Column } from '../../column/column.ts'
import { dictionaryOf } from './dictionary.ts'
import { keyBytes } from './dictionary-index.ts'
import { type IndexKeys, keyCount } from './index-keys.ts'
import { SectionWriter, type SectionReader } from './index-sections.ts'
import { checkRowIds, validityOf } from './index-validity.ts'
import { clearRowIds, type Postings, setRowIds } from './postings.ts'
import { corrupt, encodeScalarIndexPayload } from './scalar-index-codec.ts'
import { baseHeader, headerCount, type ScalarIndex, type ScalarIndexSpec } from './scalar-index-spec.ts'
import { sortedEntriesOf } from './sorted-entries.ts'
import { createSortedView, type IndexQuery, lookupSorted, type SortedView } from './sorted-lookup.ts'

/**
 * Up to this many distinct values every value gets a dense bitset (Milvus:
 * `DEFAULT_BITMAP_INDEX_BUILD_MODE_BOUND`, its switch from plain bitsets to roaring bitmaps).
 */
export const bitmapDenseCardinalityMax = 500
/** Above it, a value gets a dense bitset when it covers at least 1/32 of the rows (then the bitset is smaller than its row list), else a row list — as roaring's containers choose. */
const denseRowsShift = 5
const sparse = 0xffffffff

/** A BITMAP index's parts: per distinct key either a dense bitset (`slot`) or a row list. */
interface BitmapParts {
  readonly keys: IndexKeys
  /** Cumulative entry counts per key (m + 1). */
  readonly entryOffsets: Uint32Array
  /** Per key, its dense bitset's number, or `sparse`. */
  readonly slots: Uint32Array
  /** The dense bitsets end to end, `wordsPerBitset` words each. */
  readonly denseWords: Uint32Array
  /** Per key, its rows in `sparseRowIds` (empty for dense keys). */
  readonly sparseOffsets: Uint32Array
  readonly sparseRowIds: Uint32Array
}

/**
 * BITMAP (Milvus `BitmapIndex`): one bitset per distinct value, so `==`, `in` and `array_contains`
 * are word-wise ORs of a few bitsets. For low-cardinality Bool, integer, VarChar and Array
 * (bool/int/VarChar element) fields, never on the primary key; Float/Double and JSON are rejected.
 */
export class BitmapIndex implements ScalarIndex {
  readonly spec: ScalarIndexSpec
  readonly rowCount: number
  readonly validBits: Bitset | null
  readonly sizeBytes: number
  private readonly parts: BitmapParts
  private readonly view: SortedView

  constructor(spec: ScalarIndexSpec, rowCount: number, validBits: Bitset | null, parts: BitmapParts) {
    this.spec = spec
    this.rowCount = rowCount
    this.validBits = validBits
    this.parts = parts
    const m = keyCount(parts.keys)
    this.view = createSortedView(spec, rowCount, validBits, parts.keys, bitmapPostings(parts, rowCount), parts.entryOffsets[m]!)
    this.sizeBytes =
      keyBytes(parts.keys) + parts.entryOffsets.byteLength + parts.slots.byteLength + parts.denseWords.byteLength +
      parts.sparseOffsets.byteLength + parts.sparseRowIds.byteLength + (validBits?.words.byteLength ?? 0)
  }

  static build(spec: ScalarIndexSpec, column: Column, rowCount: number): BitmapIndex {
    const d = dictionaryOf(sortedEntriesOf(column, rowCount, spec.valueKind))
    const m = keyCount(d.keys)
    const wordsPer = (rowCount + 31) >>> 5
    const isDense = (t: number) => m <= bitmapDenseCardinalityMax || (d.offsets[t + 1]! - d.offsets[t]!) << denseRowsShift >= rowCount
    const slots = new Uint32Array(m)
    const sparseOffsets = new Uint32Array(m + 1)
    let denseCount = 0
    for (let t = 0; t < m; t++) {
      const dense = isDense(t)
      slots[t] = dense ? denseCount++ : sparse
      sparseOffsets[t + 1] = sparseOffsets[t]! + (dense ? 0 : d.offsets[t + 1]! - d.offsets[t]!)
    }
    const denseWords = new Uint32Array(denseCount * wordsPer)
    const sparseRowIds = new Uint32Array(sparseOffsets[m]!)
    for (let t = 0; t < m; t++) {
      const from = d.offsets[t]!
      const to = d.offsets[t + 1]!
      if (slots[t] === sparse) sparseRowIds.set(d.rowIds.subarray(from, to), sparseOffsets[t]!)
      else setRowIds(d.rowIds, from, to, denseWords.subarray(slots[t]! * wordsPer, (slots[t]! + 1) * wordsPer))
    }
    const parts = { keys: d.keys, entryOffsets: d.offsets, slots, denseWords, sparseOffsets, sparseRowIds }
    return new BitmapIndex(spec, rowCount, validityOf(column, rowCount), parts)
  }

  static decode(spec: ScalarIndexSpec, rowCount: number, header: Readonly<Record<string, unknown>>, r: SectionReader): BitmapIndex {
    const m = headerCount(header, 'keyCount')
    const denseCount = headerCount(header, 'denseCount')
    const valid = r.valid(rowCount, header.nullable === true)
    const keys = r.keys(spec.valueKind === 'i64' ? 'i64' : spec.valueKind === 'str' ? 'str' : 'f64', m)
    const entryOffsets = r.u32(m + 1)
    const slots = r.u32(m)
    const denseWords = r.u32(denseCount * ((rowCount + 31) >>> 5))
    const sparseOffsets = r.u32(m + 1)
    const sparseRowIds = r.u32()
    const parts = { keys, entryOffsets, slots, denseWords, sparseOffsets, sparseRowIds }
    checkParts(parts, denseCount, rowCount)
    return new BitmapIndex(spec, rowCount, valid, parts)
  }

  lookup(q: IndexQuery): Bitset | undefined {
    return lookupSorted(this.view, q)
  }

  encode(): Uint8Array[] {
    const p = this.parts
    const sections = new SectionWriter().valid(this.validBits).keys(p.keys).add(p.entryOffsets).add(p.slots).add(p.denseWords).add(p.sparseOffsets).add(p.sparseRowIds).sections
    const wordsPer = (this.rowCount + 31) >>> 5
    const header = { ...baseHeader(this.spec, this.rowCount, this.validBits), keyCount: keyCount(p.keys), denseCount: wordsPer === 0 ? 0 : p.denseWords.length / wordsPer }
    return encodeScalarIndexPayload({ header, sections })
  }
}

/** Dense keys OR/AND-NOT their bitsets word-wise; the sparse keys of a range are one contiguous run of row ids. */
function bitmapPostings(p: BitmapParts, rowCount: number): Postings {
  const wordsPer = (rowCount + 31) >>> 5
  const dense = p.denseWords
  return {
    entryCount: (from, to) => p.entryOffsets[to]! - p.entryOffsets[from]!,
    addRows: (from, to, out) => {
      const w = out.words
      setRowIds(p.sparseRowIds, p.sparseOffsets[from]!, p.sparseOffsets[to]!, w)
      for (let t = from; t < to; t++) {
        if (p.slots[t] === sparse) continue
        const at = p.slots[t]! * wordsPer
        for (let i = 0; i < wordsPer; i++) w[i]! |= dense[at + i]!
      }
    },
    clearRows: (from, to, out) => {
      const w = out.words
      clearRowIds(p.sparseRowIds, p.sparseOffsets[from]!, p.sparseOffsets[to]!, w)
      for (let t = from; t < to; t++) {
        if (p.slots[t] === sparse) continue
        const at = p.slots[t]! * wordsPer
        for (let i = 0; i < wordsPer; i++) w[i]! &= ~dense[at + i]!
      }
    },
  }
}

function checkParts(p: BitmapParts, denseCount: number, rowCount: number): void {
  const m = p.slots.length
  if (p.entryOffsets[0] !== 0 || p.sparseOffsets[0] !== 0 || p.sparseOffsets[m] !== p.sparseRowIds.length) throw corrupt('bitmap offsets do not cover the entries')
  for (let t = 0; t < m; t++) {
    if (p.entryOffsets[t]! > p.entryOffsets[t + 1]! || p.sparseOffsets[t]! > p.sparseOffsets[t + 1]!) throw corrupt('bitmap offsets decrease')
    if (p.slots[t] !== sparse && p.slots[t]! >= denseCount) throw corrupt('bitmap slot out of range')
  }
  checkRowIds(p.sparseRowIds, rowCount)
  const tail = rowCount & 31
  const wordsPer = (rowCount + 31) >>> 5
  if (tail !== 0) {
    const mask = ~((1 << tail) - 1)
    for (let s = 0; s < denseCount; s++) if ((p.denseWords[(s + 1) * wordsPer - 1]! & mask) !== 0) throw corrupt('bitmap bits past the last row')
  }
}

