import { errors } from '../../errors/errors.ts'
import type { FieldSchema } from '../../schema/collection-schema.ts'
import { DataType, dataTypeName, isFloatType, isIntegerType } from '../../schema/data-type.ts'
import { type ScalarIndexSpec, ScalarIndexType } from './scalar-index-spec.ts'
import type { ValueKind } from './sorted-entries.ts'

/**
 * Which scalar index types a field takes (Milvus 2.5 `indexparamcheck`): INVERTED on Bool, integer,
 * floating-point, VarChar and Array fields; STL_SORT on numeric fields; BITMAP on Bool, integer,
 * VarChar and Array fields of those elements, not on the primary key; Trie on VarChar. JSON fields
 * need Milvus's `json_path` / `json_cast_type` form, which Quiver does not have yet.
 */
const accepts: Readonly<Record<ScalarIndexType, (t: DataType) => boolean>> = {
  INVERTED: (t) => t === DataType.Bool || isIntegerType(t) || isFloatType(t) || t === DataType.VarChar,
  STL_SORT: (t) => isIntegerType(t) || isFloatType(t),
  BITMAP: (t) => t === DataType.Bool || isIntegerType(t) || t === DataType.VarChar,
  TRIE: (t) => t === DataType.VarChar,
}

/** What each type takes, for error messages. */
const described: Readonly<Record<ScalarIndexType, string>> = {
  INVERTED: 'Bool, Int8, Int16, Int32, Int64, Float, Double, VarChar and Array fields',
  STL_SORT: 'numeric fields: Int8, Int16, Int32, Int64, Float, Double',
  BITMAP: 'Bool, Int8, Int16, Int32, Int64, VarChar and Array fields of those elements (not the primary key)',
  TRIE: 'VarChar fields',
}

/** The scalar type a requested one names (`AUTOINDEX` → INVERTED, `Trie` → TRIE), or undefined. */
export function scalarIndexTypeOf(requested: string): ScalarIndexType | undefined {
  const t = requested.toUpperCase()
  if (t === 'AUTOINDEX') return ScalarIndexType.INVERTED
  return (Object.values(ScalarIndexType) as string[]).includes(t) ? (t as ScalarIndexType) : undefined
}

/** The types a scalar field accepts, as `createIndex` lists them in errors. */
export function scalarIndexTypesFor(field: FieldSchema): string[] {
  const out = (Object.values(ScalarIndexType) as ScalarIndexType[]).filter((t) => fieldAccepts(t, field))
  return out.length === 0 ? [] : [...out.map((t) => (t === 'TRIE' ? 'Trie' : t)), 'AUTOINDEX']
}

/**
 * The spec of a scalar index of type `requested` on `field`; MilvusError 1100 naming the field and
 * the types it takes when the type is unknown or does not fit the field.
 */
export function scalarIndexSpecOf(requested: string, field: FieldSchema): ScalarIndexSpec {
  if (field.dataType === DataType.JSON) {
    throw errors.invalid(`index on JSON field ${field.name} needs json_path and json_cast_type, which Quiver does not support yet`, { field: field.name })
  }
  const indexType = scalarIndexTypeOf(requested)
  const allowed = scalarIndexTypesFor(field).join(', ')
  if (indexType === undefined) {
    throw errors.invalid(`index type ${requested} is not supported on scalar field ${field.name} (${typeName(field)}); supported: ${allowed}`, { field: field.name })
  }
  if (indexType === 'BITMAP' && field.isPrimaryKey) {
    throw errors.invalid(`create bitmap index on primary key not supported: field ${field.name}; supported: ${allowed}`, { field: field.name })
  }
  if (!fieldAccepts(indexType, field)) {
    const shown = indexType === 'TRIE' ? 'Trie' : indexType
    throw errors.invalid(`${shown} index is only supported on ${described[indexType]}: field ${field.name} is ${typeName(field)}; supported: ${allowed}`, { field: field.name })
  }
  const isArray = field.dataType === DataType.Array
  return { indexType, valueKind: valueKindOf(isArray ? field.elementType! : field.dataType), multiValued: isArray }
}

function fieldAccepts(t: ScalarIndexType, field: FieldSchema): boolean {
  if (t === 'BITMAP' && field.isPrimaryKey) return false
  if (field.dataType !== DataType.Array) return accepts[t](field.dataType)
  return (t === 'INVERTED' || t === 'BITMAP') && field.elementType !== undefined && accepts[t](field.elementType)
}

function typeName(field: FieldSchema): string {
  const t = dataTypeName(field.dataType)
  return field.dataType === DataType.Array && field.elementType !== undefined ? `Array of ${dataTypeName(field.elementType)}` : t
}

export function valueKindOf(t: DataType): ValueKind {
  if (t === DataType.Bool) return 'bool'
  if (t === DataType.Int64) return 'i64'
  if (t === DataType.VarChar) return 'str'
  return 'num'
}
