import { assertNever } from '../common/assert.ts'
import { Bitset } from '../common/bitset.ts'
import { corrupt, kindByCode, type TypedArrayClass } from './batch-format.ts'
import { decodeValues } from './batch-values.ts'
import { decodeVectorArray } from './batch-vector-array.ts'
import type { ByteReader } from './byte-reader.ts'
import type { Column, SparseRow } from './column.ts'

/** Column decoders of the batch codec (format in batch-codec.ts). */

export function decodeColumn(r: ByteReader, name: string, rowCount: number): Column {
  const code = r.u8('column kind')
  const kind = kindByCode.get(code)
  if (kind === undefined) throw corrupt(`column ${name} has unknown kind ${code}`)
  const flags = r.u8('column flags')
  if (flags > 1) throw corrupt(`column ${name} has unknown flags ${flags}`)
  const validBits = flags === 1 ? decodeBits(r, name) : null
  switch (kind) {
    case 'bool':
      return { kind, values: decodeFixed(r, Uint8Array, rowCount, name), validBits }
    case 'int8':
      return { kind, values: decodeFixed(r, Int8Array, rowCount, name), validBits }
    case 'int16':
      return { kind, values: decodeFixed(r, Int16Array, rowCount, name), validBits }
    case 'int32':
      return { kind, values: decodeFixed(r, Int32Array, rowCount, name), validBits }
    case 'int64':
      return { kind, values: decodeFixed(r, BigInt64Array, rowCount, name), validBits }
    case 'float':
      return { kind, values: decodeFixed(r, Float32Array, rowCount, name), validBits }
    case 'double':
      return { kind, values: decodeFixed(r, Float64Array, rowCount, name), validBits }
    case 'varchar':
      return { kind, values: decodeVarchar(r, rowCount, name), validBits }
    case 'geometry':
      return { kind, values: decodeVarchar(r, rowCount, name), validBits }
    case 'json':
      return { kind, values: decodeValues(r, rowCount, name), validBits }
    case 'array':
      return { kind, values: decodeValues(r, rowCount, name) as unknown[][], validBits }
    case 'vectorArray':
      return decodeVectorArray(r, rowCount, name)
    default:
      return decodeVectorColumn(r, kind, rowCount, name, validBits)
  }
}

function decodeVectorColumn(
  r: ByteReader,
  kind: 'floatVector' | 'binaryVector' | 'float16Vector' | 'bfloat16Vector' | 'int8Vector' | 'sparseVector',
  rowCount: number,
  name: string,
  validBits: Bitset | null,
): Column {
  if (kind === 'sparseVector') return { kind, values: decodeSparse(r, rowCount, name), validBits }
  const dim = r.u32('vector dim')
  switch (kind) {
    case 'floatVector':
      return { kind, dim, values: decodeFixed(r, Float32Array, rowCount * dim, name), validBits }
    case 'float16Vector':
      return { kind, dim, values: decodeFixed(r, Uint16Array, rowCount * dim, name), validBits }
    case 'bfloat16Vector':
      return { kind, dim, values: decodeFixed(r, Uint16Array, rowCount * dim, name), validBits }
    case 'int8Vector':
      return { kind, dim, values: decodeFixed(r, Int8Array, rowCount * dim, name), validBits }
    case 'binaryVector':
      if (dim % 8 !== 0) throw corrupt(`binary vector column ${name} has dim ${dim}`)
      return { kind, dim, values: decodeFixed(r, Uint8Array, (rowCount * dim) / 8, name), validBits }
    default:
      return assertNever(kind, 'column kind')
  }
}

function decodeBits(r: ByteReader, name: string): Bitset {
  const capacity = r.u32('validBits capacity')
  const wordCount = r.u32('validBits word count')
  r.align8()
  return new Bitset(capacity, r.typed(Uint32Array, wordCount, `validBits of ${name}`))
}

function decodeFixed<T>(r: ByteReader, type: TypedArrayClass<T>, expected: number, name: string): T {
  const count = r.u32(`value count of ${name}`)
  if (count !== expected) throw corrupt(`column ${name} has ${count} values where ${expected} belong`)
  r.align8()
  return r.typed(type, count, `values of ${name}`)
}

function decodeVarchar(r: ByteReader, rowCount: number, name: string): string[] {
  const total = r.u32(`text bytes of ${name}`)
  r.align8()
  const lengths = r.typed(Uint32Array, rowCount, `string lengths of ${name}`)
  r.need(total, `text of ${name}`)
  const values = new Array<string>(rowCount)
  let sum = 0
  for (let i = 0; i < rowCount; i++) {
    sum += lengths[i]!
    if (sum > total) throw corrupt(`strings of ${name} overrun their ${total} bytes`)
    values[i] = r.text(lengths[i]!)
  }
  if (sum !== total) throw corrupt(`strings of ${name} fill ${sum} of ${total} bytes`)
  return values
}

function decodeSparse(r: ByteReader, rowCount: number, name: string): SparseRow[] {
  const nnz = r.u32(`nnz of ${name}`)
  r.align8()
  const rowNnz = r.typed(Uint32Array, rowCount, `row sizes of ${name}`)
  const indices = r.typed(Uint32Array, nnz, `indices of ${name}`)
  const values = r.typed(Float32Array, nnz, `values of ${name}`)
  const rows = new Array<SparseRow>(rowCount)
  let at = 0
  for (let i = 0; i < rowCount; i++) {
    const end = at + rowNnz[i]!
    if (end > nnz) throw corrupt(`sparse rows of ${name} overrun their ${nnz} entries`)
    rows[i] = { indices: indices.subarray(at, end), values: values.subarray(at, end) }
    at = end
  }
  if (at !== nnz) throw corrupt(`sparse rows of ${name} use ${at} of ${nnz} entries`)
  return rows
}
