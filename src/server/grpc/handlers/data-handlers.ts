import type { Database } from '../../../engine/database.ts'
import type { Segment } from '../../../segment/segment.ts'
import { type CallContext, collectionKey } from '../call-context.ts'
import { columnarDataOf } from '../wire/field-data-decode.ts'
import { checkedRowCount, wireValueCount } from '../wire/row-count.ts'
import { MilvusError } from '../../../errors/errors.ts'
import { statusOf } from '../wire-status.ts'
import { type HandlerTable, ok, sdkRequest, type Wire } from '../handler.ts'
import { templateValuesOf } from '../wire/template-values.ts'

/** Writes: Insert, Upsert (incl. partial_update and field_ops), Delete; Flush and GetFlushState. */
export const dataHandlers: HandlerTable = {
  Insert: (req, ctx, { client }) => write(req, ctx.timeoutMs, (r) => client.insert(sdkRequest(ctx, r))),

  Upsert: (req, ctx, { client }) =>
    write(req, ctx.timeoutMs, (r) => {
      const fieldOps = Array.isArray(req.field_ops) && req.field_ops.length > 0 ? { field_ops: req.field_ops } : {}
      return client.upsert(sdkRequest(ctx, { ...r, partial_update: req.partial_update === true, ...fieldOps }))
    }),

  Delete: (req, ctx, { client }) => {
    const exprValues = templateValuesOf(req.expr_template_values)
    return client.delete(
      sdkRequest(ctx, {
        collection_name: req.collection_name,
        filter: req.expr,
        ...(req.partition_name !== '' ? { partition_name: req.partition_name } : {}),
        ...(exprValues === undefined ? {} : { exprValues }),
        ...(ctx.timeoutMs === undefined ? {} : { timeout: ctx.timeoutMs }),
      }),
    )
  },

  /** Flush is synchronous in Quiver: when it answers, the listed segments are sealed and durable. */
  Flush: async (req, ctx, { client }) => {
    const names = [...new Set((req.collection_names ?? []) as string[])]
    const r = ok(await client.flush(sdkRequest(ctx, { collection_names: names })))
    const segIds: Record<string, Wire> = {}
    const flushTs: Record<string, string> = {}
    const sealTimes: Record<string, string> = {}
    for (const name of names) {
      const d = client.database.state.collection(collectionKey(ctx, name))
      segIds[name] = { data: [...d.segments.values()].filter((s) => s.state === 'sealed').map((s) => String(s.id)) }
      flushTs[name] = String(client.database.latestTs())
      sealTimes[name] = String(Math.floor(Date.now() / 1000))
    }
    return { status: r.status, db_name: ctx.dbName, coll_segIDs: segIds, flush_coll_segIDs: segIds, coll_seal_times: sealTimes, coll_flush_ts: flushTs, channel_cps: {} }
  },

  /**
   * Flushed when every listed segment of the collection is flushed as the engine knows it: sealed and
   * written to its segment file with all its rows. A listed id the collection no longer has was merged
   * by compaction into a flushed segment (or never held rows) and does not hold the answer back.
   */
  GetFlushState: (req, ctx, { client }) => {
    const ids = new Set(((req.segmentIDs ?? []) as unknown[]).map(String))
    const segments = segmentsOf(client.database, ctx, req.collection_name)
    return { flushed: segments.filter((s) => ids.has(String(s.id))).every(isFlushed) }
  },
}

type MutationLike = { status: { code: number }; err_index: number[] }

/** Decodes the columns and runs the write; a failed write reports every row in `err_index`. */
async function write(req: Wire, timeoutMs: number | undefined, run: (r: Wire) => Promise<MutationLike>): Promise<Wire> {
  const fieldsData = (req.fields_data ?? []) as Wire[]
  let rowCount: number
  let data: Record<string, unknown>
  try {
    rowCount = checkedRowCount(fieldsData, Number(req.num_rows ?? 0))
    data = columnarDataOf(fieldsData, rowCount)
  } catch (e) {
    // Every row failed: err_index lists them when the claimed count is backed by the values sent.
    const claimed = Number(req.num_rows ?? 0)
    if (!(e instanceof MilvusError) || !(claimed > 0 && claimed <= wireValueCount(fieldsData))) throw e
    return { status: statusOf(e), err_index: Array.from({ length: claimed }, (_, i) => i), succ_index: [], insert_cnt: '0', delete_cnt: '0', upsert_cnt: '0' }
  }
  const result = await run({
    collection_name: req.collection_name,
    data,
    ...(req.partition_name !== '' ? { partition_name: req.partition_name } : {}),
    ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }),
  })
  if (result.status.code !== 0) result.err_index = Array.from({ length: rowCount }, (_, i) => i)
  return result
}

function isFlushed(s: Segment): boolean {
  return s.state === 'sealed' && s.persisted.state === 'sealed' && s.persisted.rowCount === s.rowCount
}

/** The segments of the named collection (a missing one is 100), or of every collection when unnamed. */
function segmentsOf(db: Database, ctx: CallContext, name: unknown): Segment[] {
  if (typeof name === 'string' && name !== '') return [...db.state.collection(collectionKey(ctx, name)).segments.values()]
  const out: Segment[] = []
  for (const d of db.state.data.values()) out.push(...d.segments.values())
  return out
}
