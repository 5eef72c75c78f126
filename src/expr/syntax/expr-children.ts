import { assertNever } from '../../common/assert.ts'
import type { ExprNode } from '../expr-node.ts'

const none: readonly ExprNode[] = []

/** The direct sub-expressions of `node`, left to right. */
export function exprChildren(node: ExprNode): readonly ExprNode[] {
  switch (node.kind) {
    case 'integer':
    case 'float':
    case 'bool':
    case 'string':
    case 'field':
    case 'template':
      return none
    case 'list':
      return node.items
    case 'unary':
      return [node.operand]
    case 'arith':
    case 'compare':
    case 'in':
      return [node.left, node.right]
    case 'range':
      return [node.lower, node.field, node.upper]
    case 'like':
      return [node.left, node.pattern]
    case 'logical':
      return node.operands
    case 'isNull':
      return [node.operand]
    case 'exists':
      return [node.operand]
    case 'call':
      return node.named === undefined ? node.args : [...node.args, ...node.named.map((o) => o.value)]
    default:
      return assertNever(node, 'expression node')
  }
}

/** The depth of the tree (a leaf is 1) and the offset of one deepest node; iterative, any size. */
export function exprDepth(root: ExprNode): { depth: number; offset: number } {
  let best = { depth: 0, offset: root.offset }
  const stack: { node: ExprNode; depth: number }[] = [{ node: root, depth: 1 }]
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    if (top.depth > best.depth) best = { depth: top.depth, offset: top.node.offset }
    const children = exprChildren(top.node)
    for (let i = 0; i < children.length; i++) {
      const child = children[i]!
      // Leaves (a long list's items) need no stack entry: their depth is known now.
      if (exprChildren(child) === none) {
        if (top.depth + 1 > best.depth) best = { depth: top.depth + 1, offset: child.offset }
      } else stack.push({ node: child, depth: top.depth + 1 })
    }
  }
  return best
}
