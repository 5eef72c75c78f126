import { Bitset } from '../../common/bitset.ts'
import type { CompareOp } from '../expr-node.ts'
import type { ConstValue, Scalar } from '../expr-plan.ts'
import { type LikeMatcher, likeMatches } from '../planner/like-pattern.ts'
import { createTermSet, scalarTermSet, type TermSet, termLookup } from '../planner/term-set.ts'
import { type IndexKey, type IndexKeys, keyCount, lowerBound, prefixRange, upperBound } from './index-keys.ts'
import type { Postings } from './postings.ts'
import type { ValueKind } from './sorted-entries.ts'

/** A leaf of a filter plan on an indexed field, as an index answers it. */
export type IndexQuery =
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly constant: Scalar }
  | { readonly kind: 'in'; readonly set: TermSet }
  | { readonly kind: 'like'; readonly matcher: LikeMatcher }
  /** `array_contains` (`one`), `_all`, `_any` on an Array field. */
  | { readonly kind: 'contains'; readonly mode: 'one' | 'all' | 'any'; readonly values: readonly ConstValue[] }

/** What every index type shares: sorted keys, their rows, the rows that are not null. */
export interface SortedView {
  readonly rowCount: number
  readonly valueKind: ValueKind
  /** An Array field: a row has an entry per distinct element. */
  readonly multiValued: boolean
  readonly keys: IndexKeys
  readonly postings: Postings
  /** 1 = the row is not null; null = no row is. */
  readonly validBits: Bitset | null
  /** Single-valued and every non-null row has exactly one entry (no NaN): wide ranges may be answered by complement. */
  readonly complementable: boolean
}

/**
 * The rows where `q` is true, exactly as the column scan finds them, null rows never; a fresh
 * bitset of `rowCount` bits. Undefined when the query does not fit the index (another value kind,
 * a comparison on an Array field, a NaN probe): the caller scans.
 */
export function lookupSorted(view: SortedView, q: IndexQuery): Bitset | undefined {
  switch (q.kind) {
    case 'compare':
      return view.multiValued ? undefined : compare(view, q.op, q.constant)
    case 'in': {
      if (view.multiValued) return undefined
      const probes = probeKeys(view.valueKind, q.set, 'in')
      return probes === undefined ? undefined : rowsOfKeys(view, probes)
    }
    case 'like':
      return view.multiValued || view.valueKind !== 'str' ? undefined : like(view, q.matcher)
    case 'contains':
      return view.multiValued ? contains(view, q.mode, q.values) : undefined
  }
}

function compare(view: SortedView, op: CompareOp, c: Scalar): Bitset | undefined {
  const k = keyOf(view.valueKind, c)
  if (k === undefined) return undefined
  const lb = lowerBound(view.keys, k)
  const ub = upperBound(view.keys, k)
  const m = keyCount(view.keys)
  switch (op) {
    case '==':
      return rowsIn(view, lb, ub)
    case '<':
      return rowsIn(view, 0, lb)
    case '<=':
      return rowsIn(view, 0, ub)
    case '>':
      return rowsIn(view, ub, m)
    case '>=':
      return rowsIn(view, lb, m)
    case '!=': {
      // Every non-null row but the equal ones: NaN rows too (unordered is `!=`), as the scan.
      const out = validRows(view)
      view.postings.clearRows(lb, ub, out)
      return out
    }
  }
}

/** The constant in the keys' representation, as the scan converts it; undefined if it does not fit. */
function keyOf(kind: ValueKind, c: Scalar): IndexKey | undefined {
  switch (kind) {
    case 'bool':
      return c.type === 'bool' ? (c.value ? 1 : 0) : undefined
    case 'num': {
      if (c.type !== 'int' && c.type !== 'float') return undefined
      const v = Number(c.value)
      return v === v ? v : undefined
    }
    case 'i64':
      return c.type === 'int' ? c.value : undefined
    case 'str':
      return c.type === 'string' ? c.value : undefined
  }
}

/**
 * The keys to look up for a set: for `in` on a column the ones the scan kernels test (`boolNumbers`,
 * `numbers`, the integers, `strings`); for array elements those `hasValue` tests (`bools`,
 * `numbers`, `bigints`, `strings`). Undefined for a NaN probe (binary search cannot find it).
 */
function probeKeys(kind: ValueKind, set: TermSet, use: 'in' | 'element'): IndexKey[] | undefined {
  switch (kind) {
    case 'bool':
      return set.bools.map((b) => (b ? 1 : 0))
    case 'num': {
      const keys = [...termLookup(set).numbers]
      return keys.some((k) => k !== k) ? undefined : keys
    }
    case 'i64':
      return use === 'in' ? Array.from(set.ints) : [...termLookup(set).bigints]
    case 'str':
      return [...set.strings]
  }
}

function rowsOfKeys(view: SortedView, probes: readonly IndexKey[]): Bitset {
  const out = new Bitset(view.rowCount)
  for (const k of probes) {
    const lb = lowerBound(view.keys, k)
    const ub = upperBound(view.keys, k)
    if (lb < ub) view.postings.addRows(lb, ub, out)
  }
  return out
}

/** Rows of positions [from, to); by complement when that touches fewer entries. */
function rowsIn(view: SortedView, from: number, to: number): Bitset {
  const p = view.postings
  const m = keyCount(view.keys)
  if (view.complementable && 2 * p.entryCount(from, to) > p.entryCount(0, m)) {
    const out = validRows(view)
    if (from > 0) p.clearRows(0, from, out)
    if (to < m) p.clearRows(to, m, out)
    return out
  }
  const out = new Bitset(view.rowCount)
  if (from < to) p.addRows(from, to, out)
  return out
}

function validRows(view: SortedView): Bitset {
  return view.validBits === null ? Bitset.full(view.rowCount) : view.validBits.clone()
}

function like(view: SortedView, m: LikeMatcher): Bitset {
  const keys = view.keys as IndexKeys & { kind: 'str' }
  switch (m.kind) {
    case 'exact':
      return rowsIn(view, lowerBound(keys, m.text), upperBound(keys, m.text))
    case 'prefix': {
      const [from, to] = prefixRange(keys, m.text)
      return rowsIn(view, from, to)
    }
    case 'any':
      return validRows(view)
    default:
      return likeByKeys(view, keys.values, m)
  }
}

/** Other patterns: the matcher runs once per distinct key, runs of matching keys become one range. */
function likeByKeys(view: SortedView, keys: readonly string[], m: LikeMatcher): Bitset {
  const out = new Bitset(view.rowCount)
  let start = -1
  let hit = false
  for (let j = 0; j <= keys.length; j++) {
    if (j < keys.length) hit = j > 0 && keys[j] === keys[j - 1] ? hit : likeMatches(m, keys[j]!)
    const on = j < keys.length && hit
    if (on && start < 0) start = j
    if (!on && start >= 0) {
      view.postings.addRows(start, j, out)
      start = -1
    }
  }
  return out
}

/** `array_contains*`: per element value the rows holding it; `any` unions them, `all` intersects. */
function contains(view: SortedView, mode: 'one' | 'all' | 'any', values: readonly ConstValue[]): Bitset | undefined {
  const scalars = values.flatMap((v) => (v.type === 'list' ? [] : [v]))
  if (mode !== 'all') {
    const probes = probeKeys(view.valueKind, scalarTermSet(values), 'element')
    return probes === undefined ? undefined : rowsOfKeys(view, probes)
  }
  if (values.length === 0) return validRows(view)
  // A list never equals a scalar element, so `all` with a list holds nowhere.
  if (scalars.length < values.length) return new Bitset(view.rowCount)
  let out: Bitset | undefined
  for (const v of scalars) {
    const probes = probeKeys(view.valueKind, createTermSet([v]), 'element')
    if (probes === undefined) return undefined
    const rows = rowsOfKeys(view, probes)
    out = out === undefined ? rows : out.and(rows)
  }
  return out!
}

/** A view over an index's parts; `entryTotal` decides whether wide ranges may be answered by complement. */
export function createSortedView(
  spec: { readonly valueKind: ValueKind; readonly multiValued: boolean },
  rowCount: number,
  validBits: Bitset | null,
  keys: IndexKeys,
  postings: Postings,
  entryTotal: number,
): SortedView {
  const validCount = validBits === null ? rowCount : validBits.count()
  return {
    rowCount,
    valueKind: spec.valueKind,
    multiValued: spec.multiValued,
    keys,
    postings,
    validBits,
    complementable: !spec.multiValued && entryTotal === validCount,
  }
}
