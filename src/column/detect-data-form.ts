import { errors } from '../errors/errors.ts'
import type { FieldSchema } from '../schema/collection-schema.ts'
import { DataType, isDenseVectorType } from '../schema/data-type.ts'
import { ownValue } from './own-value.ts'
import { isArrowTable } from './read-arrow-table.ts'
import { isArrayLike } from './raw-column-from.ts'
import { describeValue } from './value-problem.ts'
import { rowWidth } from './vector-shape.ts'
import type { WritePlan } from './write-plan.ts'

/** The five shapes a write's `data` may take. */
export type DataForm = 'rows' | 'row' | 'columnar' | 'columnList' | 'arrow'

/**
 * Which form `data` has:
 * - an Arrow `Table` (or anything with `schema.fields` and `getChild`) → `arrow`;
 * - an array whose first element is an array or typed array → `columnList`, any other array → `rows`;
 * - another object → `columnar` or `row`, decided by the first field, in schema order, that is
 *   present and not null:
 *   1. a Bool, integer, float or VarChar field: an array or typed array means columnar;
 *   2. else a dense vector field: an array whose first element is an array or typed array, or a
 *      typed array whose length is not one row of the field (dim floats, dim/8 bytes, …), means
 *      columnar (a typed array of exactly one row reads the same either way);
 *   3. else a sparse vector field: a non-empty array whose first element is not a `{ index, value }`
 *      entry means columnar;
 *   then an array-of-structs field (`columnarByStruct`);
 *   JSON, Array and dynamic keys never decide; with no deciding field the object is one row.
 */
export function detectDataForm(data: unknown, plan: WritePlan): DataForm {
  if (isArrowTable(data)) return 'arrow'
  if (Array.isArray(data)) return data.length > 0 && isArrayLike(data[0]) ? 'columnList' : 'rows'
  if (typeof data !== 'object' || data === null || ArrayBuffer.isView(data)) {
    throw errors.invalid(
      'data must be a list of rows, a row object, a columnar object, a list of columns or an Arrow Table, ' +
        `got ${describeValue(data)}`,
    )
  }
  const obj = data as Record<string, unknown>
  return (columnarByScalar(obj, plan) ?? columnarByStruct(obj, plan) ?? columnarByVector(obj, plan) ?? false) ? 'columnar' : 'row'
}

/**
 * Array-of-structs fields: the struct holding a list of lists (one struct list per row) means
 * columnar, a list of structs one row; a sub-field column given by its own name (`items[label]`,
 * as the gRPC decoder gives them) means columnar.
 */
function columnarByStruct(obj: Record<string, unknown>, plan: WritePlan): boolean | undefined {
  for (const s of plan.schema.structArrayFields ?? []) {
    const v = ownValue(obj, s.name)
    if (v !== undefined && v !== null) return Array.isArray(v) && v.length > 0 && Array.isArray(v[0])
    for (const n of s.fieldNames) if (ownValue(obj, n) !== undefined) return true
  }
  return undefined
}

function isPlainScalar(t: DataType): boolean {
  return t === DataType.Bool || (t >= DataType.Int8 && t <= DataType.Double) || t === DataType.VarChar
}

function columnarByScalar(obj: Record<string, unknown>, plan: WritePlan): boolean | undefined {
  for (const field of plan.schema.fields) {
    const v = ownValue(obj, field.name)
    if (v !== undefined && v !== null && isPlainScalar(field.dataType)) return isArrayLike(v)
  }
  return undefined
}

function columnarByVector(obj: Record<string, unknown>, plan: WritePlan): boolean | undefined {
  for (const field of plan.schema.fields) {
    const v = ownValue(obj, field.name)
    if (v === undefined || v === null) continue
    if (isDenseVectorType(field.dataType)) return denseLooksColumnar(field, v)
    if (field.dataType === DataType.SparseFloatVector) return Array.isArray(v) && v.length > 0 && !isCooEntry(v[0])
  }
  return undefined
}

function denseLooksColumnar(field: FieldSchema, v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0 && isArrayLike(v[0])
  if (ArrayBuffer.isView(v)) {
    const width = rowWidth(field, v)
    return width !== undefined && (v as unknown as ArrayLike<unknown>).length !== width
  }
  return false
}

function isCooEntry(e: unknown): boolean {
  return typeof e === 'object' && e !== null && 'index' in e && 'value' in e
}
