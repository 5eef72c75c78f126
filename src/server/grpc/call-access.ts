import { type Metadata, status as grpcStatus } from '@grpc/grpc-js'
import type { AccessControl, AccessTarget, Principal } from '../../auth/access-control.ts'
import { errorBase } from '../../errors/error-code.ts'
import { ErrorCode, MilvusError } from '../../errors/errors.ts'
import type { CallContext } from './call-context.ts'
import type { Wire } from './handler.ts'

/**
 * Authentication and authorisation of one gRPC call, as Milvus's interceptors do them: the
 * `authorization` header holds base64(`user:password`); a missing or wrong one is answered with
 * gRPC UNAUTHENTICATED, a missing privilege with gRPC PERMISSION_DENIED (the Node SDK and pymilvus
 * reject both at once, without retrying). Returns the caller, or undefined when access control is off.
 */
export async function authorizeCall(access: AccessControl | undefined, ctx: CallContext, req: Wire, metadata: Metadata): Promise<Principal | undefined> {
  if (access === undefined || !access.enabled) return undefined
  const principal = await access.authenticate(credentialsOf(metadata))
  for (const target of targetsOf(ctx, req)) await access.authorize(principal, ctx.rpc, target)
  return principal
}

/** `user:password` from the `authorization` header, or undefined when there is none. */
export function credentialsOf(metadata: Metadata): string | undefined {
  const raw = metadata.get('authorization')[0]
  const token = typeof raw === 'string' ? raw.trim() : raw instanceof Buffer ? raw.toString('latin1').trim() : ''
  if (token === '') return undefined
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(token)) throw new MilvusError(ErrorCode.Unauthenticated, 'invalid token format')
  return Buffer.from(token, 'base64').toString('utf8')
}

/** What the request touches: one target per collection it names (Flush names several). */
export function targetsOf(ctx: CallContext, req: Wire): AccessTarget[] {
  const base: { dbName: string; userName?: string; roleName?: string } = { dbName: ctx.dbName }
  const user = str(req.username) ?? str(req.user?.name) ?? str(req.user_name)
  if (user !== undefined) base.userName = user
  const role = str(req.entity?.role?.name)
  if (role !== undefined) base.roleName = role
  const many: unknown[] = Array.isArray(req.collection_names) ? req.collection_names : []
  const one = str(req.collection_name) ?? str(req.collectionName)
  const names = many.length > 0 ? many.filter((n): n is string => typeof n === 'string') : one !== undefined ? [one] : []
  if (names.length === 0) return [base]
  return names.map((collectionName) => ({ ...base, collectionName }))
}

/** The gRPC error for an authentication or authorisation failure; undefined for any other error. */
export function accessGrpcError(e: unknown): (Error & { code: number; details: string }) | undefined {
  if (!(e instanceof MilvusError)) return undefined
  const code = e.code === ErrorCode.Unauthenticated ? grpcStatus.UNAUTHENTICATED : e.code === ErrorCode.PermissionDenied ? grpcStatus.PERMISSION_DENIED : undefined
  if (code === undefined) return undefined
  const suffix = `: ${errorBase[e.code]}`
  const details = e.message.endsWith(suffix) ? e.message.slice(0, -suffix.length) : e.message
  return Object.assign(new Error(details), { code, details })
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined
}
