import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Principal } from '../../auth/access-control.ts'
import type { Quiver } from '../../engine/quiver.ts'
import { ErrorCode, MilvusError } from '../../errors/errors.ts'
import { requestObserverOf } from '../../observability/request-event.ts'
import { errorEnvelope, successEnvelope } from './rest-envelope.ts'
import { renderJson } from './rest-json.ts'
import type { RestBody } from './rest-params.ts'
import { allowsInt64, BodyTooLarge, credentialsOf, databaseOf, parseBody, readBody } from './rest-request.ts'
import { Admission } from '../admission.ts'
import type { RestAccess, RestContext, RestRoute } from './rest-route.ts'
import { findRoute } from './rest-routes.ts'
import { forwardRest } from './forward-request.ts'
import { REPLICA_LOCAL_RPCS, REPLICA_NO_BARRIER_RPCS, type ReplicaRouting } from '../replica-routing.ts'

/** How long `close()` waits for in-flight requests before cutting connections (as gRPC's `SHUTDOWN_GRACE_MS`). */
export const REST_SHUTDOWN_GRACE_MS = 2_000

export interface RestServerOptions {
  readonly client: Quiver
  /** When given and enabled, every request authenticates (`Authorization: Bearer user:password`) and is authorised. */
  readonly access?: RestAccess
  readonly log?: (message: string) => void
  /** Fair admission of reads (search, query, hybrid search); default: one of its own with the default limits. */
  readonly admission?: Admission
  /** A read replica (cluster mode): reads answered here after the read barrier, the rest forwarded to the writer. */
  readonly replica?: ReplicaRouting
}

export interface RestServer {
  /** Serves HTTP/1.1 on a connection the listener accepted (paused, its first bytes put back). */
  injectConnection(socket: Duplex): void
  /** Stops taking requests, lets in-flight ones finish (bounded), closes connections. */
  close(): Promise<void>
}

/** Milvus's RESTful API v2 (`POST /v2/vectordb/<category>/<action>`) over the facade, on sockets handed to it. */
export function createRestServer(opts: RestServerOptions): RestServer {
  const log = opts.log ?? ((m: string) => console.error(`[quiver] ${m}`))
  const connections = new ConnectionSet()
  const admission = opts.admission ?? new Admission()
  const http = createServer({ requireHostHeader: false }, (req, res) => {
    connections.begin(req.socket, res)
    res.on('close', () => connections.end(req.socket, res))
    serve(req, res, opts, admission, log).catch((e: unknown) => {
      log(`REST ${req.url} failed unexpectedly: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
      if (!res.headersSent) res.writeHead(500).end()
      else res.destroy()
    })
  })
  return {
    injectConnection: (socket) => {
      if (connections.closing) return void socket.destroy()
      connections.add(socket)
      http.emit('connection', socket)
      socket.resume()
    },
    close: () => connections.close(REST_SHUTDOWN_GRACE_MS),
  }
}

async function serve(req: IncomingMessage, res: ServerResponse, opts: RestServerOptions, admission: Admission, log: (m: string) => void): Promise<void> {
  const route = req.method === 'POST' ? findRoute(new URL(req.url ?? '/', 'http://x').pathname) : undefined
  if (route === undefined) {
    req.resume()
    res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found')
    return
  }
  await serveRoute(route, req, res, opts, admission, log)
}

/**
 * Answers one request of a known route, as the REST API does: body, authentication, authorisation,
 * the handler, Milvus's envelope (HTTP 200), the request observer. The web console's
 * `/webui/api/v2/vectordb/...` passes its requests through here too.
 */
export async function serveRoute(route: RestRoute, req: IncomingMessage, res: ServerResponse, opts: RestServerOptions, admission: Admission, log: (m: string) => void): Promise<void> {
  const allowInt64 = allowsInt64(req)
  const started = performance.now()
  let code = 0
  let body: string
  try {
    // A client that goes away before its answer aborts its read at the next block.
    const cancel = new AbortController()
    res.once('close', () => {
      if (!res.writableFinished) cancel.abort()
    })
    if (opts.replica !== undefined && !REPLICA_LOCAL_RPCS.has(route.rpc)) return await forwardRest(req, res, opts.replica, cancel.signal)
    body = renderJson(successEnvelope(await answer(route, req, opts, admission, cancel.signal)), allowInt64)
  } catch (e) {
    const { body: envelope, unexpected } = errorEnvelope(e)
    code = envelope.code
    if (unexpected) log(`REST ${req.url} failed unexpectedly: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
    if (e instanceof BodyTooLarge) res.setHeader('connection', 'close')
    body = renderJson(envelope, allowInt64)
  }
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body)
  requestObserverOf(opts.client)?.({ method: route.rpc, protocol: 'rest', code, seconds: (performance.now() - started) / 1000 })
}

/** Body → authentication → authorisation → the route. */
async function answer(route: RestRoute, req: IncomingMessage, opts: RestServerOptions, admission: Admission, signal: AbortSignal) {
  const body = parseBody(await readBody(req))
  const dbName = databaseOf(body, req)
  const principal = await authenticate(opts.access, req)
  if (opts.access?.enabled === true) await opts.access.authorize(principal, route.rpc, targetOf(body, dbName))
  const ctx: RestContext = { client: opts.client, dbName, access: opts.access, principal, signal }
  if (opts.replica !== undefined && !REPLICA_NO_BARRIER_RPCS.has(route.rpc)) await opts.client.database.readBarrier(signal)
  if (!ADMITTED_RPCS.has(route.rpc)) return route.handle(body, ctx)
  const release = await admission.admit(`${req.socket.remoteAddress}:${req.socket.remotePort}`)
  try {
    return await route.handle(body, ctx)
  } finally {
    release()
  }
}

/** The endpoints that wait for a read slot (`Admission`), by the RPC they stand for. */
const ADMITTED_RPCS: ReadonlySet<string> = new Set(['Search', 'HybridSearch', 'Query'])

/** With authorization off (or no access control) the `Authorization` header is not even read. */
async function authenticate(access: RestAccess | undefined, req: IncomingMessage): Promise<Principal> {
  if (access === undefined || !access.enabled) return { user: 'root' }
  try {
    return await access.authenticate(credentialsOf(req), req.socket.remoteAddress)
  } catch (e) {
    if (!(e instanceof MilvusError)) throw e
    throw new MilvusError(ErrorCode.NeedAuthenticate, e.message, {}, { cause: e })
  }
}

function targetOf(body: RestBody, dbName: string): { dbName: string; collectionName?: string } {
  return typeof body.collectionName === 'string' && body.collectionName !== '' ? { dbName, collectionName: body.collectionName } : { dbName }
}

/** The open connections and their in-flight requests, for a graceful close. */
class ConnectionSet {
  closing = false
  /** Open connections and the responses they are writing. */
  private readonly inFlight = new Map<Duplex, Set<ServerResponse>>()
  private drained: (() => void) | undefined

  add(socket: Duplex): void {
    this.inFlight.set(socket, new Set())
    socket.once('close', () => {
      this.inFlight.delete(socket)
      if (this.inFlight.size === 0) this.drained?.()
    })
  }

  begin(socket: Duplex, res: ServerResponse): void {
    this.inFlight.get(socket)?.add(res)
    if (this.closing) res.setHeader('connection', 'close')
  }

  end(socket: Duplex, res: ServerResponse): void {
    const open = this.inFlight.get(socket)
    if (open === undefined) return
    open.delete(res)
    if (this.closing && open.size === 0) socket.end()
  }

  close(graceMs: number): Promise<void> {
    this.closing = true
    for (const [socket, open] of this.inFlight) {
      if (open.size === 0) socket.destroy()
      for (const res of open) if (!res.headersSent) res.setHeader('connection', 'close')
    }
    if (this.inFlight.size === 0) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        for (const socket of this.inFlight.keys()) socket.destroy()
        resolve()
      }, graceMs)
      this.drained = () => {
        clearTimeout(timer)
        resolve()
      }
    })
  }
}
