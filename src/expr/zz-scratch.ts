import fc from 'fast-check'
import { evaluate } from './evaluate.ts'
import { exprToString } from './expr-to-string.ts'
import { planExpr } from './plan.ts'
import { dataArb, predicateArb, testSchema } from './test-fixtures.ts'
const samples = fc.sample(fc.tuple(predicateArb, dataArb), { numRuns: 400, seed: 20240611 })
let nonTrivial = 0
for (const [ast, d] of samples) { const n = evaluate(planExpr(ast, testSchema), d).count(); if (n > 0 && n < d.rowCount) nonTrivial++ }
console.log('nonTrivial', nonTrivial, '/', samples.length)
for (const [ast] of samples.slice(0, 15)) console.log(exprToString(ast))
