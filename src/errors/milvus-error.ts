import { type ErrorCode, errorBase, legacyErrorCode, retriableCodes } from './error-code.ts'

export type ErrorDetails = Readonly<Record<string, string | number>>

/**
 * The one error type of Quiver. `message` follows Milvus: `<detail>: <base>[key=value]...`
 * (e.g. `collection not found[collection=book]` when there is no detail).
 */
export class MilvusError extends Error {
  override readonly name = 'MilvusError'
  readonly code: ErrorCode
  readonly retriable: boolean
  readonly details: ErrorDetails

  /** `options.base` replaces the code's base text (two Milvus errors share a number, e.g. 102). */
  constructor(code: ErrorCode, detail?: string, details: ErrorDetails = {}, options?: { cause?: unknown; base?: string }) {
    super(formatMessage(code, detail, details, options?.base), options?.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.retriable = retriableCodes.has(code)
    this.details = details
  }

  /** The legacy `common.ErrorCode` name the Node SDK reads. */
  get legacyCode(): string {
    return legacyErrorCode[this.code] ?? 'UnexpectedError'
  }
}

function formatMessage(code: ErrorCode, detail: string | undefined, details: ErrorDetails, baseText?: string): string {
  const base = baseText ?? errorBase[code]
  const head = detail === undefined || detail === '' ? base : `${detail}: ${base}`
  let tail = ''
  for (const [k, v] of Object.entries(details)) tail += `[${k}=${v}]`
  return head + tail
}

export function isMilvusError(e: unknown): e is MilvusError {
  return e instanceof MilvusError
}
