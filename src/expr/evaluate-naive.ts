import { assertNever } from '../common/assert.ts'
import { Bitset } from '../common/bitset.ts'
import type { Column } from '../column/column.ts'
import { META_FIELD } from '../schema/collection-schema.ts'
import type { CompareOp, PathKey } from './expr-node.ts'
import type { ArraySource, ConstValue, ExprPlan, PhraseMatchPlan, PredicatePlan, Scalar, TextMatchPlan, ValuePlan } from './expr-plan.ts'
import { analyzerOf } from '../text/text-index-cache.ts'
import { phraseHolds } from '../text/text-index.ts'
import type { ColumnSource } from './kernels/column-access.ts'
import { termValues } from './planner/term-set.ts'
import { isWktProblem, readWkt } from '../geometry/wkt.ts'
import { spatialHolds } from './kernels/spatial-kernels.ts'
import { timeShiftHolds } from './kernels/time-shift-kernels.ts'

/**
 * Row-at-a-time evaluator: the oracle the vectorised `evaluate` is tested against. Written
 * independently and plainly (BigInt for every integer, a RegExp per `like`), never fast.
 * Truth is `true`, `false` or `null` (unknown); a row matches when its truth is `true`.
 */
export function evaluateNaive(plan: ExprPlan, source: ColumnSource): Bitset {
  const out = new Bitset(source.rowCount)
  for (let row = 0; row < source.rowCount; row++) if (truth(plan.root, source, row) === true) out.set(row)
  return out
}

const MISSING: unique symbol = Symbol('missing')
const NULL: unique symbol = Symbol('null')
type RowValue = unknown

function truth(p: PredicatePlan, src: ColumnSource, row: number): boolean | null {
  switch (p.kind) {
    case 'constant':
      return p.value
    case 'logical': {
      const parts = p.operands.map((x) => truth(x, src, row))
      const decisive = p.op === 'and' ? false : true
      if (parts.includes(decisive)) return decisive
      return parts.includes(null) ? null : !decisive
    }
    case 'not': {
      const x = truth(p.operand, src, row)
      return x === null ? null : !x
    }
    case 'compare':
      return compare(p.op, value(p.value, src, row), p.constant.value)
    case 'compareColumns':
      return compare(p.op, value(p.left, src, row), value(p.right, src, row))
    case 'in': {
      const v = value(p.value, src, row)
      if (v === NULL) return null
      return termValues(p.set).some((s) => compare('==', v, s.value) === true)
    }
    case 'like': {
      const v = value(p.value, src, row)
      if (v === NULL) return null
      return typeof v === 'string' && likeRegExp(p.matcher.pattern).test(v)
    }
    case 'isNull': {
      const c = src.column(p.column)
      const isNull = c === undefined ? p.column !== META_FIELD : isNullAt(c, row)
      return p.negated ? !isNull : isNull
    }
    case 'exists': {
      const v = jsonAt(src, p.column, p.path, row)
      if (v === NULL) return null
      return v !== MISSING && v !== null
    }
    case 'contains':
      return contains(p, src, row)
    case 'spatial':
      return spatialTruth(p, src, row)
    case 'timeShift': {
      const c = src.column(p.column)
      if (c === undefined || c.kind !== 'int64' || (c.validBits !== null && !c.validBits.get(row))) return null
      return timeShiftHolds(p, c.values[row]!)
    }
    case 'textMatch':
    case 'phraseMatch':
      return textMatchTruth(p, src, row)
    default:
      return assertNever(p, 'predicate')
  }
}

/** The value of a value plan at `row`: bigint for integers, number, string, boolean, JSON, MISSING or NULL. */
function value(v: ValuePlan, src: ColumnSource, row: number): RowValue {
  switch (v.kind) {
    case 'column': {
      const c = src.column(v.column)
      if (c === undefined || isNullAt(c, row)) return NULL
      const x = (c.values as ArrayLike<unknown>)[row]
      if (c.kind === 'bool') return x === 1
      return v.type === 'int' ? BigInt(x as number | bigint) : x
    }
    case 'jsonPath':
      return jsonAt(src, v.column, v.path, row)
    case 'arrayElement': {
      const arr = arrayAt(src, { kind: 'array', column: v.column, elementKind: v.elementKind }, row)
      if (arr === NULL || arr === MISSING) return arr
      if (v.index >= arr.length) return MISSING
      const e = arr[v.index]
      return v.type === 'int' ? BigInt(e as number | bigint) : e
    }
    case 'arrayLength': {
      const arr = arrayAt(src, v.source, row)
      return arr === NULL || arr === MISSING ? arr : BigInt(arr.length)
    }
    case 'arith':
      return arith(v, value(v.operand, src, row))
  }
}

function arith(v: ValuePlan & { kind: 'arith' }, x: RowValue): RowValue {
  if (x === NULL || x === MISSING) return x
  if (v.type === 'int') {
    const a = v.constantOnLeft ? v.constant.value as bigint : x as bigint
    const b = v.constantOnLeft ? x as bigint : v.constant.value as bigint
    const r = v.op === '+' ? a + b : v.op === '-' ? a - b : v.op === '*' ? a * b : v.op === '/' ? a / b : a % b
    return BigInt.asIntN(64, r)
  }
  const xn = typeof x === 'bigint' ? Number(x) : x
  if (typeof xn !== 'number') return MISSING
  const k = Number(v.constant.value)
  const [a, b] = v.constantOnLeft ? [k, xn] : [xn, k]
  switch (v.op) {
    case '+':
      return a + b
    case '-':
      return a - b
    case '*':
      return a * b
    case '/':
      return a / b
    case '%':
      return a % b
    case '**':
      return a ** b
  }
}

/** `x op y` for row values; NULL is unknown, MISSING or a type mismatch is false (true for `!=`). */
function compare(op: CompareOp, x: RowValue, y: RowValue): boolean | null {
  if (x === NULL || y === NULL) return null
  const num = (a: unknown) => typeof a === 'number' || typeof a === 'bigint'
  const comparable = (num(x) && num(y)) || (typeof x === typeof y && (typeof x === 'string' || typeof x === 'boolean'))
  if (!comparable) return op === '!='
  if (Number.isNaN(x) || Number.isNaN(y)) return op === '!='
  const a = x as number
  const b = y as number
  switch (op) {
    case '==':
      return a == b
    case '!=':
      return a != b
    case '<':
      return a < b
    case '<=':
      return a <= b
    case '>':
      return a > b
    case '>=':
      return a >= b
  }
}

function isNullAt(c: Column, row: number): boolean {
  return 'validBits' in c && c.validBits !== null && !c.validBits.get(row)
}

function jsonAt(src: ColumnSource, column: string, path: readonly PathKey[], row: number): RowValue {
  const c = src.column(column)
  if (c === undefined) return column === META_FIELD ? MISSING : NULL
  if (isNullAt(c, row)) return NULL
  let v: unknown = (c.values as unknown[])[row]
  for (const key of path) {
    if (typeof key === 'number') {
      if (!Array.isArray(v) || key >= v.length) return MISSING
      v = v[key]
    } else {
      if (v === null || typeof v !== 'object' || Array.isArray(v) || !Object.prototype.hasOwnProperty.call(v, key)) return MISSING
      v = (v as Record<string, unknown>)[key]
    }
  }
  return v === undefined ? MISSING : v
}

function arrayAt(src: ColumnSource, s: ArraySource, row: number): readonly unknown[] | typeof NULL | typeof MISSING {
  if (s.kind === 'json') {
    const v = jsonAt(src, s.column, s.path, row)
    return v === NULL ? NULL : Array.isArray(v) ? v : MISSING
  }
  const c = src.column(s.column)
  if (c === undefined || isNullAt(c, row)) return NULL
  return (c.values as unknown[][])[row]!
}

function contains(p: PredicatePlan & { kind: 'contains' }, src: ColumnSource, row: number): boolean | null {
  const arr = arrayAt(src, p.source, row)
  if (arr === NULL) return null
  if (arr === MISSING) return false
  const has = (c: ConstValue) => arr.some((e) => sameValue(e, c))
  if (p.mode === 'all') return p.values.every(has)
  return p.values.some(has)
}

function sameValue(e: unknown, c: ConstValue): boolean {
  if (c.type === 'list') {
    return Array.isArray(e) && e.length === c.items.length && e.every((x, i) => sameValue(x, c.items[i]!))
  }
  return compare('==', e, (c as Scalar).value) === true
}

/** A like pattern as an anchored RegExp: `%` → `.*`, `_` → `.`, `\%` `\_` `\\` literal. */
function likeRegExp(pattern: string): RegExp {
  let re = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!
    const next = pattern[i + 1]
    if (c === '\\' && (next === '%' || next === '_' || next === '\\')) {
      re += escapeRegExp(next)
      i++
    } else if (c === '%') re += '.*'
    else if (c === '_') re += '.'
    else re += escapeRegExp(c)
  }
  return new RegExp(`^${re}$`, 'su')
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

/** A geometry function at `row`: the row's WKT parsed afresh (no cache, no index). */
function spatialTruth(p: PredicatePlan & { kind: 'spatial' }, src: ColumnSource, row: number): boolean | null {
  const c = src.column(p.column)
  if (c === undefined || c.kind !== 'geometry' || isNullAt(c, row)) return null
  const r = readWkt(c.values[row]!)
  if (isWktProblem(r)) return false
  if (p.op === 'isvalid') return spatialHolds(p, r, null)
  const q = readWkt(p.wkt)
  return isWktProblem(q) ? false : spatialHolds(p, r, q)
}

/** TEXT_MATCH / PHRASE_MATCH on one row: the row's text analyzed afresh (no index). */
function textMatchTruth(p: TextMatchPlan | PhraseMatchPlan, src: ColumnSource, row: number): boolean | null {
  const c = src.column(p.column)
  if (c === undefined || isNullAt(c, row)) return null
  const text = (c.values as ArrayLike<unknown>)[row]
  const tokens = typeof text === 'string' ? analyzerOf(p.analyzer).analyze(text) : []
  if (p.kind === 'textMatch') {
    const present = new Set(tokens.map((t) => t.text))
    return p.terms.filter((t) => present.has(t)).length >= p.minShouldMatch
  }
  if (p.terms.length === 0) return false
  const byTerm = new Map<string, Int32Array>()
  for (const term of p.terms) byTerm.set(term, Int32Array.from(tokens.filter((t) => t.text === term).map((t) => t.position)))
  const positions = p.terms.map((t) => byTerm.get(t)!)
  return positions.every((x) => x.length > 0) && phraseHolds(positions, p.offsets, p.slop)
}
