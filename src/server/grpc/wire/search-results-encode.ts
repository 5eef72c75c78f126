import type { HighlightedHit } from '../../../engine/highlight.ts'
import type { SearchHit } from '../../../engine/read-ops.ts'
import type { FieldSchema } from '../../../schema/collection-schema.ts'
import { DataType } from '../../../schema/data-type.ts'
import { loadMilvusProto } from '../milvus-proto.ts'
import { fieldDataBytes } from './field-data-bytes.ts'
import { fieldDataOfRows } from './field-data-encode.ts'
import type { OutputColumns } from './output-columns.ts'
import { ProtoWriter } from './proto-writer.ts'

// Field numbers of milvus.proto.schema (schema.proto); checked against the descriptor in the test.
const RESULT = { fieldsData: 3, scores: 4, ids: 5 } as const
const IDS = { intId: 1, strId: 2 } as const
const ARRAY_DATA = 1

/**
 * `schema.SearchResultData` as bytes, the same message `searchResultData` describes: the small
 * fields (counts, `topks`, names, group values) through the codec, the per-hit arrays — scores,
 * ids — written straight from numbers by `ProtoWriter`, and the output columns by `fieldDataBytes`.
 */
export function encodeSearchResultData(
  hits: readonly (readonly HighlightedHit[])[],
  limit: number,
  pk: FieldSchema,
  out: OutputColumns,
  groupBy?: FieldSchema,
  iteratorV2?: { token: string; last_bound: number },
): Uint8Array {
  const all = hits.flat()
  const rows = all.map((h) => h.row)
  const types = loadMilvusProto().root
  const resultType = types.lookupType('milvus.proto.schema.SearchResultData')
  const group = groupBy === undefined ? {} : groupFields(rows, groupBy)
  // Element-level hits (struct vector sub-fields) carry their element offsets, one per hit (`element_indices`).
  const elements = all.some((h) => h.offset !== undefined) ? { element_indices: { data: all.map((h) => h.offset ?? 0) } } : {}
  const small = { ...group, ...elements, ...highlightResults(all), ...(iteratorV2 === undefined ? {} : { search_iterator_v2_results: iteratorV2 }), num_queries: hits.length, top_k: limit, topks: hits.map((h) => h.length), output_fields: out.names, primary_field_name: pk.name }
  const w = new ProtoWriter()
  w.raw(resultType.encode(resultType.fromObject(small)).finish())
  for (const part of fieldDataBytes(rows, out)) w.message(RESULT.fieldsData, part)
  const scores = new Float32Array(all.length)
  for (let i = 0; i < all.length; i++) scores[i] = all[i]!.score
  w.packedFloats(RESULT.scores, scores)
  w.message(RESULT.ids, idsMessage(all, pk))
  return w.finish()
}

/** `highlight_results`: per highlighted field, one `HighlightData` per hit (all queries' hits in order); none without a highlighter. */
function highlightResults(all: readonly HighlightedHit[]): { highlight_results?: unknown[] } {
  const fields = [...new Set(all.flatMap((h) => Object.keys(h.highlight ?? {})))]
  if (fields.length === 0) return {}
  return { highlight_results: fields.map((f) => ({ field_name: f, datas: all.map((h) => h.highlight?.[f] ?? { fragments: [], scores: [] }) })) }
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

function groupFields(rows: readonly Readonly<Record<string, unknown>>[], field: FieldSchema): Record<string, unknown> {
  const data = fieldDataOfRows(rows, [field], false)[0]!
  return { group_by_field_value: data, group_by_field_values: [data] }
}
