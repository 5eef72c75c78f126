import { ELEMENT_OFFSETS } from '../../../engine/element-query.ts'
import { highlighterOf, searchHighlighted } from '../../../engine/highlight.ts'
import { hybridSearchRows } from '../../../engine/hybrid-search.ts'
import { countRows, queryRows, searchRows, vectorsOfKeys } from '../../../engine/read-ops.ts'
import { searchIteratorPage } from '../../../engine/search-iterator.ts'
import { errors } from '../../../errors/errors.ts'
import { type CallContext, collectionKey, readControlOf } from '../call-context.ts'
import { WorkSlice } from '../../../common/work-slice.ts'
import { countFieldData } from '../wire/field-data-encode.ts'
import type { HandlerTable, Wire } from '../handler.ts'
import { kvObject, numberParam } from '../wire/key-values.ts'
import { outputColumnsOf, requestedOutputFields } from '../wire/output-columns.ts'
import { fieldDataBytes } from '../wire/field-data-bytes.ts'
import { hybridSpecOf, searchIteratorOf, searchKeysOf, searchSpecOf, timezoneParam } from '../wire/search-request.ts'
import { encodeSearchResultData } from '../wire/search-results-encode.ts'
import { preEncodedField } from '../wire/proto-writer.ts'
import { protoType } from '../milvus-proto.ts'
import { templateValuesOf } from '../wire/template-values.ts'
import { okStatus } from '../wire-status.ts'

/** Reads: Search (incl. by primary keys), HybridSearch, Query (incl. `count(*)` and filter templates). */
export const readHandlers: HandlerTable = {
  Search: async (req, ctx, { client }) => {
    const db = client.database
    const key = collectionKey(ctx, req.collection_name)
    const d = db.state.collection(key)
    const keys = searchKeysOf(req)
    const asked = searchSpecOf(req)
    const spec = { ...(keys === undefined ? asked : { ...asked, vectors: await vectorsOfKeys(db, key, keys, asked.annsField) }), ...readControlOf(ctx) }
    const out = outputColumnsOf(d.schema, spec.outputFields, d.pkField.name)
    const iterator = searchIteratorOf(req)
    if (iterator !== undefined) {
      const page = await searchIteratorPage(db, key, spec, iterator)
      const v2 = { token: page.token, last_bound: page.lastBound }
      return { status: okStatus(), results: resultsField(await encodeSearchResultData([page.hits], iterator.batchSize, d.pkField, out, encodeSlice(ctx), undefined, v2)), collection_name: d.meta.name, session_ts: String(page.ts) }
    }
    const highlighter = highlighterOf(req.highlighter)
    const hits = highlighter === undefined ? await searchRows(db, key, spec) : await searchHighlighted(db, key, spec, highlighter)
    const groupBy = spec.groupByField === undefined ? undefined : d.schema.fields.find((f) => f.name === spec.groupByField)
    return { status: okStatus(), results: resultsField(await encodeSearchResultData(hits, spec.limit ?? 10, d.pkField, out, encodeSlice(ctx), groupBy)), collection_name: d.meta.name, session_ts: String(db.latestTs()) }
  },

  HybridSearch: async (req, ctx, { client }) => {
    const db = client.database
    const key = collectionKey(ctx, req.collection_name)
    const d = db.state.collection(key)
    const spec = { ...hybridSpecOf(req), ...readControlOf(ctx) }
    const hits = await hybridSearchRows(db, key, spec)
    const out = outputColumnsOf(d.schema, spec.outputFields, d.pkField.name)
    return { status: okStatus(), results: resultsField(await encodeSearchResultData(hits, spec.limit ?? 10, d.pkField, out, encodeSlice(ctx))), collection_name: d.meta.name, session_ts: String(db.latestTs()) }
  },

  Query: async (req, ctx, { client }) => {
    const db = client.database
    const key = collectionKey(ctx, req.collection_name)
    const d = db.state.collection(key)
    const kv = kvObject(req.query_params)
    if (kv.group_by_fields !== undefined && kv.group_by_fields !== '') throw errors.notSupported('query with group_by_fields is not supported by Quiver')
    const templates = templateValuesOf(req.expr_template_values)
    const scope = {
      ...readControlOf(ctx),
      ...(typeof req.expr === 'string' && req.expr.trim() !== '' ? { filter: req.expr as string } : {}),
      ...(templates === undefined ? {} : { params: templates }),
      ...(Array.isArray(req.partition_names) && req.partition_names.length > 0 ? { partitions: req.partition_names as string[] } : {}),
      ...(timezoneParam(kv) === undefined ? {} : { timezone: timezoneParam(kv)! }),
    }
    const requested = requestedOutputFields(req.output_fields)
    const base = { status: okStatus(), collection_name: d.meta.name, primary_field_name: d.pkField.name, session_ts: String(db.latestTs()) }
    if (requested.some(isCount)) {
      if (requested.length > 1) throw errors.invalid('count(*) cannot be combined with other output fields')
      return { ...base, fields_data: [countFieldData(await countRows(db, key, scope))], output_fields: ['count(*)'] }
    }
    const limit = numberParam(kv, 'limit')
    const offset = numberParam(kv, 'offset')
    const rows = await queryRows(db, key, {
      ...scope,
      outputFields: requested,
      ...(limit === undefined ? {} : { limit }),
      ...(offset === undefined ? {} : { offset }),
      ...(kv.order_by_fields === undefined || kv.order_by_fields === '' ? {} : { orderBy: kv.order_by_fields }),
    })
    const out = outputColumnsOf(d.schema, requested, d.pkField.name)
    // Element-level query (element_filter): each row's matching struct element offsets, as Milvus 2.6 answers.
    const elements = rows.some((r) => ELEMENT_OFFSETS in r) ? { element_indices: rows.map((r) => ({ indices: { data: (r as Record<symbol, unknown>)[ELEMENT_OFFSETS] ?? [] } })) } : {}
    return { ...base, ...elements, fields_data: fieldsDataField(await fieldDataBytes(rows, out, encodeSlice(ctx))), output_fields: out.names } satisfies Wire
  },
}

/**
 * The slice an answer is encoded in: a large answer is written a block at a time, other requests
 * and I/O running between blocks; the call's deadline and cancellation stop it there.
 */
function encodeSlice(ctx: CallContext): WorkSlice {
  return WorkSlice.of(readControlOf(ctx))
}

/** `QueryResults.fields_data` already encoded (primary keys and vectors written without per-value objects). */
function fieldsDataField(parts: readonly Uint8Array[]): Wire {
  const field = protoType('milvus.proto.milvus.QueryResults').fields.fields_data!
  return preEncodedField(field.id, parts) as unknown as Wire
}

/** `SearchResults.results` already encoded (a large answer is written without per-hit objects; see `ProtoWriter`). */
function resultsField(encoded: Uint8Array): Wire {
  const field = protoType('milvus.proto.milvus.SearchResults').fields.results!
  return preEncodedField(field.id, encoded) as unknown as Wire
}

function isCount(field: string): boolean {
  return field.replace(/\s+/g, '').toLowerCase() === 'count(*)'
}
