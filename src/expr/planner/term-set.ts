import { endianness } from 'node:os'
import { assert } from '../../common/assert.ts'
import type { ConstValue, Scalar } from '../expr-plan.ts'

/**
 * The values of an `in` list, deduplicated, as plain data that is cheap to copy between threads
 * (a plan compiled on the filter worker is structured-cloned to the main thread): the integers
 * sorted in a `BigInt64Array` and as their 32-bit halves (Int64 columns are probed by binary search,
 * no BigInt per row), the floating values sorted in a `Float64Array`, strings and booleans in
 * first-written order. The hash sets other probes need (`TermLookup`) are built from these on first
 * use, once per set, on the thread that evaluates.
 */
export interface TermSet {
  /** The distinct `int` constants, ascending. */
  readonly ints: BigInt64Array
  /** `ints` as (high signed, low unsigned) 32-bit halves, same order. */
  readonly intHi: Int32Array
  readonly intLo: Uint32Array
  /** The distinct `float` constants, ascending (-0 is stored as 0). */
  readonly floats: Float64Array
  /** The distinct strings, first-written order. */
  readonly strings: readonly string[]
  /** The distinct booleans, first-written order. */
  readonly bools: readonly boolean[]
}

// `intHi`/`intLo` are read off the BigInt64Array's bytes, as the kernels read Int64 columns.
assert(endianness() === 'LE', 'term sets assume a little-endian machine')

export function createTermSet(input: readonly Scalar[]): TermSet {
  let intCount = 0
  let floatCount = 0
  for (let i = 0; i < input.length; i++) {
    const t = input[i]!.type
    if (t === 'int') intCount++
    else if (t === 'float') floatCount++
  }
  const ints = new BigInt64Array(intCount)
  const floats = new Float64Array(floatCount)
  const strings: string[] = []
  const seenStrings = new Set<string>()
  const bools: boolean[] = []
  let k = 0
  let f = 0
  for (let i = 0; i < input.length; i++) {
    const s = input[i]!
    if (s.type === 'int') ints[k++] = s.value
    else if (s.type === 'float') floats[f++] = s.value + 0 // -0 + 0 is 0
    else if (s.type === 'string') {
      if (!seenStrings.has(s.value)) {
        seenStrings.add(s.value)
        strings.push(s.value)
      }
    } else if (!bools.includes(s.value)) bools.push(s.value)
  }
  const sortedInts = distinctSorted(ints.sort())
  const { hi, lo } = halvesOf(sortedInts)
  return { ints: sortedInts, intHi: hi, intLo: lo, floats: distinctSorted(floats.sort()), strings, bools }
}

/** The distinct values of a sorted typed array, in a new array of exactly that length. */
function distinctSorted<A extends BigInt64Array | Float64Array>(sorted: A): A {
  let n = 0
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i]!
    if (n > 0 && same(sorted[n - 1]!, v)) continue
    sorted[n++] = v
  }
  return sorted.slice(0, n) as A
}

function same(a: bigint | number, b: bigint | number): boolean {
  return a === b || (a !== a && b !== b) // NaN equals NaN, as in a Set
}

function halvesOf(ints: BigInt64Array): { hi: Int32Array; lo: Uint32Array } {
  const words = new Int32Array(ints.buffer, ints.byteOffset, ints.length * 2)
  const hi = new Int32Array(ints.length)
  const lo = new Uint32Array(ints.length)
  for (let i = 0; i < ints.length; i++) {
    lo[i] = words[2 * i]! >>> 0
    hi[i] = words[2 * i + 1]!
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

/** The hash sets of a `TermLookup`. */
export type LookupKind = 'numbers' | 'bigints' | 'strings'

/**
 * Hash sets for probes of every type, each built from the set on first use (per thread: they are
 * not part of the plan's data, so a plan cloned from the filter worker costs its evaluator only the
 * sets its columns need, and `prepareTermLookup` can build those a chunk at a time beforehand):
 * `numbers` holds each numeric value that a double represents exactly, `bigints` each integral one
 * (so a bigint or a double probe is compared exactly), `boolNumbers` the booleans as 1/0, for Bool
 * columns (stored as bytes).
 */
export class TermLookup {
  readonly #set: TermSet
  readonly #built: { numbers?: Set<number>; bigints?: Set<bigint>; strings?: Set<string> } = {}
  #bools: ReadonlySet<boolean> | undefined
  #boolNumbers: ReadonlySet<number> | undefined

  constructor(set: TermSet) {
    this.#set = set
  }

  get numbers(): ReadonlySet<number> {
    return (this.#built.numbers ??= drain(numbersInto(this.#set, new Set())))
  }

  get bigints(): ReadonlySet<bigint> {
    return (this.#built.bigints ??= drain(bigintsInto(this.#set, new Set())))
  }

  get strings(): ReadonlySet<string> {
    return (this.#built.strings ??= drain(stringsInto(this.#set, new Set())))
  }

  get bools(): ReadonlySet<boolean> {
    this.#bools ??= new Set(this.#set.bools)
    return this.#bools
  }

  get boolNumbers(): ReadonlySet<number> {
    this.#boolNumbers ??= new Set(this.#set.bools.map((b) => (b ? 1 : 0)))
    return this.#boolNumbers
  }

  /** Whether the set of `kind` is built. */
  isBuilt(kind: LookupKind): boolean {
    return this.#built[kind] !== undefined
  }

  /** Builds the set of `kind` a chunk at a time: `await pause()` runs between chunks when `due()`. */
  async build(kind: LookupKind, due: () => boolean, pause: () => Promise<void>): Promise<void> {
    if (this.isBuilt(kind)) return
    const set = this.#set
    const steps = kind === 'numbers' ? numbersInto(set, new Set()) : kind === 'bigints' ? bigintsInto(set, new Set()) : stringsInto(set, new Set())
    for (let r = steps.next(); ; r = steps.next()) {
      if (r.done === true) {
        if (!this.isBuilt(kind)) Object.assign(this.#built, { [kind]: r.value })
        return
      }
      if (due()) await pause()
    }
  }
}

/** Values added between two chances to pause (`TermLookup.build`). */
const chunkValues = 4096

/** Runs a set-building generator to its end. */
function drain<T>(steps: Generator<void, T>): T {
  for (;;) {
    const r = steps.next()
    if (r.done === true) return r.value
  }
}

const lookups = new WeakMap<TermSet, TermLookup>()

/** The set's hash sets (`TermLookup`), one per set. */
export function termLookup(set: TermSet): TermLookup {
  let l = lookups.get(set)
  if (l === undefined) {
    l = new TermLookup(set)
    lookups.set(set, l)
  }
  return l
}

/** Integers whose high half is in [-2^21, 2^21) lie within ±2^53: a double holds them exactly. */
const exactHiMin = -(2 ** 21)
const exactHiMax = 2 ** 21

function* numbersInto(set: TermSet, numbers: Set<number>): Generator<void, Set<number>> {
  const { ints, intHi, intLo, floats } = set
  for (let i = 0; i < ints.length; i++) {
    const hi = intHi[i]!
    if (hi >= exactHiMin && hi < exactHiMax) numbers.add(hi * 4294967296 + intLo[i]!)
    else {
      const v = ints[i]!
      const d = Number(v)
      if (BigInt(d) === v) numbers.add(d)
    }
    if (i % chunkValues === chunkValues - 1) yield
  }
  for (let i = 0; i < floats.length; i++) {
    numbers.add(floats[i]!)
    if (i % chunkValues === chunkValues - 1) yield
  }
  return numbers
}

function* bigintsInto(set: TermSet, bigints: Set<bigint>): Generator<void, Set<bigint>> {
  for (let i = 0; i < set.ints.length; i++) {
    bigints.add(set.ints[i]!)
    if (i % chunkValues === chunkValues - 1) yield
  }
  for (let i = 0; i < set.floats.length; i++) {
    const d = set.floats[i]!
    if (Number.isInteger(d)) bigints.add(BigInt(d))
    if (i % chunkValues === chunkValues - 1) yield
  }
  return bigints
}

function* stringsInto(set: TermSet, strings: Set<string>): Generator<void, Set<string>> {
  const list = set.strings
  for (let i = 0; i < list.length; i++) {
    strings.add(list[i]!)
    if (i % chunkValues === chunkValues - 1) yield
  }
  return strings
}

const scalarSets = new WeakMap<readonly ConstValue[], TermSet>()

/**
 * The TermSet of the scalars among `values` (a `contains` predicate's values; lists are compared
 * element-wise elsewhere), built once per values array: every segment's evaluation shares it.
 */
export function scalarTermSet(values: readonly ConstValue[]): TermSet {
  let set = scalarSets.get(values)
  if (set === undefined) {
    set = createTermSet(values.flatMap((v) => (v.type === 'list' ? [] : [v])))
    scalarSets.set(values, set)
  }
  return set
}

const valueLists = new WeakMap<TermSet, readonly Scalar[]>()

/**
 * The set's values as constants (built on first use, then kept): integers ascending, then floating
 * values ascending, strings, booleans.
 */
export function termValues(set: TermSet): readonly Scalar[] {
  let out = valueLists.get(set)
  if (out === undefined) {
    const list: Scalar[] = []
    for (let i = 0; i < set.ints.length; i++) list.push({ type: 'int', value: set.ints[i]! })
    for (let i = 0; i < set.floats.length; i++) list.push({ type: 'float', value: set.floats[i]! })
    for (const value of set.strings) list.push({ type: 'string', value })
    for (const value of set.bools) list.push({ type: 'bool', value })
    out = list
    valueLists.set(set, out)
  }
  return out
}

/** How many distinct values the set holds. */
export function termCount(set: TermSet): number {
  return set.ints.length + set.floats.length + set.strings.length + set.bools.length
}

/** Whether a JSON or array element value (number, bigint, string, boolean) is in the set. */
export function hasValue(lookup: TermLookup, v: unknown): boolean {
  switch (typeof v) {
    case 'number':
      return lookup.numbers.has(v)
    case 'bigint':
      return lookup.bigints.has(v)
    case 'string':
      return lookup.strings.has(v)
    case 'boolean':
      return lookup.bools.has(v)
    default:
      return false
  }
}
