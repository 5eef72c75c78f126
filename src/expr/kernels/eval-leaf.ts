import { Bitset } from '../../common/bitset.ts'
import type { PredicatePlan } from '../expr-plan.ts'
import { compareInt64, compareJson, compareNumbers, compareStrings } from './compare-kernels.ts'
import { compareVectors } from './compare-columns.ts'
import { opMask, unorderedHolds } from './compare-mask.ts'
import type { ColumnSource } from './column-access.ts'
import { evalValue } from './eval-value.ts'
import { likeJson, likeStrings } from './like-kernels.ts'
import { termLookup } from '../planner/term-set.ts'
import { inInt64, inNumbers, inStrings, inValues } from './term-kernels.ts'
import { leafTruth, type Truth } from './truth.ts'
import type { Vector } from './vector.ts'

/** `value op constant` over all rows. */
export function evalCompare(p: PredicatePlan & { kind: 'compare' }, src: ColumnSource, wantFalse: boolean): Truth {
  const v = evalValue(p.value, src)
  const n = src.rowCount
  const holds = new Bitset(n)
  const mask = opMask[p.op]
  const c = p.constant
  switch (v.kind) {
    case 'num':
      compareNumbers(v.values, n, c.type === 'bool' ? (c.value ? 1 : 0) : Number(c.value), mask, holds.words)
      break
    case 'i64':
      compareInt64(v.words, n, c.value as bigint, mask, holds.words)
      break
    case 'str':
      compareStrings(v.values, n, c.value as string, mask, holds.words)
      break
    case 'json':
      compareJson(v.values, n, c, mask, holds.words)
      break
  }
  applyPresent(holds, v, unorderedHolds(mask))
  return leafTruth(holds, v.valid, wantFalse)
}

export function evalCompareColumns(p: PredicatePlan & { kind: 'compareColumns' }, src: ColumnSource, wantFalse: boolean): Truth {
  const l = evalValue(p.left, src)
  const r = evalValue(p.right, src)
  const holds = new Bitset(src.rowCount)
  compareVectors(l, r, src.rowCount, opMask[p.op], holds.words)
  const valid = l.valid === null ? r.valid : r.valid === null ? l.valid : l.valid.clone().and(r.valid)
  return leafTruth(holds, valid, wantFalse)
}

export function evalIn(p: PredicatePlan & { kind: 'in' }, src: ColumnSource, wantFalse: boolean): Truth {
  const v = evalValue(p.value, src)
  const n = src.rowCount
  const holds = new Bitset(n)
  if (v.kind === 'num') {
    const lookup = termLookup(p.set)
    inNumbers(v.values, n, p.value.type === 'bool' ? lookup.boolNumbers : lookup.numbers, holds.words)
  }
  else if (v.kind === 'i64') inInt64(v.words, n, p.set, holds.words)
  else if (v.kind === 'str') inStrings(v.values, n, p.set, holds.words)
  else inValues(v.values, n, p.set, holds.words)
  applyPresent(holds, v, false)
  return leafTruth(holds, v.valid, wantFalse)
}

export function evalLike(p: PredicatePlan & { kind: 'like' }, src: ColumnSource, wantFalse: boolean): Truth {
  const v = evalValue(p.value, src)
  const n = src.rowCount
  const holds = new Bitset(n)
  if (v.kind === 'str') likeStrings(v.values, n, p.matcher, holds.words)
  else if (v.kind === 'json') likeJson(v.values, n, p.matcher, holds.words)
  applyPresent(holds, v, false)
  return leafTruth(holds, v.valid, wantFalse)
}

/** Rows without a value (missing key, index past the end) are unordered: false, or true for `!=`. */
function applyPresent(holds: Bitset, v: Vector, unorderedTrue: boolean): void {
  if (v.present === null) return
  if (unorderedTrue) holds.or(v.present.clone().not())
  else holds.and(v.present)
}
