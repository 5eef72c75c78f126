import { timezoneOf } from '../../catalog/properties.ts'
import { formatTimestamptz } from '../../common/timestamptz.ts'
import { errors } from '../../errors/errors.ts'
import type { CollectionMeta } from '../../catalog/catalog.ts'
import type { FieldSchema, FieldSpec, SchemaSpec } from '../../schema/collection-schema.ts'
import { DataType, dataTypeName, isDenseVectorType, parseDataType } from '../../schema/data-type.ts'
import { type FunctionSchema, type FunctionSpec, functionTypeName } from '../../schema/function-schema.ts'
import type { StructArrayFieldSchema, StructArraySpec } from '../../schema/struct-array-schema.ts'

/** A field as the SDK's `FieldType` describes it (snake_case, type params flat or in `type_params`). */
export type SdkField = Record<string, unknown>

const typeParamKeys = ['dim', 'max_length', 'max_capacity'] as const

/** SDK field → engine `FieldSpec` (type params may sit on the field or in `type_params`). */
export function fieldSpecOf(f: SdkField): FieldSpec {
  const tp = normaliseTypeParams(f.type_params)
  const pick = (k: (typeof typeParamKeys)[number]) => f[k] ?? tp[k]
  return {
    name: f.name,
    dataType: f.data_type ?? f.dataType,
    description: f.description,
    isPrimaryKey: f.is_primary_key ?? f.isPrimaryKey,
    autoId: f.autoID ?? f.auto_id ?? f.autoId,
    dim: pick('dim'),
    maxLength: pick('max_length'),
    maxCapacity: pick('max_capacity'),
    elementType: f.element_type ?? f.elementType,
    defaultValue: f.default_value ?? f.defaultValue,
    nullable: f.nullable,
    isPartitionKey: f.is_partition_key ?? f.isPartitionKey,
    isClusteringKey: f.is_clustering_key ?? f.isClusteringKey,
    isDynamic: f.is_dynamic ?? f.isDynamic,
    properties: fieldPropertiesOf(f, tp),
  }
}

/**
 * Field properties kept and described as given (on the field or in `type_params`): `mmap.enabled`
 * and the full-text options (`schema/text-field.ts`); an `analyzer_params` object is kept as its JSON
 * text, as the SDKs send it in `type_params`.
 */
const fieldPropertyKeys = ['mmap.enabled', 'enable_analyzer', 'enable_match', 'analyzer_params', 'multi_analyzer_params'] as const

function fieldPropertiesOf(f: SdkField, tp: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const k of fieldPropertyKeys) {
    const v = f[k] ?? tp[k]
    if (v !== undefined && v !== null) out[k] = typeof v === 'object' ? JSON.stringify(v) : v
  }
  return out
}

/** SDK / wire function (`input_field_names`, `type: 1 | 'BM25'`, params as an object or key/value list) → engine `FunctionSpec`. */
export function functionSpecOf(f: Record<string, unknown>): FunctionSpec {
  return {
    name: f.name,
    description: f.description,
    type: f.type,
    inputFieldNames: f.input_field_names ?? f.inputFieldNames,
    outputFieldNames: f.output_field_names ?? f.outputFieldNames,
    params: f.params,
  }
}

/** The SDK's `describeCollection` shape of a schema's functions. */
export function describeFunctions(functions: readonly FunctionSchema[] | undefined, fields: readonly FieldSchema[]): Record<string, unknown>[] {
  const idOf = (n: string) => String(fields.find((f) => f.name === n)?.fieldId ?? 0)
  return (functions ?? []).map((fn) => ({
    name: fn.name,
    id: String(fn.id),
    description: fn.description,
    type: functionTypeName(fn.type),
    input_field_names: [...fn.inputFieldNames],
    input_field_ids: fn.inputFieldNames.map(idOf),
    output_field_names: [...fn.outputFieldNames],
    output_field_ids: fn.outputFieldNames.map(idOf),
    params: Object.entries(fn.params).map(([key, value]) => ({ key, value })),
  }))
}

function normaliseTypeParams(tp: unknown): Record<string, unknown> {
  if (Array.isArray(tp)) return Object.fromEntries(tp.map((kv: { key: string; value: unknown }) => [kv.key, kv.value]))
  if (tp !== null && typeof tp === 'object') return tp as Record<string, unknown>
  return {}
}

/**
 * `createCollection` request → engine schema spec. Accepts the fields form, the schema form and
 * the quick form `{ collection_name, dimension }` (an `id` Int64 key, a `vector` field, dynamic on).
 */
export function schemaSpecOf(req: Record<string, unknown>): SchemaSpec {
  const name = req.collection_name as string
  const dynamic = req.enable_dynamic_field ?? req.enableDynamicField
  const common = {
    name,
    description: typeof req.description === 'string' ? req.description : '',
    ...(typeof req.num_partitions === 'number' ? { numPartitions: req.num_partitions } : {}),
  }
  const list = (req.fields ?? req.schema) as SdkField[] | undefined
  if (Array.isArray(list)) {
    const partitionKey = req.partition_key_field as string | undefined
    const plain = list.filter((f) => !isStructArrayField(f))
    const clusteringKey = req.clustering_key_field as string | undefined
    const fields = plain.map((f) =>
      fieldSpecOf({
        ...f,
        ...(partitionKey !== undefined && f.name === partitionKey ? { is_partition_key: true } : {}),
        ...(clusteringKey !== undefined && f.name === clusteringKey ? { is_clustering_key: true } : {}),
      }),
    )
    const structs = list.filter(isStructArrayField).map(structSpecOfSdk)
    const functions = Array.isArray(req.functions) ? (req.functions as Record<string, unknown>[]).map(functionSpecOf) : []
    return {
      ...common,
      fields,
      enableDynamicField: dynamic === true,
      ...(structs.length === 0 ? {} : { structArrayFields: structs }),
      ...(functions.length === 0 ? {} : { functions }),
    }
  }
  if (req.dimension !== undefined) {
    const idType = req.id_type === undefined ? DataType.Int64 : req.id_type
    const pk: FieldSpec = {
      name: req.primary_field_name ?? 'id',
      dataType: idType,
      isPrimaryKey: true,
      autoId: req.auto_id === true,
      ...(idType === DataType.VarChar || idType === 'VarChar' ? { maxLength: 65535 } : {}),
    }
    const vec: FieldSpec = { name: req.vector_field_name ?? 'vector', dataType: DataType.FloatVector, dim: req.dimension }
    return { ...common, fields: [pk, vec], enableDynamicField: dynamic !== false }
  }
  throw errors.invalid('createCollection needs fields, schema, or dimension (quick setup)')
}

/** An SDK field `{ data_type: Array, element_type: Struct, fields: [...] }`: an array-of-structs field. */
export function isStructArrayField(f: SdkField): boolean {
  const element = parseDataType(f.element_type ?? f.elementType)
  return (element === DataType.Struct || parseDataType(f.data_type ?? f.dataType) === DataType.ArrayOfStruct) && Array.isArray(f.fields)
}

function structSpecOfSdk(f: SdkField): StructArraySpec {
  const tp = normaliseTypeParams(f.type_params)
  return {
    name: f.name,
    description: f.description,
    maxCapacity: f.max_capacity ?? tp.max_capacity,
    fields: (f.fields as SdkField[]).map(fieldSpecOf),
  }
}

/** The SDK's `describeCollection` field shape: plain fields, then array-of-structs fields as the SDK lists them (`fields` nested). */
export function describeFields(meta: CollectionMeta): Record<string, unknown>[] {
  const plain = describePlainFields(meta, meta.schema.fields.filter((f) => f.structOf === undefined))
  return [...plain, ...(meta.schema.structArrayFields ?? []).map((s) => describeStructField(meta, s))]
}

function describeStructField(meta: CollectionMeta, s: StructArrayFieldSchema): Record<string, unknown> {
  const subs = s.fieldNames.map((n) => meta.schema.fields.find((f) => f.name === n)!)
  const fields = describePlainFields(meta, subs).map((d, i) => {
    const sub = subs[i]!
    const { element_type: _e, ...rest } = d
    return { ...rest, name: sub.structOf!.subName, data_type: dataTypeName(sub.elementType!), dataType: sub.elementType, type_params: (d.type_params as { key: string }[]).filter((p) => p.key !== 'max_capacity') }
  })
  return {
    fieldID: String(s.fieldId),
    name: s.name,
    description: s.description,
    data_type: 'Array',
    dataType: DataType.Array,
    element_type: 'Struct',
    elementType: DataType.Struct,
    max_capacity: String(s.maxCapacity),
    type_params: [{ key: 'max_capacity', value: String(s.maxCapacity) }],
    fields,
  }
}

function describePlainFields(meta: CollectionMeta, list: readonly FieldSchema[]): Record<string, unknown>[] {
  return list.map((f) => {
    const typeParams: { key: string; value: string }[] = []
    if (f.dim !== undefined && (isDenseVectorType(f.dataType) || f.dataType === DataType.ArrayOfVector)) typeParams.push({ key: 'dim', value: String(f.dim) })
    if (f.maxLength !== undefined) typeParams.push({ key: 'max_length', value: String(f.maxLength) })
    if (f.maxCapacity !== undefined) typeParams.push({ key: 'max_capacity', value: String(f.maxCapacity) })
    for (const [key, value] of Object.entries(f.properties ?? {})) typeParams.push({ key, value })
    const out: Record<string, unknown> = {
      fieldID: String(f.fieldId),
      name: f.name,
      is_primary_key: f.isPrimaryKey,
      description: f.description,
      data_type: dataTypeName(f.dataType),
      dataType: f.dataType,
      type_params: typeParams,
      index_params: [],
      autoID: f.autoId,
      state: 'FieldCreated',
      is_partition_key: f.isPartitionKey,
      is_dynamic: false,
      is_clustering_key: f.isClusteringKey === true,
      nullable: f.nullable,
      is_function_output: f.isFunctionOutput === true,
      ...Object.fromEntries(typeParams.map((p) => [p.key, p.value])),
    }
    if (f.elementType !== undefined) out.element_type = dataTypeName(f.elementType)
    if (f.defaultValue !== undefined) out.default_value = describedDefault(f, meta)
    return out
  })
}

/** A default as describe shows it; Timestamptz: RFC 3339 text in the collection's timezone (Milvus `RewriteTimestampTzDefaultValueToString`). */
function describedDefault(f: FieldSchema, meta: CollectionMeta): unknown {
  const v = f.defaultValue
  if (f.dataType === DataType.Timestamptz && typeof v === 'bigint') return formatTimestamptz(v, timezoneOf(meta.properties))
  return typeof v === 'bigint' ? v.toString() : v
}
