// Proves the BITMAP index answers every filter leaf on every field it takes exactly as the column
// scan does (contract suite), also above 500 distinct values where frequent values keep dense
// bitsets and rare ones row lists, and that dense bitsets are what low cardinality gets.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Column } from '../../column/column.ts'
import { compileFilter } from '../compile-filter.ts'
import { evaluate } from '../evaluate.ts'
import { testSchema } from '../test-fixtures.ts'
import { BitmapIndex, bitmapDenseCardinalityMax } from './bitmap-index.ts'
import { runScalarIndexContract } from './scalar-index.contract.ts'

runScalarIndexContract('BITMAP')

const spec = { indexType: 'BITMAP', valueKind: 'num', multiValued: false } as const

test('above the dense bound: frequent values as bitsets, rare ones as row lists, same rows as the scan', () => {
  const n = 5000
  // 40% zeros and 10% sevens (dense), the rest unique values: cardinality ~2,500.
  const values = Int32Array.from({ length: n }, (_, i) => (i % 5 < 2 ? 0 : i % 10 === 2 ? 7 : 100 + i))
  const column: Column = { kind: 'int32', values, validBits: null }
  const index = BitmapIndex.build(spec, column, n)
  const lowCard = BitmapIndex.build(spec, { kind: 'int32', values: Int32Array.from({ length: n }, (_, i) => i % bitmapDenseCardinalityMax), validBits: null }, n)
  // Every one of the 500 values gets a dense bitset (n/8 bytes each); the mixed index far less.
  assert.ok(lowCard.sizeBytes >= bitmapDenseCardinalityMax * (n / 8))
  assert.ok(index.sizeBytes < lowCard.sizeBytes / 4, `mixed index ${index.sizeBytes} bytes`)
  const src = { rowCount: n, column: (name: string) => (name === 'i32' ? column : undefined) }
  const indexed = { ...src, index: (name: string) => (name === 'i32' ? index : undefined) }
  for (const text of ['i32 == 0', 'i32 == 7', 'i32 == 103', 'i32 != 0', 'i32 != 103', 'i32 < 7', 'i32 >= 7', '150 < i32 <= 2000', 'i32 in [0, 103, 5099, 4]', 'not (i32 in [7])']) {
    const plan = compileFilter(text, testSchema)
    assert.deepEqual([...evaluate(plan, indexed).toIndexes()], [...evaluate(plan, src).toIndexes()], text)
  }
})
