import { errors } from '../../errors/errors.ts'
import type { CallNode, ExprNode } from '../expr-node.ts'
import type { ArraySource, ValuePlan } from '../expr-plan.ts'
import type { PlanContext } from './plan-context.ts'
import { resolveField } from './resolve-field.ts'

/** `array_length(tags)` or `array_length(meta["list"])`: an integer per row. */
export function planArrayLength(ctx: PlanContext, node: CallNode): ValuePlan {
  if (node.args.length !== 1) throw errors.invalid(`array_length takes 1 argument, got ${node.args.length}`)
  return { kind: 'arrayLength', source: arraySource(ctx, node.args[0]!, 'array_length'), type: 'int' }
}

/** The array a function reads: an Array field, or a JSON field / path / dynamic key. */
export function arraySource(ctx: PlanContext, node: ExprNode, fn: string): ArraySource {
  if (node.kind !== 'field') throw errors.invalid(`${fn} needs an Array or JSON field as its first argument`)
  const t = resolveField(ctx, node)
  if (t.kind === 'array') return { kind: 'array', column: t.column, elementKind: t.elementKind }
  if (t.kind === 'json') return { kind: 'json', column: t.column, path: t.path }
  throw errors.invalid(`${fn} needs an Array or JSON field as its first argument, got ${node.name}`)
}
