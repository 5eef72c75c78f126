// Proves the parser builds the tree Milvus's grammar does (precedence, ranges, `not in`, paths,
// null tests, functions, templates), reports syntax errors with position and expectation, and
// enforces its limits exactly at the boundary. Trees are checked as compact S-expressions.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { assertNever } from '../common/assert.ts'
import { exprLimits } from './expr-limits.ts'
import type { ExprNode } from './expr-node.ts'
import { parseExpr } from './parse-expr.ts'
import { exprToString } from './expr-to-string.ts'
import { assertInvalid } from './test-fixtures.ts'

/** A fully parenthesised rendering of the tree, to check its shape. */
function sx(n: ExprNode): string {
  switch (n.kind) {
    case 'integer':
    case 'float':
    case 'bool':
      return String(n.value)
    case 'string':
      return JSON.stringify(n.value)
    case 'list':
      return `[${n.items.map(sx).join(' ')}]`
    case 'field':
      return n.name + n.path.map((k) => `[${JSON.stringify(k)}]`).join('')
    case 'template':
      return `{${n.name}}`
    case 'unary':
      return `(${n.op} ${sx(n.operand)})`
    case 'arith':
    case 'compare':
      return `(${n.op} ${sx(n.left)} ${sx(n.right)})`
    case 'range':
      return `(range ${sx(n.lower)} ${n.lowerOp} ${sx(n.field)} ${n.upperOp} ${sx(n.upper)})`
    case 'in':
      return `(${n.negated ? 'not-in' : 'in'} ${sx(n.left)} ${sx(n.right)})`
    case 'like':
      return `(like ${sx(n.left)} ${sx(n.pattern)})`
    case 'logical':
      return `(${n.op} ${n.operands.map(sx).join(' ')})`
    case 'isNull':
      return `(${n.negated ? 'is-not-null' : 'is-null'} ${sx(n.operand)})`
    case 'exists':
      return `(exists ${sx(n.operand)})`
    case 'call':
      return `(${n.name}(${n.args.map(sx).join(' ')}))`
    default:
      return assertNever(n)
  }
}

const shapes: [string, string][] = [
  ['age > 20 and name like "a%"', '(and (> age 20) (like name "a%"))'],
  ['a or b and c', '(or a (and b c))'],
  ['a and b or c', '(or (and a b) c)'],
  ['a or b or c', '(or a b c)'],
  ['a || b OR c', '(or a b c)'],
  ['a && b AND c and d', '(and a b c d)'],
  ['(a or b) or c', '(or (or a b) c)'],
  ['a or (b or c)', '(or a (or b c))'],
  ['1 + 2 * 3', '(+ 1 (* 2 3))'],
  ['1 - 2 - 3', '(- (- 1 2) 3)'],
  ['8 / 4 % 3', '(% (/ 8 4) 3)'],
  ['2 ** 3 ** 2', '(** (** 2 3) 2)'],
  ['-2 ** 2', '(- (** 2 2))'],
  ['2 * -3', '(* 2 (- 3))'],
  ['2 ** -1', '(** 2 (- 1))'],
  ['+a', '(+ a)'],
  ['not a > 1', '(> (not a) 1)'],
  ['not (a > 1)', '(not (> a 1))'],
  ['!a', '(not a)'],
  ['NOT not a', '(not (not a))'],
  ['not a like "x"', '(not (like a "x"))'],
  ['a > 1 == b < 2', '(== (> a 1) (< b 2))'],
  ['a in [1] == true', '(== (in a [1]) true)'],
  ['a + 1 in [2]', '(in (+ a 1) [2])'],
  ['a not in [1, 2]', '(not-in a [1 2])'],
  ['a NOT IN []', '(not-in a [])'],
  ['a IN [1, 2,]', '(in a [1 2])'],
  ['a like "x%" and b', '(and (like a "x%") b)'],
  ['a LIKE "x" + 1', '(+ (like a "x") 1)'],
  ['1 < age <= 5', '(range 1 < age <= 5)'],
  ['5 >= age > 1', '(range 5 >= age > 1)'],
  ['1 + 1 < age < 2 * 3', '(range (+ 1 1) < age < (* 2 3))'],
  ['1 < meta["a"] <= 2', '(range 1 < meta["a"] <= 2)'],
  ['1 < age > 5', '(> (< 1 age) 5)'],
  ['1 < age', '(< 1 age)'],
  ['1 < f(x) < 2', '(< (< 1 (f(x))) 2)'],
  ['meta["a"]["b"] == 1', '(== meta["a"]["b"] 1)'],
  ["meta['a'][0] == 1", '(== meta["a"][0] 1)'],
  ['tags[0] == "x"', '(== tags[0] "x")'],
  ['$meta["color"] == "red"', '(== $meta["color"] "red")'],
  ['a is null', '(is-null a)'],
  ['a IS NOT NULL', '(is-not-null a)'],
  ['meta["a"] is not null and b', '(and (is-not-null meta["a"]) b)'],
  ['not a is null', '(not (is-null a))'],
  ['exists meta["a"]', '(exists meta["a"])'],
  ['EXISTS $meta["k"] or x', '(or (exists $meta["k"]) x)'],
  ['json_contains(meta["x"], [1, 2])', '(json_contains(meta["x"] [1 2]))'],
  ['JSON_CONTAINS_ANY(x, [1])', '(json_contains_any(x [1]))'],
  ['Array_Length(x)', '(Array_Length(x))'],
  ['f()', '(f())'],
  ['f(a, 1,)', '(f(a 1))'],
  ['a in {ids}', '(in a {ids})'],
  ['{flag}', '{flag}'],
  ['[]', '[]'],
  ['[[1], [2, 3]]', '[[1] [2 3]]'],
  ['x == r"a\\d"', '(== x "a\\\\d")'],
  ['True == TRUE', '(== true true)'],
  ['is == 1', '(== is 1)'],
]

test('precedence, associativity and forms match Milvus', () => {
  for (const [text, shape] of shapes) assert.equal(sx(parseExpr(text)), shape, text)
})

test('nodes keep the character offset of their first token', () => {
  const n = parseExpr('  age > 20')
  assert.equal(n.kind, 'compare')
  if (n.kind !== 'compare') return
  assert.equal(n.offset, 2)
  assert.equal(n.left.offset, 2)
  assert.equal(n.right.offset, 8)
})

test('syntax errors say where (column, or line and column) and what was expected', () => {
  const e = assertInvalid(() => parseExpr('age > > 3'))
  assert.equal(e.message, "cannot parse expression: age > > 3, error at column 7: expected a value, found '>': invalid parameter")
  assertInvalid(() => parseExpr(''), 'the expression is empty')
  assertInvalid(() => parseExpr('   '), 'the expression is empty')
  assertInvalid(() => parseExpr('(a > 1'), "column 7: expected ')' to close the '(' at column 1, found the end of the expression")
  assertInvalid(() => parseExpr('a > 1)'), "column 6: unmatched ')'")
  assertInvalid(() => parseExpr('a > 1 b'), "column 7: expected an operator or the end of the expression, found 'b'")
  assertInvalid(() => parseExpr('a not b'), "found 'not'")
  assertInvalid(() => parseExpr('a & b'), "the bitwise operator '&' is not supported")
  assertInvalid(() => parseExpr('~a'), "the bitwise operator '~' is not supported")
  assertInvalid(() => parseExpr('a << 1'), "the bitwise operator '<<' is not supported")
  assertInvalid(() => parseExpr('a = 1'), "'=' is not an operator; compare with '=='")
  assertInvalid(() => parseExpr('a in [1, 2'), "expected ',' or ']'")
  assertInvalid(() => parseExpr('f(1 2)'), "expected ',' or ')'")
  assertInvalid(() => parseExpr('a[true]'), 'expected a string key or an array index')
  assertInvalid(() => parseExpr('a["x"'), "expected ']'")
  assertInvalid(() => parseExpr('a[-1]'), 'expected a string key or an array index')
  assertInvalid(() => parseExpr('{1}'), 'expected a template name')
  assertInvalid(() => parseExpr('a == in'), "expected a value, found 'in'")
  assertInvalid(() => parseExpr('a > 1 and\n  b > > 2'), 'line 2, column 7: expected a value')
  assertInvalid(() => parseExpr(42 as unknown as string), 'must be a string')
})

test('a long expression is echoed in part, with the text near the error', () => {
  const text = `${'a == 1 or '.repeat(50)}b > > 1`
  const e = assertInvalid(() => parseExpr(text), 'error at column 505')
  assert.ok(e.message.length < 500, e.message)
  assert.ok(e.message.includes('near …'), e.message)
})

test('exprLengthCharsMax: the longest allowed text parses, one more character is refused', () => {
  const max = exprLimits.exprLengthCharsMax
  const pad = (n: number) => `a == 1${' '.repeat(n - 6)}`
  assert.equal(parseExpr(pad(max)).kind, 'compare')
  assertInvalid(() => parseExpr(pad(max + 1)), `too long: ${max + 1} characters, at most ${max}`)
})

test('exprNestingDepthMax: parentheses, prefix chains and left-deep chains at the boundary', () => {
  const max = exprLimits.exprNestingDepthMax
  const parens = (k: number) => `${'('.repeat(k)}a${')'.repeat(k)}`
  assert.equal(parseExpr(parens(max - 1)).kind, 'field')
  assertInvalid(() => parseExpr(parens(max)), `nested deeper than ${max} levels`)
  const nots = (k: number) => `${'not '.repeat(k)}a`
  assert.equal(parseExpr(nots(max - 1)).kind, 'unary')
  assertInvalid(() => parseExpr(nots(max)), `nested deeper than ${max} levels`)
  const sums = (k: number) => `a${' + 1'.repeat(k)} > 0`
  assert.equal(parseExpr(sums(max - 2)).kind, 'compare')
  assertInvalid(() => parseExpr(sums(max - 1)), `nested deeper than ${max} levels`)
})

test('long and/or chains are flat, so they do not count as nesting', () => {
  const n = parseExpr(Array.from({ length: 5000 }, (_, i) => `pk == ${i}`).join(' or '))
  assert.equal(n.kind === 'logical' && n.operands.length, 5000)
})

test('exprOperatorsMax: exactly the maximum parses, one more operator is refused where it stands', () => {
  const max = exprLimits.exprOperatorsMax
  // k terms `pk == i` joined by `or`: 2k - 1 operators.
  const chain = (k: number, op = 'or') => Array.from({ length: k }, (_, i) => `pk == ${i}`).join(` ${op} `)
  assert.equal(max % 2, 0)
  const ok = parseExpr(`${chain(max / 2)} or b`)
  assert.equal(ok.kind === 'logical' && ok.operands.length, max / 2 + 1)
  const text = `${chain(max / 2)} or pk == 1`
  assertInvalid(() => parseExpr(text), `more than ${max} operators (exprOperatorsMax)`)
  assertInvalid(() => parseExpr(text), `column ${text.length - 3}:`) // at the last `==`
  // Every kind of operator counts; a range is two; unary minus is part of its number.
  const rest = (used: number) => chain((max - used + 1) / 2, 'and') // max - used operators (used odd)
  assert.equal(parseExpr(`${rest(3)} and (1 < a < 2)`).kind, 'logical')
  assertInvalid(() => parseExpr(`${rest(3)} and (1 < a < 2) and b`), 'exprOperatorsMax')
  assert.equal(parseExpr(`${rest(15)} and not b and array_contains(c, 1) and d is null and e like "x" and exists f and g in [1] and h + 1 > 2`).kind, 'logical')
  assertInvalid(() => parseExpr(`${rest(15)} and not b and array_contains(c, 1) and d is null and e like "x" and exists f and g in [1] and h + 1 > 2 and b`), 'exprOperatorsMax')
  assertInvalid(() => parseExpr(`${rest(1)} and not b and array_contains(c, 1) and d is null and e like "x" and exists f and g in [1] and h + 1 > 2`), 'exprOperatorsMax')
  const negatives = `pk in [${Array.from({ length: max + 1 }, (_, i) => -i).join(',')}]`
  assert.equal(parseExpr(negatives).kind, 'in')
})

test('a 200,000-term chain is refused at the limit, before the rest of the text is read', () => {
  const text = Array.from({ length: 200_000 }, (_, i) => `id != ${i}`).join(' and ')
  const e = assertInvalid(() => parseExpr(text), 'exprOperatorsMax')
  const column = Number(/error at column (\d+)/.exec(e.message)?.[1])
  assert.ok(column < text.length / 10, `stopped at column ${column} of ${text.length}`)
})

test('inListLengthMax: a list of exactly the maximum parses, one more value is refused', () => {
  const max = exprLimits.inListLengthMax
  const list = (k: number) => `pk in [${'0,'.repeat(k)}]`
  const n = parseExpr(list(max))
  assert.equal(n.kind === 'in' && n.right.kind === 'list' && n.right.items.length, max)
  assertInvalid(() => parseExpr(list(max + 1)), `more than ${max} values`)
  // All the lists of the expression count together.
  const half = max / 2
  assert.equal(parseExpr(`${list(half)} or ${list(half)}`).kind, 'logical')
  assertInvalid(() => parseExpr(`${list(half)} or ${list(half + 1)}`), `the lists of the expression hold more than ${max} values in all (inListLengthMax)`)
})

test('named call arguments (TEXT_MATCH minimum_should_match=n) parse, print back and come last', () => {
  const node = parseExpr("TEXT_MATCH(text, 'a b', minimum_should_match=2)")
  assert.equal(node.kind, 'call')
  if (node.kind !== 'call') return
  assert.equal(node.name, 'text_match')
  assert.equal(node.args.length, 2)
  assert.deepEqual(node.named?.map((o) => [o.name, o.value.kind]), [['minimum_should_match', 'integer']])
  assert.equal(exprToString(node), 'text_match(text, "a b", minimum_should_match=2)')
  assert.equal(exprToString(parseExpr(exprToString(node))), exprToString(node))
  assert.equal(parseExpr("phrase_match(t, 'x')").kind, 'call')
  assertInvalid(() => parseExpr("f(a=1, 2)"), 'a named argument (name=value) after named arguments')
})
