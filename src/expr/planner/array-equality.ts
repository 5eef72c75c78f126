import type { CompareOp, ExprNode, FieldNode, ListNode } from '../expr-node.ts'
import type { PlanContext } from './plan-context.ts'
import { resolveField } from './resolve-field.ts'

/**
 * `tags == [1, 2, 3]` / `tags != [...]` on an Array field (Milvus 2.6): the whole array equals the
 * literal, element by element. Rewritten to what the planner already has — `array_length(tags) == 3
 * and tags[0] == 1 and tags[1] == 2 and tags[2] == 3` (negated for `!=`) — so element types are
 * checked as for `tags[i] == x` and a null array is unknown (neither equal nor different). Returns
 * undefined when the comparison is not an Array field against a list literal.
 */
export function arrayEqualityNode(ctx: PlanContext, op: CompareOp, left: ExprNode, right: ExprNode): ExprNode | undefined {
  if (op !== '==' && op !== '!=') return undefined
  const pair: [FieldNode, ListNode] | undefined =
    left.kind === 'field' && right.kind === 'list' ? [left, right] : right.kind === 'field' && left.kind === 'list' ? [right, left] : undefined
  if (pair === undefined) return undefined
  const [field, list] = pair
  if (field.path.length > 0 || resolveField(ctx, field).kind !== 'array') return undefined
  const offset = field.offset
  const parts: ExprNode[] = [
    { kind: 'compare', op: '==', left: { kind: 'call', name: 'array_length', args: [field], offset }, right: { kind: 'integer', value: BigInt(list.items.length), offset }, offset },
  ]
  list.items.forEach((item, i) => parts.push({ kind: 'compare', op: '==', left: { ...field, path: [i] }, right: item, offset }))
  const equal: ExprNode = { kind: 'logical', op: 'and', operands: parts, offset }
  return op === '==' ? equal : { kind: 'unary', op: 'not', operand: equal, offset }
}
