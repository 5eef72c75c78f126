import type { SearchHit } from '../../../engine/read-ops.ts'
import type { FieldSchema } from '../../../schema/collection-schema.ts'
import { DataType } from '../../../schema/data-type.ts'
import { columnsOfRows, type OutputColumns } from './output-columns.ts'

// biome-ignore lint/suspicious/noExplicitAny: wire messages are loosely typed objects
type Wire = Record<string, any>

/**
 * Hits per query → `schema.SearchResultData`: per-hit arrays flat over all queries, `topks[i]` hits
 * for query i; `ids`, `scores`, and `fields_data` with the primary key among the output fields
 * (the Node SDK reads only `fields_data`, pymilvus reads `ids`).
 */
export function searchResultData(hits: readonly (readonly SearchHit[])[], limit: number, pk: FieldSchema, out: OutputColumns): Wire {
  const all = hits.flat()
  const ids = all.map((h) => String(h.id))
  return {
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
