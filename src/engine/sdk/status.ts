import { ErrorCode, MilvusError } from '../../errors/errors.ts'

/** `common.Status` as the Node SDK returns it: legacy `error_code` name and numeric `code`. */
export interface ResStatus {
  error_code: string
  code: number
  reason: string
  retriable: boolean
  detail: string
  extra_info: Record<string, unknown>
}

export function okStatus(): ResStatus {
  return { error_code: 'Success', code: 0, reason: '', retriable: false, detail: '', extra_info: {} }
}

export function errorStatus(e: MilvusError): ResStatus {
  return { error_code: e.legacyCode, code: e.code, reason: e.message, retriable: e.retriable, detail: e.message, extra_info: {} }
}

/**
 * Runs an operation the SDK way: request errors become a status (never a throw); anything else
 * is a bug and propagates.
 */
export async function asStatus<T>(fn: () => Promise<T> | T, onError: (status: ResStatus) => T): Promise<T> {
  try {
    return await fn()
  } catch (e) {
    if (e instanceof MilvusError) return onError(errorStatus(e))
    if (e instanceof RangeError && /Array buffer allocation|Invalid typed array length/.test(e.message)) {
      return onError(errorStatus(new MilvusError(ErrorCode.MemoryQuotaExhausted, e.message)))
    }
    throw e
  }
}

/** Int64 values as the SDK shows them (decimal strings), recursively through arrays. */
export function int64ToString(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString()
  if (Array.isArray(v)) return v.some((x) => typeof x === 'bigint') ? v.map((x) => (typeof x === 'bigint' ? x.toString() : x)) : v
  return v
}

export function rowForSdk(row: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(row)) row[k] = int64ToString(row[k])
  return row
}
