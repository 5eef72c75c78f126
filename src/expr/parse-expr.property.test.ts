// Proves, with fast-check: (1) any text either parses or throws MilvusError 1100 — never anything
// else, also through planning and evaluation; (2) printing a tree and parsing it back gives the same
// tree, for random well-typed conditions and for random syntax trees of every node kind.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { MilvusError } from '../errors/errors.ts'
import { createCollectionSchema } from '../schema/collection-schema.ts'
import { compileFilter } from './compile-filter.ts'
import { evaluate } from './evaluate.ts'
import { evaluateNaive } from './evaluate-naive.ts'
import type { CompareOp, ExprNode, FieldNode } from './expr-node.ts'
import { exprToString } from './expr-to-string.ts'
import { parseExpr } from './parse-expr.ts'
import { dataArb, predicateArb, testSchema, withoutOffsets } from './test-fixtures.ts'

const tokenPool = [
  'a', 'i32', 'i64', 's', 'j', 'b', 'f32', 'a32', 'color', 'vec', 'pk', 'is', 'null', 'NULL', 'r',
  '1', '0', '-1', '0x1F', '017', '09', '0b1', '1.5', '.5', '1e3', '9223372036854775808', '1e999',
  '"s"', "'t'", '"a%"', '"_"', '"\\', '"', "'", '\\', 'r"x"',
  '(', ')', '[', ']', '{', '}', ',', '+', '-', '*', '/', '%', '**', '==', '!=', '<', '<=', '>', '>=',
  '=', '&', '|', '^', '~', '<<', '>>', '!', '&&', '||', '$meta', '$', '.', '#',
  'and', 'or', 'not', 'in', 'like', 'exists', 'true', 'False', 'AND', 'NOT', 'IN',
  '["a"]', '[0]', 'json_contains', 'array_contains_all', 'array_length', 'foo', '{x}',
]
const soupArb = fc.array(fc.constantFrom(...tokenPool), { maxLength: 14 }).chain((ts) =>
  fc.array(fc.constantFrom(' ', '', '  ', '\n'), { minLength: ts.length, maxLength: ts.length }).map((sp) => ts.map((t, i) => t + sp[i]).join('')),
)
const textArb = fc.oneof(soupArb, fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme-ascii', maxLength: 40 }))

const closedSchema = createCollectionSchema({
  name: 'c2',
  fields: [
    { name: 'pk', dataType: 'Int64', isPrimaryKey: true },
    { name: 'vec', dataType: 'FloatVector', dim: 2 },
    { name: 's', dataType: 'VarChar', maxLength: 10 },
  ],
})
const data = fc.sample(dataArb.filter((d) => d.rowCount > 30), { numRuns: 1, seed: 3 })[0]!

function only1100(fn: () => void): void {
  try {
    fn()
  } catch (e) {
    if (!(e instanceof MilvusError) || e.code !== 1100) throw e
  }
}

test('any text parses or throws MilvusError 1100; plans and evaluations never crash', () => {
  fc.assert(
    fc.property(textArb, fc.dictionary(fc.constantFrom('x', 'ids'), fc.anything()), (text, params) => {
      only1100(() => parseExpr(text))
      only1100(() => compileFilter(text, closedSchema, params))
      only1100(() => {
        const plan = compileFilter(text, testSchema, params)
        assert.deepEqual([...evaluate(plan, data).toIndexes()], [...evaluateNaive(plan, data).toIndexes()], text)
      })
    }),
    { numRuns: 3000, seed: 42 },
  )
})

test('print → parse round trip on random well-typed conditions', () => {
  fc.assert(
    fc.property(predicateArb, (ast) => {
      assert.deepEqual(withoutOffsets(parseExpr(exprToString(ast))), withoutOffsets(ast), exprToString(ast))
    }),
    { numRuns: 1000, seed: 11 },
  )
})

// ---------- random syntax trees of every kind (not type-checked) ----------

const keywords = new Set(['and', 'or', 'not', 'in', 'like', 'exists', 'true', 'false'])
const nameArb = fc
  .stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/)
  .filter((s) => !keywords.has(s.toLowerCase()) || (s !== s.toLowerCase() && s !== s.toUpperCase() && !/^(True|False)$/.test(s)))
const fieldArb: fc.Arbitrary<FieldNode> = fc.record({
  kind: fc.constant('field' as const),
  name: fc.oneof(nameArb, fc.constant('$meta')),
  path: fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.integer({ min: 0, max: 2 ** 31 - 1 })), { maxLength: 3 }),
  offset: fc.constant(0),
})
const knownFns = ['json_contains', 'json_contains_all', 'json_contains_any', 'array_contains', 'array_contains_all', 'array_contains_any', 'array_length']
const callName = fc.oneof(fc.constantFrom(...knownFns), nameArb.filter((s) => !knownFns.includes(s.toLowerCase())))
const cmpOps: CompareOp[] = ['==', '!=', '<', '<=', '>', '>=']

const anyTree: fc.Arbitrary<ExprNode> = fc.letrec<{ e: ExprNode }>((tie) => {
  const e = tie('e')
  const node = <T>(a: fc.Arbitrary<T>) => a.map((x) => ({ ...x, offset: 0 }) as unknown as ExprNode)
  return {
    e: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      node(fc.record({ kind: fc.constant('integer'), value: fc.bigInt({ min: 0n, max: 2n ** 70n }) })),
      node(fc.record({ kind: fc.constant('float'), value: fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }).map(Math.abs) })),
      node(fc.record({ kind: fc.constant('bool'), value: fc.boolean() })),
      node(fc.record({ kind: fc.constant('string'), value: fc.string({ unit: 'binary', maxLength: 6 }) })),
      fieldArb,
      node(fc.record({ kind: fc.constant('template'), name: nameArb })),
      node(fc.record({ kind: fc.constant('list'), items: fc.array(e, { maxLength: 3 }) })),
      node(fc.record({ kind: fc.constant('unary'), op: fc.constantFrom('-', '+', 'not'), operand: e })),
      node(fc.record({ kind: fc.constant('arith'), op: fc.constantFrom('+', '-', '*', '/', '%', '**'), left: e, right: e })),
      node(fc.record({ kind: fc.constant('compare'), op: fc.constantFrom(...cmpOps), left: e, right: e })),
      node(
        fc.tuple(fc.boolean(), fc.constantFrom('<', '<='), fc.constantFrom('<', '<='), e, fieldArb, e).map(([less, o1, o2, lower, f, upper]) => {
          const dir = (o: string) => (less ? o : o === '<' ? '>' : '>=')
          return { kind: 'range', lower, lowerOp: dir(o1), field: f, upperOp: dir(o2), upper }
        }),
      ),
      node(fc.record({ kind: fc.constant('in'), negated: fc.boolean(), left: e, right: e })),
      node(fc.record({ kind: fc.constant('like'), left: e, pattern: e })),
      node(fc.record({ kind: fc.constant('logical'), op: fc.constantFrom('and', 'or'), operands: fc.array(e, { minLength: 2, maxLength: 3 }) })),
      node(fc.record({ kind: fc.constant('isNull'), negated: fc.boolean(), operand: fieldArb })),
      node(fc.record({ kind: fc.constant('exists'), operand: e })),
      node(fc.record({ kind: fc.constant('call'), name: callName, args: fc.array(e, { maxLength: 3 }) })),
    ),
  }
}).e

test('print → parse round trip on random syntax trees of every node kind', () => {
  fc.assert(
    fc.property(anyTree, (ast) => {
      const text = exprToString(ast)
      assert.deepEqual(withoutOffsets(parseExpr(text)), withoutOffsets(ast), text)
    }),
    { numRuns: 3000, seed: 5 },
  )
})

/** Only fields, integers, comparisons and ranges: where `1 < a < 5` and `(1 < a) < 5` must not mix up. */
const comparisonTree: fc.Arbitrary<ExprNode> = fc.letrec<{ e: ExprNode }>((tie) => {
  const e = tie('e')
  const f = fc.constantFrom('a', 'b').map((name): FieldNode => ({ kind: 'field', name, path: [], offset: 0 }))
  return {
    e: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      f,
      fc.integer({ min: 0, max: 9 }).map((v): ExprNode => ({ kind: 'integer', value: BigInt(v), offset: 0 })),
      fc.record({ op: fc.constantFrom(...cmpOps), left: e, right: e }).map((x): ExprNode => ({ kind: 'compare', ...x, offset: 0 })),
      fc.tuple(fc.boolean(), fc.boolean(), fc.boolean(), e, f, e).map(([less, s1, s2, lower, field, upper]): ExprNode => {
        const op = (strict: boolean) => (less ? (strict ? '<' : '<=') : strict ? '>' : '>=')
        return { kind: 'range', lower, lowerOp: op(s1), field, upperOp: op(s2), upper, offset: 0 }
      }),
    ),
  }
}).e

test('print → parse round trip on chains of comparisons and ranges', () => {
  fc.assert(
    fc.property(comparisonTree, (ast) => {
      const text = exprToString(ast)
      assert.deepEqual(withoutOffsets(parseExpr(text)), withoutOffsets(ast), text)
    }),
    { numRuns: 3000, seed: 9 },
  )
})
