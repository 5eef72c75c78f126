import { errors } from '../../../errors/errors.ts'
import { DataType, parseDataType } from '../../../schema/data-type.ts'
import { parseFunctionType } from '../../../schema/function-schema.ts'
import { decodeEmbedded } from '../milvus-proto.ts'

// biome-ignore lint/suspicious/noExplicitAny: wire messages are loosely typed objects
type Wire = Record<string, any>

/** `schema.ValueField` (a field's default value) → the plain value; undefined when none is set. */
export function valueOfValueField(v: Wire | null | undefined): unknown {
  if (v === null || v === undefined) return undefined
  const member = typeof v.data === 'string' ? v.data : Object.keys(v).find((k) => k.endsWith('_data') && v[k] !== undefined && v[k] !== null)
  if (member === undefined) return undefined
  // pymilvus sends every integer default (Int8 … Int64) as `long_data`, an int64 decoded as text.
  if (member === 'long_data') return longValue(v.long_data)
  return v[member]
}

function longValue(text: unknown): unknown {
  if (typeof text !== 'string' || !/^-?\d+$/.test(text)) return text
  const n = Number(text)
  return Number.isSafeInteger(n) ? n : BigInt(text)
}

/** A default value → `schema.ValueField`, by the field's data type. */
export function valueFieldOf(dataType: number, value: unknown): Wire | undefined {
  if (value === undefined || value === null) return undefined
  switch (dataType) {
    case DataType.Bool:
      return { bool_data: value }
    case DataType.Int8:
    case DataType.Int16:
    case DataType.Int32:
      return { int_data: value }
    case DataType.Int64:
      return { long_data: String(value) }
    case DataType.Float:
      return { float_data: value }
    case DataType.Double:
      return { double_data: value }
    default:
      return { string_data: String(value) }
  }
}

/**
 * `CreateCollectionRequest` → the facade's `createCollection` request (fields form). The schema
 * travels as serialised `schema.CollectionSchema` bytes, functions (BM25) in it; the dynamic field,
 * if listed, is dropped (the flag says it).
 */
export function createCollectionRequestOf(req: Wire): Wire {
  const schema = decodeEmbedded('milvus.proto.schema.CollectionSchema', req.schema ?? new Uint8Array(0))
  const name = String(req.collection_name ?? '')
  if (typeof schema.name === 'string' && schema.name !== '' && schema.name !== name) {
    throw errors.invalid(`collection name [${name}] does not match schema name [${schema.name}]`)
  }
  const wireFields = (Array.isArray(schema.fields) ? schema.fields : []) as Wire[]
  const collectionAutoId = schema.autoID === true
  const fields = wireFields.filter((f) => f.is_dynamic !== true).map((f) => fieldRequestOf(f, collectionAutoId))
  for (const s of (Array.isArray(schema.struct_array_fields) ? schema.struct_array_fields : []) as Wire[]) fields.push(structFieldRequestOf(s))
  const numPartitions = Number(req.num_partitions ?? 0)
  return {
    collection_name: name,
    description: typeof schema.description === 'string' ? schema.description : '',
    fields,
    enable_dynamic_field: schema.enable_dynamic_field === true,
    ...(Array.isArray(schema.functions) && schema.functions.length > 0 ? { functions: (schema.functions as Wire[]).map(functionRequestOf) } : {}),
    ...(numPartitions > 0 ? { num_partitions: numPartitions } : {}),
    ...(Array.isArray(req.properties) && req.properties.length > 0 ? { properties: req.properties } : {}),
    ...(req.consistency_level === undefined ? {} : { consistency_level: req.consistency_level }),
  }
}

/** One wire `schema.FieldSchema` → the facade's field (SDK `FieldType` shape). */
export function fieldRequestOf(f: Wire, collectionAutoId: boolean): Wire {
  const isPk = f.is_primary_key === true
  const out: Wire = {
    name: f.name,
    data_type: f.data_type,
    description: f.description ?? '',
    is_primary_key: isPk,
    autoID: f.autoID === true || (isPk && collectionAutoId),
    type_params: f.type_params ?? [],
    nullable: f.nullable === true,
    is_partition_key: f.is_partition_key === true,
    is_clustering_key: f.is_clustering_key === true,
  }
  if (parseDataType(f.data_type) === DataType.Array) out.element_type = f.element_type
  const dv = valueOfValueField(f.default_value)
  if (dv !== undefined) out.default_value = dv
  return out
}

/** One wire `schema.FunctionSchema` → the facade's function (SDK shape; params stay a key/value list). */
export function functionRequestOf(f: Wire): Wire {
  return {
    name: f.name ?? '',
    description: f.description ?? '',
    type: f.type,
    input_field_names: Array.isArray(f.input_field_names) ? f.input_field_names : [],
    output_field_names: Array.isArray(f.output_field_names) ? f.output_field_names : [],
    params: Array.isArray(f.params) ? f.params : [],
  }
}

/** A function as the facade's `describeCollection` lists it → `schema.FunctionSchema` on the wire (type as its proto number). */
export function wireFunctionSchema(f: Wire): Wire {
  return { ...f, type: parseFunctionType(f.type) ?? 0 }
}

/** A field as the facade's `describeCollection` lists it → `schema.FieldSchema` on the wire. */
export function wireFieldSchema(f: Wire): Wire {
  const dataType = Number(f.dataType)
  const out: Wire = {
    fieldID: f.fieldID,
    name: f.name,
    is_primary_key: f.is_primary_key,
    description: f.description,
    data_type: dataType,
    type_params: f.type_params,
    index_params: [],
    autoID: f.autoID,
    state: 'FieldCreated',
    is_dynamic: false,
    is_partition_key: f.is_partition_key,
    is_clustering_key: f.is_clustering_key === true,
    nullable: f.nullable,
    is_function_output: f.is_function_output === true,
  }
  if (f.element_type !== undefined) out.element_type = f.element_type
  const dv = valueFieldOf(dataType, f.default_value)
  if (dv !== undefined) out.default_value = dv
  return out
}

/**
 * One wire `schema.StructArrayFieldSchema` → the facade's array-of-structs field (SDK shape: `Array`
 * of `Struct` with nested `fields`). Its sub-fields come as Milvus stores them (`Array`/`ArrayOfVector`
 * with the element type and `max_capacity` in their type params); the facade takes the element type.
 */
export function structFieldRequestOf(s: Wire): Wire {
  const subs = (Array.isArray(s.fields) ? s.fields : []) as Wire[]
  const params = (list: unknown) => (Array.isArray(list) ? (list as { key: string; value: string }[]) : [])
  const capacity = [...params(s.type_params), ...subs.flatMap((f) => params(f.type_params))].find((p) => p.key === 'max_capacity')?.value
  return {
    name: s.name,
    description: s.description ?? '',
    data_type: DataType.Array,
    element_type: DataType.Struct,
    max_capacity: capacity,
    fields: subs.map((f) => ({
      name: f.name,
      description: f.description ?? '',
      data_type: f.element_type ?? f.data_type,
      type_params: params(f.type_params).filter((p) => p.key !== 'max_capacity'),
      nullable: f.nullable === true,
      ...(f.is_primary_key === true ? { is_primary_key: true } : {}),
    })),
  }
}

/** A described array-of-structs field (SDK shape) → `schema.StructArrayFieldSchema` as Milvus 2.6 describes it. */
export function wireStructFieldSchema(f: Wire): Wire {
  const capacity = { key: 'max_capacity', value: String(f.max_capacity) }
  return {
    fieldID: f.fieldID,
    name: f.name,
    description: f.description ?? '',
    type_params: [capacity],
    fields: (f.fields as Wire[]).map((sub) => {
      const element = Number(sub.dataType)
      const vector = element >= 100 && element <= 105
      return {
        ...wireFieldSchema({ ...sub, dataType: vector ? DataType.ArrayOfVector : DataType.Array }),
        element_type: element,
        type_params: [...(sub.type_params as Wire[]), capacity],
      }
    }),
  }
}
