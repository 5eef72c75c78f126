// Proves the planner type-checks filters against the schema: unknown fields, dynamic keys, type
// mismatches (naming the field and the reason), arithmetic rules, constant folding, templates and
// their limits; and that compileFilter reports planner errors in Milvus's wrapped form.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createCollectionSchema } from '../schema/collection-schema.ts'
import { compileFilter } from './compile-filter.ts'
import { exprLimits } from './expr-limits.ts'
import type { PredicatePlan } from './expr-plan.ts'
import { parseExpr } from './parse-expr.ts'
import { planExpr } from './plan.ts'
import { termCount, termValues } from './planner/term-set.ts'
import { assertInvalid, testSchema } from './test-fixtures.ts'

const plan = (text: string, params?: Record<string, unknown>) => planExpr(parseExpr(text), testSchema, params)
const root = (text: string, params?: Record<string, unknown>) => plan(text, params).root

const closed = createCollectionSchema({
  name: 'closed',
  fields: [
    { name: 'id', dataType: 'Int64', isPrimaryKey: true },
    { name: 'v', dataType: 'FloatVector', dim: 2 },
    { name: 'name', dataType: 'VarChar', maxLength: 10 },
  ],
})

test('fields resolve to typed column reads; the plan lists the columns it reads', () => {
  assert.deepEqual(root('i64 > 3'), {
    kind: 'compare',
    op: '>',
    value: { kind: 'column', column: 'i64', columnKind: 'int64', type: 'int' },
    constant: { type: 'int', value: 3n },
  })
  assert.deepEqual(plan('i32 > 1 and s == "a" or i32 < 0').columns, ['i32', 's'])
})

test('constant on the left is flipped; ranges become two comparisons', () => {
  const r = root('3 < i8')
  assert.equal(r.kind === 'compare' && r.op, '>')
  const range = root('1 < i32 <= 5')
  assert.equal(range.kind, 'logical')
  if (range.kind !== 'logical') return
  assert.deepEqual(range.operands.map((x) => x.kind === 'compare' && [x.op, x.constant.value]), [['>', 1n], ['<=', 5n]])
})

test('unknown fields: "field x not exist" without dynamic field; $meta key with it', () => {
  assertInvalid(() => planExpr(parseExpr('x > 1'), closed), 'field x not exist')
  assertInvalid(() => planExpr(parseExpr('$meta["x"] > 1'), closed), 'field $meta not exist')
  assert.deepEqual(root('color == "red"'), {
    kind: 'compare',
    op: '==',
    value: { kind: 'jsonPath', column: '$meta', path: ['color'], type: 'json' },
    constant: { type: 'string', value: 'red' },
  })
  const explicit = root('$meta["color"] == "red"')
  assert.deepEqual(explicit, root('color == "red"'))
  assert.deepEqual(plan('color == "red"').columns, ['$meta'])
})

test('type mismatches name the field and the reason', () => {
  assertInvalid(() => plan('s > 3'), 'cannot compare VarChar field s with the integer 3')
  assertInvalid(() => plan('i64 == "a"'), 'cannot compare Int64 field i64 with the string "a"')
  assertInvalid(() => plan('i64 == 1.5'), 'cannot compare Int64 field i64 with the floating value 1.5', 'integer fields take integer values')
  assertInvalid(() => plan('b > true'), 'booleans support only == and !=')
  assertInvalid(() => plan('b == 1'), 'cannot compare Bool field b with the integer 1')
  assertInvalid(() => plan('i32 like "a%"'), "'like' needs a VarChar or JSON field, got Int32 field i32")
  assertInvalid(() => plan('s like 3'), "'like' needs a string pattern")
  assertInvalid(() => plan('i32 in [1, "a"]'), 'cannot compare Int32 field i32 with the string "a"')
  assertInvalid(() => plan('i32 in [1, 2.5]'), 'cannot compare Int32 field i32 with the floating value 2.5')
  assertInvalid(() => plan('i32 in 3'), "'in' needs a list of constants")
  assertInvalid(() => plan('i32 in [i64]'), 'a list item must be a constant')
  assertInvalid(() => plan('vec == 1'), 'vector field vec cannot be used in a filter')
  assertInvalid(() => plan('i32["a"] == 1'), 'field i32 is Int32; only JSON and Array fields take [...]')
  assertInvalid(() => plan('a32["x"] == 1'), 'Array field a32 takes one integer index')
  assertInvalid(() => plan('a32 == 1'), 'Array field a32 cannot be compared as a whole')
  assertInvalid(() => plan('j["a"] == [1]'), 'cannot compare JSON field j["a"] with a list')
  assertInvalid(() => plan('i32 + 1'), 'expected a condition', 'arithmetic on Int32 field i32')
  assertInvalid(() => plan('i32'), 'expected a condition', 'Int32 field i32')
  assertInvalid(() => plan('s == s and i32 < s'), 'cannot compare Int32 field i32 < VarChar field s: the types differ')
  assertInvalid(() => plan('j["a"] < i32'), 'comparing two fields is supported for plain scalar fields only')
  assertInvalid(() => plan('"a" == 1'), 'cannot compare the string "a" with the integer 1')
  assertInvalid(() => plan('not i32 > 1'), "expected a value, got a 'not' condition", 'write not (a > 1)')
})

test('arithmetic: one field with constants (** gives a float); two fields and divisors of 0 are errors', () => {
  const r = root('i32 * 2 == 40')
  assert.equal(r.kind === 'compare' && r.value.kind, 'arith')
  assertInvalid(() => plan('i32 + i64 > 1'), 'arithmetic between two fields is not supported (Int32 field i32 + Int64 field i64)')
  const pow = root('i32 ** 2 == 400')
  assert.ok(pow.kind === 'compare' && pow.value.kind === 'arith' && pow.value.type === 'float' && pow.constant.type === 'float')
  assert.ok(root('2 ** i64 > 1').kind === 'compare')
  assertInvalid(() => plan('i32 / 0 > 1'), 'division by zero')
  assertInvalid(() => plan('10 / i32 > 1'), 'the divisor must be a constant')
  assertInvalid(() => plan('i32 * 1.5 > 1'), 'cannot combine Int32 field i32 with the floating value 1.5')
  assertInvalid(() => plan('s + 1 > 1'), 'arithmetic on VarChar field s is not supported')
  const neg = root('-i32 > 1')
  assert.ok(neg.kind === 'compare' && neg.value.kind === 'arith' && neg.value.op === '*' && neg.value.constant.value === -1n)
  const left = root('10 - i32 > 1')
  assert.ok(left.kind === 'compare' && left.value.kind === 'arith' && left.value.constantOnLeft)
  const commuted = root('2 * i32 > 1')
  assert.ok(commuted.kind === 'compare' && commuted.value.kind === 'arith' && !commuted.value.constantOnLeft)
})

test('constants fold exactly; Int64 range and overflow are checked', () => {
  const constantOf = (text: string) => (root(text) as PredicatePlan & { kind: 'compare' }).constant
  assert.deepEqual(constantOf('i64 == 2 ** 62 + (2 ** 62 - 1)'), { type: 'int', value: 2n ** 63n - 1n })
  assert.deepEqual(root('1 + 1 == 2'), { kind: 'constant', value: true })
  assert.deepEqual(root('1 == 1.0'), { kind: 'constant', value: true })
  assert.deepEqual(root('"a" < "b"'), { kind: 'constant', value: true })
  assert.deepEqual(root('2 in [1, 3]'), { kind: 'constant', value: false })
  assert.deepEqual(root('"abc" like "a%"'), { kind: 'constant', value: true })
  assert.deepEqual(constantOf('i64 == -9223372036854775808').value, -(2n ** 63n))
  assertInvalid(() => plan('i64 == 9223372036854775808'), 'the integer 9223372036854775808 is out of the Int64 range')
  assertInvalid(() => plan('i64 == 9223372036854775807 + 1'), 'overflows Int64')
  assertInvalid(() => plan('i64 == 2 ** 64'), 'overflows Int64')
  assertInvalid(() => plan('i64 == 1 / 0'), 'division by zero')
  assertInvalid(() => plan('f64 == 1e308 * 10'), 'overflows')
  assert.deepEqual(constantOf('f64 == 2 ** -1'), { type: 'float', value: 0.5 })
  assert.deepEqual(constantOf('i64 == 1 ** 9223372036854775807').value, 1n)
  assert.deepEqual(constantOf('i64 == -7 / 2').value, -3n)
  assert.deepEqual(constantOf('i64 == -7 % 2').value, -1n)
})

test('Float fields compare against float32-rounded constants, as Milvus does', () => {
  const r = root('f32 == 1.1')
  assert.deepEqual(r.kind === 'compare' && r.constant, { type: 'float', value: Math.fround(1.1) })
  const d = root('f64 == 1.1')
  assert.deepEqual(d.kind === 'compare' && d.constant, { type: 'float', value: 1.1 })
  const i = root('f64 > 2')
  assert.deepEqual(i.kind === 'compare' && i.constant, { type: 'float', value: 2 })
})

test('bare Bool field and JSON values mean == true; null tests; exists', () => {
  assert.deepEqual(root('b'), root('b == true'))
  assert.deepEqual(root('j["ok"]'), root('j["ok"] == true'))
  assert.deepEqual(root('i32 is null'), { kind: 'isNull', column: 'i32', nullable: true, negated: false })
  assert.deepEqual(root('i16 IS NOT NULL'), { kind: 'isNull', column: 'i16', nullable: false, negated: true })
  assert.deepEqual(root('j["a"] is not null'), { kind: 'exists', column: 'j', path: ['a'] })
  assert.deepEqual(root('color is null'), { kind: 'not', operand: { kind: 'exists', column: '$meta', path: ['color'] } })
  assertInvalid(() => plan('a32[0] is null'), 'is null applies to whole fields')
  assertInvalid(() => plan('exists i32'), 'exists needs a JSON key')
  assertInvalid(() => plan('exists 1'), 'exists needs a JSON key')
})

test('functions: contains family (json_ and array_ are aliases), array_length; bad uses are errors', () => {
  const c = root('array_contains(a32, 3)')
  assert.deepEqual(c, { kind: 'contains', mode: 'one', source: { kind: 'array', column: 'a32', elementKind: 'int32' }, values: [{ type: 'int', value: 3n }] })
  assert.deepEqual(root('json_contains(a32, 3)'), c)
  const all = root('json_contains_all(j["x"], [1, "a", [2]])')
  assert.ok(all.kind === 'contains' && all.mode === 'all' && all.values.length === 3)
  assert.ok(root('array_length(a32) == 2').kind === 'compare')
  assertInvalid(() => plan('array_contains(a32, "a")'), 'cannot compare the elements of Array field a32 with the string "a"')
  assertInvalid(() => plan('array_contains(a32, [1])'), 'with a list')
  assertInvalid(() => plan('array_contains_all(a32, 1)'), 'needs a list as its second argument')
  assertInvalid(() => plan('array_contains(i32, 1)'), 'needs an Array or JSON field')
  assertInvalid(() => plan('array_contains(a32)'), 'takes 2 arguments, got 1')
  assertInvalid(() => plan('array_length(a32)'), 'array_length(...) is a number, not a condition')
  assertInvalid(() => plan('array_length(a32, 1) > 0'), 'array_length takes 1 argument')
  assertInvalid(() => plan('text_match(s, "x")'), 'field "s" does not enable match')
  assertInvalid(() => plan('random_sample(0.5)'), 'function random_sample is not supported')
  assertInvalid(() => plan('i32 == array_contains(a32, 1)'), 'expected a value, got the condition array_contains(...)')
})

test('templates take values from params: integers, floats, strings, booleans, lists', () => {
  assert.deepEqual(root('i64 in {ids}', { ids: [1, 2n, 3] }), root('i64 in [1, 2, 3]'))
  assert.deepEqual(root('s == {name}', { name: 'x' }), root('s == "x"'))
  assert.deepEqual(root('f64 > {v}', { v: 1.5 }), root('f64 > 1.5'))
  assert.deepEqual(root('{flag}', { flag: true }), { kind: 'constant', value: true })
  assert.deepEqual(root('i64 == {big}', { big: 9007199254740993n }), root('i64 == 9007199254740993'))
  assertInvalid(() => plan('i64 == {x}'), 'template variable {x}: no value given in params')
  assertInvalid(() => plan('i64 == {x}', null as unknown as Record<string, unknown>), 'no value given in params')
  assertInvalid(() => plan('i64 == {x}', { x: { a: 1 } }), 'unsupported value type object')
  assertInvalid(() => plan('i64 == {x}', { x: Number.NaN }), 'is not a finite number')
  assertInvalid(() => plan('i64 == {x}', { x: 2n ** 64n }), 'out of the Int64 range')
  assertInvalid(() => plan('i64 == {x}', { x: 1.5 }), 'cannot compare Int64 field i64 with the floating value 1.5')
  assertInvalid(() => plan('{x}', { x: 1 }), 'expected a condition, got the integer 1 from {x}')
  assertInvalid(() => plan('i64 in {x}', { x: [1, [2]] }), 'cannot compare Int64 field i64 with a list')
})

test('inListLengthMax applies to template lists at the boundary', () => {
  const max = exprLimits.inListLengthMax
  const ok = root('pk in {ids}', { ids: new Array(max).fill(7) })
  assert.ok(ok.kind === 'in' && termCount(ok.set) === 1)
  assertInvalid(() => plan('pk in {ids}', { ids: new Array(max + 1).fill(7) }), `more than ${max}`)
  // Nested lists count together (the outer list's items too): one shared big list cannot multiply.
  const half = (max - 2) / 2
  assert.equal(root('json_contains_any(j, {x})', { x: [new Array(half).fill(1), new Array(half).fill(2)] }).kind, 'contains')
  assertInvalid(() => plan('json_contains_any(j, {x})', { x: [new Array(half).fill(1), new Array(half + 1).fill(2)] }), `more than ${max} values in all (inListLengthMax)`)
  // Text and template lists together.
  const text = `pk in [${'1,'.repeat(half)}] or json_contains_any(j, {x})`
  assert.equal(root(text, { x: new Array(max - half).fill(1) }).kind, 'logical')
  assertInvalid(() => plan(text, { x: new Array(max - half + 1).fill(1) }), `more than ${max} values in all (inListLengthMax)`)
  const big = new Array(max).fill(1)
  assertInvalid(() => plan('json_contains_any(j, {x})', { x: new Array(1000).fill(big) }), 'in all (inListLengthMax)')
})

test('compileFilter wraps planner errors as "cannot parse expression: <expr>, error: <reason>"', () => {
  const e = assertInvalid(() => compileFilter('x > 1', closed))
  assert.equal(e.message, 'cannot parse expression: x > 1, error: field x not exist: invalid parameter')
  assert.ok(e.cause instanceof Error)
  assertInvalid(() => compileFilter('x > > 1', closed), 'error at column 5')
  assert.equal(compileFilter('name like "a%"', closed).root.kind, 'like')
})

test('an or of == / in on the same field becomes one in (same truth, one pass)', () => {
  const r = root('pk == 1 or i32 > 3 or pk in [2, 1] or pk == 3')
  assert.equal(r.kind, 'logical')
  if (r.kind !== 'logical') return
  assert.deepEqual(r.operands.map((x) => x.kind), ['in', 'compare'])
  const first = r.operands[0]!
  assert.deepEqual(first.kind === 'in' && termValues(first.set).map((v) => v.value), [1n, 2n, 3n])
  const big = root(Array.from({ length: 5000 }, (_, i) => `pk == ${i}`).join(' or '))
  assert.ok(big.kind === 'in' && termCount(big.set) === 5000)
  assert.equal(root('pk == 1 or pk == 1 + 0').kind, 'in')
  assert.equal(root('i32 * 2 == 1 or i32 * 2 == 2').kind, 'logical')
})
