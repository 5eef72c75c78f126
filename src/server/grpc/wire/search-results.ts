import type { SearchHit } from '../../../engine/read-ops.ts'
import type { FieldSchema } from '../../../schema/collection-schema.ts'
import { DataType } from '../../../schema/data-type.ts'
import { fieldDataOfRows, int64Wire } from './field-data-encode.ts'
import { columnsOfRows, type OutputColumns } from './output-columns.ts'

// biome-ignore lint/suspicious/noExplicitAny: wire messages are loosely typed objects
type Wire = Record<string, any>

/**
 * Hits per query → `schema.SearchResultData`: per-hit arrays flat over all queries, `topks[i]` hits
 * for query i; `ids`, `scores`, and `fields_data` with the primary key among the output fields
 * (the Node SDK reads only `fields_data`, pymilvus reads `ids`). A grouping search also answers each
 * hit's group value in `group_by_field_value` (pymilvus) and `group_by_field_values` (Node SDK 3.x).
 */
export function searchResultData(hits: readonly (readonly SearchHit[])[], limit: number, pk: FieldSchema, out: OutputColumns, groupBy?: FieldSchema): Wire {
  const all = hits.flat()
  const ids = pk.dataType === DataType.Int64 ? all.map((h) => int64Wire(h.id)) : all.map((h) => String(h.id))
  const group = groupBy === undefined ? {} : groupValues(all, groupBy)
  return {
    ...group,
    num_queries: String(hits.length),
    top_k: String(limit),
    fields_data: columnsOfRows(all.map((h) => h.row), out),
    scores: all.map((h) => h.score),
    ids: pk.dataType === DataType.Int64 ? { int_id: { data: ids } } : { str_id: { data: ids } },
    topks: hits.map((h) => String(h.length)),
    output_fields: out.names,
    primary_field_name: pk.name,
  }
}

function groupValues(all: readonly SearchHit[], field: FieldSchema): Wire {
  const data = fieldDataOfRows(all.map((h) => h.row), [field], false)[0]!
  return { group_by_field_value: data, group_by_field_values: [data] }
}
