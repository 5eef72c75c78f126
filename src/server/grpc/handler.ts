import type { DecodeThread } from './decode-thread.ts'
import type { Admission } from '../admission.ts'
import type { AccessControl, UserAdmin } from '../../auth/access-control.ts'
import type { Quiver } from '../../engine/quiver.ts'
import type { CallContext } from './call-context.ts'

// biome-ignore lint/suspicious/noExplicitAny: wire messages are loosely typed objects
export type Wire = Record<string, any>

/** What the server tells clients about itself (Connect, GetVersion, GetMetrics, GetReplicas). */
export interface ServerIdentity {
  /** The Milvus version Quiver answers as (`GetVersion`). */
  readonly milvusVersion: string
  readonly quiverVersion: string
  readonly startedAtMs: number
  /** `host:port` the server listens on. */
  readonly address: string
  readonly dataDir: string
}

export interface ServiceDeps {
  readonly client: Quiver
  readonly identity: ServerIdentity
  /** A new non-zero client identifier (Connect). */
  readonly nextIdentifier: () => string
  /** Users, roles and privilege checks; undefined when the server runs without access control. */
  readonly access?: AccessControl & UserAdmin
  /** Fair admission of reads (shared with REST); undefined = reads start at once. */
  readonly admission?: Admission
  /** Decodes large writes off the event loop; undefined = every request is decoded where it arrives. */
  readonly decodeThread?: DecodeThread
}

/**
 * One RPC: wire request → wire response. A MilvusError thrown here becomes the response's status
 * (gRPC OK), so handlers translate and let the engine decide.
 */
export type Handler = (req: Wire, ctx: CallContext, deps: ServiceDeps) => Promise<Wire> | Wire

export type HandlerTable = Readonly<Record<string, Handler>>

/** A facade (SDK-shaped) request for the call's database. */
export function sdkRequest(ctx: CallContext, fields: Wire): Wire {
  return { ...fields, db_name: ctx.dbName }
}

/** Throws the facade's error status as the response (see `grpc-server.ts`), else returns the result. */
export function ok<T extends { status: { code: number } }>(result: T): T {
  if (result.status.code !== 0) throw new StatusResponse(result.status)
  return result
}

/** A failed facade result carried to the RPC wrapper, which answers with its status. */
export class StatusResponse extends Error {
  readonly status: Wire
  constructor(status: Wire) {
    super(String(status.reason))
    this.status = status
  }
}
