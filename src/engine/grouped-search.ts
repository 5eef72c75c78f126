import type { WorkSlice } from '../common/work-slice.ts'
import type { CollectionData } from '../collection/collection-data.ts'
import { errors } from '../errors/errors.ts'
import { runSearch, type SearchHits, type SearchRequest } from '../query/run-search.ts'
import type { CollectionSchema, FieldSchema } from '../schema/collection-schema.ts'
import { DataType, dataTypeName } from '../schema/data-type.ts'
import { locationRow, locationSegment } from '../segment/pk-index.ts'
import { SEARCH_LIMIT_MAX } from './search-spec.ts'

/** Grouping search (Milvus `group_by_field`): the best `limit` groups, up to `groupSize` hits each. */
export interface GroupBy {
  readonly field: FieldSchema
  readonly groupSize: number
  /** Only groups that reached `groupSize` hits count, when enough rows exist. */
  readonly strict: boolean
}

/** Field types Milvus groups by. */
const groupableTypes: ReadonlySet<DataType> = new Set([DataType.Bool, DataType.Int8, DataType.Int16, DataType.Int32, DataType.Int64, DataType.VarChar])
/** Candidates fetched per wanted hit on the first try; multiplied by `growth` while groups are missing. */
const firstFetchFactor = 4
const growth = 4

/** Checks the grouping parameters of a search (1100 naming the field or parameter). */
export function resolveGroupBy(schema: CollectionSchema, name: string, groupSize: number | undefined, strict: boolean | undefined, wantedGroups: number): GroupBy {
  const field = schema.fields.find((f) => f.name === name)
  if (field === undefined) throw errors.invalid(`group_by_field ${name} not found in the schema`, { field: name })
  if (!groupableTypes.has(field.dataType)) {
    throw errors.invalid(`group_by_field ${name} has type ${dataTypeName(field.dataType)}; grouping supports Bool, Int8, Int16, Int32, Int64 and VarChar`, { field: name })
  }
  const size = groupSize ?? 1
  if (!Number.isInteger(size) || size < 1 || wantedGroups * size > SEARCH_LIMIT_MAX) {
    throw errors.invalid(`group_size ${size} is invalid: it should be ≥ 1 with (offset + limit) × group_size ≤ ${SEARCH_LIMIT_MAX}`)
  }
  return { field, groupSize: size, strict: strict === true }
}

/**
 * Per query, the hits of the best `offset + limit` groups (a group ranks by its best hit), up to
 * `groupSize` per group, best first within a group, groups contiguous; the first `offset` groups are
 * dropped. Candidates come from the ordinary search (indexes and filters included) with a growing k
 * until every query has its groups or every allowed row was seen. Rows whose group value is null
 * form one group, as in Milvus.
 */
export async function runGroupedSearch(data: CollectionData, req: SearchRequest, group: GroupBy, slice: WorkSlice): Promise<SearchHits[]> {
  const wantedGroups = req.offset + req.limit
  const rowsMax = storedRows(data)
  let k = Math.min(rowsMax, Math.max(wantedGroups * group.groupSize * firstFetchFactor, 1))
  for (;;) {
    const candidates = await runSearch(data, { ...req, offset: 0, limit: k }, slice)
    const grouped = candidates.map((hits) => groupHits(data, hits, group, wantedGroups))
    const complete = grouped.every((g) => g.complete)
    if (complete || k >= rowsMax) return grouped.map((g) => flatten(g.groups.slice(req.offset)))
    // Some query lacks groups: fetch more candidates (bounded by the stored rows).
    k = Math.min(rowsMax, k * growth)
  }
}

interface Grouped {
  readonly groups: { scores: number[]; locations: number[] }[]
  readonly complete: boolean
}

function groupHits(data: CollectionData, hits: SearchHits, group: GroupBy, wantedGroups: number): Grouped {
  const byValue = new Map<unknown, { scores: number[]; locations: number[] }>()
  const order: { scores: number[]; locations: number[] }[] = []
  for (let i = 0; i < hits.locations.length; i++) {
    const loc = hits.locations[i]!
    const value = groupValue(data, loc, group.field.name)
    let g = byValue.get(value)
    if (g === undefined) {
      g = { scores: [], locations: [] }
      byValue.set(value, g)
      order.push(g)
    }
    if (g.scores.length >= group.groupSize) continue
    g.scores.push(hits.scores[i]!)
    g.locations.push(loc)
  }
  // Non-strict: enough once `wantedGroups` groups exist (some may hold fewer than groupSize hits).
  // Strict: enough once `wantedGroups` groups are full, and only full groups are returned; when every
  // row was seen without that, all groups found are returned.
  if (!group.strict) return { groups: order.slice(0, wantedGroups), complete: order.length >= wantedGroups }
  const fullGroups = order.filter((g) => g.scores.length === group.groupSize)
  return fullGroups.length >= wantedGroups ? { groups: fullGroups.slice(0, wantedGroups), complete: true } : { groups: order.slice(0, wantedGroups), complete: false }
}

function groupValue(data: CollectionData, location: number, field: string): unknown {
  const segment = data.segmentById(locationSegment(location))!
  const column = segment.column(field)!
  const row = locationRow(location)
  if ('validBits' in column && column.validBits !== null && !column.validBits.get(row)) return null
  return (column.values as ArrayLike<unknown>)[row]
}

function storedRows(data: CollectionData): number {
  let n = 0
  for (const s of data.segments.values()) n += s.rowCount
  return n
}

function flatten(groups: readonly { scores: number[]; locations: number[] }[]): SearchHits {
  const n = groups.reduce((sum, g) => sum + g.scores.length, 0)
  const scores = new Float32Array(n)
  const locations = new Float64Array(n)
  let at = 0
  for (const g of groups) {
    scores.set(g.scores, at)
    locations.set(g.locations, at)
    at += g.scores.length
  }
  return { scores, locations }
}
