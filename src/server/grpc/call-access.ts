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
 * reject both at once, without retrying). `peer` is grpc-js's `call.getPeer()`: failed logins are
 * counted per client address. Returns the caller, or undefined when access control is off.
 */
export async function authorizeCall(access: AccessControl | undefined, ctx: CallContext, req: Wire, metadata: Metadata, peer?: string): Promise<Principal | undefined> {
  if (access === undefined || !access.enabled) return undefined
  const principal = await access.authenticate(credentialsOf(metadata), peer === undefined ? undefined : peerAddressOf(peer))
  for (const target of targetsOf(ctx, req)) await access.authorize(principal, ctx.rpc, target)
  return principal
}

/** Standard base64 with its padding (Go's `base64.StdEncoding`, as Milvus decodes the header). */
const BASE64_TOKEN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * `user:password` from the `authorization` header, or undefined when there is none. The header must
 * be exactly one canonical base64 token of UTF-8 text; anything else (two values, spaces, a second
 * token, stray bits, invalid UTF-8) is refused rather than decoded leniently.
 */
export function credentialsOf(metadata: Metadata): string | undefined {
  const values = metadata.get('authorization')
  if (values.length === 0 || values[0] === '') return undefined
  const token = values[0]
  if (values.length > 1 || typeof token !== 'string' || !BASE64_TOKEN.test(token)) throw invalidToken()
  const bytes = Buffer.from(token, 'base64')
  if (bytes.toString('base64') !== token) throw invalidToken()
  try {
    return utf8.decode(bytes)
  } catch {
    throw invalidToken()
  }
}

function invalidToken(): MilvusError {
  return new MilvusError(ErrorCode.Unauthenticated, 'invalid token format')
}

/**
 * The IP address in grpc-js's peer string: `<address>:<port>` (IPv6 unbracketed, `::1:50000`, or
 * bracketed), `<address>` without a port, or `unknown` (undefined).
 */
export function peerAddressOf(peer: string): string | undefined {
  if (peer === '' || peer === 'unknown') return undefined
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(peer)
  if (bracketed !== null) return bracketed[1]
  const m = /^(.*):\d+$/.exec(peer)
  return m === null || m[1] === '' ? peer : m[1]
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
  // Each distinct name once: a request repeating one name a million times is one check, not a
  // million (the fuzzer's 8 MB Flush held the event loop for seconds here).
  const names = many.length > 0 ? [...new Set(many.filter((n): n is string => typeof n === 'string'))] : one !== undefined ? [one] : []
  if (names.length === 0) return [base]
  return names.map((collectionName) => ({ ...base, collectionName }))
}

/**
 * Longest `details` of an access error (characters). It travels in the `grpc-message` trailer, a
 * header: a message quoting a client's 100 KB database name went over the client's header limit,
 * and grpc-js clients then hung every later call on that connection.
 */
export const ACCESS_DETAILS_CHARS_MAX = 1_024

/** The gRPC error for an authentication or authorisation failure; undefined for any other error. */
export function accessGrpcError(e: unknown): (Error & { code: number; details: string }) | undefined {
  if (!(e instanceof MilvusError)) return undefined
  const code = e.code === ErrorCode.Unauthenticated ? grpcStatus.UNAUTHENTICATED : e.code === ErrorCode.PermissionDenied ? grpcStatus.PERMISSION_DENIED : undefined
  if (code === undefined) return undefined
  const suffix = `: ${errorBase[e.code]}`
  const message = e.message.endsWith(suffix) ? e.message.slice(0, -suffix.length) : e.message
  const details = wellFormed(message.length <= ACCESS_DETAILS_CHARS_MAX ? message : `${message.slice(0, ACCESS_DETAILS_CHARS_MAX)}… (${message.length - ACCESS_DETAILS_CHARS_MAX} more characters)`)
  return Object.assign(new Error(details), { code, details })
}

/** Lone surrogates (a pair cut by the clip) as U+FFFD: grpc-js `encodeURI`s the details, which throws on them and took the process down. */
function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined
}
