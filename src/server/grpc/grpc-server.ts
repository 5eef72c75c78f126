import { type Metadata, type sendUnaryData, Server, type ServerUnaryCall, ServerCredentials, type ServiceDefinition, status as grpcStatus, type UntypedServiceImplementation } from '@grpc/grpc-js'
import type { MethodDefinition, ServiceDefinition as LoaderServiceDefinition } from '@grpc/proto-loader'
import type { Quiver } from '../../engine/quiver.ts'
import { errors, MilvusError } from '../../errors/errors.ts'
import { limits } from '../../schema/limits.ts'
import { createCallContext } from './call-context.ts'
import { catalogHandlers } from './handlers/catalog-handlers.ts'
import { collectionHandlers } from './handlers/collection-handlers.ts'
import { compactionHandlers } from './handlers/compaction-handlers.ts'
import { dataHandlers } from './handlers/data-handlers.ts'
import { type Handler, type HandlerTable, type ServerIdentity, type ServiceDeps, StatusResponse, type Wire } from './handler.ts'
import { indexHandlers } from './handlers/index-handlers.ts'
import { loadMilvusProto } from './milvus-proto.ts'
import { partitionHandlers } from './handlers/partition-handlers.ts'
import { readHandlers } from './handlers/read-handlers.ts'
import { responseWithStatus, type StatusPlace, statusPlaceOf } from './rpc-response.ts'
import { systemHandlers } from './handlers/system-handlers.ts'
import { telemetryHandlers } from './handlers/telemetry-handlers.ts'
import { fastFloatDecodingAvailable, writeRequestDeserializer } from './write-request-decoder.ts'
import { okStatus, statusOf, unsupportedStatus } from './wire-status.ts'

/** Requests up to this size are read (Milvus accepts 64 MiB); larger ones answer 1102. */
export const REQUEST_BYTES_MAX = limits.requestBytesMax
/** Past this, grpc-js refuses the message itself (RESOURCE_EXHAUSTED) without reading it. */
export const RECEIVE_BYTES_MAX = 4 * REQUEST_BYTES_MAX
/** How long `close()` waits for in-flight calls before cutting connections. */
export const SHUTDOWN_GRACE_MS = 10_000

export interface GrpcServerOptions {
  readonly client: Quiver
  readonly host: string
  /** 0 picks a free port. */
  readonly port: number
  readonly dataDir: string
  readonly quiverVersion: string
  /** Operational messages (startup problems, unexpected errors); default console.error. */
  readonly log?: (message: string) => void
}

export interface GrpcServer {
  readonly host: string
  readonly port: number
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
  const server = new Server({ 'grpc.max_receive_message_length': RECEIVE_BYTES_MAX, 'grpc.max_send_message_length': -1 })
  let identifier = 1_000_000 + Math.floor(Math.random() * 1_000_000)
  const identity: ServerIdentity = {
    milvusVersion: MILVUS_VERSION,
    quiverVersion: opts.quiverVersion,
    startedAtMs: Date.now(),
    address: `${opts.host}:${opts.port}`,
    dataDir: opts.dataDir,
  }
  const deps: ServiceDeps = { client: opts.client, identity, nextIdentifier: () => String(++identifier) }
  server.addService(guardService(proto.services.milvus), implement(proto.services.milvus, allHandlers, deps, log))
  server.addService(guardService(proto.services.telemetry), implement(proto.services.telemetry, telemetryHandlers, deps, log))
  const port = await bind(server, opts.host, opts.port)
  ;(identity as { address: string }).address = `${opts.host}:${port}`
  return { host: opts.host, port, close: () => shutdown(server) }
}

function bind(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (err, bound) => (err === null ? resolve(bound) : reject(err)))
  })
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

const TOO_LARGE = Symbol('request too large')
type TooLarge = { readonly [TOO_LARGE]: number }

function isTooLarge(req: unknown): req is TooLarge {
  return typeof req === 'object' && req !== null && TOO_LARGE in req
}

/**
 * The service definition with two guards per method: a request over REQUEST_BYTES_MAX is not
 * decoded (its handler answers 1102), and a response that fails to serialise is replaced by an
 * error status (a gRPC INTERNAL would make the Node SDK retry until its deadline).
 */
function guardService(service: LoaderServiceDefinition): ServiceDefinition {
  const out: Record<string, MethodDefinition<object, object>> = {}
  for (const [name, def] of Object.entries(service)) {
    const place = statusPlaceOf(def)
    const decode = fastDeserializers[name]?.() ?? def.requestDeserialize
    out[name] = {
      ...def,
      requestDeserialize: (buf: Buffer) => (buf.length > REQUEST_BYTES_MAX ? ({ [TOO_LARGE]: buf.length } as unknown as object) : decode(buf)),
      responseSerialize: (res: object) => {
        try {
          return def.responseSerialize(res)
        } catch (e) {
          if (place === undefined) throw e
          return def.responseSerialize(responseWithStatus(place, statusOf(new Error(`response of ${name} could not be encoded: ${(e as Error).message}`))))
        }
      },
    }
  }
  return out as unknown as ServiceDefinition
}

type UnaryImpl = (call: ServerUnaryCall<Wire, Wire>, callback: sendUnaryData<Wire>) => void

function implement(service: LoaderServiceDefinition, handlers: HandlerTable, deps: ServiceDeps, log: (m: string) => void): UntypedServiceImplementation {
  const impl: UntypedServiceImplementation = {}
  for (const [name, def] of Object.entries(service)) {
    const place = statusPlaceOf(def)
    if (def.requestStream || def.responseStream || place === undefined) {
      impl[name] = unimplemented(name) as UntypedServiceImplementation[string]
      continue
    }
    impl[name] = unary(name, Object.hasOwn(handlers, name) ? handlers[name]! : unsupported(name), place, deps, log) as UntypedServiceImplementation[string]
  }
  return impl
}

function unary(name: string, handler: Handler, place: StatusPlace, deps: ServiceDeps, log: (m: string) => void): UnaryImpl {
  return (call, callback) => {
    const req = call.request
    if (isTooLarge(req)) {
      const e = errors.tooLarge(`the request is ${req[TOO_LARGE]} bytes, more than ${REQUEST_BYTES_MAX}`)
      callback(null, responseWithStatus(place, statusOf(e)))
      return
    }
    run(name, handler, req, call.metadata, call.getDeadline(), deps).then(
      (res) => callback(null, withOkStatus(place, res)),
      (e: unknown) => {
        if (e instanceof StatusResponse) return callback(null, responseWithStatus(place, e.status as ReturnType<typeof statusOf>))
        if (!(e instanceof MilvusError)) log(`${name} failed unexpectedly: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
        callback(null, responseWithStatus(place, statusOf(e)))
      },
    )
  }
}

async function run(name: string, handler: Handler, req: Wire, metadata: Metadata, deadline: Date | number, deps: ServiceDeps): Promise<Wire> {
  return handler(req, createCallContext(name, req, metadata, deadline), deps)
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
