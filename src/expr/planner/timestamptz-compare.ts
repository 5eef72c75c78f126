import { parseTimestamptz, parseInterval, type TimeInterval } from '../../common/timestamptz.ts'
import { errors } from '../../errors/errors.ts'
import { findField } from '../../schema/collection-schema.ts'
import { DataType } from '../../schema/data-type.ts'
import type { CompareOp, ExprNode } from '../expr-node.ts'
import type { PredicatePlan, ValuePlan } from '../expr-plan.ts'
import type { PlanContext } from './plan-context.ts'

/** `ISO '…'` and `INTERVAL '…'` literals: the parser reads them as calls of these names (contextual keywords, as in Milvus's grammar). */
export const ISO_LITERAL = 'iso'
export const INTERVAL_LITERAL = 'interval'

const flipped: Readonly<Record<CompareOp, CompareOp>> = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' }
const microsPerSecond = 1_000_000n

/**
 * Milvus 2.6's Timestamptz comparisons (`TimestamptzCompareForward/Reverse` in Plan.g4):
 * `field [± INTERVAL 'P…'] op ISO 'text'` or `ISO 'text' op field [± INTERVAL 'P…']`. Undefined when
 * neither side is an ISO literal. The text is read as Milvus's parser reads it (an offset wins;
 * without one: UTC here, see docs/compat.md). Without an interval, or with one of fixed length (days
 * and smaller: the UTC calendar has no DST), it is a plain int64 comparison (indexes apply);
 * with years or months it is a per-row calendar shift (`timeShift`).
 */
export function planTimestamptzCompare(ctx: PlanContext, op: CompareOp, left: ExprNode, right: ExprNode): PredicatePlan | undefined {
  const isoRight = literalText(right, ISO_LITERAL)
  const isoLeft = literalText(left, ISO_LITERAL)
  if (isoRight === undefined && isoLeft === undefined) return undefined
  if (isoRight !== undefined && isoLeft !== undefined) throw errors.invalid('an ISO timestamp compares with a Timestamptz field, not with another ISO timestamp')
  const side = isoRight !== undefined ? left : right
  const cmp = isoRight !== undefined ? op : flipped[op]
  const { fieldName, interval, sign } = shiftedField(side)
  const field = findField(ctx.schema, fieldName)
  if (field === undefined || field.dataType !== DataType.Timestamptz) throw errors.invalid(`field '${fieldName}' is not a timestamptz datatype`)
  const parsed = parseTimestamptz(isoRight ?? isoLeft!, 'UTC')
  if ('problem' in parsed) throw errors.invalid(parsed.problem)
  ctx.columns.add(field.name)
  const value: ValuePlan = { kind: 'column', column: field.name, columnKind: 'int64', type: 'int' }
  if (interval === undefined) return { kind: 'compare', op: cmp, value, constant: { type: 'int', value: parsed.micros } }
  if (interval.years === 0 && interval.months === 0) {
    const seconds = BigInt(((interval.days * 24 + interval.hours) * 60 + interval.minutes) * 60 + interval.seconds)
    // field ± d op c  ⇔  field op c ∓ d (exact: the shift is the same for every row)
    return { kind: 'compare', op: cmp, value, constant: { type: 'int', value: parsed.micros - BigInt(sign) * seconds * microsPerSecond } }
  }
  return { kind: 'timeShift', column: field.name, interval, sign, op: cmp, micros: parsed.micros }
}

/** The text of `ISO 'text'` / `INTERVAL 'text'`, when `node` is that literal. */
function literalText(node: ExprNode, name: string): string | undefined {
  if (node.kind !== 'call' || node.name !== name) return undefined
  const arg = node.args[0]
  if (node.args.length !== 1 || arg?.kind !== 'string') throw errors.invalid(`${name.toUpperCase()} takes one string literal`)
  return arg.value
}

function shiftedField(node: ExprNode): { fieldName: string; interval?: TimeInterval; sign: 1 | -1 } {
  if (node.kind === 'field' && node.path.length === 0) return { fieldName: node.name, sign: 1 }
  if (node.kind === 'arith' && (node.op === '+' || node.op === '-') && node.left.kind === 'field' && node.left.path.length === 0) {
    const text = literalText(node.right, INTERVAL_LITERAL)
    if (text !== undefined) {
      const interval = parseInterval(text)
      if (interval === undefined) throw errors.invalid(`invalid ISO 8601 duration: '${text}' (expected P[nY][nM][nD][T[nH][nM][nS]])`)
      return { fieldName: node.left.name, interval, sign: node.op === '+' ? 1 : -1 }
    }
  }
  throw errors.invalid("an ISO timestamp compares with a Timestamptz field, optionally shifted by + or - INTERVAL 'P…'")
}
