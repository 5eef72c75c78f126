// Proves the vectorised evaluator equals the row-at-a-time oracle (evaluateNaive): random
// well-typed expressions over random columns of every filterable type, with nulls, missing JSON
// keys, int64 values beyond 2^53 and rows counts crossing 32-bit word boundaries (fast-check).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { evaluate } from './evaluate.ts'
import { evaluateNaive } from './evaluate-naive.ts'
import { exprToString } from './expr-to-string.ts'
import { planExpr } from './plan.ts'
import { dataArb, predicateArb, testSchema } from './test-fixtures.ts'

test('evaluate equals evaluateNaive on random expressions and data', () => {
  fc.assert(
    fc.property(predicateArb, dataArb, (ast, data) => {
      const plan = planExpr(ast, testSchema)
      const fast = [...evaluate(plan, data).toIndexes()]
      const slow = [...evaluateNaive(plan, data).toIndexes()]
      assert.deepEqual(fast, slow, exprToString(ast))
    }),
    { numRuns: 400, seed: 20240611 },
  )
})

test('evaluate equals evaluateNaive under negation (three-valued logic)', () => {
  fc.assert(
    fc.property(predicateArb, dataArb, (ast, data) => {
      const plan = planExpr({ kind: 'unary', op: 'not', operand: ast, offset: 0 }, testSchema)
      assert.deepEqual([...evaluate(plan, data).toIndexes()], [...evaluateNaive(plan, data).toIndexes()], `not (${exprToString(ast)})`)
    }),
    { numRuns: 200, seed: 7 },
  )
})
