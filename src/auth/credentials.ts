import { ErrorCode, MilvusError } from '../errors/errors.ts'

/** `user:password`, split at the first colon (the password may contain colons, as in Milvus). */
export interface Credentials {
  readonly user: string
  readonly password: string
}

/** C0 controls (NUL … US), DEL and the C1 controls: never part of a user name or a password. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/

/**
 * Parses credentials exactly: missing or empty is refused, so is any control character (scrypt's
 * HMAC pads short keys with zero bytes, so `secret\0` would otherwise verify as `secret`), and a
 * token without a colon (a Milvus API key, which Quiver does not have). Throws MilvusError 1400.
 */
export function parseCredentials(credentials: string | undefined): Credentials {
  if (credentials === undefined || credentials === '') throw unauthenticated('missing authorization in header')
  if (CONTROL_CHARACTER.test(credentials)) throw unauthenticated('invalid token format: the credentials contain a control character')
  const sep = credentials.indexOf(':')
  if (sep < 0) throw unauthenticated('auth check failure, please check api key is correct')
  return { user: credentials.slice(0, sep), password: credentials.slice(sep + 1) }
}

/** True when `text` holds a control character (NUL, newline, DEL, C1 …). */
export function hasControlCharacter(text: string): boolean {
  return CONTROL_CHARACTER.test(text)
}

export function unauthenticated(detail: string): MilvusError {
  return new MilvusError(ErrorCode.Unauthenticated, detail)
}
