import type { WorkSlice } from '../../../common/work-slice.ts'
import type { Row } from '../../../engine/read-ops.ts'
import type { FieldSchema } from '../../../schema/collection-schema.ts'
import { DataType } from '../../../schema/data-type.ts'
import { protoType } from '../milvus-proto.ts'
import { dynamicFieldData, fieldDataOfRows } from './field-data-encode.ts'
import type { OutputColumns } from './output-columns.ts'
import { packedInt64Sliced, ProtoWriter } from './proto-writer.ts'

// Field numbers of milvus.proto.schema (schema.proto); checked against the descriptor in the test.
const FIELD_DATA = { type: 1, fieldName: 2, scalars: 3, vectors: 4, fieldId: 5 } as const
const SCALAR_LONG_DATA = 3
const VECTOR = { dim: 1, floatVector: 2 } as const
const ARRAY_DATA = 1

/** Rows per block between two looks at the slice (`due()`), in the loops over a large answer's rows. */
export const ENCODE_BLOCK_ROWS = 4096

/**
 * The output columns of rows as `schema.FieldData` messages, each as bytes, in `fieldDataOfRows`
 * order (fields, then `$meta`). Non-nullable Int64 and FloatVector columns — primary keys and
 * embeddings, the bulk of large answers — are written straight from the values by `ProtoWriter`,
 * a block of rows at a time, letting other work run between blocks once `slice` is used up (a
 * 16,384-row answer with 128-d vectors held the event loop ~100 ms in one go); the others go through
 * the codec one column at a time.
 */
export async function fieldDataBytes(rows: readonly Row[], out: OutputColumns, slice: WorkSlice): Promise<Uint8Array[]> {
  const fieldDataType = protoType('milvus.proto.schema.FieldData')
  const parts: Uint8Array[] = []
  for (const f of out.fields) {
    if (slice.due()) await slice.pause()
    if (f.dataType === DataType.Int64 && f.nullable !== true) parts.push(await int64FieldData(f, rows, slice))
    else if (f.dataType === DataType.FloatVector && f.nullable !== true) parts.push(await floatVectorFieldData(f, rows, slice))
    else parts.push(fieldDataType.encode(fieldDataType.fromObject(fieldDataOfRows(rows, [f], false)[0]!)).finish())
  }
  if (out.withDynamic) {
    if (slice.due()) await slice.pause()
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
async function int64FieldData(f: FieldSchema, rows: readonly Row[], slice: WorkSlice): Promise<Uint8Array> {
  const name = f.name
  const longs = await packedInt64Sliced(ARRAY_DATA, rows.length, (i) => {
    const v = rows[i]![name]
    return typeof v === 'bigint' || typeof v === 'number' ? v : BigInt(String(v ?? 0))
  }, slice)
  const scalars = new ProtoWriter().message(SCALAR_LONG_DATA, longs).finish()
  return withFieldId(header(f, DataType.Int64).message(FIELD_DATA.scalars, scalars), f)
}

/** A non-nullable FloatVector column: type, name, `vectors { dim, float_vector }`, field id. */
async function floatVectorFieldData(f: FieldSchema, rows: readonly Row[], slice: WorkSlice): Promise<Uint8Array> {
  const dim = f.dim ?? 0
  const name = f.name
  const flat = new Float32Array(rows.length * dim)
  for (let i = 0; i < rows.length; i++) {
    if ((i & (ENCODE_BLOCK_ROWS - 1)) === ENCODE_BLOCK_ROWS - 1 && slice.due()) await slice.pause()
    const v = rows[i]![name] as ArrayLike<number> | undefined
    if (v !== undefined && v !== null) flat.set(v, i * dim)
  }
  // Each writer is sized once (no doubling copies); an 8 MB column is copied twice, a few ms each.
  const floats = new ProtoWriter(flat.byteLength + 16).packedFloats(ARRAY_DATA, flat).finish()
  if (slice.due()) await slice.pause()
  const vectors = new ProtoWriter(floats.length + 32).tag(VECTOR.dim, 0).int64(dim).message(VECTOR.floatVector, floats).finish()
  if (slice.due()) await slice.pause()
  return withFieldId(new ProtoWriter(vectors.length + f.name.length * 3 + 48).tag(FIELD_DATA.type, 0).uint32(DataType.FloatVector).tag(FIELD_DATA.fieldName, 2).string(f.name).message(FIELD_DATA.vectors, vectors), f)
}
