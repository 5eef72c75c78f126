import { assertNever } from '../common/assert.ts'
import type { FieldSchema } from '../schema/collection-schema.ts'
import { DataType } from '../schema/data-type.ts'
import type { ColumnKind } from './column.ts'

/** The column kind that stores a field of the given schema. */
export function columnKindOf(field: Pick<FieldSchema, 'dataType'>): ColumnKind {
  const t = field.dataType
  switch (t) {
    case DataType.Bool:
      return 'bool'
    case DataType.Int8:
      return 'int8'
    case DataType.Int16:
      return 'int16'
    case DataType.Int32:
      return 'int32'
    case DataType.Int64:
    // Timestamptz: int64 microseconds since the epoch (UTC); text only at the edges (`timestamptz-column.ts`).
    case DataType.Timestamptz:
      return 'int64'
    case DataType.Float:
      return 'float'
    case DataType.Double:
      return 'double'
    case DataType.VarChar:
    case DataType.String:
      return 'varchar'
    case DataType.JSON:
      return 'json'
    case DataType.Array:
      return 'array'
    case DataType.Geometry:
      return 'geometry'
    case DataType.FloatVector:
      return 'floatVector'
    case DataType.BinaryVector:
      return 'binaryVector'
    case DataType.Float16Vector:
      return 'float16Vector'
    case DataType.BFloat16Vector:
      return 'bfloat16Vector'
    case DataType.SparseFloatVector:
      return 'sparseVector'
    case DataType.Int8Vector:
      return 'int8Vector'
    case DataType.ArrayOfVector:
      return 'vectorArray'
    case DataType.ArrayOfStruct:
    case DataType.Struct:
      // A struct field is stored as one column per sub-field (`schema/struct-array-schema.ts`).
      throw new Error('an array-of-structs field has no column of its own')
    case DataType.None:
      throw new Error('DataType.None has no column')
    default:
      return assertNever(t, 'data type')
  }
}
