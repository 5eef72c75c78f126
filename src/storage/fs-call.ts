import { assert } from '../common/assert.ts'
import { errors, MilvusError } from '../errors/errors.ts'

/** The OS error code of a failed `node:fs` call (`ENOENT`, `ENOSPC`, …), or undefined. */
export function osErrorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/** An io error (code 2100) naming the operation, the store-relative path and the OS code. */
export function fsError(op: string, path: string, cause: unknown): MilvusError {
  return errors.io(`${op} '${path}' failed (${osErrorCode(cause) ?? 'unknown'})`, cause)
}

/**
 * Runs one file-system call, turning its failure into `fsError(op, path, …)`; assertion failures
 * (bugs) and errors that are already `MilvusError`s pass through unchanged.
 */
export async function fsCall<T>(op: string, path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (e) {
    if (e instanceof assert.AssertionError || e instanceof MilvusError) throw e
    throw fsError(op, path, e)
  }
}
