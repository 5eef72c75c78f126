// Sparse rows remembered as views of compressed-row blocks are written a block at a time by the WAL
// codec, the index input (`encodeSparseCsr`) and the segment file: the bytes are the ones the
// row-by-row path writes; a growing segment's column keeps its blocks while every append brings
// them, and forgets them (row-by-row again) once one does not.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { decodeBatch, encodeBatch } from '../column/batch-codec.ts'
import type { Column, SparseRow } from '../column/column.ts'
import { rememberSparseBlocks, type SparseBlock, sparseBlocksOf } from '../column/sparse-blocks.ts'
import { encodeSparseCsr } from '../index/sparse/sparse-csr.ts'
import { ColumnStore } from './column-store.ts'

/** A block with the given row lengths; its rowStart starts at `lead` (blocks cut from a larger array). */
function block(lengths: readonly number[], base: number, lead = 0): SparseBlock {
  const total = lead + lengths.reduce((a, b) => a + b, 0)
  const rowStart = new Int32Array(lengths.length + 1)
  rowStart[0] = lead
  lengths.forEach((n, i) => (rowStart[i + 1] = rowStart[i]! + n))
  return { rowStart, indices: Uint32Array.from({ length: total }, (_, i) => base + 3 * i), values: Float32Array.from({ length: total }, (_, i) => base + i + 0.25) }
}

function rowsOf(blocks: readonly SparseBlock[]): SparseRow[] {
  const rows: SparseRow[] = []
  for (const b of blocks) for (let r = 0; r + 1 < b.rowStart.length; r++) rows.push({ indices: b.indices.subarray(b.rowStart[r]!, b.rowStart[r + 1]!), values: b.values.subarray(b.rowStart[r]!, b.rowStart[r + 1]!) })
  return rows
}

/** The same rows with arrays of their own (nothing remembered: the row-by-row path). */
const copies = (rows: readonly SparseRow[]): SparseRow[] => rows.map((r) => ({ indices: r.indices.slice(), values: r.values.slice() }))

const concat = (chunks: Uint8Array[]): Buffer => Buffer.concat(chunks)

test('block-at-a-time writes give the row-by-row bytes: WAL batch, index input', () => {
  const blocks = [block([2, 0, 3, 1], 10), block([0, 4], 500, 3), block([5], 90)]
  const rows = rowsOf(blocks)
  rememberSparseBlocks(rows, blocks)
  assert.equal(sparseBlocksOf(rows, rows.length), blocks)
  assert.equal(sparseBlocksOf(rows, rows.length - 1), undefined, 'blocks that do not hold exactly the rows asked for are not used')
  const plain = copies(rows)
  assert.equal(sparseBlocksOf(plain, plain.length), undefined)

  const batch = (values: SparseRow[]) => ({ rowCount: values.length, columns: new Map<string, Column>([['s', { kind: 'sparseVector', values, validBits: null }]]) })
  const fast = concat(encodeBatch(batch(rows)))
  assert.deepEqual(fast, concat(encodeBatch(batch(plain))))
  const back = decodeBatch(fast).columns.get('s')!
  assert.equal(back.kind, 'sparseVector')
  assert.deepEqual((back.values as SparseRow[]).map((r) => [[...r.indices], [...r.values]]), plain.map((r) => [[...r.indices], [...r.values]]))

  assert.deepEqual(Buffer.from(encodeSparseCsr(rows, true)), Buffer.from(encodeSparseCsr(plain)))
})

test("a growing column keeps its appends' blocks, and forgets them after an append without", () => {
  const store = new ColumnStore('sparseVector', 0, false, { allocFloat32: (n) => new Float32Array(n), free: () => {} })
  const first = [block([1, 2], 1)]
  const second = [block([3], 7), block([0, 2], 40, 1)]
  for (const blocks of [first, second]) {
    const rows = rowsOf(blocks)
    rememberSparseBlocks(rows, blocks)
    store.append({ kind: 'sparseVector', values: rows, validBits: null })
  }
  const view = store.view().values as SparseRow[]
  assert.deepEqual(sparseBlocksOf(view, 5), [...first, ...second])
  assert.deepEqual(Buffer.from(encodeSparseCsr(view)), Buffer.from(encodeSparseCsr(copies(view))))

  // A row of its own (an upsert's single row, a compaction's copy): blocks no longer describe the column.
  store.append({ kind: 'sparseVector', values: copies(rowsOf([block([2], 3)])), validBits: null })
  assert.equal(sparseBlocksOf(store.view().values as SparseRow[], 6), undefined)
  assert.equal(sparseBlocksOf(store.view().values as SparseRow[], 5), undefined, 'forgotten, not left stale')
  const later = [block([1], 9)]
  const rows = rowsOf(later)
  rememberSparseBlocks(rows, later)
  store.append({ kind: 'sparseVector', values: rows, validBits: null })
  assert.equal(sparseBlocksOf(store.view().values as SparseRow[], 7), undefined, 'not kept again once lost')
})
