import type { WriteOutcome } from '../../collection/apply-write.ts'
import { errors } from '../../errors/errors.ts'
import { flushAll } from '../schema-ops.ts'
import { deleteData, writeData } from '../write-ops.ts'
import type { Req } from './client-base.ts'
import { IndexApi } from './index-api.ts'
import { asStatus, okStatus, type ResStatus } from './status.ts'

export interface MutationResult {
  status: ResStatus
  succ_index: number[]
  err_index: number[]
  acknowledged: boolean
  insert_cnt: string
  delete_cnt: string
  upsert_cnt: string
  timestamp: string
  IDs: { int_id: { data: string[] } } | { str_id: { data: string[] } }
}

function mutationOk(o: WriteOutcome | { deleteCount: number; ts: bigint }, idsKind: 'int_id' | 'str_id'): MutationResult {
  const w = 'upsertCount' in o ? o : undefined
  const n = w?.primaryKeys.length ?? 0
  const ids = w === undefined ? [] : Array.from(w.primaryKeys as ArrayLike<bigint | string>, (k) => String(k))
  return {
    status: okStatus(),
    succ_index: Array.from({ length: n }, (_, i) => i),
    err_index: [],
    acknowledged: false,
    insert_cnt: String(w?.insertCount ?? 0),
    delete_cnt: String(w === undefined ? (o as { deleteCount: number }).deleteCount : w.deleteCount),
    upsert_cnt: String(w?.upsertCount ?? 0),
    timestamp: String(w?.ts ?? (o as { ts: bigint }).ts),
    IDs: idsKind === 'int_id' ? { int_id: { data: ids } } : { str_id: { data: ids } },
  }
}

function mutationError(status: ResStatus, rowCount: number): MutationResult {
  return {
    status,
    succ_index: [],
    err_index: Array.from({ length: rowCount }, (_, i) => i),
    acknowledged: false,
    insert_cnt: '0',
    delete_cnt: '0',
    upsert_cnt: '0',
    timestamp: '0',
    IDs: { int_id: { data: [] } },
  }
}

function rowCountOf(data: unknown): number {
  if (Array.isArray(data)) return data.length
  return data === undefined || data === null ? 0 : 1
}

const partitionOpt = (req: Req) => (typeof req.partition_name === 'string' && req.partition_name !== '' ? { partition: req.partition_name as string } : {})
export const timeoutOpt = (req: Req) => (typeof req.timeout === 'number' ? { timeoutMs: req.timeout as number } : {})

/** Inserts, upserts, deletes and flushes. */
export class WriteApi extends IndexApi {
  // ---- writes ----------------------------------------------------------------------------------

  insert(req: Req): Promise<MutationResult> {
    const data = req.data ?? req.fields_data
    return asStatus(async () => {
      const o = await writeData(this.db, this.key(req), data, 'insert', { ...partitionOpt(req), ...timeoutOpt(req) })
      return mutationOk(o, this.idsKind(this.key(req)))
    }, (s) => mutationError(s, rowCountOf(data)))
  }

  upsert(req: Req): Promise<MutationResult> {
    const data = req.data ?? req.fields_data
    return asStatus(async () => {
      const o = await writeData(this.db, this.key(req), data, 'upsert', {
        ...partitionOpt(req),
        ...timeoutOpt(req),
        ...(req.partial_update === true ? { partial: true } : {}),
        ...optionalFieldOps(req.field_ops),
      })
      return mutationOk(o, this.idsKind(this.key(req)))
    }, (s) => mutationError(s, rowCountOf(data)))
  }

  delete(req: Req): Promise<MutationResult> {
    return asStatus(async () => {
      const target = Array.isArray(req.ids)
        ? { ids: req.ids as unknown[] }
        : { filter: (req.filter ?? req.expr) as string, ...(req.exprValues === undefined ? {} : { params: req.exprValues }) }
      const o = await deleteData(this.db, this.key(req), target, { ...partitionOpt(req), ...timeoutOpt(req) })
      return mutationOk(o, this.idsKind(this.key(req)))
    }, (s) => mutationError(s, 0))
  }

  deleteEntities(req: Req) {
    return this.delete(req)
  }

  flush(req: Req): Promise<{ status: ResStatus; coll_segIDs: Record<string, unknown> }> {
    return asStatus(async () => {
      // Each collection once, however often it is named (a request may repeat a name a million times).
      const names = [...new Set((req.collection_names ?? []) as string[])]
      const ids = [...new Set(names.map((n) => this.db.state.catalog.get(this.key(req, n)).id))]
      await this.db.flush(ids)
      return { status: okStatus(), coll_segIDs: {} }
    }, (status) => ({ status, coll_segIDs: {} }))
  }

  flushSync(req: Req): Promise<{ status: ResStatus; flushed: boolean }> {
    return this.flush(req).then((r) => ({ status: r.status, flushed: r.status.code === 0 }))
  }

  /**
   * Seals and persists every collection of every database (Milvus 2.6 flushes the whole cluster);
   * `flush_all_ts` is the timestamp the flush covers. Durable when it answers.
   */
  flushAll(_req: Req = {}): Promise<{ status: ResStatus; flush_all_ts: string; flush_results: unknown[] }> {
    return asStatus(
      async () => ({ status: okStatus(), flush_all_ts: String(await flushAll(this.db)), flush_results: [] }),
      (status) => ({ status, flush_all_ts: '0', flush_results: [] }),
    )
  }

  flushAllSync(req: Req = {}): Promise<{ status: ResStatus; flushed: boolean }> {
    return this.flushAll(req).then((r) => ({ status: r.status, flushed: r.status.code === 0 }))
  }

  /** A flush all answers once durable, so every `flush_all_ts` it gave is flushed. */
  getFlushAllState(req: Req): Promise<{ status: ResStatus; flushed: boolean }> {
    return asStatus(
      () => {
        const ts = req.flush_all_ts ?? Object.values((req.flush_all_tss ?? {}) as Record<string, unknown>)[0]
        if (ts === undefined || ts === null || ts === '') throw errors.invalid('flush_all_ts or flush_all_tss is required')
        if (!/^\d+$/.test(String(ts))) throw errors.invalid(`flush_all_ts should be a timestamp, got ${String(ts)}`)
        return { status: okStatus(), flushed: BigInt(String(ts)) <= this.db.latestTs() }
      },
      (status) => ({ status, flushed: false }),
    )
  }
}

const FIELD_OP_NAMES = ['REPLACE', 'ARRAY_APPEND', 'ARRAY_REMOVE'] as const

/** Milvus's `field_ops` (`[{ field_name, op }]`, op by name or enum number) as the engine's per-field ops. */
export function optionalFieldOps(ops: unknown): { fieldOps?: Record<string, string> } {
  if (ops === undefined || ops === null) return {}
  if (!Array.isArray(ops)) throw errors.invalid('field_ops must be a list of { field_name, op }')
  if (ops.length === 0) return {}
  const out: Record<string, string> = {}
  for (const o of ops as { field_name?: unknown; fieldName?: unknown; op?: unknown }[]) {
    const name = o?.field_name ?? o?.fieldName
    if (typeof name !== 'string' || name === '') throw errors.invalid('field_ops: every entry needs a field_name')
    const op = typeof o.op === 'number' ? FIELD_OP_NAMES[o.op] : o.op === undefined ? 'REPLACE' : String(o.op).toUpperCase()
    if (op === undefined) throw errors.invalid(`field_ops of field ${name}: unknown op ${String(o.op)}, expected REPLACE, ARRAY_APPEND or ARRAY_REMOVE`, { field: name })
    if (Object.hasOwn(out, name)) throw errors.invalid(`field_ops names field ${name} twice`, { field: name })
    out[name] = op
  }
  return { fieldOps: out }
}
