import type { SearchHit } from '../../../engine/read-ops.ts'
import type { FieldSchema } from '../../../schema/collection-schema.ts'
import { DataType } from '../../../schema/data-type.ts'
import { loadMilvusProto } from '../milvus-proto.ts'
import { dynamicFieldData, fieldDataOfRows } from './field-data-encode.ts'
import type { OutputColumns } from './output-columns.ts'
import { ProtoWriter } from './proto-writer.ts'

// Field numbers of milvus.proto.schema (schema.proto); checked against the descriptor in the test.
const RESULT = { fieldsData: 3, scores: 4, ids: 5 } as const
const IDS = { intId: 1, strId: 2 } as const
const FIELD_DATA = { type: 1, fieldName: 2, scalars: 3, fieldId: 5 } as const
const SCALAR_LONG_DATA = 3
const ARRAY_DATA = 1

/**
 * `schema.SearchResultData` as bytes, the same message `searchResultData` describes: the small
 * fields (counts, `topks`, names, group values) through the codec, the per-hit arrays — scores,
 * ids, and Int64 output columns such as the primary key — written straight from numbers by
 * `ProtoWriter`. Other output columns go through the codec one column at a time.
 */
export function encodeSearchResultData(hits: readonly (readonly SearchHit[])[], limit: number, pk: FieldSchema, out: OutputColumns, groupBy?: FieldSchema): Uint8Array {
  const all = hits.flat()
  const rows = all.map((h) => h.row)
  const types = loadMilvusProto().root
  const resultType = types.lookupType('milvus.proto.schema.SearchResultData')
  const fieldDataType = types.lookupType('milvus.proto.schema.FieldData')
  const group = groupBy === undefined ? {} : groupFields(rows, groupBy)
  const small = { ...group, num_queries: hits.length, top_k: limit, topks: hits.map((h) => h.length), output_fields: out.names, primary_field_name: pk.name }
  const w = new ProtoWriter()
  w.raw(resultType.encode(resultType.fromObject(small)).finish())
  for (const f of out.fields) {
    if (f.dataType === DataType.Int64 && f.nullable !== true) w.message(RESULT.fieldsData, int64FieldData(f, rows))
    else w.message(RESULT.fieldsData, fieldDataType.encode(fieldDataType.fromObject(fieldDataOfRows(rows, [f], false)[0]!)).finish())
  }
  if (out.withDynamic) {
    const dynamic = dynamicFieldData(rows, new Set(out.fields.map((f) => f.name)))
    w.message(RESULT.fieldsData, fieldDataType.encode(fieldDataType.fromObject(dynamic)).finish())
  }
  const scores = new Float32Array(all.length)
  for (let i = 0; i < all.length; i++) scores[i] = all[i]!.score
  w.packedFloats(RESULT.scores, scores)
  w.message(RESULT.ids, idsMessage(all, pk))
  return w.finish()
}

function idsMessage(all: readonly SearchHit[], pk: FieldSchema): Uint8Array {
  const w = new ProtoWriter()
  if (pk.dataType === DataType.Int64) {
    const ids = new ProtoWriter().packedInt64(ARRAY_DATA, all.map((h) => h.id as bigint))
    return w.message(IDS.intId, ids.finish()).finish()
  }
  const ids = new ProtoWriter().strings(ARRAY_DATA, all.map((h) => String(h.id)))
  return w.message(IDS.strId, ids.finish()).finish()
}

/** A non-nullable Int64 column as `schema.FieldData` bytes (type, name, `scalars.long_data`, field id). */
function int64FieldData(f: FieldSchema, rows: readonly Readonly<Record<string, unknown>>[]): Uint8Array {
  const values = new Array<bigint | number>(rows.length)
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i]![f.name]
    values[i] = typeof v === 'bigint' || typeof v === 'number' ? v : BigInt(String(v ?? 0))
  }
  const longs = new ProtoWriter().packedInt64(ARRAY_DATA, values).finish()
  const scalars = new ProtoWriter().message(SCALAR_LONG_DATA, longs).finish()
  const w = new ProtoWriter().tag(FIELD_DATA.type, 0).uint32(DataType.Int64)
  w.tag(FIELD_DATA.fieldName, 2).string(f.name)
  w.message(FIELD_DATA.scalars, scalars)
  if (f.fieldId !== undefined && f.fieldId !== 0) w.tag(FIELD_DATA.fieldId, 0).int64(f.fieldId)
  return w.finish()
}

function groupFields(rows: readonly Readonly<Record<string, unknown>>[], field: FieldSchema): Record<string, unknown> {
  const data = fieldDataOfRows(rows, [field], false)[0]!
  return { group_by_field_value: data, group_by_field_values: [data] }
}
