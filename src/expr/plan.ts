import { errors } from '../errors/errors.ts'
import type { CollectionSchema } from '../schema/collection-schema.ts'
import type { CompareOp, ExprNode, FieldNode, InNode, LikeNode } from './expr-node.ts'
import type { ExprPlan, PredicatePlan, ValuePlan } from './expr-plan.ts'
import { coerceScalar, targetOf } from './planner/coerce.ts'
import { describeConst, foldCompare } from './planner/constant.ts'
import { compileLikePattern, likeMatches } from './planner/like-pattern.ts'
import type { PlanContext } from './planner/plan-context.ts'
import { mergeOrTerms } from './planner/merge-or-terms.ts'
import { planCall, planExists, planIsNull } from './planner/plan-functions.ts'
import { planOperand, templateValue } from './planner/plan-operand.ts'
import { describeValue } from './planner/resolve-field.ts'
import { createTermSet } from './planner/term-set.ts'
import { arrayEqualityNode } from './planner/array-equality.ts'
import { planTimestamptzCompare } from './planner/timestamptz-compare.ts'

export type { ExprPlan } from './expr-plan.ts'

/**
 * Type-checks a syntax tree against a collection schema and turns it into an `ExprPlan`.
 * Templates (`{name}`) take their values from `params`. Throws MilvusError 1100 naming the field and
 * the reason (`field x not exist`, `cannot compare VarChar field name with the integer 3`, ...).
 */
export function planExpr(ast: ExprNode, schema: CollectionSchema, params?: Readonly<Record<string, unknown>>): ExprPlan {
  const ctx: PlanContext = { schema, params, columns: new Set(), listValues: { count: 0 } }
  const root = planPredicate(ctx, ast)
  return { root, columns: [...ctx.columns] }
}

function planPredicate(ctx: PlanContext, node: ExprNode): PredicatePlan {
  switch (node.kind) {
    case 'logical': {
      const operands = node.operands.map((x) => planPredicate(ctx, x))
      if (node.op === 'and') return { kind: 'logical', op: 'and', operands }
      const merged = mergeOrTerms(operands)
      return merged.length === 1 ? merged[0]! : { kind: 'logical', op: 'or', operands: merged }
    }
    case 'unary':
      if (node.op === 'not') return { kind: 'not', operand: planPredicate(ctx, node.operand) }
      return notACondition(ctx, node)
    case 'compare': {
      const wholeArray = arrayEqualityNode(ctx, node.op, node.left, node.right)
      return wholeArray === undefined ? planCompare(ctx, node.op, node.left, node.right) : planPredicate(ctx, wholeArray)
    }
    case 'range':
      return {
        kind: 'logical',
        op: 'and',
        operands: [planCompare(ctx, node.lowerOp, node.lower, node.field), planCompare(ctx, node.upperOp, node.field, node.upper)],
      }
    case 'in':
      return planIn(ctx, node)
    case 'like':
      return planLike(ctx, node)
    case 'isNull':
      return planIsNull(ctx, node)
    case 'exists':
      return planExists(ctx, node)
    case 'call':
      return planCall(ctx, node)
    case 'bool':
      return { kind: 'constant', value: node.value }
    case 'template': {
      const v = templateValue(ctx, node.name)
      if (v.type === 'bool') return { kind: 'constant', value: v.value }
      throw errors.invalid(`expected a condition, got ${describeConst(v)} from {${node.name}}`)
    }
    case 'field':
      return planBareField(ctx, node)
    default:
      return notACondition(ctx, node)
  }
}

function notACondition(ctx: PlanContext, node: ExprNode): never {
  const o = planOperand(ctx, node)
  const what = o.kind === 'const' ? describeConst(o.value) : describeValue(o.plan)
  throw errors.invalid(`expected a condition (a comparison, in, like, ...), got ${what}`)
}

/** A Bool field (or JSON value) on its own means `field == true`. */
function planBareField(ctx: PlanContext, node: FieldNode): PredicatePlan {
  const o = planOperand(ctx, node)
  if (o.kind === 'value' && (o.plan.type === 'bool' || o.plan.type === 'json')) {
    return { kind: 'compare', op: '==', value: o.plan, constant: { type: 'bool', value: true } }
  }
  return notACondition(ctx, node)
}

const flipped: Readonly<Record<CompareOp, CompareOp>> = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' }

function planCompare(ctx: PlanContext, op: CompareOp, leftNode: ExprNode, rightNode: ExprNode): PredicatePlan {
  const timestamptz = planTimestamptzCompare(ctx, op, leftNode, rightNode)
  if (timestamptz !== undefined) return timestamptz
  const l = planOperand(ctx, leftNode)
  const r = planOperand(ctx, rightNode)
  if (l.kind === 'const' && r.kind === 'const') return { kind: 'constant', value: foldCompare(op, l.value, r.value) }
  if (l.kind === 'value' && r.kind === 'const') {
    return { kind: 'compare', op, value: l.plan, constant: coerceScalar(targetOf(l.plan), r.value, op) }
  }
  if (l.kind === 'const' && r.kind === 'value') {
    return { kind: 'compare', op: flipped[op], value: r.plan, constant: coerceScalar(targetOf(r.plan), l.value, op) }
  }
  return planCompareColumns(op, (l as { plan: ValuePlan }).plan, (r as { plan: ValuePlan }).plan)
}

function planCompareColumns(op: CompareOp, left: ValuePlan, right: ValuePlan): PredicatePlan {
  const pair = `${describeValue(left)} ${op} ${describeValue(right)}`
  if (left.kind !== 'column' || right.kind !== 'column') {
    throw errors.invalid(`comparing two fields is supported for plain scalar fields only (${pair})`)
  }
  const numeric = (t: string) => t === 'int' || t === 'float'
  const ok = (numeric(left.type) && numeric(right.type)) || left.type === right.type
  if (!ok) throw errors.invalid(`cannot compare ${pair}: the types differ`)
  if (left.type === 'bool' && op !== '==' && op !== '!=') throw errors.invalid(`booleans support only == and !=, got ${pair}`)
  return { kind: 'compareColumns', op, left, right }
}

function planIn(ctx: PlanContext, node: InNode): PredicatePlan {
  const l = planOperand(ctx, node.left)
  const r = planOperand(ctx, node.right)
  if (r.kind !== 'const' || r.value.type !== 'list') {
    throw errors.invalid(`'in' needs a list of constants on its right, such as [1, 2, 3]`)
  }
  const items = r.value.items
  let plan: PredicatePlan
  if (l.kind === 'const') {
    const lv = l.value
    plan = { kind: 'constant', value: items.some((x) => foldCompare('==', lv, x)) }
  } else {
    const target = targetOf(l.plan)
    plan = { kind: 'in', value: l.plan, set: createTermSet(items.map((x) => coerceScalar(target, x, '=='))) }
  }
  return node.negated ? { kind: 'not', operand: plan } : plan
}

function planLike(ctx: PlanContext, node: LikeNode): PredicatePlan {
  const l = planOperand(ctx, node.left)
  const p = planOperand(ctx, node.pattern)
  if (p.kind !== 'const' || p.value.type !== 'string') {
    throw errors.invalid(`'like' needs a string pattern on its right, such as "a%"`)
  }
  const matcher = compileLikePattern(p.value.value)
  if (l.kind === 'const') {
    if (l.value.type !== 'string') throw errors.invalid(`'like' needs a string, got ${describeConst(l.value)}`)
    return { kind: 'constant', value: likeMatches(matcher, l.value.value) }
  }
  if (l.plan.type !== 'string' && l.plan.type !== 'json') {
    throw errors.invalid(`'like' needs a VarChar or JSON field, got ${describeValue(l.plan)}`)
  }
  return { kind: 'like', value: l.plan, matcher }
}
