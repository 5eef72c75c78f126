// evaluateSliced walks the same plan as evaluate: the same rows for any filter, pausing between
// operands of and/or once the slice is used up, and ending the evaluation when a pause throws
// (a read's deadline or cancellation).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Column } from '../column/column.ts'
import { createCollectionSchema } from '../schema/collection-schema.ts'
import { compileFilter } from './compile-filter.ts'
import { evaluate, evaluateSliced } from './evaluate.ts'
import { evaluateNaive } from './evaluate-naive.ts'
import { sourceOf, testSchema, validOf } from './test-fixtures.ts'

const N = 1000
const present = Array.from({ length: N }, (_, i) => i % 7 !== 3)
const columns = new Map<string, Column>([
  ['pk', { kind: 'int64', values: BigInt64Array.from({ length: N }, (_, i) => BigInt(i)), validBits: null }],
  ['i32', { kind: 'int32', values: Int32Array.from({ length: N }, (_, i) => (i * 37) % 101), validBits: validOf(present) }],
  ['s', { kind: 'varchar', values: Array.from({ length: N }, (_, i) => `s${i % 13}`), validBits: validOf(present) }],
])
const src = sourceOf(N, columns)

/** A slice that is due every `every` calls to `due()` and counts its pauses. */
function countingSlice(every: number, failAfter = Infinity) {
  let calls = 0
  const slice = {
    pauses: 0,
    due: () => ++calls % every === 0,
    pause: async () => {
      slice.pauses++
      await new Promise((r) => setImmediate(r))
      if (slice.pauses > failAfter) throw new Error('deadline')
    },
  }
  return slice
}

test('sliced evaluation answers the same rows as evaluate, pausing between operands', async () => {
  const filters = [
    'i32 > 50',
    'i32 > 10 and not (s == "s3" or i32 in [1, 2, 3]) and pk < 900',
    'not (i32 < 20 and s like "s1%") or pk % 5 == 0',
    Array.from({ length: 200 }, (_, i) => `i32 != ${i}`).join(' and '),
    Array.from({ length: 200 }, (_, i) => `(pk == ${i * 3} and i32 > 5)`).join(' or '),
  ]
  for (const f of filters) {
    const plan = compileFilter(f, testSchema)
    const slice = countingSlice(2)
    const sliced = await evaluateSliced(plan, src, slice)
    assert.deepEqual([...sliced.toIndexes()], [...evaluate(plan, src).toIndexes()], f)
    if (f.length > 500) assert.ok(slice.pauses >= 50, `${f.slice(0, 40)}…: ${slice.pauses} pauses`)
  }
})

test('a pause that throws ends the evaluation with its error', async () => {
  const plan = compileFilter(Array.from({ length: 100 }, (_, i) => `i32 != ${i}`).join(' and '), testSchema)
  await assert.rejects(evaluateSliced(plan, src, countingSlice(1, 3)), /deadline/)
})

test('a spatial leaf yields inside: its rows are tested in steps (the first filter on a segment parses every WKT)', async () => {
  const geoSchema = createCollectionSchema({
    name: 'g',
    fields: [
      { name: 'pk', dataType: 'Int64', isPrimaryKey: true },
      { name: 'vec', dataType: 'FloatVector', dim: 2 },
      { name: 'geo', dataType: 'Geometry' },
    ],
  })
  const n = 3000
  const geo = new Map<string, Column>([['geo', { kind: 'geometry', values: Array.from({ length: n }, (_, i) => `POINT (${i % 100} ${Math.floor(i / 100)})`), validBits: null } as Column]])
  const plan = compileFilter("ST_WITHIN(geo, 'POLYGON ((-0.5 -0.5, 9.5 -0.5, 9.5 9.5, -0.5 9.5, -0.5 -0.5))')", geoSchema)
  const slice = countingSlice(1)
  const sliced = await evaluateSliced(plan, sourceOf(n, geo), slice)
  assert.equal(sliced.count(), 100)
  assert.deepEqual([...sliced.toIndexes()], [...evaluate(plan, sourceOf(n, geo)).toIndexes()])
  assert.ok(slice.pauses >= 5, `${slice.pauses} pauses`)
})

test('a text leaf yields inside while it builds the text index; the rows equal the row-by-row oracle', async () => {
  const textSchema = createCollectionSchema({
    name: 't',
    fields: [
      { name: 'pk', dataType: 'Int64', isPrimaryKey: true },
      { name: 'vec', dataType: 'FloatVector', dim: 2 },
      { name: 'text', dataType: 'VarChar', maxLength: 100, properties: { enable_analyzer: 'true', enable_match: 'true' } },
    ],
  })
  const n = 10_000
  const text = new Map<string, Column>([['text', { kind: 'varchar', values: Array.from({ length: n }, (_, i) => `row ${i % 97} of ${i % 5 === 0 ? 'five' : 'other'} rows`), validBits: validOf(Array.from({ length: n }, (_, i) => i % 11 !== 0)) }]])
  for (const filter of ["TEXT_MATCH(text, 'five')", "PHRASE_MATCH(text, 'of five', 0)", "not TEXT_MATCH(text, 'other 42', minimum_should_match=2)"]) {
    const plan = compileFilter(filter, textSchema)
    const slice = countingSlice(1)
    const sliced = await evaluateSliced(plan, sourceOf(n, text), slice)
    assert.deepEqual([...sliced.toIndexes()], [...evaluateNaive(plan, sourceOf(n, text)).toIndexes()], filter)
    if (filter.startsWith('TEXT_MATCH')) assert.ok(slice.pauses >= 4, `${slice.pauses} pauses: the first filter builds the index in steps`)
  }
})
