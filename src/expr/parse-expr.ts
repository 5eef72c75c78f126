import { errors } from '../errors/errors.ts'
import { exprLimits } from './expr-limits.ts'
import type { CompareOp, ExprNode, FieldNode, LogicalNode, PathKey } from './expr-node.ts'
import { exprDepth } from './syntax/expr-children.ts'
import { Lexer } from './syntax/lexer.ts'
import { Prec } from './syntax/precedence.ts'
import { syntaxError } from './syntax/syntax-error.ts'
import { describeToken, type Token } from './syntax/token.ts'
import { spatialFunctionNames } from './planner/spatial-functions.ts'
import { INTERVAL_LITERAL, ISO_LITERAL } from './planner/timestamptz-compare.ts'

/**
 * Parses a Milvus filter expression (`age > 20 and name like "a%"`) into a syntax tree.
 * Precedence climbing over Milvus's operator table (`syntax/precedence.ts`); throws MilvusError 1100
 * saying where and what was expected; never anything else, whatever the input.
 */
export function parseExpr(text: string): ExprNode {
  if (typeof text !== 'string') throw errors.invalid(`the filter expression must be a string, got ${typeof text}`)
  const max = exprLimits.exprLengthCharsMax
  if (text.length > max) {
    throw errors.invalid(`the filter expression is too long: ${text.length} characters, at most ${max} (exprLengthCharsMax)`)
  }
  const root = new Parser(text).parseAll()
  const { depth, offset } = exprDepth(root)
  if (depth > exprLimits.exprNestingDepthMax) throw syntaxError(text, offset, tooDeep())
  return root
}

function tooManyOperators(): string {
  return `the expression has more than ${exprLimits.exprOperatorsMax} operators (exprOperatorsMax)`
}

function tooDeep(): string {
  return `the expression is nested deeper than ${exprLimits.exprNestingDepthMax} levels (exprNestingDepthMax)`
}

/** Function names Milvus spells in lower or upper case; read as lower case. */
const knownFunctions: ReadonlySet<string> = new Set([
  'json_contains',
  'json_contains_all',
  'json_contains_any',
  'array_contains',
  'array_contains_all',
  'array_contains_any',
  'array_length',
  'text_match',
  'phrase_match',
  ...spatialFunctionNames,
  ISO_LITERAL,
  INTERVAL_LITERAL,
])

const rangeOps: Partial<Record<string, '<' | '<=' | '>' | '>='>> = { '<': '<', '<=': '<=', '>': '>', '>=': '>=' }

class Parser {
  private readonly lexer: Lexer
  private readonly source: string
  private depth = 0
  /** Operators read so far (`exprOperatorsMax`): the parse stops at the first one too many. */
  private operatorCount = 0
  /** List values read so far, all lists together (`inListLengthMax`). */
  private listValueCount = 0
  /** Nodes written in parentheses: `(a or b) or c` keeps its inner chain. */
  private readonly parenthesized = new WeakSet<ExprNode>()

  constructor(source: string) {
    this.source = source
    this.lexer = new Lexer(source)
  }

  parseAll(): ExprNode {
    if (this.lexer.peek().kind === 'end') throw this.error(this.lexer.peek(), 'the expression is empty')
    const root = this.expression(0)
    const t = this.lexer.peek()
    if (t.kind === 'punct' && t.text === ')') throw this.error(t, "unmatched ')'")
    if (t.kind !== 'end') throw this.expected(t, 'an operator or the end of the expression')
    return root
  }

  /** An expression whose operators all bind at least as tightly as `minPrec`. */
  private expression(minPrec: number): ExprNode {
    if (++this.depth > exprLimits.exprNestingDepthMax) throw this.error(this.lexer.peek(), tooDeep())
    let left = this.prefix()
    for (let next = this.infix(left, minPrec); next !== null; next = this.infix(left, minPrec)) left = next
    this.depth--
    return left
  }

  private infix(left: ExprNode, minPrec: number): ExprNode | null {
    const t = this.lexer.peek()
    if (t.kind === 'keyword') return this.keywordInfix(left, t, minPrec)
    if (t.kind !== 'punct') return null
    switch (t.text) {
      case '+':
      case '-':
        return this.arith(left, t.text, Prec.additive, minPrec)
      case '*':
      case '/':
      case '%':
        return this.arith(left, t.text, Prec.multiplicative, minPrec)
      case '**':
        return this.arith(left, '**', Prec.power, minPrec)
      case '==':
      case '!=':
        return this.compare(left, t.text, Prec.equality, minPrec)
      case '<':
      case '<=':
      case '>':
      case '>=':
        return this.relational(left, t.text, minPrec)
      case '&':
      case '|':
      case '^':
      case '<<':
      case '>>':
        throw this.error(t, `the bitwise operator '${t.text}' is not supported`)
      case '=':
        throw this.error(t, "'=' is not an operator; compare with '=='")
      default:
        return null
    }
  }

  private keywordInfix(left: ExprNode, t: Token & { kind: 'keyword' }, minPrec: number): ExprNode | null {
    switch (t.word) {
      case 'and':
      case 'or':
        return (t.word === 'or' ? Prec.or : Prec.and) >= minPrec ? this.logical(left, t.word) : null
      case 'in':
        return Prec.in >= minPrec ? this.inList(left, false) : null
      case 'not': {
        if (Prec.in < minPrec) return null
        const mark = this.lexer.mark()
        this.lexer.next()
        const u = this.lexer.peek()
        if (u.kind === 'keyword' && u.word === 'in') return this.inList(left, true)
        this.lexer.reset(mark)
        return null
      }
      case 'like': {
        if (Prec.like < minPrec) return null
        this.countOperator(t)
        this.lexer.next()
        const pattern = this.expression(Prec.like + 1)
        return { kind: 'like', left, pattern, offset: left.offset }
      }
      default:
        return null
    }
  }

  private arith(left: ExprNode, op: '+' | '-' | '*' | '/' | '%' | '**', prec: number, minPrec: number): ExprNode | null {
    if (prec < minPrec) return null
    this.countOperator(this.lexer.next())
    const right = this.expression(prec + 1)
    return { kind: 'arith', op, left, right, offset: left.offset }
  }

  private compare(left: ExprNode, op: CompareOp, prec: number, minPrec: number): ExprNode | null {
    if (prec < minPrec) return null
    this.countOperator(this.lexer.next())
    const right = this.expression(prec + 1)
    return { kind: 'compare', op, left, right, offset: left.offset }
  }

  /** `<` etc.: a range `lower < field <= upper` when a field and a second same-way operator follow. */
  private relational(left: ExprNode, op: '<' | '<=' | '>' | '>=', minPrec: number): ExprNode | null {
    if (Prec.range >= minPrec) {
      const range = this.tryRange(left, op)
      if (range !== null) return range
    }
    return this.compare(left, op, Prec.relational, minPrec)
  }

  private tryRange(lower: ExprNode, lowerOp: '<' | '<=' | '>' | '>='): ExprNode | null {
    const mark = this.lexer.mark()
    this.lexer.next()
    const t = this.lexer.peek()
    if (t.kind === 'identifier') {
      this.lexer.next()
      const field = this.fieldRef(t)
      const u = this.lexer.peek()
      const upperOp = u.kind === 'punct' ? rangeOps[u.text] : undefined
      const less = lowerOp === '<' || lowerOp === '<='
      if (upperOp !== undefined && less === (upperOp === '<' || upperOp === '<=')) {
        this.countOperator(this.lexer.next(), 2) // a range is two comparisons
        const upper = this.expression(Prec.range + 1)
        return { kind: 'range', lower, lowerOp, field, upperOp, upper, offset: lower.offset }
      }
    }
    this.lexer.reset(mark)
    return null
  }

  private logical(first: ExprNode, op: 'and' | 'or'): LogicalNode {
    const operands: ExprNode[] = [first]
    const prec = op === 'or' ? Prec.or : Prec.and
    for (let t = this.lexer.peek(); t.kind === 'keyword' && t.word === op; t = this.lexer.peek()) {
      this.countOperator(t)
      this.lexer.next()
      operands.push(this.expression(prec + 1))
    }
    return { kind: 'logical', op, operands, offset: first.offset }
  }

  private inList(left: ExprNode, negated: boolean): ExprNode {
    this.countOperator(this.lexer.next())
    const right = this.expression(Prec.in + 1)
    return { kind: 'in', negated, left, right, offset: left.offset }
  }

  private prefix(): ExprNode {
    const t = this.lexer.peek()
    switch (t.kind) {
      case 'integer':
      case 'float':
      case 'string':
        this.lexer.next()
        return { kind: t.kind, value: t.value, offset: t.offset } as ExprNode
      case 'identifier':
        this.lexer.next()
        return this.fieldOrCall(t)
      case 'keyword':
        return this.keywordPrefix(t)
      case 'punct':
        return this.punctPrefix(t)
      case 'end':
        throw this.expected(t, 'a value')
    }
  }

  private keywordPrefix(t: Token & { kind: 'keyword' }): ExprNode {
    switch (t.word) {
      case 'true':
      case 'false':
        this.lexer.next()
        return { kind: 'bool', value: t.word === 'true', offset: t.offset }
      case 'not':
        this.countOperator(this.lexer.next())
        return { kind: 'unary', op: 'not', operand: this.expression(Prec.unary), offset: t.offset }
      case 'exists':
        this.countOperator(this.lexer.next())
        return { kind: 'exists', operand: this.expression(Prec.exists), offset: t.offset }
      default:
        throw this.expected(t, 'a value')
    }
  }

  private punctPrefix(t: Token & { kind: 'punct' }): ExprNode {
    switch (t.text) {
      case '-':
      case '+':
        this.lexer.next()
        return { kind: 'unary', op: t.text, operand: this.expression(Prec.unary), offset: t.offset }
      case '(': {
        this.lexer.next()
        const inner = this.expression(0)
        this.expect(')', "')' to close the '(' at column " + (t.offset + 1))
        this.parenthesized.add(inner)
        return inner
      }
      case '[':
        return this.list(this.lexer.next())
      case '{':
        return this.template(this.lexer.next())
      case '~':
        throw this.error(t, "the bitwise operator '~' is not supported")
      default:
        throw this.expected(t, 'a value')
    }
  }

  private list(open: Token): ExprNode {
    const items: ExprNode[] = []
    for (;;) {
      const t = this.lexer.peek()
      if (t.kind === 'punct' && t.text === ']') break
      const max = exprLimits.inListLengthMax
      if (items.length === max) throw this.error(open, `the list has more than ${max} values (inListLengthMax)`)
      if (++this.listValueCount > max) throw this.error(t, `the lists of the expression hold more than ${max} values in all (inListLengthMax)`)
      items.push(this.expression(0))
      const u = this.lexer.peek()
      if (u.kind === 'punct' && u.text === ',') this.lexer.next()
      else if (!(u.kind === 'punct' && u.text === ']')) throw this.expected(u, "',' or ']'")
    }
    this.lexer.next()
    return { kind: 'list', items, offset: open.offset }
  }

  private template(open: Token): ExprNode {
    const name = this.lexer.next()
    if (name.kind !== 'identifier' || name.text === '$meta') throw this.expected(name, 'a template name')
    this.expect('}', "'}'")
    return { kind: 'template', name: name.text, offset: open.offset }
  }

  private fieldOrCall(name: Token & { kind: 'identifier' }): ExprNode {
    const t = this.lexer.peek()
    const lower = name.text.toLowerCase()
    // `ISO '…'` / `INTERVAL '…'` (Timestamptz literals; contextual keywords: fields may have these names)
    if (t.kind === 'string' && (lower === ISO_LITERAL || lower === INTERVAL_LITERAL)) {
      this.lexer.next()
      return { kind: 'call', name: lower, args: [{ kind: 'string', value: t.value, offset: t.offset }], offset: name.offset }
    }
    if (t.kind === 'punct' && t.text === '(' && name.text !== '$meta') return this.call(name)
    const field = this.fieldRef(name)
    return this.isNullSuffix(field) ?? field
  }

  /** `name` followed by `["key"]` / `[0]` steps. */
  private fieldRef(name: Token & { kind: 'identifier' }): FieldNode {
    const path: PathKey[] = []
    for (let t = this.lexer.peek(); t.kind === 'punct' && t.text === '['; t = this.lexer.peek()) {
      this.lexer.next()
      const key = this.lexer.next()
      if (key.kind === 'string') path.push(key.value)
      else if (key.kind === 'integer' && key.value <= 0x7fffffffn) path.push(Number(key.value))
      else throw this.expected(key, 'a string key or an array index')
      this.expect(']', "']'")
    }
    return { kind: 'field', name: name.text, path, offset: name.offset }
  }

  private isNullSuffix(field: FieldNode): ExprNode | null {
    const is = this.lexer.peek()
    if (is.kind !== 'identifier' || (is.text !== 'is' && is.text !== 'IS')) return null
    const mark = this.lexer.mark()
    this.lexer.next()
    let t = this.lexer.next()
    const negated = t.kind === 'keyword' && t.word === 'not'
    if (negated) t = this.lexer.next()
    if (t.kind === 'identifier' && (t.text === 'null' || t.text === 'NULL')) {
      this.countOperator(is)
      return { kind: 'isNull', negated, operand: field, offset: field.offset }
    }
    this.lexer.reset(mark)
    return null
  }

  private call(name: Token & { kind: 'identifier' }): ExprNode {
    this.countOperator(name)
    this.lexer.next()
    const args: ExprNode[] = []
    const named: { name: string; value: ExprNode }[] = []
    for (;;) {
      const t = this.lexer.peek()
      if (t.kind === 'punct' && t.text === ')') break
      const option = this.namedArgument()
      if (option !== undefined) named.push(option)
      else if (named.length > 0) throw this.expected(t, 'a named argument (name=value) after named arguments')
      else args.push(this.expression(0))
      const u = this.lexer.peek()
      if (u.kind === 'punct' && u.text === ',') this.lexer.next()
      else if (!(u.kind === 'punct' && u.text === ')')) throw this.expected(u, "',' or ')'")
    }
    this.lexer.next()
    const lower = name.text.toLowerCase()
    const known = knownFunctions.has(lower) && (name.text === lower || name.text === name.text.toUpperCase())
    return { kind: 'call', name: known ? lower : name.text, args, ...(named.length > 0 ? { named } : {}), offset: name.offset }
  }

  /** `name=value` inside a call (Milvus: `TEXT_MATCH(f, 'a b', minimum_should_match=2)`), else undefined and nothing read. */
  private namedArgument(): { name: string; value: ExprNode } | undefined {
    const mark = this.lexer.mark()
    const name = this.lexer.next()
    const eq = this.lexer.peek()
    if (name.kind === 'identifier' && eq.kind === 'punct' && eq.text === '=') {
      this.lexer.next()
      return { name: name.text, value: this.expression(0) }
    }
    this.lexer.reset(mark)
    return undefined
  }

  /** Counts `n` operators at token `t` against `exprOperatorsMax`. */
  private countOperator(t: Token, n = 1): void {
    this.operatorCount += n
    if (this.operatorCount > exprLimits.exprOperatorsMax) throw this.error(t, tooManyOperators())
  }

  private expect(text: string, what: string): void {
    const t = this.lexer.next()
    if (!(t.kind === 'punct' && t.text === text)) throw this.expected(t, what)
  }

  private expected(t: Token, what: string) {
    return this.error(t, `expected ${what}, found ${describeToken(t, this.source)}`)
  }

  private error(t: Token, message: string) {
    return syntaxError(this.source, t.offset, message)
  }
}
