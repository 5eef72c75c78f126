import { randomUUID } from 'node:crypto'
import { errors } from '../errors/errors.ts'
import { largerIsBetter } from '../vector/metric.ts'
import type { Database } from './database.ts'
import { type SearchHit, searchRows } from './read-ops.ts'
import { resolveSearch, SEARCH_LIMIT_MAX, type SearchSpec } from './search-spec.ts'

/**
 * One page of Milvus's search iterator v2 (`iterator`, `search_iter_v2`, `search_iter_batch_size`,
 * `search_iter_id`, `search_iter_last_bound` in the search params; the answer's
 * `search_iterator_v2_results {token, last_bound}`): the next `batchSize` hits, best first, that
 * come after the previous page's last score.
 */
export interface IteratorSpec {
  readonly batchSize: number
  /** The token of the previous page (absent on the first). */
  readonly token?: string | undefined
  /** The previous page's last score (absent on the first). */
  readonly lastBound?: number | undefined
  /**
   * The snapshot the pages read (the SDKs pin the first answer's `session_ts` as `guarantee_timestamp`),
   * so every page sees the same rows; absent or 0 = the latest state.
   */
  readonly snapshotTs?: bigint | undefined
}

export interface IteratorPage {
  readonly hits: SearchHit[]
  /** The snapshot this page read at (to answer as `session_ts`). */
  readonly ts: bigint
  readonly token: string
  /** The score of this page's last hit (the previous bound when the page is empty). */
  readonly lastBound: number
}

/** What a token remembers: the keys already returned with a score equal to the bound, so ties are neither lost nor repeated. */
interface IteratorState {
  lastBound: number
  tiedKeys: Set<string>
  usedAt: number
}

/** Tokens kept per database, least recently used first out; an unused token is forgotten after this long. */
export const ITERATOR_TOKENS_MAX = 10_000
export const ITERATOR_IDLE_MS = 30 * 60_000

const statesByDb = new WeakMap<Database, Map<string, IteratorState>>()

/**
 * Runs one iterator page as a search: nq must be 1 (as Milvus); the hits are those at or beyond
 * the last bound (`range_filter` semantics: L2 keeps d ≥ bound, IP/COSINE keep s ≤ bound, combined
 * with the caller's own range), less the keys the token already returned at exactly that score.
 * Without the token's state (another server, or forgotten) a page resumes strictly after the bound:
 * nothing is repeated, ties at the bound may be skipped. Pages are exact (range searches scan) and
 * read the snapshot the client pinned (`snapshotTs`), so writes between pages change no page; a
 * snapshot older than the compaction horizon is refused (1100) rather than read inconsistently.
 */
export async function searchIteratorPage(db: Database, collection: string, spec: SearchSpec, it: IteratorSpec): Promise<IteratorPage> {
  if (!Number.isInteger(it.batchSize) || it.batchSize < 1 || it.batchSize > SEARCH_LIMIT_MAX) {
    throw errors.invalid(`search_iter_batch_size [${it.batchSize}] is invalid, it should be in range [1, ${SEARCH_LIMIT_MAX}]`)
  }
  if ((spec.offset ?? 0) !== 0) throw errors.invalid('search iterator does not support offset')
  if (spec.groupByField !== undefined && spec.groupByField !== '') throw errors.invalid('search iterator does not support group_by_field')
  const d = db.state.collection(collection)
  const resolved = resolveSearch(d.schema, spec, (field) => d.meta.indexes.find((i) => i.fieldName === field)?.metricType, (field) => d.meta.indexes.find((i) => i.fieldName === field)?.params)
  if (resolved.queries.length !== 1) throw errors.invalid('Not support search iteration over multiple vectors at present')
  const larger = largerIsBetter(resolved.metric)
  const states = statesOf(db)
  const known = it.token === undefined || it.token === '' ? undefined : states.get(it.token)
  const bound = it.lastBound === undefined ? known?.lastBound : Math.fround(it.lastBound) // scores are float32
  const tied = known !== undefined && bound !== undefined && known.lastBound === bound ? known.tiedKeys : new Set<string>()
  const strict = bound !== undefined && known === undefined
  const limit = Math.min(SEARCH_LIMIT_MAX, it.batchSize + tied.size)
  const rangeFilter = bound === undefined ? spec.rangeFilter : tighter(bound, spec.rangeFilter, larger)
  const latest = db.latestTs()
  const ts = it.snapshotTs !== undefined && it.snapshotTs > 0n && it.snapshotTs <= latest ? it.snapshotTs : latest
  const [page] = await searchRows(db, collection, { ...spec, metric: resolved.metric, limit, offset: 0, asOf: ts, ...(rangeFilter === undefined ? {} : { rangeFilter }) })
  const hits = page!.filter((h) => !tied.has(String(h.id)) && !(strict && h.score === bound)).slice(0, it.batchSize)
  const last = hits.at(-1)?.score ?? bound ?? (larger ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY)
  const nextTied = last === bound ? new Set(tied) : new Set<string>()
  for (const h of hits) if (h.score === last) nextTied.add(String(h.id))
  const token = known !== undefined ? it.token! : it.token !== undefined && it.token !== '' ? it.token : randomUUID()
  remember(states, token, { lastBound: last, tiedKeys: nextTied, usedAt: Date.now() })
  return { hits, ts, token, lastBound: last }
}

/** The bound nearer the query of two `range_filter`s: for distances the larger, for similarities the smaller. */
function tighter(bound: number, rangeFilter: number | undefined, larger: boolean): number {
  if (rangeFilter === undefined) return bound
  return larger ? Math.min(bound, rangeFilter) : Math.max(bound, rangeFilter)
}

function statesOf(db: Database): Map<string, IteratorState> {
  let m = statesByDb.get(db)
  if (m === undefined) {
    m = new Map()
    statesByDb.set(db, m)
  }
  return m
}

function remember(states: Map<string, IteratorState>, token: string, s: IteratorState): void {
  states.delete(token) // re-inserted last: Map order is least recently used first
  states.set(token, s)
  const now = Date.now()
  for (const [t, old] of states) {
    if (states.size <= ITERATOR_TOKENS_MAX && now - old.usedAt < ITERATOR_IDLE_MS) break
    states.delete(t)
  }
}
