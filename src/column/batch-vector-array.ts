import { assert } from '../common/assert.ts'
import { bytesOf, corrupt, kindByCode, kindCode } from './batch-format.ts'
import type { ByteReader } from './byte-reader.ts'
import type { ChunkWriter } from './chunk-writer.ts'
import type { Column, VectorElementKind, VectorRows } from './column.ts'

/**
 * The batch codec's ArrayOfVector section (format in batch-codec.ts):
 * `u32 dim | u8 element kind | 3 zero bytes | u32 totalBytes | pad8 | u32 rowBytes[rowCount] | raw bytes`.
 */
export function encodeVectorArray(w: ChunkWriter, column: Extract<Column, { kind: 'vectorArray' }>, rowCount: number, name: string): void {
  assert.equal(column.values.length, rowCount, `column ${name}: ${column.values.length} values for ${rowCount} rows`)
  w.u32(column.dim)
  w.u8(kindCode[column.element])
  w.zeros(3)
  const rowBytes = new Uint32Array(rowCount)
  let total = 0
  for (let i = 0; i < rowCount; i++) {
    rowBytes[i] = column.values[i]!.byteLength
    total += rowBytes[i]!
  }
  w.u32(total)
  w.align8()
  w.raw(bytesOf(rowBytes))
  for (let i = 0; i < rowCount; i++) w.raw(bytesOf(column.values[i]!))
}

export function decodeVectorArray(r: ByteReader, rowCount: number, name: string): Column {
  const dim = r.u32(`vector dim of ${name}`)
  const code = r.u8(`element kind of ${name}`)
  const element = kindByCode.get(code)
  if (element !== 'floatVector' && element !== 'binaryVector' && element !== 'float16Vector' && element !== 'bfloat16Vector' && element !== 'int8Vector') {
    throw corrupt(`vector array column ${name} has element kind ${code}`)
  }
  r.zeros(3)
  const total = r.u32(`vector bytes of ${name}`)
  r.align8()
  const rowBytes = r.typed(Uint32Array, rowCount, `row sizes of ${name}`)
  const raw = r.typed(Uint8Array, total, `vectors of ${name}`)
  const values = new Array<VectorRows>(rowCount)
  let at = 0
  for (let i = 0; i < rowCount; i++) {
    const end = at + rowBytes[i]!
    if (end > total) throw corrupt(`vector rows of ${name} overrun their ${total} bytes`)
    values[i] = vectorRowsOf(element, raw.slice(at, end))
    at = end
  }
  if (at !== total) throw corrupt(`vector rows of ${name} use ${at} of ${total} bytes`)
  return { kind: 'vectorArray', element, dim, values, validBits: null }
}

/** Raw little-endian bytes (own buffer) → the element kind's typed array. */
export function vectorRowsOf(element: VectorElementKind, bytes: Uint8Array): VectorRows {
  const b = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice()
  switch (element) {
    case 'floatVector':
      return new Float32Array(b.buffer, b.byteOffset, b.byteLength >>> 2)
    case 'float16Vector':
    case 'bfloat16Vector':
      return new Uint16Array(b.buffer, b.byteOffset, b.byteLength >>> 1)
    case 'int8Vector':
      return new Int8Array(b.buffer, b.byteOffset, b.byteLength)
    case 'binaryVector':
      return b
  }
}
