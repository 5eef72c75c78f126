import { Bitset } from '../../common/bitset.ts'
import type { ConstValue, PredicatePlan } from '../expr-plan.ts'
import { hasValue, scalarTermSet, termLookup } from '../planner/term-set.ts'
import { type ColumnSource, readColumn } from './column-access.ts'
import { resolveJsonPath } from './json-path.ts'
import { leafTruth, type Truth } from './truth.ts'

/** `exists path`: present and not JSON null; unknown on a null column. */
export function evalExists(p: PredicatePlan & { kind: 'exists' }, src: ColumnSource, wantFalse: boolean): Truth {
  const c = readColumn(src, p.column, 'json')
  const n = src.rowCount
  const holds = new Bitset(n)
  const w = holds.words
  for (let i = 0; i < n; i++) {
    const v = resolveJsonPath(c.values[i], p.path)
    if (v !== undefined && v !== null) w[i >>> 5]! |= 1 << (i & 31)
  }
  return leafTruth(holds, c.validBits, wantFalse)
}

/** Column-level null test; never unknown. */
export function evalIsNull(p: PredicatePlan & { kind: 'isNull' }, src: ColumnSource): Truth {
  const n = src.rowCount
  const c = src.column(p.column)
  const valid = c === undefined ? (p.column === '$meta' ? null : new Bitset(n)) : 'validBits' in c ? c.validBits : null
  const isNull = valid === null ? new Bitset(n) : Bitset.full(n).andNot(valid)
  return { t: p.negated ? isNull.not() : isNull, f: null }
}

/** `json_contains` / `array_contains` and their `_all` / `_any` forms. */
export function evalContains(p: PredicatePlan & { kind: 'contains' }, src: ColumnSource, wantFalse: boolean): Truth {
  const n = src.rowCount
  const holds = new Bitset(n)
  const w = holds.words
  const source = p.source
  const c = source.kind === 'array' ? readColumn(src, source.column, 'array') : readColumn(src, source.column, 'json')
  const path = source.kind === 'json' ? source.path : []
  const test = containsTest(p.mode, p.values)
  for (let i = 0; i < n; i++) {
    const arr = path.length === 0 ? c.values[i] : resolveJsonPath(c.values[i], path)
    if (Array.isArray(arr) && test(arr)) w[i >>> 5]! |= 1 << (i & 31)
  }
  return leafTruth(holds, c.validBits, wantFalse)
}

/** The per-row test, chosen once: scalars go through a TermSet, lists compare element-wise. */
function containsTest(mode: 'one' | 'all' | 'any', values: readonly ConstValue[]): (arr: readonly unknown[]) => boolean {
  const lists = values.filter((v) => v.type === 'list')
  const set = termLookup(scalarTermSet(values))
  const hasAny = (arr: readonly unknown[]) => {
    for (let k = 0; k < arr.length; k++) if (hasValue(set, arr[k])) return true
    for (const l of lists) if (arr.some((e) => equalsConst(e, l))) return true
    return false
  }
  if (mode !== 'all') return hasAny
  return (arr) => {
    if (values.length === 0) return true
    const present = new Set<unknown>()
    for (let k = 0; k < arr.length; k++) present.add(numericKey(arr[k]))
    return values.every((v) => (v.type === 'list' ? arr.some((e) => equalsConst(e, v)) : present.has(numericKey(v.value))))
  }
}

/** Numbers and bigints that are equal map to the same key; other values to themselves. */
function numericKey(v: unknown): unknown {
  if (typeof v === 'bigint') {
    const d = Number(v)
    return BigInt(d) === v ? d : v
  }
  return v
}

/** A JSON value equals a constant: numbers exactly across int/float, lists element-wise. */
export function equalsConst(e: unknown, c: ConstValue): boolean {
  if (c.type === 'list') {
    if (!Array.isArray(e) || e.length !== c.items.length) return false
    for (let k = 0; k < e.length; k++) if (!equalsConst(e[k], c.items[k]!)) return false
    return true
  }
  if (c.type === 'int' || c.type === 'float') return (typeof e === 'number' || typeof e === 'bigint') && e == c.value
  return e === c.value
}
