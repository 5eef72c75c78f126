import { type sendUnaryData, Server, type ServerUnaryCall, ServerCredentials, type ServiceDefinition, status as grpcStatus, type UntypedServiceImplementation } from '@grpc/grpc-js'
import type { MethodDefinition, ServiceDefinition as LoaderServiceDefinition } from '@grpc/proto-loader'
import type { Duplex } from 'node:stream'
import type { Quiver } from '../../engine/quiver.ts'
import { Admission } from '../admission.ts'
import { DecodeThread, type RequestTypeName, THREAD_DECODE_BYTES_MIN } from './decode-thread.ts'
import { ErrorCode, errors, MilvusError } from '../../errors/errors.ts'
import { requestObserverOf } from '../../observability/request-event.ts'
import { limits } from '../../schema/limits.ts'
import type { AccessControl, UserAdmin } from '../../auth/access-control.ts'
import { accessGrpcError, authorizeCall } from './call-access.ts'
import { analyzerHandlers } from './handlers/analyzer-handlers.ts'
import { authHandlers } from './handlers/auth-handlers.ts'
import { createCallContext } from './call-context.ts'
import { catalogHandlers } from './handlers/catalog-handlers.ts'
import { collectionHandlers } from './handlers/collection-handlers.ts'
import { compactionHandlers } from './handlers/compaction-handlers.ts'
import { dataHandlers } from './handlers/data-handlers.ts'
import { type Handler, type HandlerTable, type ServerIdentity, type ServiceDeps, StatusResponse, type Wire } from './handler.ts'
import { importHandlers } from './handlers/import-handlers.ts'
import { indexHandlers } from './handlers/index-handlers.ts'
import { loadMilvusProto, MILVUS_SERVICE, TELEMETRY_SERVICE } from './milvus-proto.ts'
import { partitionHandlers } from './handlers/partition-handlers.ts'
import { readHandlers } from './handlers/read-handlers.ts'
import { responseWithStatus, type StatusPlace, statusPlaceOf } from './rpc-response.ts'
import { systemHandlers } from './handlers/system-handlers.ts'
import { telemetryHandlers } from './handlers/telemetry-handlers.ts'
import { fastFloatDecodingAvailable, writeRequestDeserializer } from './write-request-decoder.ts'
import { okStatus, statusOf, unsupportedStatus } from './wire-status.ts'
import { isPreEncoded, PRE_ENCODED, type PreEncodedField, ProtoWriter } from './wire/proto-writer.ts'
import { REPLICA_LOCAL_RPCS, REPLICA_NO_BARRIER_RPCS, type ReplicaRouting } from '../replica-routing.ts'
import { ForwardedGrpcError, GrpcForwarder } from './forward-call.ts'

/** Requests up to this size are read (Milvus accepts 64 MiB); larger ones answer 1102. */
export const REQUEST_BYTES_MAX = limits.requestBytesMax
/** Past this, grpc-js refuses the message itself (RESOURCE_EXHAUSTED) without reading it. */
export const RECEIVE_BYTES_MAX = 4 * REQUEST_BYTES_MAX
/** Calls one client connection may have in flight at once (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS); more wait in the client. */
export const CONCURRENT_STREAMS_MAX = 256
/**
 * How long `close()` waits for in-flight calls before cutting connections: with the database's
 * bounded close after it, a server stops within ~5 s whatever runs (clients retry a cut call).
 */
export const SHUTDOWN_GRACE_MS = 2_000

export interface GrpcServerOptions {
  readonly client: Quiver
  readonly host: string
  /** The port of the listener that feeds this server its connections (`server/listener.ts`). */
  readonly port: number
  readonly dataDir: string
  readonly quiverVersion: string
  /** Operational messages (startup problems, unexpected errors); default console.error. */
  readonly log?: (message: string) => void
  /** Authentication and privileges (`docs/security.md`); without it every call is allowed and the RBAC RPCs answer 3000. */
  readonly access?: AccessControl & UserAdmin
  /** Fair admission of reads, shared with the REST server; default: one of its own with the default limits. */
  readonly admission?: Admission
  /** A read replica (cluster mode): reads answered here after the read barrier, the rest forwarded to the writer. */
  readonly replica?: ReplicaRouting
}

export interface GrpcServer {
  readonly host: string
  readonly port: number
  /** Serves gRPC on a connection the listener accepted (plain HTTP/2; TLS is terminated by the listener). */
  injectConnection(socket: Duplex): void
  /** Stops accepting calls, lets in-flight calls finish (bounded), and closes connections. Does not close the client. */
  close(): Promise<void>
}

/** The Milvus version Quiver answers as. */
export const MILVUS_VERSION = 'v2.6.0'

const allHandlers: HandlerTable = {
  ...systemHandlers,
  ...collectionHandlers,
  ...partitionHandlers,
  ...indexHandlers,
  ...dataHandlers,
  ...readHandlers,
  ...catalogHandlers,
  ...compactionHandlers,
  ...importHandlers,
  ...authHandlers,
  ...analyzerHandlers,
}

/**
 * Starts `milvus.proto.milvus.MilvusService` (and the SDK's ClientTelemetryService) on host:port
 * over the given client. Every RPC answers with a `common.Status`: handled ones translate to the
 * engine, the others answer 3000 "operation not supported" — never gRPC UNIMPLEMENTED, which the
 * Node SDK turns into crashes.
 */
export async function startGrpcServer(opts: GrpcServerOptions): Promise<GrpcServer> {
  const log = opts.log ?? ((m: string) => console.error(`[quiver] ${m}`))
  const proto = loadMilvusProto()
  const server = new Server({ 'grpc.max_receive_message_length': RECEIVE_BYTES_MAX, 'grpc.max_send_message_length': -1, 'grpc.max_concurrent_streams': CONCURRENT_STREAMS_MAX })
  let identifier = 1_000_000 + Math.floor(Math.random() * 1_000_000)
  const identity: ServerIdentity = {
    milvusVersion: MILVUS_VERSION,
    quiverVersion: opts.quiverVersion,
    startedAtMs: Date.now(),
    address: `${opts.host}:${opts.port}`,
    dataDir: opts.dataDir,
  }
  const deps: ServiceDeps = {
    client: opts.client,
    identity,
    nextIdentifier: () => String(++identifier),
    admission: opts.admission ?? new Admission(),
    decodeThread: new DecodeThread(),
    ...(opts.access === undefined ? {} : { access: opts.access }),
  }
  const forwarder = opts.replica === undefined ? undefined : new GrpcForwarder(opts.replica, MILVUS_SERVICE, log)
  server.addService(guardService(proto.services.milvus, MILVUS_SERVICE, forwarder !== undefined), implement(proto.services.milvus, allHandlers, deps, log, forwarder))
  server.addService(guardService(proto.services.telemetry, TELEMETRY_SERVICE, false), implement(proto.services.telemetry, telemetryHandlers, deps, log, undefined))
  // No port of its own: the listener routes HTTP/2 connections here (gRPC and REST share one port).
  const injector = server.createConnectionInjector(ServerCredentials.createInsecure())
  const close = async () => {
    await shutdown(server)
    forwarder?.close()
    await deps.decodeThread?.close()
  }
  return { host: opts.host, port: opts.port, injectConnection: (socket) => injector.injectConnection(socket), close }
}

function shutdown(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown()
      resolve()
    }, SHUTDOWN_GRACE_MS)
    server.tryShutdown(() => {
      clearTimeout(timer)
      resolve()
    })
  })
}

/** Writes carry the big payloads: their float vectors are decoded as Float32Arrays in one copy. */
const fastDeserializers: Record<string, (() => (buf: Buffer) => object) | undefined> = fastFloatDecodingAvailable()
  ? {
      Insert: () => writeRequestDeserializer('milvus.proto.milvus.InsertRequest'),
      Upsert: () => writeRequestDeserializer('milvus.proto.milvus.UpsertRequest'),
    }
  : {}

/** Request types by method, for the decode thread (requests of at least `THREAD_DECODE_BYTES_MIN` are decoded there). */
function requestTypesOf(serviceName: string): Record<string, RequestTypeName | undefined> {
  const service = loadMilvusProto().root.lookupService(serviceName)
  const out: Record<string, RequestTypeName> = {}
  for (const m of service.methodsArray) {
    m.resolve()
    out[m.name] = m.resolvedRequestType!.fullName.slice(1)
  }
  return out
}

/** A large write left undecoded by the service's deserialiser: `run` decodes it on the decode thread. */
const UNDECODED = Symbol('undecoded request')
type Undecoded = { readonly [UNDECODED]: { typeName: RequestTypeName; bytes: Buffer } }

function isUndecoded(req: unknown): req is Undecoded {
  return typeof req === 'object' && req !== null && UNDECODED in req
}

const TOO_LARGE = Symbol('request too large')
type TooLarge = { readonly [TOO_LARGE]: number }

function isTooLarge(req: unknown): req is TooLarge {
  return typeof req === 'object' && req !== null && TOO_LARGE in req
}

/** A request a read replica forwards to the writer: its bytes as received. */
const FORWARD = Symbol('forwarded request')
type Forward = { readonly [FORWARD]: Buffer }

function isForward(req: unknown): req is Forward {
  return typeof req === 'object' && req !== null && FORWARD in req
}

/** A request whose bytes are not a valid message of its type: answered 1100 by its handler (not gRPC INTERNAL). */
const MALFORMED = Symbol('malformed request')
type Malformed = { readonly [MALFORMED]: string }

function isMalformed(req: unknown): req is Malformed {
  return typeof req === 'object' && req !== null && MALFORMED in req
}

function decodeOrMalformed(decode: (buf: Buffer) => object, buf: Buffer): object {
  try {
    return decode(buf)
  } catch (e) {
    return { [MALFORMED]: e instanceof Error ? e.message : String(e) } as unknown as object
  }
}

/**
 * The service definition with three guards per method: a request over REQUEST_BYTES_MAX is not
 * decoded (its handler answers 1102), one that is not a valid protobuf message of its type is
 * answered 1100 by its handler, and a response that fails to serialise is replaced by an
 * error status (a gRPC INTERNAL would make the Node SDK retry until its deadline).
 */
function guardService(service: LoaderServiceDefinition, serviceName: string, replica: boolean): ServiceDefinition {
  const out: Record<string, MethodDefinition<object, object>> = {}
  const requestTypes = requestTypesOf(serviceName)
  for (const [name, def] of Object.entries(service)) {
    const place = statusPlaceOf(def)
    const decode = fastDeserializers[name]?.() ?? def.requestDeserialize
    const forwarded = replica && !REPLICA_LOCAL_RPCS.has(name)
    out[name] = {
      ...def,
      requestDeserialize: (buf: Buffer) => {
        if (buf.length > REQUEST_BYTES_MAX) return { [TOO_LARGE]: buf.length } as unknown as object
        if (forwarded) return { [FORWARD]: buf } as unknown as object
        const typeName = requestTypes[name]
        if (typeName !== undefined && buf.length >= THREAD_DECODE_BYTES_MIN) return { [UNDECODED]: { typeName, bytes: buf } } as unknown as object
        return decodeOrMalformed(decode, buf)
      },
      responseSerialize: (res: object) => {
        if (Buffer.isBuffer(res)) return res // the writer's answer to a forwarded call
        try {
          return serializeWithPreEncoded(def, res)
        } catch (e) {
          if (place === undefined) throw e
          return def.responseSerialize(responseWithStatus(place, statusOf(new Error(`response of ${name} could not be encoded: ${(e as Error).message}`))))
        }
      },
    }
  }
  return out as unknown as ServiceDefinition
}

/** Encodes a response; each field given pre-encoded (`PreEncodedField`) is appended as its tag, length and bytes. */
function serializeWithPreEncoded(def: MethodDefinition<object, object>, res: object): Buffer {
  const entries = Object.entries(res)
  const fields = entries.filter(([, v]) => isPreEncoded(v)).map(([, v]) => v as PreEncodedField)
  if (fields.length === 0) return def.responseSerialize(res)
  const rest = def.responseSerialize(Object.fromEntries(entries.filter(([, v]) => !isPreEncoded(v))))
  // One allocation of the exact size and one copy of each part (an 8 MB answer was copied four times).
  const parts: Uint8Array[] = []
  let total = rest.length
  for (const field of fields) {
    for (const p of field[PRE_ENCODED]) {
      const head = new ProtoWriter(16).tag(field.fieldNumber, 2).uint32(p.length).finish()
      parts.push(head, p)
      total += head.length + p.length
    }
  }
  const out = Buffer.allocUnsafe(total)
  out.set(rest, 0)
  let at = rest.length
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

type UnaryImpl = (call: ServerUnaryCall<Wire, Wire>, callback: sendUnaryData<Wire>) => void

function implement(service: LoaderServiceDefinition, handlers: HandlerTable, deps: ServiceDeps, log: (m: string) => void, forwarder: GrpcForwarder | undefined): UntypedServiceImplementation {
  const impl: UntypedServiceImplementation = {}
  for (const [name, def] of Object.entries(service)) {
    const place = statusPlaceOf(def)
    if (def.requestStream || def.responseStream || place === undefined) {
      impl[name] = unimplemented(name) as UntypedServiceImplementation[string]
      continue
    }
    impl[name] = unary(name, Object.hasOwn(handlers, name) ? handlers[name]! : unsupported(name), place, deps, log, forwarder) as UntypedServiceImplementation[string]
  }
  return impl
}

function unary(name: string, handler: Handler, place: StatusPlace, deps: ServiceDeps, log: (m: string) => void, forwarder: GrpcForwarder | undefined): UnaryImpl {
  const barrier = forwarder !== undefined && !REPLICA_NO_BARRIER_RPCS.has(name)
  return (call, answer) => {
    const callback = observed(name, place, deps, answer)
    const req = call.request
    if (isForward(req) && forwarder !== undefined) {
      forwarder.forward(name, req[FORWARD], call.metadata, call.getDeadline()).then(
        (bytes) => callback(null, bytes as unknown as Wire),
        (e: unknown) => (e instanceof ForwardedGrpcError ? callback(e.error) : callback(null, responseWithStatus(place, statusOf(e)))),
      )
      return
    }
    if (isTooLarge(req)) {
      const e = errors.tooLarge(`the request is ${req[TOO_LARGE]} bytes, more than ${REQUEST_BYTES_MAX}`)
      callback(null, responseWithStatus(place, statusOf(e)))
      return
    }
    if (isMalformed(req)) {
      const e = errors.invalid(`the ${name} request is not a valid protobuf message: ${req[MALFORMED].slice(0, 200)}`)
      callback(null, responseWithStatus(place, statusOf(e)))
      return
    }
    // A call the client cancels (or whose connection drops) aborts its read at the next block.
    // grpc-js emits 'cancelled' when every call's stream closes, answered or not: aborting then
    // (a DOMException with its stack, the abort event) cost ~6 % of the event loop under 8 search clients.
    const cancel = new AbortController()
    let answered = false
    call.once('cancelled', () => {
      if (!answered) cancel.abort()
    })
    run(name, handler, req, call, cancel.signal, deps, barrier).then(
      (res) => {
        answered = true
        callback(null, withOkStatus(place, res))
      },
      (e: unknown) => {
        answered = true
        if (e instanceof StatusResponse) return callback(null, responseWithStatus(place, e.status as ReturnType<typeof statusOf>))
        const denied = accessGrpcError(e)
        if (denied !== undefined) return callback(denied)
        if (!(e instanceof MilvusError)) log(`${name} failed unexpectedly: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
        callback(null, responseWithStatus(place, statusOf(e)))
      },
    )
  }
}

/** The callback, wrapped to report each answer (method, status code, duration, rows written) to the client's request observer. */
function observed(name: string, place: StatusPlace, deps: ServiceDeps, callback: sendUnaryData<Wire>): sendUnaryData<Wire> {
  const observe = requestObserverOf(deps.client)
  if (observe === undefined) return callback
  const startedNs = process.hrtime.bigint()
  return (err, res, ...rest) => {
    const seconds = Number(process.hrtime.bigint() - startedNs) / 1e9
    const status = err === null && res != null ? ((place.kind === 'self' ? res : res[place.field]) as { code?: unknown } | undefined) : undefined
    const code = err !== null ? codeOfGrpcError(err) : Number(status?.code ?? 0)
    const rowField = ({ Insert: 'insert_cnt', Upsert: 'upsert_cnt', Delete: 'delete_cnt' } as Record<string, string | undefined>)[name]
    const rows = rowField === undefined || code !== 0 ? NaN : Number(String(res?.[rowField] ?? NaN))
    observe({ method: name, protocol: 'grpc', code, seconds, ...(Number.isFinite(rows) ? { rows } : {}) })
    callback(err, res, ...rest)
  }
}

/** The Milvus code a metric records for a call answered with a gRPC error (access failures; anything else is unexpected). */
function codeOfGrpcError(err: { code?: number }): number {
  if (err.code === grpcStatus.UNAUTHENTICATED) return ErrorCode.Unauthenticated
  if (err.code === grpcStatus.PERMISSION_DENIED) return ErrorCode.PermissionDenied
  return ErrorCode.Unexpected
}

/** The RPCs that wait for a read slot (`Admission`): the ones whose work grows with the data or the request. */
const ADMITTED_RPCS: ReadonlySet<string> = new Set(['Search', 'HybridSearch', 'Query'])

async function run(name: string, handler: Handler, received: Wire, call: ServerUnaryCall<Wire, Wire>, signal: AbortSignal, deps: ServiceDeps, barrier: boolean): Promise<Wire> {
  const req = isUndecoded(received) ? ((await deps.decodeThread!.decode(received[UNDECODED].typeName, received[UNDECODED].bytes)) as Wire) : received
  const metadata = call.metadata
  const ctx = createCallContext(name, req, metadata, call.getDeadline(), signal)
  const principal = await authorizeCall(deps.access, ctx, req, metadata, call.getPeer())
  // A read replica answers Strong: once it has applied every write the log held when the read came.
  if (barrier) await deps.client.database.readBarrier(signal)
  const admitted = principal === undefined ? ctx : { ...ctx, user: principal.user }
  if (deps.admission === undefined || !ADMITTED_RPCS.has(name)) return handler(req, admitted, deps)
  const release = await deps.admission.admit(call.getPeer())
  try {
    return await handler(req, admitted, deps)
  } finally {
    release()
  }
}

/** Handlers may leave out a success status: the response gets one. */
function withOkStatus(place: StatusPlace, res: Wire): Wire {
  if (place.kind === 'self' || (res[place.field] !== undefined && res[place.field] !== null)) return res
  return { ...res, [place.field]: okStatus() }
}

function unsupported(name: string): Handler {
  return () => {
    throw new StatusResponse(unsupportedStatus(name))
  }
}

/** Streaming RPCs and those without a status field (no client SDK calls them): gRPC UNIMPLEMENTED. */
function unimplemented(name: string) {
  return (call: { emit: (event: 'error', e: unknown) => void }, callback?: sendUnaryData<Wire>) => {
    const err = Object.assign(new Error(`${name} is not supported by Quiver`), { code: grpcStatus.UNIMPLEMENTED, details: `${name} is not supported by Quiver` })
    if (typeof callback === 'function') callback(err)
    else call.emit('error', err)
  }
}
