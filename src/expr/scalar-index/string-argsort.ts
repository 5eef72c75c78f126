import { radixArgsort } from './radix-argsort.ts'

/** Runs shorter than this are finished with a comparison sort. */
const comparisonRunMax = 48
/** UTF-16 code units per radix digit group: four 16-bit units make one 64-bit key. */
const unitsPerLevel = 4

/**
 * The permutation that sorts `values` by UTF-16 code units (the order of JS `<`), stable. An MSD
 * radix sort on 64-bit keys of four code units at a time (a missing unit counts as 0): each level
 * radix-sorts a run of strings that agree on all earlier units, then descends into runs that still
 * tie; strings that tie on every unit they have differ only in length (the shorter one is a prefix
 * of the longer, padded with U+0000) and are ordered by length. No hash map, no comparator calls
 * except on short runs.
 */
export function stringArgsort(values: readonly string[]): Uint32Array {
  const n = values.length
  const perm = new Uint32Array(n)
  for (let i = 0; i < n; i++) perm[i] = i
  const stack: number[] = [0, n, 0]
  while (stack.length > 0) {
    const level = stack.pop()!
    const to = stack.pop()!
    const from = stack.pop()!
    if (to - from < 2) continue
    if (to - from <= comparisonRunMax) {
      perm.subarray(from, to).sort((a, b) => compareStrings(values, a, b))
      continue
    }
    sortLevel(values, perm, from, to, level, stack)
  }
  return perm
}

function compareStrings(values: readonly string[], a: number, b: number): number {
  const x = values[a]!
  const y = values[b]!
  return x < y ? -1 : x > y ? 1 : a - b
}

/** Sorts perm[from, to) by the units of `level`, then queues the runs that still tie (or orders them by length). */
function sortLevel(values: readonly string[], perm: Uint32Array, from: number, to: number, level: number, stack: number[]): void {
  const m = to - from
  const at = level * unitsPerLevel
  const hi = new Uint32Array(m)
  const lo = new Uint32Array(m)
  for (let j = 0; j < m; j++) {
    const s = values[perm[from + j]!]!
    hi[j] = ((unit(s, at) << 16) | unit(s, at + 1)) >>> 0
    lo[j] = ((unit(s, at + 2) << 16) | unit(s, at + 3)) >>> 0
  }
  const order = radixArgsort(lo, hi, m)
  const slice = perm.slice(from, to)
  const sortedHi = new Uint32Array(m)
  const sortedLo = new Uint32Array(m)
  for (let j = 0; j < m; j++) {
    const p = order[j]!
    perm[from + j] = slice[p]!
    sortedHi[j] = hi[p]!
    sortedLo[j] = lo[p]!
  }
  for (let start = 0, j = 1; j <= m; j++) {
    if (j < m && sortedHi[j] === sortedHi[start] && sortedLo[j] === sortedLo[start]) continue
    if (j - start > 1) tieRun(values, perm, from + start, from + j, at + unitsPerLevel, level + 1, stack)
    start = j
  }
}

/** A run equal on every unit before `end`: strings longer than that go one level deeper; otherwise order by length. */
function tieRun(values: readonly string[], perm: Uint32Array, from: number, to: number, end: number, next: number, stack: number[]): void {
  let longer = false
  let sameLength = true
  const len0 = values[perm[from]!]!.length
  for (let j = from; j < to; j++) {
    const len = values[perm[j]!]!.length
    if (len > end) longer = true
    if (len !== len0) sameLength = false
  }
  if (longer) stack.push(from, to, next)
  else if (!sameLength) perm.subarray(from, to).sort((a, b) => values[a]!.length - values[b]!.length || a - b)
}

function unit(s: string, i: number): number {
  return i < s.length ? s.charCodeAt(i) : 0
}
