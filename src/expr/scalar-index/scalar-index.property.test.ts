// Differential test: for each scalar index type, evaluating random filters (the expr property
// tests' generator: every leaf form, nested not/and/or) over random columns with nulls gives the
// same rows with the indexes as by scanning, also after deleting random rows (fast-check).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { Bitset } from '../../common/bitset.ts'
import { evaluate } from '../evaluate.ts'
import { exprToString } from '../expr-to-string.ts'
import type { ColumnSource } from '../kernels/column-access.ts'
import { planExpr } from '../plan.ts'
import { dataArb, predicateArb, testSchema } from '../test-fixtures.ts'
import { ScalarIndexType } from './scalar-index.ts'
import { seededSource, withScalarIndexes } from './test-data.ts'

/** Small random sources (the shared generator) and larger seeded ones (radix sort, BITMAP's sparse path). */
const sourceArb: fc.Arbitrary<ColumnSource> = fc.oneof(
  { weight: 3, arbitrary: dataArb },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 500, max: 1500 }), fc.integer({ min: 0, max: 1 << 30 }), fc.constantFrom(5, 1000)).map(([n, seed, spread]) => seededSource(n, seed, spread)) },
)

const deletedArb = fc.integer({ min: 0, max: 1 << 30 })

function deletedBits(n: number, seed: number): Bitset {
  const b = new Bitset(n)
  for (let i = 0; i < n; i++) if ((Math.imul(i + 1, 2654435761) ^ seed) % 5 === 0) b.set(i)
  return b
}

// RTREE answers no comparison leaf (it prunes spatial filters): its differential test is rtree-index.test.ts.
for (const type of Object.values(ScalarIndexType).filter((t) => t !== 'RTREE')) {
  test(`${type}: evaluate with indexes = evaluate by scan, on random filters, data, nulls and deletes`, () => {
    let answered = 0
    fc.assert(
      fc.property(predicateArb, sourceArb, deletedArb, (ast, src, seed) => {
        const plan = planExpr(ast, testSchema)
        const { source, counter } = withScalarIndexes(src, type)
        const deleted = deletedBits(src.rowCount, seed)
        const scanned = evaluate(plan, src).andNot(deleted)
        const indexed = evaluate(plan, source).andNot(deleted)
        answered += counter.answered
        assert.deepEqual([...indexed.toIndexes()], [...scanned.toIndexes()], exprToString(ast))
      }),
      { numRuns: 300, seed: 424242 },
    )
    assert.ok(answered > 10, `${type}: the indexes answered ${answered} leaves`)
  })
}
