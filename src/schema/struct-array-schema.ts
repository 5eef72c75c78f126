import { errors } from '../errors/errors.ts'
import { checkDim, checkMaxCapacity, checkMaxLength, type FieldSchema, type FieldSpec } from './collection-schema.ts'
import { DataType, dataTypeName, isDenseVectorType, isScalarElementType, parseDataType } from './data-type.ts'
import { validateName } from './name-rules.ts'

/**
 * Array-of-structs fields (Milvus 2.6 `struct_array_fields`). A struct field `items` with sub-fields
 * `label` (VarChar) and `embedding` (FloatVector) is stored flattened, as Milvus stores it: one
 * column per sub-field, named `items[label]` (an Array of VarChar) and `items[embedding]` (an
 * ArrayOfVector), each holding per row the sub-field's value of every element. Element `j` of a row
 * is the j-th entry of every sub-field column of that row; all have the same length (≤ max_capacity).
 */
export interface StructArrayFieldSchema {
  readonly fieldId: number
  readonly name: string
  readonly description: string
  readonly maxCapacity: number
  /** Its sub-fields' names in `CollectionSchema.fields` (`name[sub]`), in declaration order. */
  readonly fieldNames: readonly string[]
}

/** Set on a flattened sub-field: which struct field it belongs to and its own name inside the struct. */
export interface StructMember {
  readonly structName: string
  readonly subName: string
}

/** An array-of-structs field as callers give it (camelCase). */
export interface StructArraySpec {
  name?: unknown
  description?: unknown
  maxCapacity?: unknown
  fields?: readonly FieldSpec[]
}

/** The column name of sub-field `sub` of struct field `struct`: `struct[sub]`, as Milvus names it in output fields and indexes. */
export function structFieldName(struct: string, sub: string): string {
  return `${struct}[${sub}]`
}

/**
 * Validates array-of-structs specs against the other fields (names unique) and returns the struct
 * schemas and their flattened sub-fields, numbered from `firstFieldId` (the struct, then its
 * sub-fields). Throws 1100 naming the struct and sub-field.
 */
export function createStructArrayFields(
  specs: readonly StructArraySpec[],
  firstFieldId: number,
  others: readonly FieldSchema[],
): { structs: StructArrayFieldSchema[]; fields: FieldSchema[] } {
  const structs: StructArrayFieldSchema[] = []
  const fields: FieldSchema[] = []
  const taken = new Set(others.map((f) => f.name))
  let id = firstFieldId
  for (const spec of specs) {
    const name = validateName(spec.name, 'field')
    if (taken.has(name)) throw errors.invalid(`duplicated field name: ${name}`)
    taken.add(name)
    const maxCapacity = checkMaxCapacity(name, spec.maxCapacity)
    const subs = spec.fields ?? []
    if (subs.length === 0) throw errors.invalid(`struct array field ${name} has no sub-fields`, { field: name })
    const structId = id++
    const subNames = new Set<string>()
    const members = subs.map((sub) => {
      const f = createSubField(name, sub, maxCapacity, id++)
      if (subNames.has(f.structOf!.subName)) throw errors.invalid(`duplicated field name ${f.structOf!.subName} in struct array field ${name}`, { field: name })
      subNames.add(f.structOf!.subName)
      return f
    })
    fields.push(...members)
    structs.push(Object.freeze({
      fieldId: structId,
      name,
      description: typeof spec.description === 'string' ? spec.description : '',
      maxCapacity,
      fieldNames: Object.freeze(members.map((f) => f.name)),
    }))
  }
  return { structs, fields }
}

/**
 * One sub-field. Its type may be given as the element type (`VarChar`, `FloatVector`: the SDKs'
 * input form) or as Milvus stores it (`Array`/`ArrayOfVector` with `elementType`: the wire form).
 */
function createSubField(structName: string, f: FieldSpec, maxCapacity: number, fieldId: number): FieldSchema {
  const subName = validateName(f.name, 'field')
  const where = { field: structFieldName(structName, subName) }
  const declared = parseDataType(f.dataType)
  const element = declared === DataType.Array || declared === DataType.ArrayOfVector ? parseDataType(f.elementType) : declared
  if (element === undefined || (!isScalarElementType(element) && !isDenseVectorType(element))) {
    throw errors.invalid(`field ${subName} of struct array field ${structName}: data type ${String(f.elementType ?? f.dataType)} is not supported in a struct (scalars and dense vectors only)`, where)
  }
  if (f.isPrimaryKey === true || f.isPartitionKey === true || f.autoId === true) {
    throw errors.invalid(`field ${subName} of struct array field ${structName} cannot be a primary or partition key`, where)
  }
  if (f.nullable === true) throw errors.invalid(`field ${subName} of struct array field ${structName}: struct fields are not nullable`, where)
  if (f.defaultValue !== undefined && f.defaultValue !== null) {
    throw errors.invalid(`field ${subName} of struct array field ${structName}: struct fields take no default_value`, where)
  }
  const name = structFieldName(structName, subName)
  const vector = isDenseVectorType(element)
  const out: { -readonly [K in keyof FieldSchema]: FieldSchema[K] } = {
    fieldId,
    name,
    dataType: vector ? DataType.ArrayOfVector : DataType.Array,
    elementType: element,
    description: typeof f.description === 'string' ? f.description : '',
    isPrimaryKey: false,
    autoId: false,
    nullable: false,
    isPartitionKey: false,
    isDynamic: false,
    maxCapacity,
    structOf: Object.freeze({ structName, subName }),
  }
  if (vector) out.dim = checkDim(name, element, f.dim)
  if (element === DataType.VarChar) out.maxLength = checkMaxLength(name, f.maxLength)
  return Object.freeze(out)
}

/** The struct field called `name`, if any. */
export function findStructField(schema: { readonly structArrayFields?: readonly StructArrayFieldSchema[] }, name: string): StructArrayFieldSchema | undefined {
  return schema.structArrayFields?.find((s) => s.name === name)
}

/** The spec a struct schema was made from (reopen re-validates the manifest's schema through `createCollectionSchema`). */
export function structSpecOf(s: StructArrayFieldSchema, fields: readonly FieldSchema[]): StructArraySpec {
  return {
    name: s.name,
    description: s.description,
    maxCapacity: s.maxCapacity,
    fields: s.fieldNames.map((n) => {
      const f = fields.find((x) => x.name === n)
      if (f === undefined) throw new Error(`struct sub-field ${n} missing from the schema`)
      return { name: f.structOf!.subName, dataType: f.elementType, description: f.description, dim: f.dim, maxLength: f.maxLength }
    }),
  }
}

/** A label for messages: `Int32`, `FloatVector`. */
export function elementLabel(f: FieldSchema): string {
  return dataTypeName(f.elementType ?? DataType.None)
}
