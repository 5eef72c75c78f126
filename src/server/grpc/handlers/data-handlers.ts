import type { Database } from '../../../engine/database.ts'
import type { Segment } from '../../../segment/segment.ts'
import { collectionKey } from '../call-context.ts'
import { columnarDataOf } from '../wire/field-data-decode.ts'
import { type HandlerTable, ok, sdkRequest, type Wire } from '../handler.ts'
import { templateValuesOf } from '../wire/template-values.ts'

/** Writes: Insert, Upsert (incl. partial_update), Delete; Flush and GetFlushState. */
export const dataHandlers: HandlerTable = {
  Insert: (req, ctx, { client }) => write(req, ctx.timeoutMs, (r) => client.insert(sdkRequest(ctx, r))),

  Upsert: (req, ctx, { client }) => write(req, ctx.timeoutMs, (r) => client.upsert(sdkRequest(ctx, { ...r, partial_update: req.partial_update === true }))),

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
    const names = (req.collection_names ?? []) as string[]
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

  /** Flushed when every listed segment still present is sealed and written to its segment file. */
  GetFlushState: (req, _ctx, { client }) => {
    const ids = new Set(((req.segmentIDs ?? []) as string[]).map(String))
    const flushed = segmentsById(client.database, ids).every((s) => s.state === 'sealed' && s.persisted.state === 'sealed' && s.persisted.rowCount === s.rowCount)
    return { flushed }
  },
}

type MutationLike = { status: { code: number }; err_index: number[] }

/** Decodes the columns and runs the write; a failed write reports every row in `err_index`. */
async function write(req: Wire, timeoutMs: number | undefined, run: (r: Wire) => Promise<MutationLike>): Promise<Wire> {
  const numRows = Number(req.num_rows ?? 0)
  const data = columnarDataOf(req.fields_data ?? [], numRows)
  const result = await run({
    collection_name: req.collection_name,
    data,
    ...(req.partition_name !== '' ? { partition_name: req.partition_name } : {}),
    ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }),
  })
  if (result.status.code !== 0) result.err_index = Array.from({ length: numRows }, (_, i) => i)
  return result
}

function segmentsById(db: Database, ids: ReadonlySet<string>): Segment[] {
  const out: Segment[] = []
  for (const d of db.state.data.values()) for (const s of d.segments.values()) if (ids.has(String(s.id))) out.push(s)
  return out
}
