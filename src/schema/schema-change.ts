import { errors } from '../errors/errors.ts'
import { type CollectionSchema, createFieldSchema, type FieldSchema, type FieldSpec, META_FIELD } from './collection-schema.ts'
import { DataType, isVectorType, parseDataType } from './data-type.ts'
import { limits } from './limits.ts'
import { validateTextFields } from './text-field.ts'

/**
 * Checks a field to add to a live collection (`AddCollectionField`) as Milvus 2.6 does, in its
 * order: room (fields, vector fields), then key, nullability, partition key, name clash, then the
 * field's own rules. A nullable vector field may be added (Milvus ≥ 2.6.18): old rows read null and
 * are never search hits.
 * Returns the field with the next field id; throws 1100 naming the field. A Timestamptz default given
 * as text without an offset is read in `timezone` (the collection's, as Milvus).
 */
export function fieldToAdd(schema: CollectionSchema, spec: FieldSpec, timezone = 'UTC'): FieldSchema {
  const name = typeof spec.name === 'string' ? spec.name : String(spec.name ?? '')
  if (schema.fields.length >= limits.fieldCountMax) throw errors.invalid(`The number of fields has reached the maximum value ${limits.fieldCountMax}`)
  const dataType = parseDataType(spec.dataType)
  if (dataType !== undefined && isVectorType(dataType) && schema.fields.filter((f) => isVectorType(f.dataType)).length >= limits.vectorFieldCountMax) {
    throw errors.invalid(`maximum vector field's number should be limited to ${limits.vectorFieldCountMax}`)
  }
  if (spec.isPrimaryKey === true) throw errors.invalid(`not support to add pk field, field name = ${name}`)
  if (spec.nullable !== true) throw errors.invalid(`added field must be nullable, please check it, field name = ${name}`)
  if (spec.isPartitionKey === true) throw errors.invalid(`not support to add partition key field, field name  = ${name}`)
  if (spec.isDynamic === true || name === META_FIELD) throw errors.invalid(`not support to add dynamic field, field name = ${name}`)
  if (schema.fields.some((f) => f.name === name)) throw errors.invalid(`duplicate field name: ${name}`)
  // A struct array is a group of sub-fields declared with the collection (`struct_array_fields`; an
  // array of vectors exists only as one of them); as one added field it has no column to give the
  // rows already written (the fuzzer's AddCollectionField of ArrayOfStruct left a collection no
  // insert could be applied to).
  if (dataType === DataType.ArrayOfStruct || dataType === DataType.Struct || dataType === DataType.ArrayOfVector) throw errors.invalid(`not support to add a struct array field, field name = ${name}: declare struct fields when the collection is created`)
  const field = createFieldSchema(spec, nextFieldId(schema), timezone)
  validateTextFields([...schema.fields, field])
  return field
}

/** The schema with `field` appended (already checked by `fieldToAdd`; replay re-checks the name). */
export function schemaWithField(schema: CollectionSchema, field: FieldSchema): CollectionSchema {
  if (schema.fields.some((f) => f.name === field.name)) throw errors.invalid(`duplicate field name: ${field.name}`)
  return Object.freeze({ ...schema, fields: Object.freeze([...schema.fields, Object.freeze({ ...field })]) })
}

/** Field ids are 100, 101, … in schema order (a reopened catalog numbers them the same way). */
function nextFieldId(schema: CollectionSchema): number {
  return 100 + schema.fields.length
}

/** Field properties `AlterCollectionField` may change: type params and the mmap switch. */
export const alterableFieldKeys = ['max_length', 'max_capacity', 'mmap.enabled'] as const

/**
 * The schema with field `name`'s properties set (`set`) or removed (`deleteKeys`): `max_length`
 * (VarChar, Array of VarChar), `max_capacity` (Array), `mmap.enabled` (`true`/`false`). The primary
 * key cannot be altered. Throws 1100 (1700 for an unknown field); the schema is unchanged then.
 */
export function schemaWithAlteredField(schema: CollectionSchema, name: string, set: Readonly<Record<string, string>>, deleteKeys: readonly string[]): CollectionSchema {
  const i = schema.fields.findIndex((f) => f.name === name)
  if (i < 0) throw errors.fieldNotFound(name)
  const f = schema.fields[i]!
  if (f.isPrimaryKey) throw errors.invalid(`can not alter primary key field, field name = ${name}`)
  const next: { -readonly [K in keyof FieldSchema]: FieldSchema[K] } = { ...f }
  const props: Record<string, string> = { ...(f.properties ?? {}) }
  for (const [key, value] of Object.entries(set)) {
    if (key === 'max_length') next.maxLength = alteredMaxLength(f, value)
    else if (key === 'max_capacity') next.maxCapacity = alteredMaxCapacity(f, value)
    else if (key === 'mmap.enabled') props[key] = booleanProperty(name, key, value)
    else throw notAlterable(name, key)
  }
  for (const key of deleteKeys) {
    if (key !== 'mmap.enabled') throw notAlterable(name, key)
    delete props[key]
  }
  if (Object.keys(props).length === 0) delete next.properties
  else next.properties = Object.freeze(props)
  const fields = schema.fields.map((x, j) => (j === i ? Object.freeze(next) : x))
  return Object.freeze({ ...schema, fields: Object.freeze(fields) })
}

function notAlterable(field: string, key: string) {
  return errors.invalid(`${key} is not allowed to be altered on field ${field}; alterable properties: ${alterableFieldKeys.join(', ')}`)
}

function alteredMaxLength(f: FieldSchema, value: string): number {
  const isString = f.dataType === DataType.VarChar || (f.dataType === DataType.Array && f.elementType === DataType.VarChar)
  if (!isString) throw errors.invalid(`field ${f.name} is not a VarChar field (or an Array of VarChar): max_length cannot be altered`)
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > limits.varcharLengthMax) {
    throw errors.invalid(`the maximum length specified for the field(${f.name}) should be in (0, ${limits.varcharLengthMax}], but got ${value} instead`)
  }
  return n
}

function alteredMaxCapacity(f: FieldSchema, value: string): number {
  if (f.dataType !== DataType.Array) throw errors.invalid(`field ${f.name} is not an Array field: max_capacity cannot be altered`)
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > limits.arrayCapacityMax) {
    throw errors.invalid(`the maximum capacity specified for a Array should be in (0, ${limits.arrayCapacityMax}], but got ${value}`, { field: f.name })
  }
  return n
}

function booleanProperty(field: string, key: string, value: string): string {
  const v = value.trim().toLowerCase()
  if (v !== 'true' && v !== 'false') throw errors.invalid(`invalid ${key} value ${value} for field ${field}: expected true or false`)
  return v
}
