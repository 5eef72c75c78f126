import { ELEMENT_OFFSETS } from '../element-query.ts'
import { parseClientJson } from '../../common/bounded-json.ts'
import { errors } from '../../errors/errors.ts'
import { hybridSearchRows } from '../hybrid-search.ts'
import { type HighlightedHit, highlighterOf, searchHighlighted } from '../highlight.ts'
import type { SearchSpec } from '../search-spec.ts'
import { type AnalyzedToken, runAnalyzer } from '../run-analyzer.ts'
import { countRows, getRows, queryRows, type Row, searchRows } from '../read-ops.ts'
import { num, optional, type Req } from './client-base.ts'
import { boostOfRerank, decayOfRerank, hybridRerankerOf } from './rerank-function.ts'
import { asStatus, okStatus, type ResStatus, rowForSdk } from './status.ts'
import { ImportApi } from './import-api.ts'
import { timeoutOpt } from './write-api.ts'

export type { MutationResult } from './write-api.ts'

/** How long a read may run (`timeout`, ms) and its cancellation (`signal`, an AbortSignal: a Quiver extension). */
const readControl = (req: Req) => ({ ...timeoutOpt(req), ...(req.signal instanceof AbortSignal ? { signal: req.signal } : {}) })

/**
 * The methods of the official Node SDK's `MilvusClient` (3.0.6), with its request objects and
 * result shapes, over the embedded engine. Request errors come back as a status; nothing throws
 * for them. Int64 values are decimal strings, as the SDK returns them.
 */
export class MilvusClientApi extends ImportApi {
  // ---- reads -----------------------------------------------------------------------------------

  /** Rows, or with `output_fields: ['count(*)']` one row `{ 'count(*)': '<n>' }` (as the SDK reads the server's answer). */
  query(req: Req): Promise<{ status: ResStatus; data: Row[] }> {
    return asStatus(
      async () => {
        const outputs = Array.isArray(req.output_fields) ? (req.output_fields as unknown[]) : []
        if (outputs.some(isCountField)) {
          if (outputs.length > 1) throw errors.invalid('count(*) cannot be combined with other output fields')
          return { status: okStatus(), data: [{ [COUNT_FIELD]: String(await this.countOf(req)) }] }
        }
        const common = {
          ...readControl(req),
          ...(req.output_fields === undefined ? {} : { outputFields: req.output_fields as string[] }),
          ...(req.partition_names === undefined ? {} : { partitions: req.partition_names as string[] }),
          ...(req.limit === undefined ? {} : { limit: Number(req.limit) }),
          ...(req.offset === undefined ? {} : { offset: Number(req.offset) }),
        }
        const rows = await (Array.isArray(req.ids)
          ? getRows(this.db, this.readKey(req), req.ids, common)
          : queryRows(this.db, this.readKey(req), {
              ...common,
              ...(req.filter ?? req.expr ? { filter: (req.filter ?? req.expr) as string } : {}),
              ...(req.exprValues === undefined ? {} : { params: req.exprValues }),
              ...optional('orderBy', orderByText(req.order_by_fields ?? req.order_by)),
            }))
        // Element-level query: one row per matching struct element, with its `offset` (as the SDK shapes it).
        const data = rows.flatMap((r) => {
          const offsets = (r as Record<symbol, unknown>)[ELEMENT_OFFSETS] as number[] | undefined
          const row = rowForSdk(r)
          return offsets === undefined ? [row] : offsets.map((offset) => ({ ...row, offset }))
        })
        return { status: okStatus(), data }
      },
      (status) => ({ status, data: [] }),
    )
  }

  get(req: Req): Promise<{ status: ResStatus; data: Row[] }> {
    if (!Array.isArray(req.ids)) return asStatus(() => { throw errors.invalid('get needs ids') }, (status) => ({ status, data: [] }))
    return this.query(req)
  }

  /**
   * Runs an analyzer over `text` (one string or a list) as Milvus's RunAnalyzer: `analyzer_params`, or
   * the analyzer of `collection_name`.`field_name` (`analyzer_names` for a multi-language field).
   * Tokens carry `start_offset`/`end_offset` (UTF-8 bytes), `position`, `position_length` with
   * `with_detail`, and `hash` (the BM25 dimension) with `with_hash`.
   */
  runAnalyzer(req: Req): Promise<{ status: ResStatus; results: { tokens: Record<string, unknown>[] }[] }> {
    return asStatus(
      async () => {
        const texts = (Array.isArray(req.text) ? req.text : [req.text]).map((t: unknown) => (typeof t === 'string' ? t : String(t ?? '')))
        const collection = typeof req.collection_name === 'string' && req.collection_name !== '' ? this.key(req) : undefined
        const results = runAnalyzer(this.db, {
          texts,
          ...optional('analyzerParams', req.analyzer_params as Record<string, unknown> | string | undefined),
          withDetail: req.with_detail === true,
          withHash: req.with_hash === true,
          ...optional('collection', collection),
          ...optional('field', req.field_name as string | undefined),
          ...optional('analyzerNames', Array.isArray(req.analyzer_names) ? (req.analyzer_names as string[]) : undefined),
        })
        return { status: okStatus(), results: results.map((tokens) => ({ tokens: tokens.map(tokenForSdk) })) }
      },
      (status) => ({ status, results: [] }),
    )
  }

  count(req: Req): Promise<{ status: ResStatus; data: number }> {
    return asStatus(async () => ({ status: okStatus(), data: await this.countOf(req) }), (status) => ({ status, data: 0 }))
  }

  /** count(*) of the request's scope: its filter (or `ids`), partitions and template values. */
  private async countOf(req: Req): Promise<number> {
    const scope = {
      ...readControl(req),
      ...(req.partition_names === undefined ? {} : { partitions: req.partition_names as string[] }),
    }
    if (Array.isArray(req.ids)) return (await getRows(this.db, this.readKey(req), req.ids, scope)).length
    return countRows(this.db, this.readKey(req), {
      ...scope,
      ...(req.filter ?? req.expr ? { filter: (req.filter ?? req.expr) as string } : {}),
      ...(req.exprValues === undefined ? {} : { params: req.exprValues }),
    })
  }

  /** Multi-vector search with RRFRanker / WeightedRanker (also reached through `search` with `data: [{ data, anns_field }, …]`). */
  hybridSearch(req: Req): Promise<{ status: ResStatus; results: unknown[]; recalls: number[]; session_ts: number; collection_name: string }> {
    return asStatus(
      async () => {
        const requests = (req.data as Req[]).map((r) => {
          const params = (typeof r.params === 'string' ? parseClientJson(r.params, 'params') : (r.params ?? {})) as Req
          return {
            vectors: r.data,
            ...optional('annsField', r.anns_field),
            ...optional('metric', params.metric_type),
            ...optional('limit', num(r.limit ?? params.limit)),
            ...optional('filter', r.expr ?? r.filter),
            ...optional('params', r.exprValues),
            ...optional('ef', num(params.ef)),
            ...optional('nprobe', num(params.nprobe)),
            ...optional('dropRatioSearch', num(params.drop_ratio_search)),
            ...optional('analyzerName', typeof params.analyzer_name === 'string' ? params.analyzer_name : undefined),
            ...optional('dimMaxScoreRatio', num(params.dim_max_score_ratio)),
            ...optional('refineFactor', num(params.refine_factor)),
            ...optional('decay', decayOfRerank(r.rerank)),
            ...optional('boost', boostOfRerank(r.rerank)),
          }
        })
        const hits = await hybridSearchRows(this.db, this.readKey(req), {
          ...readControl(req),
          requests,
          rerank: hybridRerankerOf(req.rerank),
          ...optional('limit', num(req.limit ?? req.topk)),
          ...optional('offset', num(req.offset)),
          ...optional('outputFields', req.output_fields),
          ...optional('partitions', req.partition_names),
          ...optional('roundDecimal', num(req.round_decimal)),
        })
        const results = hits.map((list) => list.map((h) => ({ ...rowForSdk(h.row), id: String(h.id), score: h.score })))
        return { status: okStatus(), results: results.length === 1 ? results[0]! : results, recalls: [], session_ts: 0, collection_name: req.collection_name as string }
      },
      (status) => ({ status, results: [], recalls: [], session_ts: 0, collection_name: req.collection_name as string }),
    )
  }

  search(req: Req): Promise<{ status: ResStatus; results: unknown[]; recalls: number[]; session_ts: number; collection_name: string }> {
    if (Array.isArray(req.data) && req.data.length > 0 && typeof req.data[0] === 'object' && req.data[0] !== null && 'anns_field' in req.data[0]) {
      return this.hybridSearch(req)
    }
    return asStatus(
      async () => {
        const sp = (req.search_params ?? {}) as Req
        const params = (typeof req.params === 'string' ? parseClientJson(req.params, 'params') : (req.params ?? (typeof sp.params === 'string' ? parseClientJson(sp.params, 'params') : sp.params) ?? {})) as Req
        const vectors = req.data ?? req.vector ?? req.vectors
        const highlighter = highlighterOf(req.highlighter)
        const spec: SearchSpec = {
          ...readControl(req),
          vectors,
          ...optional('annsField', req.anns_field ?? sp.anns_field),
          ...optional('metric', req.metric_type ?? params.metric_type ?? sp.metric_type),
          ...optional('limit', num(req.limit ?? req.topk ?? sp.topk)),
          ...optional('offset', num(req.offset ?? params.offset)),
          ...optional('filter', req.filter ?? req.expr),
          ...optional('params', req.exprValues),
          ...optional('outputFields', req.output_fields),
          ...optional('partitions', req.partition_names),
          ...optional('radius', num(params.radius)),
          ...optional('rangeFilter', num(params.range_filter)),
          ...optional('roundDecimal', num(req.round_decimal ?? sp.round_decimal)),
          ...optional('ef', num(params.ef)),
          ...optional('nprobe', num(params.nprobe)),
          ...optional('dropRatioSearch', num(params.drop_ratio_search)),
          ...optional('analyzerName', typeof params.analyzer_name === 'string' ? params.analyzer_name : undefined),
          ...optional('dimMaxScoreRatio', num(params.dim_max_score_ratio)),
          ...optional('refineFactor', num(params.refine_factor)),
          ...(req.ignore_growing === true || sp.ignore_growing === true || params.ignore_growing === true ? { ignoreGrowing: true } : {}),
          ...optional('orderBy', orderByText(req.order_by_fields ?? req.order_by ?? params.order_by_fields)),
          ...optional('groupByField', (req.group_by_field ?? params.group_by_field) as string | undefined),
          ...optional('groupSize', num(req.group_size ?? params.group_size)),
          ...(req.strict_group_size === true || params.strict_group_size === true ? { strictGroupSize: true } : {}),
          ...optional('decay', decayOfRerank(req.rerank)),
          ...optional('boost', boostOfRerank(req.rerank)),
        }
        const key = this.readKey(req)
        const hits: HighlightedHit[][] = highlighter === undefined ? await searchRows(this.db, key, spec) : await searchHighlighted(this.db, key, spec, highlighter)
        const results = hits.map((list) => list.map((h) => ({ ...rowForSdk(h.row), id: String(h.id), score: h.score, ...(h.offset === undefined ? {} : { offset: h.offset }), ...(h.highlight === undefined ? {} : { highlight: h.highlight }) })))
        return { status: okStatus(), results: results.length === 1 ? results[0]! : results, recalls: [], session_ts: 0, collection_name: req.collection_name as string }
      },
      (status) => ({ status, results: [], recalls: [], session_ts: 0, collection_name: req.collection_name as string }),
    )
  }
}

const COUNT_FIELD = 'count(*)'

/** A RunAnalyzer token with the SDK's (and the wire's) field names. */
function tokenForSdk(t: AnalyzedToken): Record<string, unknown> {
  return {
    token: t.token,
    ...optional('start_offset', t.startOffset),
    ...optional('end_offset', t.endOffset),
    ...optional('position', t.position),
    ...optional('position_length', t.positionLength),
    ...optional('hash', t.hash),
  }
}

/** `count(*)` however it is spaced or cased (Milvus reads it so). */
function isCountField(field: unknown): boolean {
  return typeof field === 'string' && field.replace(/\s+/g, '').toLowerCase() === COUNT_FIELD
}

/** `order_by_fields` as the SDKs take it (`'price:desc'`, `['price:desc']`, `[{ field, order }]`) → Milvus's text form. */
function orderByText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v === 'string') return v
  if (!Array.isArray(v)) throw errors.invalid('order_by_fields must be a string or a list of fields')
  return v
    .map((x) => {
      if (typeof x === 'string') return x
      const o = x as { field?: unknown; order?: unknown }
      if (typeof o?.field !== 'string' || o.field === '') throw errors.invalid("order_by_fields: every entry needs a 'field'")
      return `${o.field}:${typeof o.order === 'string' ? o.order : 'asc'}`
    })
    .join(',')
}
