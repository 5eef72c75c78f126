import type { Scalar } from '../expr-plan.ts'

/**
 * The values of an `in` list, deduplicated and prepared for every kind of probe:
 * `numbers` holds each numeric value that a double represents exactly, `bigints` each integral one
 * (so a bigint or a double probe is compared exactly), and `intHi`/`intLo` the integers sorted by
 * their 32-bit halves, for Int64 columns probed without making a BigInt per row.
 */
export interface TermSet {
  readonly values: readonly Scalar[]
  readonly numbers: ReadonlySet<number>
  readonly bigints: ReadonlySet<bigint>
  readonly strings: ReadonlySet<string>
  readonly bools: ReadonlySet<boolean>
  /** The booleans as 1/0, for Bool columns (stored as bytes). */
  readonly boolNumbers: ReadonlySet<number>
  readonly intHi: Int32Array
  readonly intLo: Uint32Array
}

export function createTermSet(input: readonly Scalar[]): TermSet {
  const values: Scalar[] = []
  const seen = new Set<unknown>()
  const numbers = new Set<number>()
  const bigints = new Set<bigint>()
  const strings = new Set<string>()
  const bools = new Set<boolean>()
  for (const s of input) {
    if (seen.has(s.value)) continue
    seen.add(s.value)
    values.push(s)
    if (s.type === 'string') strings.add(s.value)
    else if (s.type === 'bool') bools.add(s.value)
    else addNumber(s.value, numbers, bigints)
  }
  const ints = values.flatMap((s) => (s.type === 'int' ? [s.value] : []))
  const { hi, lo } = sortedHalves(ints)
  const boolNumbers = new Set([...bools].map((b) => (b ? 1 : 0)))
  return { values, numbers, bigints, strings, bools, boolNumbers, intHi: hi, intLo: lo }
}

function addNumber(v: number | bigint, numbers: Set<number>, bigints: Set<bigint>): void {
  if (typeof v === 'bigint') {
    bigints.add(v)
    const d = Number(v)
    if (Number.isFinite(d) && BigInt(d) === v) numbers.add(d)
    return
  }
  numbers.add(v)
  if (Number.isInteger(v)) bigints.add(BigInt(v))
}

function sortedHalves(ints: bigint[]): { hi: Int32Array; lo: Uint32Array } {
  const sorted = [...new Set(ints)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const hi = new Int32Array(sorted.length)
  const lo = new Uint32Array(sorted.length)
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i]!
    hi[i] = Number(BigInt.asIntN(32, v >> 32n))
    lo[i] = Number(BigInt.asUintN(32, v))
  }
  return { hi, lo }
}

/** Whether the int64 with halves (hi signed, lo unsigned) is in the set; binary search, no BigInt. */
export function hasInt64(set: TermSet, hi: number, lo: number): boolean {
  const H = set.intHi
  const L = set.intLo
  let a = 0
  let b = H.length - 1
  while (a <= b) {
    const m = (a + b) >>> 1
    const h = H[m]!
    const l = L[m]!
    if (h === hi && l === lo) return true
    if (h < hi || (h === hi && l < lo)) a = m + 1
    else b = m - 1
  }
  return false
}

/** Whether a JSON or array element value (number, bigint, string, boolean) is in the set. */
export function hasValue(set: TermSet, v: unknown): boolean {
  switch (typeof v) {
    case 'number':
      return set.numbers.has(v)
    case 'bigint':
      return set.bigints.has(v)
    case 'string':
      return set.strings.has(v)
    case 'boolean':
      return set.bools.has(v)
    default:
      return false
  }
}
