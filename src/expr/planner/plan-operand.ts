import { errors } from '../../errors/errors.ts'
import type { ArithNode, ExprNode } from '../expr-node.ts'
import type { ArithPlanOp, ConstValue, Scalar, ValuePlan } from '../expr-plan.ts'
import { checkInt64, describeConst, foldArith, foldUnary, templateConst } from './constant.ts'
import { exprLimits } from '../expr-limits.ts'
import type { PlanContext } from './plan-context.ts'
import { planArrayLength } from './plan-array-length.ts'
import { describeValue, resolveField } from './resolve-field.ts'

/** An operand of a comparison, `in` or arithmetic: a constant (folded) or a per-row value. */
export type Operand = { readonly kind: 'const'; readonly value: ConstValue } | { readonly kind: 'value'; readonly plan: ValuePlan }

export function planOperand(ctx: PlanContext, node: ExprNode): Operand {
  switch (node.kind) {
    case 'integer':
      return constant({ type: 'int', value: checkInt64(node.value) })
    case 'float':
    case 'bool':
    case 'string':
      return constant({ type: node.kind, value: node.value } as Scalar)
    case 'list':
      countListValues(ctx, node.items.length)
      return constant({ type: 'list', items: node.items.map((x) => planConst(ctx, x, 'a list item')) })
    case 'template':
      return constant(templateValue(ctx, node.name))
    case 'unary':
      return planUnary(ctx, node.op, node.operand)
    case 'arith':
      return planArith(ctx, node)
    case 'field':
      return { kind: 'value', plan: fieldValue(ctx, node) }
    case 'call':
      if (node.name === 'array_length') return { kind: 'value', plan: planArrayLength(ctx, node) }
      throw errors.invalid(`expected a value, got the condition ${node.name}(...)`)
    default:
      throw errors.invalid(`expected a value, got a condition (${node.kind === 'logical' ? node.op : node.kind})`)
  }
}

/** An operand that must be a constant (list items, patterns, function arguments). */
export function planConst(ctx: PlanContext, node: ExprNode, what: string): ConstValue {
  const o = planOperand(ctx, node)
  if (o.kind !== 'const') throw errors.invalid(`${what} must be a constant, got ${describeValue(o.plan)}`)
  return o.value
}

export function templateValue(ctx: PlanContext, name: string): ConstValue {
  const params = ctx.params
  const v = typeof params === 'object' && params !== null && Object.hasOwn(params, name) ? params[name] : undefined
  return templateConst(name, v, ctx.listValues)
}

/** Counts `n` more list values of the expression against `inListLengthMax`. */
function countListValues(ctx: PlanContext, n: number): void {
  ctx.listValues.count += n
  const max = exprLimits.inListLengthMax
  if (ctx.listValues.count > max) throw errors.invalid(`the lists of the expression hold more than ${max} values in all (inListLengthMax)`)
}

function constant(value: ConstValue): Operand {
  return { kind: 'const', value }
}

function fieldValue(ctx: PlanContext, node: ExprNode & { kind: 'field' }): ValuePlan {
  const t = resolveField(ctx, node)
  switch (t.kind) {
    case 'scalar':
    case 'arrayElement':
      return t.value
    case 'json':
      return { kind: 'jsonPath', column: t.column, path: t.path, type: 'json' }
    case 'array':
      throw errors.invalid(
        `Array field ${t.column} cannot be compared as a whole; use ${t.column}[i], array_contains(...) or array_length(...)`,
      )
  }
}

function planUnary(ctx: PlanContext, op: '-' | '+' | 'not', operandNode: ExprNode): Operand {
  if (op === 'not') {
    throw errors.invalid(
      "expected a value, got a 'not' condition; not binds tighter than comparisons (as in Milvus): write not (a > 1)",
    )
  }
  if (op === '-' && operandNode.kind === 'integer') return constant({ type: 'int', value: checkInt64(-operandNode.value) })
  const o = planOperand(ctx, operandNode)
  if (o.kind === 'const') return constant(foldUnary(op, o.value))
  const v = o.plan
  if (v.type !== 'int' && v.type !== 'float' && v.type !== 'json') {
    throw errors.invalid(`unary '${op}' needs a number, got ${describeValue(v)}`)
  }
  if (op === '+') return o
  const minusOne: Scalar & { type: 'int' | 'float' } = v.type === 'int' ? { type: 'int', value: -1n } : { type: 'float', value: -1 }
  return { kind: 'value', plan: arithPlan(v, '*', minusOne, false, v.type === 'int' ? 'int' : 'float') }
}

function planArith(ctx: PlanContext, node: ArithNode): Operand {
  const l = planOperand(ctx, node.left)
  const r = planOperand(ctx, node.right)
  if (l.kind === 'const' && r.kind === 'const') return constant(foldArith(node.op, l.value, r.value))
  if (l.kind === 'value' && r.kind === 'value') {
    throw errors.invalid(
      `arithmetic between two fields is not supported (${describeValue(l.plan)} ${node.op} ${describeValue(r.plan)})`,
    )
  }
  const value = l.kind === 'value' ? l.plan : (r as Operand & { kind: 'value' }).plan
  const c = l.kind === 'const' ? l.value : (r as Operand & { kind: 'const' }).value
  return { kind: 'value', plan: arithOnValue(node.op, value, c, l.kind === 'const') }
}

function arithOnValue(op: ArithNode['op'], v: ValuePlan, c: ConstValue, constantOnLeft: boolean): ValuePlan {
  if (c.type !== 'int' && c.type !== 'float') throw errors.invalid(`arithmetic operator '${op}' needs numbers, got ${describeConst(c)}`)
  if (v.type !== 'int' && v.type !== 'float' && v.type !== 'json') {
    throw errors.invalid(`arithmetic on ${describeValue(v)} is not supported`)
  }
  if (op === '**') return arithPlan(v, op, { type: 'float', value: Number(c.value) }, constantOnLeft, 'float')
  if (constantOnLeft && (op === '/' || op === '%')) {
    throw errors.invalid(`the divisor must be a constant, not ${describeValue(v)}`)
  }
  if ((op === '/' || op === '%') && Number(c.value) === 0) throw errors.invalid('division by zero in the expression')
  if (v.type === 'int' && c.type === 'float') {
    throw errors.invalid(`cannot combine ${describeValue(v)} with ${describeConst(c)}: integer fields take integer values`)
  }
  const k: Scalar & { type: 'int' | 'float' } = v.type === 'int' ? c : { type: 'float', value: Number(c.value) }
  return arithPlan(v, op, k, constantOnLeft && op === '-', v.type === 'int' ? 'int' : 'float')
}

function arithPlan(
  v: ValuePlan,
  op: ArithPlanOp,
  constant: Scalar & { type: 'int' | 'float' },
  constantOnLeft: boolean,
  type: 'int' | 'float',
): ValuePlan {
  return { kind: 'arith', op, operand: v, constant, constantOnLeft, type }
}
