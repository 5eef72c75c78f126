import type { Database } from '../../../engine/database.ts'
import type { Segment } from '../../../segment/segment.ts'
import { type CallContext, collectionKey } from '../call-context.ts'
import { columnarDataOf } from '../wire/field-data-decode.ts'
import { checkedRowCount, wireValueCount } from '../wire/row-count.ts'
import { MilvusError } from '../../../errors/errors.ts'
import { statusOf } from '../wire-status.ts'
import { type HandlerTable, ok, sdkRequest, type Wire } from '../handler.ts'
import { asStatus } from '../../../engine/sdk/status.ts'
import { optionalFieldOps } from '../../../engine/sdk/write-api.ts'
import { type WriteOptions, writeData } from '../../../engine/write-ops.ts'
import { mutationResultWire } from '../wire/mutation-encode.ts'
import { templateValuesOf } from '../wire/template-values.ts'

/** Writes: Insert, Upsert (incl. partial_update and field_ops), Delete; Flush and GetFlushState. */
export const dataHandlers: HandlerTable = {
  Insert: (req, ctx, { client }) => write(req, ctx, client.database, 'insert', {}),

  Upsert: (req, ctx, { client }) =>
    write(req, ctx, client.database, 'upsert', {
      ...(req.partial_update === true ? { partial: true } : {}),
      ...(Array.isArray(req.field_ops) && req.field_ops.length > 0 ? optionalFieldOps(req.field_ops) : {}),
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

/**
 * Decodes the columns and runs the write; the answer's keys are written from the key column
 * (`mutationResultWire`). A failed write reports every row in `err_index`.
 */
async function write(req: Wire, ctx: CallContext, db: Database, kind: 'insert' | 'upsert', opts: WriteOptions): Promise<Wire> {
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
    return failed(statusOf(e), claimed)
  }
  const options: WriteOptions = {
    ...opts,
    ...(typeof req.partition_name === 'string' && req.partition_name !== '' ? { partition: req.partition_name } : {}),
    ...(ctx.timeoutMs === undefined ? {} : { timeoutMs: ctx.timeoutMs }),
  }
  return asStatus(async () => mutationResultWire(await writeData(db, collectionKey(ctx, req.collection_name), data, kind, options)), (status) => failed(status, rowCount))
}

function failed(status: Wire, rowCount: number): Wire {
  return { status, err_index: Array.from({ length: rowCount }, (_, i) => i), succ_index: [], acknowledged: false, insert_cnt: '0', delete_cnt: '0', upsert_cnt: '0', timestamp: '0', IDs: { int_id: { data: [] } } }
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
