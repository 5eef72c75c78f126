import type { Row } from '../../../engine/read-ops.ts'
import type { FieldSchema } from '../../../schema/collection-schema.ts'
import { DataType } from '../../../schema/data-type.ts'
import { loadMilvusProto } from '../milvus-proto.ts'
import { dynamicFieldData, fieldDataOfRows } from './field-data-encode.ts'
import type { OutputColumns } from './output-columns.ts'
import { ProtoWriter } from './proto-writer.ts'

// Field numbers of milvus.proto.schema (schema.proto); checked against the descriptor in the test.
const FIELD_DATA = { type: 1, fieldName: 2, scalars: 3, vectors: 4, fieldId: 5 } as const
const SCALAR_LONG_DATA = 3
const VECTOR = { dim: 1, floatVector: 2 } as const
const ARRAY_DATA = 1

/**
 * The output columns of rows as `schema.FieldData` messages, each as bytes, in `fieldDataOfRows`
 * order (fields, then `$meta`). Non-nullable Int64 and FloatVector columns — primary keys and
 * embeddings, the bulk of large answers — are written straight from the values by `ProtoWriter`;
 * the others go through the codec one column at a time.
 */
export function fieldDataBytes(rows: readonly Row[], out: OutputColumns): Uint8Array[] {
  const fieldDataType = loadMilvusProto().root.lookupType('milvus.proto.schema.FieldData')
  const parts: Uint8Array[] = []
  for (const f of out.fields) {
    if (f.dataType === DataType.Int64 && f.nullable !== true) parts.push(int64FieldData(f, rows))
    else if (f.dataType === DataType.FloatVector && f.nullable !== true) parts.push(floatVectorFieldData(f, rows))
    else parts.push(fieldDataType.encode(fieldDataType.fromObject(fieldDataOfRows(rows, [f], false)[0]!)).finish())
  }
  if (out.withDynamic) {
    const dynamic = dynamicFieldData(rows, new Set(out.fields.map((f) => f.name)))
    parts.push(fieldDataType.encode(fieldDataType.fromObject(dynamic)).finish())
  }
  return parts
}

function header(f: FieldSchema, dataType: number): ProtoWriter {
  const w = new ProtoWriter().tag(FIELD_DATA.type, 0).uint32(dataType)
  return w.tag(FIELD_DATA.fieldName, 2).string(f.name)
}

function withFieldId(w: ProtoWriter, f: FieldSchema): Uint8Array {
  if (f.fieldId !== 0) w.tag(FIELD_DATA.fieldId, 0).int64(f.fieldId)
  return w.finish()
}

/** A non-nullable Int64 column: type, name, `scalars.long_data`, field id. */
function int64FieldData(f: FieldSchema, rows: readonly Row[]): Uint8Array {
  const values = new Array<bigint | number>(rows.length)
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i]![f.name]
    values[i] = typeof v === 'bigint' || typeof v === 'number' ? v : BigInt(String(v ?? 0))
  }
  const longs = new ProtoWriter().packedInt64(ARRAY_DATA, values).finish()
  const scalars = new ProtoWriter().message(SCALAR_LONG_DATA, longs).finish()
  return withFieldId(header(f, DataType.Int64).message(FIELD_DATA.scalars, scalars), f)
}

/** A non-nullable FloatVector column: type, name, `vectors { dim, float_vector }`, field id. */
function floatVectorFieldData(f: FieldSchema, rows: readonly Row[]): Uint8Array {
  const dim = f.dim ?? 0
  const flat = new Float32Array(rows.length * dim)
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i]![f.name] as ArrayLike<number> | undefined
    if (v !== undefined && v !== null) flat.set(v, i * dim)
  }
  const floats = new ProtoWriter().packedFloats(ARRAY_DATA, flat).finish()
  const vectors = new ProtoWriter().tag(VECTOR.dim, 0).int64(dim).message(VECTOR.floatVector, floats).finish()
  return withFieldId(header(f, DataType.FloatVector).message(FIELD_DATA.vectors, vectors), f)
}
