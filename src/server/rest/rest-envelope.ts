import { ErrorCode, MilvusError } from '../../errors/errors.ts'
import { RestFailure } from './rest-failure.ts'

/** What a route answers: `data`, plus top-level members some endpoints add (`topks`). */
export interface RestReply {
  readonly data: unknown
  readonly extra?: Readonly<Record<string, unknown>>
}

export interface SuccessEnvelope {
  readonly code: 0
  readonly data: unknown
  readonly cost: 0
  readonly [extra: string]: unknown
}

export interface ErrorEnvelope {
  readonly code: number
  readonly message: string
}

/** Milvus's success body: `{ code: 0, data, cost: 0 }` (HTTP 200). */
export function successEnvelope(reply: RestReply): SuccessEnvelope {
  return { code: 0, data: reply.data, cost: 0, ...reply.extra }
}

/** Milvus's error body `{ code, message }` (HTTP 200); `unexpected` is true for bugs the caller should log. */
export function errorEnvelope(e: unknown): { body: ErrorEnvelope; unexpected: boolean } {
  if (e instanceof MilvusError || e instanceof RestFailure) return { body: { code: e.code, message: e.message }, unexpected: false }
  const message = e instanceof Error ? e.message : String(e)
  return { body: { code: ErrorCode.Unexpected, message: `unexpected error: ${message}` }, unexpected: true }
}
