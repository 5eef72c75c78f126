import { assert, assertNever } from '../common/assert.ts'
import type { Bitset } from '../common/bitset.ts'
import { bytesOf, kindCode, type FixedArray } from './batch-format.ts'
import { encodeValues } from './batch-values.ts'
import { encodeVectorArray } from './batch-vector-array.ts'
import type { ChunkWriter } from './chunk-writer.ts'
import type { Column, SparseRow } from './column.ts'
import { blockEntryCount, blockRowLengths, copyBlockEntries, sparseBlocksOf } from './sparse-blocks.ts'
import { copySparseEntries } from './sparse-runs.ts'
import { encodedUtf8 } from '../text/utf8-texts.ts'

/** Column encoders of the batch codec (format in batch-codec.ts). */

export function encodeColumn(w: ChunkWriter, name: string, column: Column, rowCount: number): void {
  w.str(name)
  w.u8(kindCode[column.kind])
  const validBits = 'validBits' in column ? column.validBits : null
  w.u8(validBits === null ? 0 : 1)
  if (validBits !== null) encodeBits(w, validBits)
  const kind = column.kind
  switch (kind) {
    case 'bool':
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
    case 'float':
    case 'double':
      return encodeFixed(w, column.values, rowCount, name)
    case 'floatVector':
    case 'float16Vector':
    case 'bfloat16Vector':
    case 'int8Vector':
      w.u32(column.dim)
      return encodeFixed(w, column.values, rowCount * column.dim, name)
    case 'binaryVector':
      assert.equal(column.dim % 8, 0, `binary vector column ${name}: dim ${column.dim} is not a multiple of 8`)
      w.u32(column.dim)
      return encodeFixed(w, column.values, (rowCount * column.dim) / 8, name)
    case 'varchar':
    case 'geometry':
      return encodeVarchar(w, column.values, rowCount, name)
    case 'json':
    case 'array':
      return encodeValues(w, column.values, rowCount, name)
    case 'sparseVector':
      return encodeSparse(w, column.values, rowCount, name)
    case 'vectorArray':
      return encodeVectorArray(w, column, rowCount, name)
    default:
      return assertNever(kind, 'column kind')
  }
}

function encodeBits(w: ChunkWriter, bits: Bitset): void {
  w.u32(bits.capacity)
  w.u32(bits.words.length)
  w.align8()
  w.raw(bytesOf(bits.words))
}

function encodeFixed(w: ChunkWriter, values: FixedArray, count: number, name: string): void {
  assert.equal(values.length, count, `column ${name}: ${values.length} values where ${count} belong`)
  w.u32(count)
  w.align8()
  w.raw(bytesOf(values))
}

function encodeVarchar(w: ChunkWriter, values: readonly string[], rowCount: number, name: string): void {
  assert.equal(values.length, rowCount, `column ${name}: ${values.length} values for ${rowCount} rows`)
  const known = encodedUtf8(values)
  if (known !== undefined) {
    // Encoded already (for the BM25 function): the same bytes, not made again.
    const lengths = new Uint32Array(rowCount)
    for (let i = 0; i < rowCount; i++) lengths[i] = known.offsets[i + 1]! - known.offsets[i]!
    w.u32(known.bytes.byteLength)
    w.align8()
    w.raw(bytesOf(lengths))
    w.raw(known.bytes)
    return
  }
  const lengths = new Uint32Array(rowCount)
  let total = 0
  for (let i = 0; i < rowCount; i++) {
    lengths[i] = Buffer.byteLength(values[i]!, 'utf8')
    total += lengths[i]!
  }
  const text = Buffer.allocUnsafeSlow(total)
  let offset = 0
  for (let i = 0; i < rowCount; i++) offset += text.write(values[i]!, offset, 'utf8')
  w.u32(total)
  w.align8()
  w.raw(bytesOf(lengths))
  w.raw(bytesOf(text))
}

function encodeSparse(w: ChunkWriter, rows: readonly SparseRow[], rowCount: number, name: string): void {
  assert.equal(rows.length, rowCount, `column ${name}: ${rows.length} values for ${rowCount} rows`)
  const rowNnz = new Uint32Array(rowCount)
  const blocks = sparseBlocksOf(rows, rowCount)
  if (blocks !== undefined) {
    // Rows cut from compressed-row blocks (the BM25 function's output): a copy per block.
    blockRowLengths(blocks, rowNnz, 0)
    const nnz = blockEntryCount(blocks)
    const indices = new Uint32Array(nnz)
    const values = new Float32Array(nnz)
    copyBlockEntries(blocks, indices, values, 0)
    w.u32(nnz)
    w.align8()
    w.raw(bytesOf(rowNnz))
    w.raw(bytesOf(indices))
    w.raw(bytesOf(values))
    return
  }
  let nnz = 0
  for (let i = 0; i < rowCount; i++) {
    const row = rows[i]!
    assert.equal(row.indices.length, row.values.length, `sparse column ${name} row ${i}: indices and values differ in length`)
    rowNnz[i] = row.indices.length
    nnz += row.indices.length
  }
  const indices = new Uint32Array(nnz)
  const values = new Float32Array(nnz)
  copySparseEntries(rows, 0, rowCount, indices, values, 0)
  w.u32(nnz)
  w.align8()
  w.raw(bytesOf(rowNnz))
  w.raw(bytesOf(indices))
  w.raw(bytesOf(values))
}
