import { type ElementFilter, parseElementFilter, queryElementRows, withElementMask } from './element-query.ts'
import { timezoneOf } from '../catalog/properties.ts'
import { isTimezoneValid } from '../common/timestamptz.ts'
import { readGate } from '../common/read-gate.ts'
import { type ReadControl, WorkSlice } from '../common/work-slice.ts'
import type { Column } from '../column/column.ts'
import { batchToRows } from '../column/rows.ts'
import { sliceColumn } from '../segment/column-store.ts'
import type { CollectionData } from '../collection/collection-data.ts'
import { ErrorCode, errors, MilvusError } from '../errors/errors.ts'
import { compileFilterAsync, compilesInline } from '../expr/compile-filter-async.ts'
import type { ExprPlan } from '../expr/expr-plan.ts'
import { compileFilterCached } from '../expr/filter-cache.ts'
import { gather, lookupKeys, type QueryRequest, runCount, runQuery, type SegmentSlice } from '../query/run-query.ts'
import { runSearch, type SearchHits, searchRequest } from '../query/run-search.ts'
import type { RowScope } from '../query/select-rows.ts'
import { META_FIELD, vectorFields } from '../schema/collection-schema.ts'
import { locationRow, locationSegment } from '../segment/pk-index.ts'
import type { Segment } from '../segment/segment.ts'
import type { Database } from './database.ts'
import { boostHits, checkBoost } from './boost-rerank.ts'
import { boostMatches } from './boost-search.ts'
import { decayHits, resolveDecay } from './decay-rerank.ts'
import { resolveGroupBy, runGroupedSearch } from './grouped-search.ts'
import { extraOrderFields, orderByOf, orderHits } from './order-by.ts'
import { groupStructs, liftDynamic, type OutputPlan, planOutput, planOutputCached, renderTimes } from './output-fields.ts'
import { type ResolvedSearch, resolveSearch, type SearchSpec } from './search-spec.ts'
import { hasEntityTtl, withEntityTtl } from './entity-ttl.ts'
import { localizeIsoLiterals } from './filter-timezone.ts'
import { keyBatch } from './write-ops.ts'

export type Row = Record<string, unknown>


export interface ReadScope extends ReadControl {
  readonly filter?: string
  readonly params?: Record<string, unknown>
  readonly partitions?: readonly string[]
  /** Read as of this hybrid timestamp (time travel); default the latest state (Strong). */
  readonly asOf?: bigint
  /** Skip growing (not yet sealed) segments, as Milvus's `ignore_growing`: only sealed data is read. */
  readonly ignoreGrowing?: boolean
  /** IANA timezone Timestamptz values are returned in (default: the collection's `timezone` property). */
  readonly timezone?: string
}

export interface QueryOptions extends ReadScope {
  readonly outputFields?: readonly string[]
  readonly limit?: number
  readonly offset?: number
  /** Milvus's `order_by_fields` (`price:desc,id`): rows sorted by these scalar fields, then by primary key. */
  readonly orderBy?: string
}

export interface SearchHit {
  readonly id: bigint | string
  readonly score: number
  readonly row: Row
  /** Element-level search on a struct's vector sub-field: the offset of the matching struct element. */
  readonly offset?: number
}

/** The timezone a read shows Timestamptz values in: the request's `timezone`, else the collection's (Milvus `resolveTimezone`). */
export function readTimezone(d: CollectionData, s: { readonly timezone?: string }): string {
  if (s.timezone === undefined || s.timezone === '') return timezoneOf(d.meta.properties)
  if (!isTimezoneValid(s.timezone)) throw errors.invalid(`unknown or invalid IANA Time Zone ID: ${s.timezone}`)
  return s.timezone
}

export function scopeOf(db: Database, d: CollectionData, s: ReadScope): RowScope & { latest: boolean } {
  return scopeWith(db, d, s, (filter) => compileFilterCached(filter, d.schema, s.params))
}

/**
 * `scopeOf` for reads: the filter is compiled by `compileFilterAsync`, so a big one is parsed and
 * planned off the event loop. The scope's checks run first (their errors come first, as in
 * `scopeOf`) and again, with its snapshot taken, after the compile (the database still open).
 */
export function scopeOfAsync(db: Database, d: CollectionData, s: ReadScope): (RowScope & { latest: boolean }) | Promise<RowScope & { latest: boolean }> {
  const filter = filterOf(d, s)
  // No filter, or one compiled in-line (remembered or small): the scope at once, no promise.
  if (filter === undefined || compilesInline(filter, s.params)) return scopeOf(db, d, s)
  return scopeCompiled(db, d, s, filter)
}

async function scopeCompiled(db: Database, d: CollectionData, s: ReadScope, filter: string): Promise<RowScope & { latest: boolean }> {
  scopeWith(db, d, s, () => undefined)
  const plan = await compileFilterAsync(filter, d.schema, s.params)
  db.assertOpen()
  return scopeWith(db, d, s, () => plan)
}

function filterOf(d: CollectionData, s: ReadScope): string | undefined {
  return s.filter === undefined || s.filter.trim() === '' ? undefined : localizeIsoLiterals(s.filter, readTimezone(d, s))
}

function scopeWith(db: Database, d: CollectionData, s: ReadScope, compile: (filter: string) => ExprPlan | undefined): RowScope & { latest: boolean } {
  const latest = db.latestTs()
  if (s.asOf !== undefined && s.asOf > latest) throw errors.invalid(`asOf ${s.asOf} is in the future (latest ${latest})`)
  if (s.asOf !== undefined && s.asOf < db.compactions.minReadableTs) {
    throw errors.invalid(`asOf ${s.asOf} is older than the compaction horizon ${db.compactions.minReadableTs}: deleted rows before it were purged (timeTravelRetentionMs)`)
  }
  const ts = s.asOf ?? latest
  const named = s.partitions !== undefined && s.partitions.length > 0
  // As Milvus: a partition-key collection routes reads itself (its partitions are internal).
  if (named && d.schema.numPartitions > 0) throw errors.invalid('not support manually specifying the partition names if partition key mode is used')
  const partitionIds = named ? new Set(s.partitions!.map((p) => db.state.catalog.partition(d.meta, p).id)) : undefined
  const filter = filterOf(d, s)
  const plan = withEntityTtl(d, filter === undefined ? undefined : compile(filter))
  return { ts, latest: ts === latest, partitionIds, plan, ignoreGrowing: s.ignoreGrowing === true }
}

function checkPaging(limit: number | undefined, offset: number | undefined): { limit: number; offset: number } {
  const l = limit ?? -1
  const o = offset ?? 0
  if (!Number.isInteger(l) || l < -1) throw errors.invalid(`limit should be a non-negative integer, got ${limit}`)
  if (!Number.isInteger(o) || o < 0) throw errors.invalid(`offset should be a non-negative integer, got ${offset}`)
  return { limit: l, offset: o }
}

/** Reads of a released collection fail with Milvus's 101 `collection not loaded[collection=x]`. */
export function requireLoaded(d: CollectionData): void {
  if (!d.meta.loaded) throw new MilvusError(ErrorCode.CollectionNotLoaded, undefined, { collection: d.meta.name })
}

/**
 * Runs one read: its work is sliced (`WorkSlice`: other requests and I/O run between its blocks; its
 * deadline and cancellation are checked there) and the segments it sees stay in memory until it ends
 * (`readGate`), also when a compaction or a drop retires them meanwhile.
 */
export async function runRead<T>(control: ReadControl | undefined, read: (slice: WorkSlice) => Promise<T>): Promise<T> {
  const slice = WorkSlice.of(control)
  slice.check()
  // The first slice waits its turn too: reads that arrive in one burst of I/O start one per loop
  // iteration instead of running their first slices back to back.
  await slice.pause()
  const epoch = readGate.enter()
  try {
    return await read(slice)
  } finally {
    readGate.exit(epoch)
  }
}

/** query: rows matching the filter at the snapshot, with the requested fields. */
export function queryRows(db: Database, collection: string, opts: QueryOptions): Promise<Row[]> {
  const element = opts.filter !== undefined && /element_filter/i.test(opts.filter) ? elementFilterOf(db, collection, opts.filter) : undefined
  if (element !== undefined) return queryElementRows(db, collection, opts, element, queryRows)
  return runRead(opts, async (slice) => {
    db.assertOpen()
    const d = db.state.collection(collection)
    requireLoaded(d)
    const scope = await scopeOfAsync(db, d, opts)
    const out = planOutput(d.schema, opts.outputFields, d.pkField.name, readTimezone(d, opts))
    const paging = checkPaging(opts.limit, opts.offset)
    const orderBy = orderByOf(opts.orderBy, d.schema)
    const req: QueryRequest = { ts: scope.ts, partitionIds: scope.partitionIds, plan: scope.plan, ignoreGrowing: scope.ignoreGrowing, outputFields: out.fields, limit: paging.limit, offset: paging.offset, orderBy }
    const slices = (await lookupKeys(d, req, scope.latest)) ?? (await runQuery(d, req, slice))
    return slicesToRowsSliced(slices, out, slice)
  })
}

function elementFilterOf(db: Database, collection: string, filter: string): ElementFilter | undefined {
  db.assertOpen()
  return parseElementFilter(filter, db.state.collection(collection).schema)
}

/** count(*) at the snapshot. */
export function countRows(db: Database, collection: string, scope: ReadScope): Promise<number> {
  // element_filter: the rows with a matching element.
  if (scope.filter !== undefined && /element_filter/i.test(scope.filter) && elementFilterOf(db, collection, scope.filter) !== undefined) {
    return queryRows(db, collection, { ...scope, outputFields: [] }).then((rows) => rows.length)
  }
  return runRead(scope, async (slice) => {
    db.assertOpen()
    const d = db.state.collection(collection)
    requireLoaded(d)
    return runCount(d, await scopeOfAsync(db, d, scope), slice)
  })
}

/** get: rows by primary key (in the order asked), at the latest state. */
export async function getRows(db: Database, collection: string, ids: readonly unknown[], opts: Omit<QueryOptions, 'filter' | 'params'> = {}): Promise<Row[]> {
  db.assertOpen()
  const d = db.state.collection(collection)
  requireLoaded(d)
  const keys = keyBatch(d.pkField.name, d.pkField.dataType, ids).columns.get(d.pkField.name)!.values as BigInt64Array | string[]
  const scope = scopeOf(db, d, opts)
  const out = planOutput(d.schema, opts.outputFields, d.pkField.name, readTimezone(d, opts))
  const rows: Row[] = []
  for (let i = 0; i < keys.length; i++) {
    const loc = scope.latest ? d.locate(keys, i) : -1
    if (loc < 0) continue
    const seg = d.segmentOf(loc)
    if (scope.partitionIds !== undefined && !scope.partitionIds.has(seg.partitionId)) continue
    rows.push(...slicesToRows([gather(seg, Int32Array.of(locationRow(loc)), out.fields)], out))
  }
  if (!scope.latest || hasEntityTtl(d)) {
    const list = [...keys].map((k) => (typeof k === 'bigint' ? k.toString() : JSON.stringify(k)))
    return queryRows(db, collection, { ...opts, filter: `${d.pkField.name} in [${list.join(',')}]` })
  }
  const { offset, limit } = checkPaging(opts.limit, opts.offset)
  return rows.slice(offset, limit < 0 ? undefined : offset + limit)
}

/** Rows turned into row objects between two looks at the slice (16,384 rows with 128-d vectors were ~60 ms in one go). */
const ROWS_BLOCK = 2048

/** `slicesToRows`, a block of rows at a time, letting other work run between blocks. */
async function slicesToRowsSliced(slices: readonly SegmentSlice[], out: OutputPlan, slice: WorkSlice): Promise<Row[]> {
  const rows: Row[] = []
  for (const s of slices) {
    for (let from = 0; from < s.rows.length; from += ROWS_BLOCK) {
      if (slice.due()) await slice.pause()
      const part = slicesToRows([blockOf(s, from, Math.min(s.rows.length, from + ROWS_BLOCK))], out)
      for (let i = 0; i < part.length; i++) rows.push(part[i]!)
    }
  }
  return rows
}

/** Rows [from, to) of a gathered slice (views of typed columns). */
function blockOf(s: SegmentSlice, from: number, to: number): SegmentSlice {
  if (from === 0 && to === s.rows.length) return s
  const columns = new Map<string, Column>()
  for (const [name, col] of s.columns) columns.set(name, sliceColumn(col, from, to, 'dim' in col ? (col.dim as number) : 0))
  return { segment: s.segment, rows: s.rows.subarray(from, to), columns }
}

export function slicesToRows(slices: readonly SegmentSlice[], out: OutputPlan): Row[] {
  const rows: Row[] = []
  for (const s of slices) {
    const meta = s.columns.get(META_FIELD)
    let scalar = s.columns
    if (meta !== undefined) {
      const copy = new Map(s.columns)
      copy.delete(META_FIELD)
      scalar = copy
    }
    const part = batchToRows({ rowCount: s.rows.length, columns: scalar }, undefined, 'bigint')
    for (let i = 0; i < part.length; i++) {
      const row = part[i]!
      if (meta !== undefined) row[META_FIELD] = (meta.values as unknown[])[i]
      rows.push(groupStructs(liftDynamic(renderTimes(row, out), out), out.structs))
    }
  }
  return rows
}

/**
 * Search by primary keys (Milvus 2.6 `ids`): the stored vectors of `keys` in `annsField` (default: the only
 * vector field), in the order asked. A key with no live row is 1100, naming up to 10 of them.
 */
export async function vectorsOfKeys(db: Database, collection: string, keys: readonly unknown[], annsField: string | undefined): Promise<unknown[]> {
  const d = db.state.collection(collection)
  const fields = vectorFields(d.schema)
  const field = annsField ?? (fields.length === 1 ? fields[0]!.name : undefined)
  if (field === undefined) throw errors.invalid(`search by ids needs anns_field (one of ${fields.map((f) => f.name).join(', ')})`)
  if (!fields.some((f) => f.name === field)) throw errors.invalid(`field ${field} is not a vector field`, { field })
  const rows = await getRows(db, collection, keys, { outputFields: [field] })
  const byKey = new Map(rows.map((r) => [String(r[d.pkField.name]), r[field]]))
  const missing = keys.filter((k) => !byKey.has(String(k)))
  if (missing.length > 0) throw errors.invalid(`search by ids: primary keys not found in collection ${d.meta.name}: ${missing.slice(0, 10).join(', ')}`)
  // A nullable vector field: a key whose vector is null has nothing to search with.
  const nulls = keys.filter((k) => byKey.get(String(k)) === null)
  if (nulls.length > 0) throw errors.invalid(`search by ids: the ${field} vectors of primary keys ${nulls.slice(0, 10).join(', ')} are null`, { field })
  return keys.map((k) => byKey.get(String(k)))
}

/** search: exact top-k per query vector, with output fields. */
export function searchRows(db: Database, collection: string, spec: SearchSpec): Promise<SearchHit[][]> {
  return runRead(spec, (slice) => searchIn(db, collection, spec, slice))
}

async function searchIn(db: Database, collection: string, spec: SearchSpec, slice: WorkSlice): Promise<SearchHit[][]> {
  db.assertOpen()
  const d = db.state.collection(collection)
  requireLoaded(d)
  // Milvus answers this refusal with 65535 in a search (1100 in a query); the SDKs' tests expect both.
  if (spec.partitions !== undefined && spec.partitions.length > 0 && d.schema.numPartitions > 0) {
    throw new MilvusError(ErrorCode.Unexpected, 'not support manually specifying the partition names if partition key mode is used')
  }
  // element_filter on a struct vector sub-field search: the row filter selects rows, the predicate elements.
  const element = spec.filter !== undefined && /element_filter/i.test(spec.filter) ? parseElementFilter(spec.filter, d.schema) : undefined
  const scoped = scopeOfAsync(db, d, element === undefined ? spec : { ...spec, filter: element.rowFilter ?? '' })
  const scope = scoped instanceof Promise ? await scoped : scoped
  const resolved = withElementMask(d.schema, resolveSearch(d.schema, spec, (field) => d.meta.indexes.find((i) => i.fieldName === field)?.metricType, (field) => d.meta.indexes.find((i) => i.fieldName === field)?.params), element)
  const plain = (spec.groupByField === undefined || spec.groupByField === '') && (spec.orderBy === undefined || spec.orderBy === '') && spec.decay === undefined && spec.boost === undefined
  if (!plain) return searchRanked(d, scope, resolved, spec, slice)
  // A plain search (no grouping, ordering or rerank) asks for no extra fields: its plan is remembered.
  const out = planOutputCached(d.schema, spec.outputFields, d.pkField.name, readTimezone(d, spec))
  const hits = await runSearch(d, searchRequest(scope, resolved), slice)
  const gathered = hitsToRowsSliced(d, hits, out, resolved.roundDecimal, slice)
  return gathered instanceof Promise ? await gathered : gathered
}

/** A search with grouping, `order_by_fields` or a rerank (decay, boost): in a function of its own, off the plain path V8 optimises first. */
async function searchRanked(d: CollectionData, scope: RowScope & { latest: boolean }, resolved: ResolvedSearch & { readonly elementMask?: ((segment: Segment) => (row: number) => ReadonlySet<number>) | undefined }, spec: SearchSpec, slice: WorkSlice): Promise<SearchHit[][]> {
  const group = spec.groupByField === undefined || spec.groupByField === ''
    ? undefined
    : resolveGroupBy(d.schema, spec.groupByField, spec.groupSize, spec.strictGroupSize, resolved.offset + resolved.limit)
  // A grouping search returns each hit's group value (Milvus's group_by_field_value) as an output field.
  const order = orderByOf(spec.orderBy, d.schema)
  const decay = spec.decay === undefined ? undefined : resolveDecay(d.schema, spec.decay)
  if (decay !== undefined && group !== undefined) throw errors.invalid('decay rerank cannot be used with a grouping search (group_by_field)')
  const boost = spec.boost
  if (boost !== undefined) {
    if (decay !== undefined) throw errors.invalid('a boost rerank cannot be combined with a decay rerank in one function_score')
    if (group !== undefined) throw errors.invalid('boost rerank cannot be used with a grouping search (group_by_field)')
    checkBoost(d.schema, boost)
  }
  const boostFields = [...new Set((boost?.functions ?? []).flatMap((f) => (f.randomScore?.field === undefined ? [] : [f.randomScore.field])))].filter((f) => !(spec.outputFields ?? []).includes(f))
  const extra = [...extraOrderFields(order, spec.outputFields), ...(decay === undefined || (spec.outputFields ?? []).includes(decay.field) ? [] : [decay.field]), ...boostFields]
  const outputFields = group === undefined ? spec.outputFields : [...(spec.outputFields ?? []), group.field.name]
  const out = planOutput(d.schema, extra.length === 0 ? outputFields : [...(outputFields ?? []), ...extra], d.pkField.name, readTimezone(d, spec))
  // A decay or boost rerank re-scores the top offset + limit hits, then pages.
  const rescored = decay !== undefined || boost !== undefined
  const req = searchRequest(scope, rescored ? { ...resolved, limit: resolved.offset + resolved.limit, offset: 0 } : resolved)
  const hits = group === undefined ? await runSearch(d, req, slice) : await runGroupedSearch(d, req, group, slice)
  const found = await hitsToRowsSliced(d, hits, out, rescored ? -1 : resolved.roundDecimal, slice)
  const matches = boost === undefined ? [] : await boostMatches(d, scope, boost, hits, spec.params, slice)
  const rows = !rescored
    ? found
    : found.map((list, q) =>
        (boost !== undefined ? boostHits(list, resolved.metric, boost, matches[q]!, order === undefined ? boostFields : [], resolved.offset, resolved.limit) : decayHits(list, resolved.metric, decay!, order === undefined ? extra : [], resolved.offset, resolved.limit)).map((h) => ({ ...h, score: roundScore(h.score, resolved.roundDecimal) })),
      )
  return order === undefined ? rows : rows.map((list) => orderHits(list, order, extra))
}

/** `hitsToRows` of every query vector, letting other work run between them (synchronous while the slice lasts). */
export function hitsToRowsSliced(d: CollectionData, hits: readonly SearchHits[], out: OutputPlan, roundDecimal: number, slice: WorkSlice): SearchHit[][] | Promise<SearchHit[][]> {
  const rows: SearchHit[][] = []
  for (let i = 0; i < hits.length; i++) {
    if (slice.due()) return hitsToRowsRest(d, hits, i, out, roundDecimal, slice, rows)
    rows.push(hitsToRows(d, hits[i]!, out, roundDecimal))
  }
  return rows
}

async function hitsToRowsRest(d: CollectionData, hits: readonly SearchHits[], from: number, out: OutputPlan, roundDecimal: number, slice: WorkSlice, rows: SearchHit[][]): Promise<SearchHit[][]> {
  for (let i = from; i < hits.length; i++) {
    if (slice.due()) await slice.pause()
    rows.push(hitsToRows(d, hits[i]!, out, roundDecimal))
  }
  return rows
}

/**
 * Turns hit locations (best first) into search hits with their output fields. The hits of one segment
 * (the usual case) are gathered in one pass without grouping; the hit objects are literals of one
 * shape (a conditional spread per hit cost ~0.3 µs and gave V8 a slow clone path).
 */
export function hitsToRows(d: CollectionData, h: SearchHits, out: OutputPlan, roundDecimal: number): SearchHit[] {
  const n = h.locations.length
  const rowsAt = new Array<Row>(n)
  let first = -1
  let oneSegment = true
  for (let i = 0; i < n; i++) {
    const seg = locationSegment(h.locations[i]!)
    if (first < 0) first = seg
    else if (seg !== first) oneSegment = false
  }
  if (oneSegment) {
    if (n > 0) gatherRows(d, first, h.locations, null, out, rowsAt)
  } else {
    const bySeg = new Map<number, number[]>()
    for (let i = 0; i < n; i++) {
      const seg = locationSegment(h.locations[i]!)
      const list = bySeg.get(seg)
      if (list === undefined) bySeg.set(seg, [i])
      else list.push(i)
    }
    for (const [segId, idxs] of bySeg) gatherRows(d, segId, h.locations, idxs, out, rowsAt)
  }
  const pk = d.pkField.name
  const hits = new Array<SearchHit>(n)
  for (let i = 0; i < n; i++) {
    const row = rowsAt[i]!
    const score = roundScore(h.scores[i]!, roundDecimal)
    hits[i] = h.offsets === undefined ? { id: row[pk] as bigint | string, score, row } : { id: row[pk] as bigint | string, score, row, offset: h.offsets[i]! }
  }
  return hits
}

/** The rows of hits `idxs` (null: all of them) of one segment, placed at their hit positions in `rowsAt`. */
function gatherRows(d: CollectionData, segId: number, locations: Float64Array, idxs: readonly number[] | null, out: OutputPlan, rowsAt: Row[]): void {
  const seg = d.segmentById(segId)!
  const m = idxs === null ? locations.length : idxs.length
  const rowIdx = new Int32Array(m)
  for (let j = 0; j < m; j++) rowIdx[j] = locationRow(locations[idxs === null ? j : idxs[j]!]!)
  const got = slicesToRows([gather(seg, rowIdx, out.fields)], out)
  for (let j = 0; j < m; j++) rowsAt[idxs === null ? j : idxs[j]!] = got[j]!
}

export function roundScore(s: number, decimals: number): number {
  if (decimals < 0) return s
  const p = 10 ** decimals
  return Math.round(s * p) / p
}
