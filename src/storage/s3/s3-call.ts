import { assert } from '../../common/assert.ts'
import { errors, MilvusError } from '../../errors/errors.ts'

/**
 * The cause attached to an object-store io error: `code` is `ENOENT` for a missing object (so code
 * written for `node:fs` errors, like `FileMetaStore.load`, treats both alike), else the S3 error
 * code (`NoSuchBucket`, `AccessDenied`, …) or the network error code (`ECONNREFUSED`, `TimeoutError`).
 */
export class ObjectStoreCause extends Error {
  override readonly name = 'ObjectStoreCause'
  readonly code: string

  constructor(code: string, message: string, cause: unknown) {
    super(message, { cause })
    this.code = code
  }
}

/** S3's and the HTTP stack's names for "no such object". */
const notFoundCodes = new Set(['NoSuchKey', 'NotFound'])

/** The most specific code of an AWS SDK (or network) error. */
export function s3ErrorCode(e: unknown): string {
  const err = e as { Code?: unknown; name?: unknown; code?: unknown; cause?: { code?: unknown }; $metadata?: { httpStatusCode?: number } } | null
  for (const c of [err?.Code, err?.code, err?.cause?.code]) if (typeof c === 'string' && c !== '') return c
  const name = typeof err?.name === 'string' ? err.name : ''
  if (name !== '' && name !== 'Error' && name !== 'UnknownError') return name
  const status = err?.$metadata?.httpStatusCode
  return status === undefined ? 'unknown' : `HTTP ${status}`
}

/** True when `e` says the object does not exist. */
export function isNotFound(e: unknown): boolean {
  if (e instanceof MilvusError) return (e.cause as { code?: unknown } | undefined)?.code === 'ENOENT'
  const status = (e as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode
  return notFoundCodes.has(s3ErrorCode(e)) || status === 404
}

/**
 * An io error (2100) naming the operation, the store-relative path, the S3 code and the object's URL:
 * `read 'segments/1/2/a.arrow' failed (NoSuchKey) at s3://bucket/files/segments/1/2/a.arrow`.
 */
export function s3Error(op: string, path: string, url: string, e: unknown): MilvusError {
  const code = s3ErrorCode(e)
  const detail = (e as { message?: unknown } | null)?.message
  const cause = new ObjectStoreCause(isNotFound(e) ? 'ENOENT' : code, typeof detail === 'string' ? detail : code, e)
  return errors.io(`${op} '${path}' failed (${code}) at ${url}`, cause)
}

/** Runs one S3 call, turning its failure into `s3Error`; assertions and `MilvusError`s pass through. */
export async function s3Call<T>(op: string, path: string, url: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (e) {
    if (e instanceof assert.AssertionError || e instanceof MilvusError) throw e
    throw s3Error(op, path, url, e)
  }
}
