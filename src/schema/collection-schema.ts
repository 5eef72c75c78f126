import { errors } from '../errors/errors.ts'
import { canonicalWkt } from '../geometry/canonical-wkt.ts'
import {
  DataType,
  dataTypeName,
  isDenseVectorType,
  isFloatType,
  isIntegerType,
  isScalarElementType,
  isVectorType,
  parseDataType,
} from './data-type.ts'
import { limits } from './limits.ts'
import { validateTextFields } from './text-field.ts'
import { timestamptzDefault } from './timestamptz-default.ts'
import { validateName } from './name-rules.ts'
import { createFunctions, type FunctionSchema, type FunctionSpec } from './function-schema.ts'
import { createStructArrayFields, type StructArrayFieldSchema, type StructArraySpec, type StructMember } from './struct-array-schema.ts'

/** Name of the hidden JSON field that holds the keys of a dynamic schema. */
export const META_FIELD = '$meta'

/** One field of a collection, camelCase inside the engine. */
export interface FieldSchema {
  readonly fieldId: number
  readonly name: string
  readonly dataType: DataType
  readonly description: string
  readonly isPrimaryKey: boolean
  readonly autoId: boolean
  /** Vector dimension (BinaryVector: bits). */
  readonly dim?: number
  readonly maxLength?: number
  readonly maxCapacity?: number
  readonly elementType?: DataType
  /** Already type-checked; int64 defaults are bigint. */
  readonly defaultValue?: unknown
  readonly nullable: boolean
  readonly isPartitionKey: boolean
  /** Milvus's clustering key (at most one per collection); present only when true. */
  readonly isClusteringKey?: true
  readonly isDynamic: boolean
  /** Type params with no schema meaning to Quiver, kept and described as given (`mmap.enabled`). */
  readonly properties?: Readonly<Record<string, string>>
  /** A sub-field of an array-of-structs field: stored as its own column named `struct[sub]` (`struct-array-schema.ts`). */
  readonly structOf?: StructMember
  /** Computed by a collection function (a BM25 output); clients never write it. Present only when true. */
  readonly isFunctionOutput?: true
}

export interface CollectionSchema {
  readonly name: string
  readonly description: string
  readonly fields: readonly FieldSchema[]
  readonly enableDynamicField: boolean
  /** Partitions created for a partition-key collection. */
  readonly numPartitions: number
  /** Array-of-structs fields; their sub-fields are in `fields` (flattened, `structOf` set). */
  readonly structArrayFields?: readonly StructArrayFieldSchema[]
  /** Collection functions (BM25) in creation order; absent when there are none. */
  readonly functions?: readonly FunctionSchema[]
}

/** Untyped field description as callers give it (camelCase, already read off the wire form). */
export interface FieldSpec {
  name?: unknown
  dataType?: unknown
  description?: unknown
  isPrimaryKey?: unknown
  autoId?: unknown
  dim?: unknown
  maxLength?: unknown
  maxCapacity?: unknown
  elementType?: unknown
  defaultValue?: unknown
  nullable?: unknown
  isPartitionKey?: unknown
  isClusteringKey?: unknown
  isDynamic?: unknown
  properties?: unknown
}

export interface SchemaSpec {
  name: string
  description?: string
  fields: readonly FieldSpec[]
  enableDynamicField?: boolean
  numPartitions?: number
  /** IANA timezone a Timestamptz default given as text without an offset is read in (default UTC). */
  timezone?: string
  /** Array-of-structs fields (Milvus `struct_array_fields`). */
  structArrayFields?: readonly StructArraySpec[]
  /** Collection functions (Milvus `functions`): BM25 only. */
  functions?: readonly FunctionSpec[]
}

/** Validates a schema description and returns the frozen schema; throws 1100 naming the field. */
export function createCollectionSchema(spec: SchemaSpec): CollectionSchema {
  const name = validateName(spec.name, 'collection')
  const specs = spec.fields.filter((f) => f.isDynamic !== true && f.name !== META_FIELD)
  if (specs.length === 0) throw errors.invalid('schema does not contain any field')
  if (specs.length > limits.fieldCountMax) {
    throw errors.invalid(`maximum field's number should be limited to ${limits.fieldCountMax}`)
  }
  const fields = specs.map((f, i) => createFieldSchema(f, 100 + i, spec.timezone))
  const structs = createStructArrayFields(spec.structArrayFields ?? [], 100 + fields.length, fields)
  fields.push(...structs.fields)
  checkFieldSet(fields)
  validateTextFields(fields)
  const functions = createFunctions(spec.functions ?? [], fields, 100 + fields.length)
  markFunctionOutputs(fields, functions)
  const hasPartitionKey = fields.some((f) => f.isPartitionKey)
  const numPartitions = hasPartitionKey ? checkNumPartitions(spec.numPartitions) : 0
  return Object.freeze({
    name,
    description: spec.description ?? '',
    fields: Object.freeze(fields),
    enableDynamicField: spec.enableDynamicField === true,
    numPartitions,
    ...(structs.structs.length === 0 ? {} : { structArrayFields: Object.freeze(structs.structs) }),
    ...(functions.length === 0 ? {} : { functions: Object.freeze(functions) }),
  })
}

/** Flags the output fields of `functions` (`isFunctionOutput`), replacing them in `fields`. */
export function markFunctionOutputs(fields: FieldSchema[], functions: readonly FunctionSchema[]): void {
  const outputs = new Set(functions.flatMap((f) => f.outputFieldNames))
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!
    if (outputs.has(f.name) && f.isFunctionOutput !== true) fields[i] = Object.freeze({ ...f, isFunctionOutput: true })
  }
}

function checkNumPartitions(n: number | undefined): number {
  if (n === undefined || n === 0) return limits.partitionKeyPartitionsDefault
  if (!Number.isInteger(n) || n < 1 || n > limits.partitionKeyPartitionsMax) {
    throw errors.invalid(`num_partitions should be in [1, ${limits.partitionKeyPartitionsMax}], got ${n}`)
  }
  return n
}

function checkFieldSet(fields: FieldSchema[]): void {
  const names = new Set<string>()
  for (const f of fields) {
    if (names.has(f.name)) throw errors.invalid(`duplicated field name: ${f.name}`)
    names.add(f.name)
  }
  const pks = fields.filter((f) => f.isPrimaryKey)
  if (pks.length === 0) throw errors.invalid('primary key is not specified')
  if (pks.length > 1) throw errors.invalid('there are more than one primary key')
  const vectors = fields.filter((f) => isVectorType(f.dataType) || f.dataType === DataType.ArrayOfVector)
  if (vectors.length === 0) throw errors.invalid('schema does not contain vector field')
  if (vectors.length > limits.vectorFieldCountMax) {
    throw errors.invalid(`maximum vector field's number should be limited to ${limits.vectorFieldCountMax}`)
  }
  if (fields.filter((f) => f.isPartitionKey).length > 1) {
    throw errors.invalid('there are more than one partition key')
  }
  const clustering = fields.filter((f) => f.isClusteringKey === true)
  if (clustering.length > 1) {
    throw errors.invalid(`there are more than one clustering key, field name = ${clustering.map((f) => f.name).join(', ')}`)
  }
}

/** One field, validated alone (the rules that span fields are `createCollectionSchema`'s); throws 1100 naming it. */
export function createFieldSchema(f: FieldSpec, fieldId: number, timezone = 'UTC'): FieldSchema {
  const name = validateName(f.name, 'field')
  const dataType = parseDataType(f.dataType)
  if (dataType === undefined || dataType === DataType.None || dataType === DataType.String) {
    throw errors.invalid(`field data type ${String(f.dataType)} is not supported`, { field: name })
  }
  const isPrimaryKey = f.isPrimaryKey === true
  const autoId = f.autoId === true
  const nullable = f.nullable === true
  const isPartitionKey = f.isPartitionKey === true
  const field: {
    -readonly [K in keyof FieldSchema]: FieldSchema[K]
  } = {
    fieldId,
    name,
    dataType,
    description: typeof f.description === 'string' ? f.description : '',
    isPrimaryKey,
    autoId,
    nullable,
    isPartitionKey,
    isDynamic: false,
  }
  if (isPrimaryKey) checkPrimaryKey(name, dataType, f)
  if (autoId && !isPrimaryKey) throw errors.invalid(`only primary field can speficy AutoID with true, field name = ${name}`)
  if (isDenseVectorType(dataType)) field.dim = checkDim(name, dataType, f.dim)
  if (dataType === DataType.VarChar || (dataType === DataType.Array && parseDataType(f.elementType) === DataType.VarChar)) {
    field.maxLength = checkMaxLength(name, f.maxLength)
  }
  if (dataType === DataType.Array) {
    field.elementType = checkElementType(name, f.elementType)
    field.maxCapacity = checkMaxCapacity(name, f.maxCapacity)
  }
  if (isPartitionKey) checkPartitionKey(name, dataType, isPrimaryKey, nullable)
  if (f.isClusteringKey === true) {
    if (!isClusteringKeyType(dataType)) {
      throw errors.invalid(`clustering key field ${name} is ${dataTypeName(dataType)}; it should be an integer, Float, Double, VarChar or FloatVector field`, { field: name })
    }
    field.isClusteringKey = true
  }
  // Milvus 2.6 allows nullable vector fields (a null row is never searched); only the key cannot be null.
  if (nullable && isPrimaryKey) throw errors.invalid('primary field not support null', { field: name })
  if (f.defaultValue !== undefined && f.defaultValue !== null) {
    field.defaultValue = checkDefaultValue(field, f.defaultValue, timezone)
  }
  const properties = fieldPropertiesOf(f.properties)
  if (properties !== undefined) field.properties = properties
  return Object.freeze(field)
}

/** Keeps string-valued properties (numbers and booleans as their text); none → undefined. */
function fieldPropertiesOf(raw: unknown): Readonly<Record<string, string>> | undefined {
  if (raw === null || typeof raw !== 'object') return undefined
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(raw)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v)
  return Object.keys(out).length === 0 ? undefined : Object.freeze(out)
}

function checkPrimaryKey(name: string, t: DataType, f: FieldSpec): void {
  if (t !== DataType.Int64 && t !== DataType.VarChar) {
    throw errors.invalid(`the data type of primary key should be Int64 or VarChar`, { field: name })
  }
  if (f.nullable === true) throw errors.invalid('primary field not support null', { field: name })
  if (f.defaultValue !== undefined && f.defaultValue !== null) {
    throw errors.invalid('primary field not support default_value', { field: name })
  }
}

function toInt(x: unknown): number | undefined {
  const n = typeof x === 'string' && x.trim() !== '' ? Number(x) : x
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined
}

export function checkDim(name: string, t: DataType, raw: unknown): number {
  const dim = toInt(raw)
  if (dim === undefined) throw errors.invalid(`dimension is not defined in field type params of field ${name}`)
  if (dim < 1 || dim > limits.dimMax) {
    throw errors.invalid(`invalid dimension: ${dim} of field ${name}. should be in range 2 ~ ${limits.dimMax}`)
  }
  if (t === DataType.BinaryVector && dim % 8 !== 0) {
    throw errors.invalid(`invalid dimension: ${dim} of field ${name}. binary vector dimension should be multiple of 8.`)
  }
  return dim
}

export function checkMaxLength(name: string, raw: unknown): number {
  const n = toInt(raw)
  if (n === undefined) throw errors.invalid(`type param(max_length) should be specified for the field(${name})`)
  if (n < 1 || n > limits.varcharLengthMax) {
    throw errors.invalid(`the maximum length specified for the field(${name}) should be in (0, ${limits.varcharLengthMax}], but got ${n} instead`)
  }
  return n
}

export function checkMaxCapacity(name: string, raw: unknown): number {
  const n = toInt(raw)
  if (n === undefined) throw errors.invalid(`type param(max_capacity) should be specified for array field ${name}`)
  if (n < 1 || n > limits.arrayCapacityMax) {
    throw errors.invalid(`the maximum capacity specified for a Array should be in (0, ${limits.arrayCapacityMax}], but got ${n}`, { field: name })
  }
  return n
}

function checkElementType(name: string, raw: unknown): DataType {
  const t = parseDataType(raw)
  if (t === undefined || !isScalarElementType(t)) {
    throw errors.invalid(`element type ${String(raw)} is not supported`, { field: name })
  }
  return t
}

function checkPartitionKey(name: string, t: DataType, isPk: boolean, nullable: boolean): void {
  if (isPk) throw errors.invalid('the partition key field must not be primary field', { field: name })
  if (t !== DataType.Int64 && t !== DataType.VarChar) {
    throw errors.invalid('the data type of partition key should be Int64 or VarChar', { field: name })
  }
  if (nullable) throw errors.invalid('partition key field not support nullable', { field: name })
}

function checkDefaultValue(f: FieldSchema, v: unknown, timezone: string): unknown {
  const t = f.dataType
  const bad = () =>
    errors.invalid(`type (${dataTypeName(t)}) of field (${f.name}) is not equal to the type(${typeof v}) of default_value`)
  if (isVectorType(t) || t === DataType.JSON || t === DataType.Array) {
    throw errors.invalid(`${dataTypeName(t)} field does not support default_value`, { field: f.name })
  }
  switch (t) {
    case DataType.Bool:
      if (typeof v !== 'boolean') throw bad()
      return v
    case DataType.VarChar:
      if (typeof v !== 'string') throw bad()
      if (f.maxLength !== undefined && Buffer.byteLength(v) > f.maxLength) {
        throw errors.invalid(`the length (${Buffer.byteLength(v)}) of string exceeds max length (${f.maxLength})`, { field: f.name })
      }
      return v
    case DataType.Float:
    case DataType.Double:
      if (typeof v !== 'number' || !Number.isFinite(v)) throw bad()
      return v
    case DataType.Int64: {
      const b = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : typeof v === 'string' && /^-?\d+$/.test(v) ? BigInt(v) : undefined
      if (b === undefined) throw bad()
      return b
    }
    case DataType.Int8:
    case DataType.Int16:
    case DataType.Int32: {
      if (typeof v !== 'number' || !Number.isInteger(v)) throw bad()
      return v
    }
    case DataType.Geometry: {
      if (typeof v !== 'string') throw bad()
      const c = canonicalWkt(v)
      if ('problem' in c) throw errors.invalid(`default_value of Geometry field ${f.name} is not WKT: ${c.problem}`, { field: f.name })
      return c.wkt
    }
    case DataType.Timestamptz:
      return timestamptzDefault(f.name, v, timezone)
    default:
      throw bad()
  }
}

export function primaryField(schema: CollectionSchema): FieldSchema {
  const f = schema.fields.find((x) => x.isPrimaryKey)
  if (f === undefined) throw new Error('schema has no primary key')
  return f
}

export function partitionKeyField(schema: CollectionSchema): FieldSchema | undefined {
  return schema.fields.find((x) => x.isPartitionKey)
}

export function findField(schema: CollectionSchema, name: string): FieldSchema | undefined {
  return schema.fields.find((x) => x.name === name)
}

/** The vector fields of a schema (cached per schema object: schemas are immutable). */
export function vectorFields(schema: CollectionSchema): readonly FieldSchema[] {
  let fields = vectorFieldsCache.get(schema)
  if (fields === undefined) {
    fields = schema.fields.filter((x) => isVectorType(x.dataType))
    vectorFieldsCache.set(schema, fields)
  }
  return fields
}
const vectorFieldsCache = new WeakMap<CollectionSchema, FieldSchema[]>()

/** Types Milvus allows as a clustering key (`typeutil.IsClusteringKeyType`). */
function isClusteringKeyType(t: DataType): boolean {
  return isIntegerType(t) || isFloatType(t) || t === DataType.VarChar || t === DataType.FloatVector
}
