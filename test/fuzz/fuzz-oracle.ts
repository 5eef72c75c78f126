import { status as grpcStatus } from '@grpc/grpc-js'
import type { GrpcCase } from './grpc-fuzzer.ts'
import { type GrpcAnswer, statusOfResponse } from './grpc-transport.ts'
import type { RestCase } from './rest-fuzzer.ts'
import type { RestAnswer } from './rest-transport.ts'

/** What went wrong, by kind: the invariants of test/fuzz/README.md. */
export type FindingKind =
  | 'crash' // the server process died
  | 'freeze' // no answer within the deadline, or /healthz slow
  | 'unexpected-code' // an answer with code 65535
  | 'leak' // a stack trace or a source path in an answer
  | 'bad-answer' // an answer no client can use: wrong gRPC code, undecodable, HTTP 500, no status
  | 'auth-bypass' // a request without valid credentials served
  | 'reference-changed' // the reference collection's rows changed
  | 'server-log' // the server logged an unexpected failure
  | 'setup' // building or resetting the fuzz world failed

export interface Finding {
  readonly kind: FindingKind
  readonly detail: string
  readonly caseId?: string
  /** RPC or REST endpoint. */
  readonly where?: string
  /** The request bytes (gRPC message or the whole HTTP request) for replay. */
  readonly bytes?: Uint8Array
  readonly notes?: readonly string[]
}

/**
 * Codes 65535 that are legitimate: Milvus 2.6 answers these refusals with 65535 (plain errors in its
 * proxy/rootcoord) and the official SDKs' tests expect it. Every other error a request can cause is
 * the client's (1100, 1102, 1801, …) or the engine's own (100, 200, 700, 800, 9 …). An entry needs its reason.
 */
export const LEGITIMATE_UNEXPECTED: readonly { readonly where: RegExp; readonly reason: RegExp; readonly why: string }[] = [
  { where: /^(CreateIndex|indexes\/create|collections\/create)$/, reason: /^cannot create index on non-exist field/, why: 'Milvus 2.6 (Index.spec expects UnexpectedError)' },
  { where: /^(Search|HybridSearch|entities\/(search|advanced_search|hybrid_search))$/, reason: /^not support manually specifying the partition names if partition key mode is used/, why: 'Milvus 2.6 search (PartitionKey.spec expects UnexpectedError; its query answers 1100)' },
  { where: /^(DropIndex|indexes\/drop)$/, reason: /^there are multiple indexes, please specify the index_name/, why: "Milvus's datacoord answers a plain error (65535) when a drop by field alone matches several indexes" },
  { where: /^(CreatePartition|DropPartition|partitions\/(create|drop))$/, reason: /^disable (create|drop) partition if partition key mode is used/, why: 'Milvus 2.6 (PartitionKey.spec expects UnexpectedError)' },
]

/**
 * Text no answer may carry: a stack frame, a source or package path. `/work/` is where this
 * repository's checkouts live; the server's data directory is allowed (GetMetrics reports it, as
 * Milvus reports its paths) and is removed before checking.
 */
const LEAKS: readonly RegExp[] = [/\n\s+at /, / {4}at /, /\/work\//, /node_modules/, /\.(?:ts|js|mjs|cjs):\d+/, /file:\/\//, /\/src\/(?:server|engine|query|expr|wire)\//]

/** The first leak pattern found in `text` (the data directory blanked out), or undefined. */
export function leakIn(text: string, dataDir: string): string | undefined {
  const scrubbed = dataDir === '' ? text : text.split(dataDir).join('<data>')
  for (const p of LEAKS) {
    const m = p.exec(scrubbed)
    if (m !== null) return `${p} at …${scrubbed.slice(Math.max(0, m.index - 60), m.index + 80)}…`
  }
  return undefined
}

/**
 * Refusals that come before authentication, as gRPC decoding does in Milvus: a request too large to
 * read (1102), or one that is not a valid message of its type (1100, decoded on the decode thread
 * or, when small, on the event loop).
 */
const PRE_AUTH_REFUSAL = /the request could not be decoded|is not a valid protobuf message|parameter too large|the request is \d+ bytes/

/** RPCs Quiver answers gRPC UNIMPLEMENTED (no status in their response, or streaming). */
const UNIMPLEMENTED_RPCS = new Set(['Dummy', 'GetReplicateInfo', 'CreateReplicateStream', 'DumpMessages'])

/** Findings in one gRPC answer. */
export function checkGrpcAnswer(c: GrpcCase, a: GrpcAnswer, dataDir: string): Finding[] {
  const found: Finding[] = []
  const add = (kind: FindingKind, detail: string) => found.push({ kind, detail, caseId: c.id, where: c.rpc, bytes: c.bytes, notes: c.notes })
  if (a.err !== undefined) {
    const details = a.err.details ?? ''
    const leak = leakIn(details, dataDir)
    if (leak !== undefined) add('leak', `gRPC error details: ${leak}`)
    const code = a.err.code
    if (code === grpcStatus.UNIMPLEMENTED && UNIMPLEMENTED_RPCS.has(c.rpc)) return found
    if (code === grpcStatus.UNAUTHENTICATED || code === grpcStatus.PERMISSION_DENIED) {
      if (c.metadata.authenticates === true) add('bad-answer', `root's call refused: gRPC ${code} ${details}`)
      return found
    }
    if (code === grpcStatus.DEADLINE_EXCEEDED) add('freeze', `no answer within the deadline (${Math.round(a.ms)} ms)`)
    else if (code === grpcStatus.UNAVAILABLE) add('bad-answer', `connection dropped: ${details}`)
    else add('bad-answer', `gRPC ${code} ${details}`)
    return found
  }
  if (a.decodeError !== undefined) {
    add('bad-answer', `the response does not decode as its type: ${a.decodeError}`)
    return found
  }
  const res = a.res!
  const leak = leakIn(JSON.stringify(res), dataDir)
  if (leak !== undefined) add('leak', leak)
  const status = statusOfResponse(res)
  if (status === undefined) {
    add('bad-answer', 'the response carries no status')
    return found
  }
  if (status.code === 65535 && !legitimate(c.rpc, status.reason)) add('unexpected-code', `65535: ${status.reason.slice(0, 300)}`)
  if (c.metadata.authenticates === false && !PRE_AUTH_REFUSAL.test(status.reason)) add('auth-bypass', `served without valid credentials (${c.metadata.name}): code ${status.code} ${status.reason.slice(0, 200)}`)
  return found
}

function legitimate(where: string, reason: string): boolean {
  return LEGITIMATE_UNEXPECTED.some((l) => l.where.test(where) && l.reason.test(reason))
}

/** HTTP statuses node:http answers a malformed request with (the request never reaches Quiver). */
const PROTOCOL_REFUSALS = new Set([400, 408, 413, 414, 431, 501, 505])

/** Findings in one REST answer. */
export function checkRestAnswer(c: RestCase, a: RestAnswer, dataDir: string): Finding[] {
  const found: Finding[] = []
  const add = (kind: FindingKind, detail: string) => found.push({ kind, detail, caseId: c.id, where: c.endpoint, bytes: c.bytes, notes: c.notes })
  const leak = leakIn(a.raw.toString('latin1'), dataDir)
  if (leak !== undefined) add('leak', leak)
  if (c.answer === 'h2') return found
  const r = a.response
  if (r === undefined) {
    if (c.answer === 'maybe-silent' || (c.malformed && !a.timedOut)) return found
    add(a.timedOut ? 'freeze' : 'bad-answer', a.timedOut ? `no response within the deadline (${Math.round(a.ms)} ms)` : `the connection closed without a response (${a.raw.length} bytes)`)
    return found
  }
  if (r.status === 404) {
    if (c.routable) add('bad-answer', 'HTTP 404 for a known endpoint')
    return found
  }
  if (PROTOCOL_REFUSALS.has(r.status)) return found
  if (r.status !== 200) {
    add('bad-answer', `HTTP ${r.status}: ${r.body.toString('utf8').slice(0, 200)}`)
    return found
  }
  let envelope: { code?: unknown; message?: unknown }
  try {
    envelope = JSON.parse(r.body.toString('utf8')) as { code?: unknown; message?: unknown }
  } catch {
    add('bad-answer', `HTTP 200 without a JSON body: ${r.body.toString('utf8').slice(0, 200)}`)
    return found
  }
  if (typeof envelope !== 'object' || envelope === null || typeof envelope.code !== 'number') {
    add('bad-answer', `HTTP 200 without an envelope code: ${r.body.toString('utf8').slice(0, 200)}`)
    return found
  }
  const message = String(envelope.message ?? '')
  if (envelope.code === 65535 && !legitimate(c.endpoint, message)) add('unexpected-code', `65535: ${message.slice(0, 300)}`)
  if (c.authenticates === false && envelope.code === 0) add('auth-bypass', 'served without valid credentials')
  return found
}
