// Micro-benchmark: vectorised `evaluate` against the row-at-a-time oracle on 1M rows.
// Run: npx tsx src/expr/evaluate.bench.ts  (prints ms per evaluation, median of 5; naive extrapolated).
import { Bitset } from '../common/bitset.ts'
import type { Column } from '../column/column.ts'
import { createCollectionSchema } from '../schema/collection-schema.ts'
import { compileFilter } from './compile-filter.ts'
import { evaluate } from './evaluate.ts'
import { evaluateNaive } from './evaluate-naive.ts'
import { sourceOf } from './test-fixtures.ts'

const n = 1 << 20
const schema = createCollectionSchema({
  name: 'bench',
  fields: [
    { name: 'pk', dataType: 'Int64', isPrimaryKey: true },
    { name: 'v', dataType: 'FloatVector', dim: 2 },
    { name: 'age', dataType: 'Int32', nullable: true },
    { name: 'score', dataType: 'Double' },
    { name: 'name', dataType: 'VarChar', maxLength: 16 },
    { name: 'meta', dataType: 'JSON' },
  ],
})
let seed = 12345
const rand = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
  return seed / 4294967296
}
const valid = Bitset.full(n)
for (let i = 0; i < n; i += 10) valid.clear(i)
const columns = new Map<string, Column>([
  ['pk', { kind: 'int64', values: BigInt64Array.from({ length: n }, (_, i) => BigInt(i) * 3n + 2n ** 40n), validBits: null }],
  ['age', { kind: 'int32', values: Int32Array.from({ length: n }, () => Math.floor(rand() * 90)), validBits: valid }],
  ['score', { kind: 'double', values: Float64Array.from({ length: n }, rand), validBits: null }],
  ['name', { kind: 'varchar', values: Array.from({ length: n }, (_, i) => `${'abcdefgh'[i % 8]}name${i}`), validBits: null }],
  ['meta', { kind: 'json', values: Array.from({ length: n }, (_, i) => ({ a: i % 5, tag: i % 2 ? 'x' : 'y' })), validBits: null }],
])
const src = sourceOf(n, columns)
/** The oracle is slow (a BigInt, a closure and a boxed value per row): it runs on a 1/256 prefix, scaled. */
const naiveRows = n >>> 8
const naiveSrc = sourceOf(naiveRows, columns)
const keys = Array.from({ length: 1000 }, () => BigInt(Math.floor(rand() * n)) * 3n + 2n ** 40n)

const cases: string[] = [
  `pk in [${keys.join(', ')}]`,
  `pk >= ${2n ** 40n + BigInt(n)}`,
  'age > 20 and age < 60',
  'not (age > 30) or score < 0.5',
  'age * 2 == 40',
  'name like "a%"',
  'name like "%me1%"',
  'meta["a"] == 1',
]

function median(fn: () => void, runs: number): number {
  const ts: number[] = []
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now()
    fn()
    ts.push(performance.now() - t0)
  }
  return ts.sort((a, b) => a - b)[Math.floor(runs / 2)]!
}

console.log(`rows: ${n}, node ${process.version}`)
for (const text of cases) {
  const plan = compileFilter(text, schema)
  const fast = median(() => evaluate(plan, src), 5)
  const slow = median(() => evaluateNaive(plan, naiveSrc), 1) * (n / naiveRows)
  const label = text.length > 40 ? `${text.slice(0, 37)}...` : text
  console.log(`${label.padEnd(40)} vectorised ${fast.toFixed(1).padStart(7)} ms   naive ${slow.toFixed(0).padStart(6)} ms   ×${(slow / fast).toFixed(0)}`)
}
