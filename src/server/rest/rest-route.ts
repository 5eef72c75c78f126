import type { AccessControl, Principal, UserAdmin } from '../../auth/access-control.ts'
import type { Quiver } from '../../engine/quiver.ts'
import type { RestReply } from './rest-envelope.ts'
import type { RestBody } from './rest-params.ts'

/** Authentication, authorisation and user management, when the server has them. */
export type RestAccess = AccessControl & UserAdmin

/** What a route knows about its request besides the body. */
export interface RestContext {
  readonly client: Quiver
  /** Body `dbName`, else the `DB-Name` header, else `default`. */
  readonly dbName: string
  readonly access: RestAccess | undefined
  /** The authenticated caller (`root` when there is no access control). */
  readonly principal: Principal
  /** Aborted when the client goes away before its answer: reads stop at their next block. */
  readonly signal?: AbortSignal
}

/** An endpoint's translation to the facade. */
export type RestHandler = (body: RestBody, ctx: RestContext) => Promise<RestReply>

/** One endpoint: the gRPC method it stands for (for authorisation) and its handler. */
export interface RestRoute {
  readonly rpc: string
  readonly handle: RestHandler
}

/** A category's handlers by action (`create`, `describe`, …). */
export type RestRouteTable = Readonly<Record<string, RestHandler>>

/** A facade request for the request's database (`db_name` is how the facade names it). */
export function sdk(ctx: RestContext, fields: Record<string, unknown>): Record<string, unknown> {
  return { ...fields, db_name: ctx.dbName, ...(ctx.signal === undefined ? {} : { signal: ctx.signal }) }
}

export const empty: RestReply = { data: {} }
