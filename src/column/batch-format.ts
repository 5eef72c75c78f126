import { assert } from '../common/assert.ts'
import { errors, type MilvusError } from '../errors/errors.ts'
import type { ColumnKind } from './column.ts'

export const batchFormatVersion = 1

/** The kind byte of each column (= its DataType number). */
export const kindCode: Readonly<Record<ColumnKind, number>> = {
  bool: 1,
  int8: 2,
  int16: 3,
  int32: 4,
  int64: 5,
  float: 10,
  double: 11,
  varchar: 21,
  array: 22,
  json: 23,
  geometry: 24,
  binaryVector: 100,
  floatVector: 101,
  float16Vector: 102,
  bfloat16Vector: 103,
  sparseVector: 104,
  int8Vector: 105,
  vectorArray: 106,
}
export const kindByCode = new Map(Object.entries(kindCode).map(([k, v]) => [v, k as ColumnKind]))

assert.equal(new Uint8Array(new Uint16Array([1]).buffer)[0], 1, 'batch-codec writes typed arrays raw: little-endian only')

/** Typed arrays the batch codec writes raw (little-endian) and reads back as views. */
export type FixedArray = Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array | BigInt64Array
export interface TypedArrayClass<T> {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T
  readonly BYTES_PER_ELEMENT: number
}

export function bytesOf(a: FixedArray | Buffer): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
}

/** The io error (code 2100) for a batch that cannot be decoded. */
export function corrupt(detail: string): MilvusError {
  return errors.io(`cannot decode column batch: ${detail}`, undefined)
}
