import type { Metadata } from '@grpc/grpc-js'
import { qualify } from '../../catalog/catalog.ts'

export const DEFAULT_DATABASE_NAME = 'default'

/** What a handler knows about its call besides the request body. */
export interface CallContext {
  /** The RPC's name (`Search`, `Insert`, ...). */
  readonly rpc: string
  /** `db_name` of the body if non-empty, else the `dbname` header, else `default` (Milvus's rule). */
  readonly dbName: string
  /** Milliseconds left before the client's deadline; undefined when the call has none. */
  readonly timeoutMs: number | undefined
  /** The authenticated caller; undefined when access control is off. */
  readonly user?: string
  /** Aborted when the client cancels the call or goes away: reads stop at their next block. */
  readonly signal?: AbortSignal
}

/** The read limits of a call: its deadline and its cancellation. */
export function readControlOf(ctx: CallContext): { timeoutMs?: number; signal?: AbortSignal } {
  return { ...(ctx.timeoutMs === undefined ? {} : { timeoutMs: ctx.timeoutMs }), ...(ctx.signal === undefined ? {} : { signal: ctx.signal }) }
}

/** Milvus's database rule: body `db_name` (or `dbName` in a few requests), then the header. */
export function databaseOf(body: Record<string, unknown>, metadata: Metadata): string {
  for (const key of ['db_name', 'dbName']) {
    const v = body[key]
    if (typeof v === 'string' && v !== '') return v
  }
  const header = metadata.get('dbname')[0]
  if (typeof header === 'string' && header !== '') return header
  return DEFAULT_DATABASE_NAME
}

/** Time left until a gRPC deadline (a Date or epoch ms; Infinity means none). */
export function timeoutOf(deadline: Date | number, nowMs: number): number | undefined {
  const at = deadline instanceof Date ? deadline.getTime() : deadline
  if (!Number.isFinite(at)) return undefined
  return Math.max(1, at - nowMs)
}

export function createCallContext(rpc: string, body: Record<string, unknown>, metadata: Metadata, deadline: Date | number, signal?: AbortSignal): CallContext {
  return { rpc, dbName: databaseOf(body, metadata), timeoutMs: timeoutOf(deadline, Date.now()), ...(signal === undefined ? {} : { signal }) }
}

/** The engine's key of a collection (or alias) named in a request: its name qualified by the call's database. */
export function collectionKey(ctx: CallContext, name: unknown): string {
  return qualify(ctx.dbName, typeof name === 'string' ? name : '')
}
