import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net'
import { createServer as createTlsServer, type TLSSocket } from 'node:tls'
import type { Duplex } from 'node:stream'
import { listenError } from './listen-error.ts'

/** The HTTP/2 client connection preface: a connection that opens with it speaks gRPC. */
const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1')
/** A connection that sends nothing decisive within this many bytes is HTTP/1.1 (the preface is shorter). */
const SNIFF_BYTES_MAX = HTTP2_PREFACE.length
/** A connection that sends too little to be routed within this time is closed. */
export const SNIFF_TIMEOUT_MS = 30_000

export interface ListenerTls {
  readonly cert: string | Buffer
  readonly key: string | Buffer
}

/** Where a sniffed connection goes. Both take ownership of the socket. */
export interface ConnectionRoutes {
  /** HTTP/2 (gRPC). */
  readonly grpc: (socket: Duplex) => void
  /** HTTP/1.x (REST). */
  readonly http: (socket: Duplex) => void
}

export interface ListenerOptions {
  readonly host: string
  /** 0 picks a free port. */
  readonly port: number
  /** Terminate TLS here (ALPN `h2`, `http/1.1`); the routes then see decrypted sockets. */
  readonly tls?: ListenerTls
}

export interface Listener {
  readonly host: string
  readonly port: number
  readonly tls: boolean
  /** Starts handing connections to the routes (connections accepted before wait for this). */
  serve(routes: ConnectionRoutes): void
  /** Stops accepting and destroys connections not yet routed. Routed connections belong to their servers (close those). */
  close(): Promise<void>
}

type Route = keyof ConnectionRoutes

/**
 * One TCP port for both protocols, as Milvus serves gRPC and REST on 19530: each connection is
 * routed by its first bytes (the HTTP/2 preface means gRPC) or, under TLS, by the negotiated ALPN.
 */
export async function openListener(opts: ListenerOptions): Promise<Listener> {
  let routes: ConnectionRoutes | undefined
  const waiting: [Route, Duplex][] = []
  const sniffing = new Set<Socket | TLSSocket>()
  const dispatch = (route: Route, socket: Duplex) => {
    if (routes === undefined) waiting.push([route, socket])
    else routes[route](socket)
  }
  const accept = (socket: Socket | TLSSocket) => {
    // Kept after routing too: an error before the owner listens must not crash the process.
    socket.on('error', () => socket.destroy())
    const alpn = (socket as TLSSocket).alpnProtocol
    if (alpn === 'h2') return dispatch('grpc', socket)
    if (alpn === 'http/1.1') return dispatch('http', socket)
    sniffing.add(socket)
    socket.once('close', () => sniffing.delete(socket))
    sniff(socket, (route) => {
      sniffing.delete(socket)
      dispatch(route, socket)
    })
  }
  const server = opts.tls === undefined ? createNetServer(accept) : createTlsServer({ cert: opts.tls.cert, key: opts.tls.key, ALPNProtocols: ['h2', 'http/1.1'] }, accept)
  server.on('tlsClientError', () => {})
  const port = await listen(server, opts.host, opts.port).catch((e: unknown) => {
    throw listenError({ what: 'gRPC and REST', setting: '--port or proxy.port', host: opts.host, port: opts.port }, e)
  })
  return {
    host: opts.host,
    port,
    tls: opts.tls !== undefined,
    serve: (r) => {
      routes = r
      for (const [route, socket] of waiting.splice(0)) r[route](socket)
    },
    close: async () => {
      // Stops accepting at once; routed connections stay open until their servers close them.
      server.close()
      for (const s of sniffing) s.destroy()
      for (const [, s] of waiting.splice(0)) s.destroy()
    },
  }
}

function listen(server: NetServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      const addr = server.address()
      resolve(typeof addr === 'object' && addr !== null ? addr.port : port)
    })
  })
}

/**
 * Reads until the first bytes decide the protocol, then puts them back (`unshift`) so the chosen
 * server reads the connection from its start (the socket is handed over paused). A connection
 * that does not decide within SNIFF_TIMEOUT_MS is closed.
 */
export function sniff(socket: Socket | TLSSocket, decide: (route: Route) => void): void {
  let head = Buffer.alloc(0)
  const onData = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk])
    const route = routeOf(head)
    if (route === undefined) return
    socket.off('data', onData)
    socket.off('timeout', onTimeout)
    socket.setTimeout(0)
    socket.pause()
    socket.unshift(head)
    decide(route)
  }
  const onTimeout = () => socket.destroy()
  socket.setTimeout(SNIFF_TIMEOUT_MS, onTimeout)
  socket.on('data', onData)
}

/** `grpc` once the bytes are the HTTP/2 preface, `http` once they cannot be, undefined while undecided. */
export function routeOf(head: Buffer): Route | undefined {
  const n = Math.min(head.length, SNIFF_BYTES_MAX)
  if (head.subarray(0, n).equals(HTTP2_PREFACE.subarray(0, n)) === false) return 'http'
  return n === SNIFF_BYTES_MAX ? 'grpc' : undefined
}
