import { ErrorCode, MilvusError } from '../../errors/errors.ts'
import { defined, objectList, optionalBoolean, optionalObject, optionalString, requireArray, requireString, type RestBody } from './rest-params.ts'

/** `collections/create` → the facade's `createCollection` request, and what follows it (indexes, load). */
export interface CreatePlan {
  readonly request: Record<string, unknown>
  /** `indexParams` of the full form; empty for the quick form (the facade indexes it). */
  readonly indexParams: readonly RestBody[]
  /** Quick form and full form with indexes: Milvus loads the new collection. */
  readonly load: boolean
}

export function createPlanOf(body: RestBody): CreatePlan {
  const name = requireString(body, 'collectionName')
  const params = optionalObject(body, 'params') ?? {}
  const common = defined({
    collection_name: name,
    description: optionalString(body, 'description'),
    num_partitions: numberish(params.partitionsNum, 'params.partitionsNum'),
    consistency_level: typeof params.consistencyLevel === 'string' ? params.consistencyLevel : undefined,
  })
  const schema = optionalObject(body, 'schema')
  if (schema !== undefined) {
    const indexParams = body.indexParams === undefined || body.indexParams === null ? [] : objectList(requireArray(body, 'indexParams'), 'indexParams')
    return { request: { ...common, ...schemaRequestOf(schema) }, indexParams, load: indexParams.length > 0 }
  }
  const dimension = numberish(body.dimension, 'dimension')
  if (dimension === undefined) throw new MilvusError(ErrorCode.MissingRequiredParameters, 'collections/create needs dimension (quick setup) or schema')
  const request = defined({
    ...common,
    dimension,
    metric_type: optionalString(body, 'metricType') ?? 'COSINE',
    id_type: optionalString(body, 'idType'),
    auto_id: optionalBoolean(body, 'autoID') ?? optionalBoolean(body, 'autoId'),
    primary_field_name: optionalString(body, 'primaryFieldName'),
    vector_field_name: optionalString(body, 'vectorFieldName'),
    enable_dynamic_field: booleanish(params.enableDynamicField, 'params.enableDynamicField'),
  })
  return { request, indexParams: [], load: true }
}

/** REST `schema` → the facade's fields form. */
function schemaRequestOf(schema: RestBody): Record<string, unknown> {
  const autoId = optionalBoolean(schema, 'autoID') ?? optionalBoolean(schema, 'autoId') ?? false
  const fields = objectList(requireArray(schema, 'fields'), 'schema.fields').map((f) => fieldRequestOf(f, autoId))
  const structs = Array.isArray(schema.structArrayFields) ? objectList(schema.structArrayFields, 'schema.structArrayFields').map(structRequestOf) : []
  const functions = Array.isArray(schema.functions) ? objectList(schema.functions, 'schema.functions').map(functionRequestOf) : []
  return {
    fields: [...fields, ...structs],
    enable_dynamic_field: optionalBoolean(schema, 'enableDynamicField') ?? false,
    ...(functions.length === 0 ? {} : { functions }),
  }
}

/** REST `schema.functions` entry (`name`, `type: 'BM25'`, `inputFieldNames`, `outputFieldNames`, `params`) → the facade's function. */
function functionRequestOf(f: RestBody): Record<string, unknown> {
  return defined({
    name: requireString(f, 'name'),
    description: optionalString(f, 'description'),
    type: f.type,
    input_field_names: f.inputFieldNames,
    output_field_names: f.outputFieldNames,
    params: f.params ?? {},
  })
}

/** A function as the facade describes it → REST describe's `functions` entry. */
export function restFunctionOf(f: Record<string, unknown>): Record<string, unknown> {
  return {
    name: f.name,
    id: Number(f.id),
    description: f.description,
    type: f.type,
    inputFieldNames: f.input_field_names,
    outputFieldNames: f.output_field_names,
    params: f.params,
  }
}

/** REST `structArrayFields` entry (`name`, `elementTypeParams.max_capacity`, `fields` as REST fields) → the facade's array-of-structs field. */
function structRequestOf(s: RestBody): Record<string, unknown> {
  const tp = optionalObject(s, 'elementTypeParams') ?? {}
  return defined({
    name: requireString(s, 'name'),
    description: optionalString(s, 'description'),
    data_type: 'Array',
    element_type: 'Struct',
    max_capacity: tp.max_capacity ?? undefined,
    fields: objectList(requireArray(s, 'fields'), `structArrayFields ${String(s.name)}.fields`).map((f) => fieldRequestOf(f, false)),
  })
}

function fieldRequestOf(f: RestBody, collectionAutoId: boolean): Record<string, unknown> {
  const tp = optionalObject(f, 'elementTypeParams') ?? {}
  const isPrimary = optionalBoolean(f, 'isPrimary') ?? optionalBoolean(f, 'isPrimaryKey') ?? false
  return defined({
    name: requireString(f, 'fieldName'),
    data_type: requireString(f, 'dataType'),
    element_type: optionalString(f, 'elementDataType'),
    description: optionalString(f, 'description'),
    is_primary_key: isPrimary,
    autoID: isPrimary ? (optionalBoolean(f, 'autoId') ?? optionalBoolean(f, 'autoID') ?? collectionAutoId) : undefined,
    is_partition_key: optionalBoolean(f, 'isPartitionKey'),
    is_clustering_key: optionalBoolean(f, 'isClusteringKey'),
    nullable: optionalBoolean(f, 'nullable'),
    default_value: f.defaultValue ?? undefined,
    dim: tp.dim ?? undefined,
    max_length: tp.max_length ?? undefined,
    max_capacity: tp.max_capacity ?? undefined,
    // Full-text options (`schema/text-field.ts`), as REST clients put them in elementTypeParams.
    enable_analyzer: tp.enable_analyzer ?? undefined,
    enable_match: tp.enable_match ?? undefined,
    analyzer_params: tp.analyzer_params ?? undefined,
    multi_analyzer_params: tp.multi_analyzer_params ?? undefined,
  })
}

/** A number, or a string of one (Milvus accepts both for these). */
function numberish(v: unknown, key: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined
  const n = typeof v === 'string' ? Number(v) : v
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new MilvusError(ErrorCode.IncorrectParameterFormat, `${key} must be a number`)
  return n
}

function booleanish(v: unknown, key: string): boolean | undefined {
  if (v === undefined || v === null || v === '') return undefined
  if (typeof v === 'boolean') return v
  if (v === 'true' || v === 'false') return v === 'true'
  throw new MilvusError(ErrorCode.IncorrectParameterFormat, `${key} must be a boolean`)
}

/** A facade `describeCollection` field in REST shape (`name`, `type`, `primaryKey`, `params`, …). */
export function restFieldOf(f: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: f.name,
    id: Number(f.fieldID),
    type: f.data_type,
    primaryKey: f.is_primary_key === true,
    partitionKey: f.is_partition_key === true,
    clusteringKey: f.is_clustering_key === true,
    autoId: f.autoID === true,
    nullable: f.nullable === true,
    description: f.description ?? '',
    params: f.type_params ?? [],
  }
  if (f.element_type !== undefined) out.elementType = f.element_type
  if (f.default_value !== undefined) out.defaultValue = f.default_value
  if (Array.isArray(f.fields)) out.fields = (f.fields as Record<string, unknown>[]).map(restFieldOf)
  return out
}
