import type { HighlightedHit } from '../../../engine/highlight.ts'
import type { Row, SearchHit } from '../../../engine/read-ops.ts'
import type { WorkSlice } from '../../../common/work-slice.ts'
import type { FieldSchema } from '../../../schema/collection-schema.ts'
import { DataType } from '../../../schema/data-type.ts'
import { protoType } from '../milvus-proto.ts'
import { fieldDataBytes } from './field-data-bytes.ts'
import { fieldDataOfRows } from './field-data-encode.ts'
import type { OutputColumns } from './output-columns.ts'
import { packedInt64Sliced, ProtoWriter } from './proto-writer.ts'

// Field numbers of milvus.proto.schema (schema.proto); checked against the descriptor in the test.
const RESULT = { fieldsData: 3, scores: 4, ids: 5 } as const
const IDS = { intId: 1, strId: 2 } as const
const ARRAY_DATA = 1

/**
 * `schema.SearchResultData` as bytes, the same message `searchResultData` describes: the small
 * fields (counts, `topks`, names, group values) through the codec, the per-hit arrays — scores,
 * ids — written straight from numbers by `ProtoWriter`, and the output columns by `fieldDataBytes`.
 * Loops over the hits run a block at a time and let other work run between blocks once `slice` is
 * used up (262,144 hits held the event loop 150 ms in one go).
 */
export async function encodeSearchResultData(
  hits: readonly (readonly HighlightedHit[])[],
  limit: number,
  pk: FieldSchema,
  out: OutputColumns,
  slice: WorkSlice,
  groupBy?: FieldSchema,
  iteratorV2?: { token: string; last_bound: number },
): Promise<Uint8Array> {
  let total = 0
  for (const h of hits) total += h.length
  const all = new Array<HighlightedHit>(total)
  const rows = new Array<Row>(total)
  const scores = new Float32Array(total)
  let at = 0
  for (const list of hits) {
    if (slice.due()) await slice.pause()
    for (let i = 0; i < list.length; i++, at++) {
      const h = list[i]!
      all[at] = h
      rows[at] = h.row
      scores[at] = h.score
    }
  }
  const resultType = protoType('milvus.proto.schema.SearchResultData')
  const group = groupBy === undefined ? {} : groupFields(rows, groupBy)
  // Element-level hits (struct vector sub-fields) carry their element offsets, one per hit (`element_indices`).
  const elements = all.some((h) => h.offset !== undefined) ? { element_indices: { data: all.map((h) => h.offset ?? 0) } } : {}
  const small = { ...group, ...elements, ...highlightResults(all), ...(iteratorV2 === undefined ? {} : { search_iterator_v2_results: iteratorV2 }), num_queries: hits.length, top_k: limit, topks: hits.map((h) => h.length), output_fields: out.names, primary_field_name: pk.name }
  const head = resultType.encode(resultType.fromObject(small)).finish()
  const columns = await fieldDataBytes(rows, out, slice)
  const ids = await idsMessage(all, pk, slice)
  if (slice.due()) await slice.pause()
  let size = head.length + scores.byteLength + ids.length + 32
  for (const c of columns) size += c.length + 8
  const w = new ProtoWriter(size)
  w.raw(head)
  for (const part of columns) w.message(RESULT.fieldsData, part)
  w.packedFloats(RESULT.scores, scores)
  w.message(RESULT.ids, ids)
  return w.finish()
}

/** `highlight_results`: per highlighted field, one `HighlightData` per hit (all queries' hits in order); none without a highlighter. */
function highlightResults(all: readonly HighlightedHit[]): { highlight_results?: unknown[] } {
  const names = new Set<string>()
  for (let i = 0; i < all.length; i++) {
    const h = all[i]!.highlight
    if (h !== undefined) for (const k of Object.keys(h)) names.add(k)
  }
  const fields = [...names]
  if (fields.length === 0) return {}
  return { highlight_results: fields.map((f) => ({ field_name: f, datas: all.map((h) => h.highlight?.[f] ?? { fragments: [], scores: [] }) })) }
}

async function idsMessage(all: readonly SearchHit[], pk: FieldSchema, slice: WorkSlice): Promise<Uint8Array> {
  if (pk.dataType === DataType.Int64) {
    const ids = await packedInt64Sliced(ARRAY_DATA, all.length, (i) => all[i]!.id as bigint, slice)
    return new ProtoWriter(ids.length + 16).message(IDS.intId, ids).finish()
  }
  const ids = new ProtoWriter().strings(ARRAY_DATA, all.map((h) => String(h.id)))
  return new ProtoWriter().message(IDS.strId, ids.finish()).finish()
}

function groupFields(rows: readonly Row[], field: FieldSchema): Record<string, unknown> {
  const data = fieldDataOfRows(rows, [field], false)[0]!
  return { group_by_field_value: data, group_by_field_values: [data] }
}
