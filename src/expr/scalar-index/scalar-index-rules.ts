import { ErrorCode, errors, MilvusError } from '../../errors/errors.ts'
import type { FieldSchema } from '../../schema/collection-schema.ts'
import { DataType, dataTypeName, isFloatType, isIntegerType } from '../../schema/data-type.ts'
import { type ScalarIndexSpec, ScalarIndexType } from './scalar-index-spec.ts'
import type { ValueKind } from './sorted-entries.ts'
import type { JsonCastType } from './json-path-index.ts'

/**
 * Which scalar index types a field takes (Milvus 2.5 `indexparamcheck`): INVERTED on Bool, integer,
 * floating-point, VarChar and Array fields; STL_SORT on numeric, VarChar and Timestamptz fields; BITMAP on Bool, integer,
 * VarChar and Array fields of those elements, not on the primary key; Trie on VarChar. JSON fields
 * (and dynamic keys) take INVERTED and BITMAP on one path with a cast type: `jsonIndexSpecOf`.
 */
const accepts: Readonly<Record<ScalarIndexType, (t: DataType) => boolean>> = {
  INVERTED: (t) => t === DataType.Bool || isIntegerType(t) || isFloatType(t) || t === DataType.VarChar,
  STL_SORT: (t) => isIntegerType(t) || isFloatType(t) || t === DataType.Timestamptz || t === DataType.VarChar,
  BITMAP: (t) => t === DataType.Bool || isIntegerType(t) || t === DataType.VarChar,
  TRIE: (t) => t === DataType.VarChar,
  RTREE: (t) => t === DataType.Geometry,
}

/** What each type takes, for error messages. */
const described: Readonly<Record<ScalarIndexType, string>> = {
  INVERTED: 'Bool, Int8, Int16, Int32, Int64, Float, Double, VarChar and Array fields',
  STL_SORT: 'numeric, VarChar and Timestamptz fields: Int8, Int16, Int32, Int64, Float, Double, VarChar, Timestamptz',
  BITMAP: 'Bool, Int8, Int16, Int32, Int64, VarChar and Array fields of those elements (not the primary key)',
  TRIE: 'VarChar fields',
  RTREE: 'Geometry fields',
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
    throw errors.invalid(`index on JSON field ${field.name} needs json_path and json_cast_type (jsonIndexSpecOf)`, { field: field.name })
  }
  // AUTOINDEX on a Geometry field is RTREE, the only index Milvus builds on geometries.
  const indexType = field.dataType === DataType.Geometry && requested.toUpperCase() === 'AUTOINDEX' ? ScalarIndexType.RTREE : scalarIndexTypeOf(requested)
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
  const valueKind = valueKindOf(isArray ? field.elementType! : field.dataType)
  // STL_SORT on VarChar (Milvus 2.6): the sorted distinct strings with their rows, i.e. INVERTED's
  // dictionary (the STL_SORT file format holds number keys only); the answers are the same.
  if (indexType === 'STL_SORT' && valueKind === 'str') return { indexType: ScalarIndexType.INVERTED, valueKind, multiValued: false }
  return { indexType, valueKind, multiValued: isArray }
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
  // Timestamptz is stored as int64 microseconds (UTC).
  if (t === DataType.Int64 || t === DataType.Timestamptz) return 'i64'
  if (t === DataType.VarChar || t === DataType.Geometry) return 'str'
  return 'num'
}

/** The cast types each index type takes on a JSON path (Milvus 2.6 `indexparamcheck`). */
const jsonCasts: Readonly<Partial<Record<ScalarIndexType, readonly JsonCastType[]>>> = {
  INVERTED: ['BOOL', 'DOUBLE', 'VARCHAR', 'ARRAY_BOOL', 'ARRAY_DOUBLE', 'ARRAY_VARCHAR'],
  BITMAP: ['BOOL', 'VARCHAR'],
}

/**
 * The spec of a JSON path index of type `requested` with `json_cast_type` `cast` on `fieldName` (a
 * JSON field or a dynamic key): INVERTED (AUTOINDEX) takes BOOL, DOUBLE, VARCHAR and their ARRAY_
 * forms, BITMAP takes BOOL and VARCHAR; STL_SORT and Trie are not built on JSON, as in Milvus.
 * MilvusError 1101 when the cast type is missing, 1100 naming the field and what is supported.
 */
export function jsonIndexSpecOf(requested: string, cast: string | undefined, fieldName: string): { spec: ScalarIndexSpec; castType: JsonCastType } {
  const indexType = scalarIndexTypeOf(requested)
  const casts = indexType === undefined ? undefined : jsonCasts[indexType]
  if (casts === undefined) {
    throw errors.invalid(`index type ${requested} is not supported on JSON field ${fieldName}; supported: INVERTED, BITMAP, AUTOINDEX (with json_path and json_cast_type)`, { field: fieldName })
  }
  if (cast === undefined || cast === '') {
    throw new MilvusError(ErrorCode.ParameterMissing, 'json index must specify cast type', { param: 'json_cast_type' })
  }
  const castType = cast.trim().toUpperCase() as JsonCastType
  if (!casts.includes(castType)) {
    throw errors.invalid(`json_cast_type ${cast} is not supported${indexType === 'INVERTED' ? '' : ` for ${indexType} index`}: field ${fieldName}; supported: ${casts.join(', ')}`, { field: fieldName })
  }
  const base = castType.replace('ARRAY_', '')
  const valueKind: ValueKind = base === 'BOOL' ? 'bool' : base === 'DOUBLE' ? 'num' : 'str'
  return { spec: { indexType: indexType!, valueKind, multiValued: castType.startsWith('ARRAY_') }, castType }
}
