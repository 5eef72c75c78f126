import type { ExprNode } from '../expr-node.ts'

/**
 * Binding strength, higher binds tighter — Milvus's order (`Plan.g4`, alternatives top to bottom):
 * primary > exists > like > ** > unary (+ - not) > * / % > + - > in > range > < <= > >= > == != > and > or.
 * Note that `not` binds tighter than comparisons, as in Milvus: `not a > 1` is `(not a) > 1`.
 */
export const Prec = {
  or: 1,
  and: 2,
  equality: 3,
  relational: 4,
  range: 5,
  in: 6,
  additive: 7,
  multiplicative: 8,
  unary: 9,
  power: 10,
  like: 11,
  exists: 12,
  primary: 13,
} as const

/** The precedence of the operator at the top of `node` (primaries bind tightest). */
export function precedenceOf(node: ExprNode): number {
  switch (node.kind) {
    case 'logical':
      return node.op === 'or' ? Prec.or : Prec.and
    case 'compare':
      return node.op === '==' || node.op === '!=' ? Prec.equality : Prec.relational
    case 'range':
      return Prec.range
    case 'in':
      return Prec.in
    case 'arith':
      if (node.op === '**') return Prec.power
      return node.op === '+' || node.op === '-' ? Prec.additive : Prec.multiplicative
    case 'unary':
      return Prec.unary
    case 'like':
      return Prec.like
    case 'exists':
      return Prec.exists
    default:
      return Prec.primary
  }
}
