import { hasInt64, hasValue, type TermSet, termLookup } from '../planner/term-set.ts'
import type { NumArray } from './vector.ts'

/* `in` kernels: set bit i of `out` when row i's value is in the set. */

/** `numbers`: the set's `numbers`, or its `boolNumbers` for a Bool column. */
export function inNumbers(values: NumArray, n: number, numbers: ReadonlySet<number>, out: Uint32Array): void {
  for (let i = 0; i < n; i++) if (numbers.has(values[i]!)) out[i >>> 5]! |= 1 << (i & 31)
}

/** Int64 rows by binary search over the set's sorted 32-bit halves: no BigInt per row. */
export function inInt64(words: Int32Array, n: number, set: TermSet, out: Uint32Array): void {
  if (set.intHi.length === 0) return
  for (let i = 0; i < n; i++) {
    if (hasInt64(set, words[2 * i + 1]!, words[2 * i]! >>> 0)) out[i >>> 5]! |= 1 << (i & 31)
  }
}

export function inStrings(values: readonly string[], n: number, set: TermSet, out: Uint32Array): void {
  const strings = termLookup(set).strings
  for (let i = 0; i < n; i++) if (strings.has(values[i]!)) out[i >>> 5]! |= 1 << (i & 31)
}

export function inValues(values: readonly unknown[], n: number, set: TermSet, out: Uint32Array): void {
  const lookup = termLookup(set)
  for (let i = 0; i < n; i++) if (hasValue(lookup, values[i])) out[i >>> 5]! |= 1 << (i & 31)
}
