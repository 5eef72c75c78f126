import { errors } from '../errors/errors.ts'
import type { FieldSchema } from '../schema/collection-schema.ts'
import { DataType, dataTypeName } from '../schema/data-type.ts'
import type { FlatVectorData } from './raw-column.ts'

/**
 * How many elements of the container `v` one row of a dense vector field takes, or undefined if the
 * field does not accept that container. FloatVector: dim floats; BinaryVector: dim/8 bytes;
 * Float16/BFloat16Vector: dim floats, dim raw 16-bit values (`Uint16Array`) or 2·dim raw bytes
 * (`Uint8Array`, little-endian); Int8Vector: dim integers (`number[]`, `Int8Array`).
 */
export function rowWidth(field: FieldSchema, v: unknown): number | undefined {
  const dim = field.dim ?? 0
  const floats = Array.isArray(v) || v instanceof Float32Array || v instanceof Float64Array
  switch (field.dataType) {
    case DataType.FloatVector:
      return floats ? dim : undefined
    case DataType.BinaryVector:
      return Array.isArray(v) || v instanceof Uint8Array ? dim / 8 : undefined
    case DataType.Int8Vector:
      return floats || v instanceof Int8Array ? dim : undefined
    case DataType.Float16Vector:
    case DataType.BFloat16Vector:
      if (floats || v instanceof Uint16Array) return dim
      return v instanceof Uint8Array ? dim * 2 : undefined
    default:
      return undefined
  }
}

/** The vector dimension a row of `length` elements in container `v` stands for (for messages). */
export function impliedDim(field: FieldSchema, v: unknown, length: number): number {
  if (field.dataType === DataType.BinaryVector) return length * 8
  if (v instanceof Uint8Array) return length / 2
  return length
}

/** Number of rows in flat vector data; 1100 if the container or its length does not fit the field. */
export function flatRowCount(field: FieldSchema, data: FlatVectorData): number {
  const width = rowWidth(field, data)
  if (width === undefined || width === 0) {
    const container = data.constructor.name
    throw errors.invalid(`field ${field.name}: ${container} is not accepted for a ${dataTypeName(field.dataType)} field`)
  }
  if (data.length % width !== 0) {
    throw errors.invalid(
      `the length (${data.length}) of field data(${field.name}) ` +
        `should divide the row size (${width} values for dim ${field.dim ?? 0})`,
    )
  }
  return data.length / width
}

/** Milvus's dim mismatch message, with the row. */
export function dimMismatchError(field: FieldSchema, row: number, dataDim: number) {
  const dim = field.dim ?? 0
  return errors.invalid(
    `the dim (${dataDim}) of field data(${field.name}) is not equal to schema dim (${dim}) at row ${row}`,
    { expected: dim, actual: dataDim },
  )
}
