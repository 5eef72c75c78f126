import type { Bitset } from '../common/bitset.ts'
import { errors, type MilvusError } from '../errors/errors.ts'
import type { FieldSchema } from '../schema/collection-schema.ts'

/**
 * What an omitted or null value becomes (Milvus nullable-and-default table):
 * default_value if the field has one (nullable or not), else null if nullable, else an error.
 * Returns the default to write, or undefined after marking the row null in `validBits`.
 */
export function resolveMissing(field: FieldSchema, row: number, validBits: Bitset | null): unknown {
  if (field.defaultValue !== undefined) return field.defaultValue
  if (field.nullable && validBits !== null) {
    validBits.clear(row)
    return undefined
  }
  throw missingValueError(field.name, row)
}

export function missingValueError(field: string, row: number): MilvusError {
  return errors.invalid(
    `field ${field} at row ${row}: missing value, and the field is neither nullable nor has a default_value`,
  )
}

/** The whole column is absent (Milvus proxy wording). */
export function missingColumnError(field: string): MilvusError {
  return errors.invalid(`fieldSchema(${field}) has no corresponding fieldData pass in`)
}

/** True if a missing value can be filled (default or null) rather than being an error. */
export function canFillMissing(field: FieldSchema): boolean {
  return field.defaultValue !== undefined || field.nullable
}
