import { assertNever } from '../common/assert.ts'
import type { ExprNode, FieldNode } from './expr-node.ts'
import { Prec, precedenceOf } from './syntax/precedence.ts'
import { encodeStringLiteral } from './syntax/string-literal.ts'

/**
 * Prints a syntax tree as expression text that `parseExpr` reads back to the same tree (offsets
 * aside). Parentheses are added only where precedence needs them, and around nested relational
 * comparisons so that `(1 < a) < 5` is not read as the range `1 < a < 5`.
 */
export function exprToString(node: ExprNode): string {
  return print(node, 0)
}

/** `node` as text that parses back as one operand binding at least as tightly as `minPrec`. */
function print(node: ExprNode, minPrec: number): string {
  const text = printBare(node)
  return precedenceOf(node) < minPrec ? `(${text})` : text
}

function printBare(node: ExprNode): string {
  switch (node.kind) {
    case 'integer':
      return node.value.toString()
    case 'float':
      return printFloat(node.value)
    case 'bool':
      return node.value ? 'true' : 'false'
    case 'string':
      return encodeStringLiteral(node.value)
    case 'list':
      return `[${node.items.map((x) => print(x, 0)).join(', ')}]`
    case 'field':
      return printField(node)
    case 'template':
      return `{${node.name}}`
    case 'unary':
      return printUnary(node.op, print(node.operand, Prec.unary))
    case 'arith': {
      const p = precedenceOf(node)
      return `${print(node.left, p)} ${node.op} ${print(node.right, p + 1)}`
    }
    case 'compare':
      return printCompare(node.op, node.left, node.right)
    case 'range':
      return `${print(node.lower, Prec.range)} ${node.lowerOp} ${printField(node.field)} ${node.upperOp} ${print(node.upper, Prec.range + 1)}`
    case 'in':
      return `${print(node.left, Prec.in)} ${node.negated ? 'not in' : 'in'} ${print(node.right, Prec.in + 1)}`
    case 'like':
      return `${print(node.left, Prec.like)} like ${print(node.pattern, Prec.like + 1)}`
    case 'logical': {
      const p = precedenceOf(node)
      return node.operands.map((x) => print(x, p + 1)).join(` ${node.op} `)
    }
    case 'isNull':
      return `${printField(node.operand)} ${node.negated ? 'is not null' : 'is null'}`
    case 'exists':
      return `exists ${print(node.operand, Prec.exists)}`
    case 'call':
      return `${node.name}(${[...node.args.map((x) => print(x, 0)), ...(node.named ?? []).map((o) => `${o.name}=${print(o.value, 0)}`)].join(', ')})`
    default:
      return assertNever(node, 'expression node')
  }
}

function printCompare(op: string, left: ExprNode, right: ExprNode): string {
  const p = op === '==' || op === '!=' ? Prec.equality : Prec.relational
  if (p === Prec.equality) return `${print(left, p)} ${op} ${print(right, p + 1)}`
  const l = isRelational(left) ? `(${printBare(left)})` : print(left, p)
  const r = right.kind === 'range' ? `(${printBare(right)})` : print(right, p + 1)
  return `${l} ${op} ${r}`
}

function isRelational(node: ExprNode): boolean {
  return node.kind === 'compare' && node.op !== '==' && node.op !== '!='
}

function printUnary(op: string, operand: string): string {
  if (op === 'not') return `not ${operand}`
  return operand.startsWith('-') || operand.startsWith('+') ? `${op} ${operand}` : `${op}${operand}`
}

/** A float that reads back as a float: `3` is printed `3.0`, `1e+21` stays. */
function printFloat(v: number): string {
  const s = String(v)
  return /[.e]/.test(s) ? s : `${s}.0`
}

export function printField(node: FieldNode): string {
  let s = node.name
  for (const k of node.path) s += typeof k === 'number' ? `[${k}]` : `[${encodeStringLiteral(k)}]`
  return s
}
