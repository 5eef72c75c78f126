import { Bitset } from '../../common/bitset.ts'
import { addInterval } from '../../common/timestamptz.ts'
import type { PredicatePlan } from '../expr-plan.ts'
import { type ColumnSource, readColumn } from './column-access.ts'
import { leafTruth, type Truth } from './truth.ts'

type TimeShiftPlan = PredicatePlan & { kind: 'timeShift' }

/**
 * `field ± INTERVAL 'P…' op ISO '…'` with years or months: each row's timestamp is shifted on the UTC
 * calendar (as Milvus's segcore: field by field, then normalised) and compared. Null rows are unknown.
 */
export function evalTimeShift(p: TimeShiftPlan, src: ColumnSource, wantFalse: boolean): Truth {
  const col = readColumn(src, p.column, 'int64')
  const n = src.rowCount
  const holds = new Bitset(n)
  const valid = col.validBits
  for (let row = 0; row < n; row++) {
    if (valid !== null && !valid.get(row)) continue
    if (timeShiftHolds(p, col.values[row]!)) holds.set(row)
  }
  return leafTruth(holds, valid, wantFalse)
}

/** One row's truth (`evaluateNaive` uses it too). */
export function timeShiftHolds(p: TimeShiftPlan, micros: bigint): boolean {
  const shifted = addInterval(micros, p.interval, p.sign)
  switch (p.op) {
    case '==':
      return shifted === p.micros
    case '!=':
      return shifted !== p.micros
    case '<':
      return shifted < p.micros
    case '<=':
      return shifted <= p.micros
    case '>':
      return shifted > p.micros
    case '>=':
      return shifted >= p.micros
  }
}
