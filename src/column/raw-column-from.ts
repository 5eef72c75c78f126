import { errors } from '../errors/errors.ts'
import type { FieldSchema } from '../schema/collection-schema.ts'
import { isDenseVectorType } from '../schema/data-type.ts'
import type { FlatVectorData, RawColumn } from './raw-column.ts'
import { describeValue } from './value-problem.ts'
import { flatRowCount } from './vector-shape.ts'

/** True for arrays and typed arrays (not DataView). */
export function isArrayLike(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView))
}

/**
 * A field's column as given in columnar data (columnar object, list of columns). For a dense vector
 * field a typed array, or a plain array of numbers, is flat data (rows × width); an array of
 * per-row vectors is read row by row.
 */
export function rawColumnFrom(field: FieldSchema, v: unknown): RawColumn {
  if (!isArrayLike(v)) {
    throw errors.invalid(
      `field ${field.name}: columnar data needs an array with one value per row, got ${describeValue(v)}`,
    )
  }
  if (isDenseVectorType(field.dataType)) {
    if (ArrayBuffer.isView(v)) return { form: 'flat', data: v as FlatVectorData }
    if (v.length > 0 && typeof v[0] === 'number') return { form: 'flat', data: v as readonly number[] }
  }
  return { form: 'values', values: v }
}

/** Rows in a raw column (flat data: length / row width, 1100 if it does not divide). */
export function rawRowCount(field: FieldSchema, raw: RawColumn): number {
  return raw.form === 'flat' ? flatRowCount(field, raw.data) : raw.values.length
}

/** Milvus's message for columns of different lengths. */
export function rowCountMismatchError(field: string, count: number, expected: number) {
  return errors.invalid(`the num_rows (${count}) of field (${field}) is not equal to passed num_rows (${expected})`)
}
