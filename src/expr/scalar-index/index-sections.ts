import { Bitset } from '../../common/bitset.ts'
import { type IndexKeys, keyCount } from './index-keys.ts'
import { corrupt, decodeStrings, encodeStrings, type ScalarIndexSection } from './scalar-index-codec.ts'

/** Appends an index's parts as codec sections, in the order `SectionReader` takes them back. */
export class SectionWriter {
  readonly sections: ScalarIndexSection[] = []

  add(s: ScalarIndexSection): this {
    this.sections.push(s)
    return this
  }

  keys(keys: IndexKeys): this {
    if (keys.kind !== 'str') return this.add(keys.values)
    const { bytes, offsets } = encodeStrings(keys.values)
    return this.add(bytes).add(offsets)
  }

  /** The validity words, when the column has nulls at all. */
  valid(bits: Bitset | null): this {
    return bits === null ? this : this.add(bits.words)
  }
}

/** Reads sections back, checking each one's type and length (a mismatch is a 2100 corruption error). */
export class SectionReader {
  private readonly sections: readonly ScalarIndexSection[]
  private at = 0

  constructor(sections: readonly ScalarIndexSection[]) {
    this.sections = sections
  }

  u32(length?: number): Uint32Array {
    return this.take(Uint32Array, length)
  }

  u8(length?: number): Uint8Array {
    return this.take(Uint8Array, length)
  }

  /** Keys of `kind`, `count` of them, checked to be sorted (the lookups' binary searches rely on it). */
  keys(kind: IndexKeys['kind'], count: number): IndexKeys {
    const keys: IndexKeys =
      kind === 'f64'
        ? { kind, values: this.take(Float64Array, count) }
        : kind === 'i64'
          ? { kind, values: this.take(BigInt64Array, count) }
          : { kind, values: decodeStrings(this.u8(), this.u32(count + 1)) }
    if (!isSorted(keys)) throw corrupt('keys are not sorted')
    return keys
  }

  valid(rowCount: number, present: boolean): Bitset | null {
    return present ? new Bitset(rowCount, this.u32((rowCount + 31) >>> 5)) : null
  }

  /** Asserts every section was read. */
  end(): void {
    if (this.at !== this.sections.length) throw corrupt(`${this.sections.length - this.at} unexpected sections`)
  }

  private take<T extends ScalarIndexSection>(type: { new (...a: never[]): T; readonly name: string }, length?: number): T {
    const s = this.sections[this.at++]
    if (!(s instanceof type)) throw corrupt(`section ${this.at - 1} is not a ${type.name}`)
    if (length !== undefined && s.length !== length) throw corrupt(`section ${this.at - 1} has ${s.length} elements, expected ${length}`)
    return s
  }
}

function isSorted(keys: IndexKeys): boolean {
  const v = keys.values as ArrayLike<number | bigint | string>
  for (let i = 0; i < keyCount(keys); i++) {
    const x = v[i]!
    if (x !== x || (i > 0 && x < v[i - 1]!)) return false
  }
  return true
}
