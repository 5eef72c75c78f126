import { type ErrorCode, MilvusError } from '../errors/errors.ts'
import type { ErrorDetails } from '../errors/milvus-error.ts'
import type { CollectionSchema } from '../schema/collection-schema.ts'
import type { ExprPlan } from './expr-plan.ts'

/* The messages between the main thread (compile-thread.ts) and the filter worker (compile-worker.ts). */

export interface CompileRequest {
  readonly id: number
  readonly text: string
  readonly schema: CollectionSchema
  readonly params?: Readonly<Record<string, unknown>>
}

/** A thrown error as plain data: a MilvusError with its cause chain, or anything else (a bug). */
export type WireError =
  | {
      readonly kind: 'milvus'
      readonly code: ErrorCode
      readonly message: string
      readonly details: ErrorDetails
      readonly cause?: WireError
    }
  | { readonly kind: 'other'; readonly name: string; readonly message: string; readonly stack?: string }

export type CompileReply = { readonly id: number; readonly plan: ExprPlan } | { readonly id: number; readonly error: WireError }

/** Causes followed when encoding an error (compileFilter wraps once). */
const causeDepthMax = 4

export function encodeError(e: unknown, depth = 0): WireError {
  if (e instanceof MilvusError) {
    const cause = depth < causeDepthMax && e.cause !== undefined ? encodeError(e.cause, depth + 1) : undefined
    return { kind: 'milvus', code: e.code, message: e.message, details: { ...e.details }, ...(cause === undefined ? {} : { cause }) }
  }
  if (e instanceof Error) return { kind: 'other', name: e.name, message: e.message, ...(e.stack === undefined ? {} : { stack: e.stack }) }
  return { kind: 'other', name: 'Error', message: String(e) }
}

/** The error `encodeError` described: a MilvusError with the same code, message, details and cause. */
export function decodeError(w: WireError): Error {
  if (w.kind === 'other') {
    const e = new Error(w.message)
    e.name = w.name
    if (w.stack !== undefined) e.stack = w.stack
    return e
  }
  // MilvusError builds its message as `<base>[key=value]...`: give the message without that tail as the base.
  let tail = ''
  for (const [k, v] of Object.entries(w.details)) tail += `[${k}=${v}]`
  const base = w.message.endsWith(tail) ? w.message.slice(0, w.message.length - tail.length) : w.message
  const details = w.message.endsWith(tail) ? w.details : {}
  return new MilvusError(w.code, undefined, details, { base, ...(w.cause === undefined ? {} : { cause: decodeError(w.cause) }) })
}
