import type { SparseRow } from '../../column/column.ts'
import { blockEntryCount, copyBlockEntries, type SparseBlock, sparseBlocksOf } from '../../column/sparse-blocks.ts'
import { copySparseEntries } from '../../column/sparse-runs.ts'
import { corrupt } from '../index-codec.ts'

/** Sparse rows in compressed-row form: row i's entries are `[rowStart[i], rowStart[i + 1])`. */
export interface SparseCsr {
  readonly rowCount: number
  readonly rowStart: Uint32Array
  readonly indices: Uint32Array
  readonly values: Float32Array
}

/**
 * Sparse rows as one byte array, so they travel where dense vectors do (a build worker, an index's
 * query argument): u32 rowCount | u32 nnz | u32 rowStart[rowCount + 1] | u32 indices[nnz] |
 * f32 values[nnz], little-endian, in a buffer of its own (4-byte aligned; a SharedArrayBuffer with `shared`).
 */
export function encodeSparseCsr(rows: readonly SparseRow[], shared = false): Uint8Array {
  const blocks = sparseBlocksOf(rows, rows.length)
  if (blocks !== undefined) return encodeBlocks(blocks, rows.length, shared)
  let nnz = 0
  for (const r of rows) nnz += r.indices.length
  const wordCount = 2 + rows.length + 1 + 2 * nnz
  // Shared: a build worker reads them in place (a plain buffer would be copied for it).
  const words = shared ? new Uint32Array(new SharedArrayBuffer(4 * wordCount)) : new Uint32Array(wordCount)
  words[0] = rows.length
  words[1] = nnz
  const indices = words.subarray(3 + rows.length, 3 + rows.length + nnz)
  const values = new Float32Array(words.buffer, (3 + rows.length + nnz) * 4, nnz)
  let at = 0
  for (let i = 0; i < rows.length; i++) {
    words[2 + i] = at
    at += rows[i]!.indices.length
  }
  words[2 + rows.length] = at
  copySparseEntries(rows, 0, rows.length, indices, values, 0)
  return new Uint8Array(words.buffer)
}

/** `encodeSparseCsr` of rows that are, in order, the rows of `blocks`: a copy per block. */
function encodeBlocks(blocks: readonly SparseBlock[], rowCount: number, shared: boolean): Uint8Array {
  const nnz = blockEntryCount(blocks)
  const wordCount = 2 + rowCount + 1 + 2 * nnz
  const words = shared ? new Uint32Array(new SharedArrayBuffer(4 * wordCount)) : new Uint32Array(wordCount)
  words[0] = rowCount
  words[1] = nnz
  let row = 2
  let base = 0
  for (const b of blocks) {
    const rs = b.rowStart
    const first = rs[0]!
    const n = rs.length - 1
    for (let r = 0; r < n; r++) words[row + r] = base + rs[r]! - first
    row += n
    base += rs[n]! - first
  }
  words[row] = base
  const indices = words.subarray(3 + rowCount, 3 + rowCount + nnz)
  const values = new Float32Array(words.buffer, (3 + rowCount + nnz) * 4, nnz)
  copyBlockEntries(blocks, indices, values, 0)
  return new Uint8Array(words.buffer)
}

/** The rows of `encodeSparseCsr` bytes (views when aligned, else of a copy); malformed bytes are a 2100 error. */
export function readSparseCsr(bytes: Uint8Array): SparseCsr {
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice()
  if (aligned.byteLength < 12 || aligned.byteLength % 4 !== 0) throw corrupt(`sparse rows of ${aligned.byteLength} bytes`)
  const words = new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4)
  const rowCount = words[0]!
  const nnz = words[1]!
  if (words.length !== 3 + rowCount + 2 * nnz) throw corrupt(`sparse rows: ${words.length} words for ${rowCount} rows and ${nnz} entries`)
  const rowStart = words.subarray(2, 3 + rowCount)
  if (rowStart[rowCount] !== nnz) throw corrupt('sparse rows: row offsets do not end at nnz')
  const indices = words.subarray(3 + rowCount, 3 + rowCount + nnz)
  const values = new Float32Array(aligned.buffer, aligned.byteOffset + (3 + rowCount + nnz) * 4, nnz)
  return { rowCount, rowStart, indices, values }
}
