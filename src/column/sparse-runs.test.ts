// copySparseEntries: rows that are views into one compressed-row block are copied run by run, rows
// with their own arrays one by one; either way the output is every row's entries in order.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { SparseRow } from './column.ts'
import { copySparseEntries } from './sparse-runs.ts'

function blockRows(lengths: readonly number[], base: number): SparseRow[] {
  const total = lengths.reduce((a, b) => a + b, 0)
  const indices = Uint32Array.from({ length: total }, (_, i) => base + i)
  const values = Float32Array.from({ length: total }, (_, i) => base + i + 0.5)
  const rows: SparseRow[] = []
  let at = 0
  for (const n of lengths) {
    rows.push({ indices: indices.subarray(at, at + n), values: values.subarray(at, at + n) })
    at += n
  }
  return rows
}

function flat(rows: readonly SparseRow[]): { indices: number[]; values: number[] } {
  return { indices: rows.flatMap((r) => Array.from(r.indices)), values: rows.flatMap((r) => Array.from(r.values)) }
}

test('rows from blocks, own arrays and empty rows are copied in order, from the given position', () => {
  const own = (i: number[], v: number[]): SparseRow => ({ indices: Uint32Array.from(i), values: Float32Array.from(v) })
  // Two blocks, a row of its own between them, a gap inside the second block (row 1 skipped), empty rows.
  const a = blockRows([2, 0, 3], 10)
  const b = blockRows([1, 4, 2], 100)
  const rows = [...a, own([7, 9], [0.25, 0.75]), b[0]!, b[2]!, own([], []), a[0]!]
  const want = flat(rows)
  const indices = new Uint32Array(want.indices.length + 3)
  const values = new Float32Array(want.values.length + 3)
  const end = copySparseEntries(rows, 0, rows.length, indices, values, 3)
  assert.equal(end, 3 + want.indices.length)
  assert.deepEqual(Array.from(indices.subarray(3)), want.indices)
  assert.deepEqual(Array.from(values.subarray(3)), want.values)
  // A sub-range.
  const part = new Uint32Array(100)
  const end2 = copySparseEntries(rows, 4, 6, part, new Float32Array(100), 0)
  assert.deepEqual(Array.from(part.subarray(0, end2)), flat(rows.slice(4, 6)).indices)
})

test('indices and values contiguous in only one of the two arrays break the run', () => {
  const [r0, r1] = blockRows([2, 2], 0)
  const shifted = { indices: r1!.indices, values: Float32Array.of(42, 43) }
  const rows = [r0!, shifted]
  const indices = new Uint32Array(4)
  const values = new Float32Array(4)
  copySparseEntries(rows, 0, 2, indices, values, 0)
  assert.deepEqual(Array.from(values), [0.5, 1.5, 42, 43])
  assert.deepEqual(Array.from(indices), [0, 1, 2, 3])
})
