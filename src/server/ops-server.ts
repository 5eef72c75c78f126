import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { listenError } from './listen-error.ts'
import type { Quiver } from '../engine/quiver.ts'
import { memoryStats } from '../engine/memory-stats.ts'
import { engineStats, walDiskBytes } from '../engine/stats.ts'
import type { Logger } from '../observability/logger.ts'
import { createMetrics, type QuiverMetrics } from '../observability/metrics.ts'
import { observeRequestsOf } from '../observability/request-event.ts'
import { createRequestObserver, SLOW_REQUEST_MS_DEFAULT } from '../observability/request-observer.ts'
import { RequestSamples } from '../observability/request-samples.ts'
import type { RestAccess } from './rest/rest-route.ts'
import { createWebui, WEBUI_PREFIX, type Webui } from './webui/webui.ts'

/** What `/healthz` reports. */
export interface HealthReport {
  readonly healthy: boolean
  /** Why it is unhealthy (empty when healthy). */
  readonly reasons: readonly string[]
  /** Cluster mode: this node's role (`writer`, `replica`); absent standalone. */
  readonly role?: string
}

export interface OpsServerOptions {
  /** Same host as the main server. */
  readonly host: string
  /** Milvus's 9091; 0 picks a free port. */
  readonly port: number
  readonly metrics: QuiverMetrics
  readonly health: () => HealthReport
  /** Unexpected failures (a scrape that threw). */
  readonly log?: (message: string) => void
  /** The web console under `/webui` (docs/console.md); omitted: 404 there. */
  readonly webui?: Webui
}

export interface OpsServer {
  readonly host: string
  readonly port: number
  close(): Promise<void>
}

/**
 * The operations endpoint, as Milvus's 9091: `GET /healthz` answers `OK` (200) or the reasons
 * (500), or `{status, reasons}` JSON when the client accepts application/json; `GET /metrics`
 * answers the Prometheus text exposition. Anything else is 404 (405 for other methods).
 */
export async function startOpsServer(opts: OpsServerOptions): Promise<OpsServer> {
  const server = createServer((req, res) => {
    route(req, res, opts).catch((e: unknown) => {
      opts.log?.(`ops server: ${req.url} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n')
      else res.destroy()
    })
  })
  await listen(server, opts.host, opts.port).catch((e: unknown) => {
    throw listenError({ what: 'metrics', setting: '--metrics-port or metrics.port', host: opts.host, port: opts.port }, e)
  })
  const port = (server.address() as AddressInfo).port
  return { host: opts.host, port, close: () => close(server) }
}

async function route(req: IncomingMessage, res: ServerResponse, opts: OpsServerOptions): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/'
  if (opts.webui !== undefined && (path === WEBUI_PREFIX || path.startsWith(`${WEBUI_PREFIX}/`))) return opts.webui(req, res, path)
  if (path !== '/healthz' && path !== '/metrics') return send(res, 404, 'text/plain; charset=utf-8', 'not found\n')
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD')
    return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n')
  }
  if (path === '/metrics') return send(res, 200, opts.metrics.contentType, await opts.metrics.render())
  const report = opts.health()
  const status = report.healthy ? 200 : 500
  if ((req.headers.accept ?? '').includes('application/json')) {
    return send(res, status, 'application/json', JSON.stringify({ status: report.healthy ? 'healthy' : 'unhealthy', reasons: report.reasons, ...(report.role === undefined ? {} : { role: report.role }) }))
  }
  send(res, status, 'text/plain; charset=utf-8', report.healthy ? 'OK' : `${report.reasons.join('\n')}\n`)
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' })
  res.end(body)
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

/** Stops accepting, ends idle keep-alive connections, waits for in-flight responses. */
function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeIdleConnections()
  })
}

export interface OperationsOptions {
  readonly host: string
  /** Port of the ops server (0 = free port); undefined: metrics are kept but not served. */
  readonly metricsPort?: number
  readonly logger?: Logger
  readonly slowRequestMs?: number
  readonly log?: (message: string) => void
  /** The API's access control, asked by the web console too. */
  readonly access?: RestAccess
  /** Server settings the console's configuration tab shows (no secrets). */
  readonly settings?: () => Readonly<Record<string, string | number | boolean>>
  /** Cluster mode: the node's role, a label on every metric and a field of `/healthz`'s JSON. */
  readonly role?: string
}

export interface Operations {
  readonly metrics: QuiverMetrics
  /** Per-second request samples and slow requests (the console's charts). */
  readonly samples: RequestSamples
  readonly ops?: OpsServer
  /** Stops the ops server and detaches the request observer. */
  close(): Promise<void>
}

/**
 * Everything operators see of one served database: its metrics (engine gauges read at scrape
 * time), the request observer every transport of `client` reports to (counting and logging), and
 * the ops server when a metrics port is given.
 */
export async function startOperations(client: Quiver, opts: OperationsOptions): Promise<Operations> {
  const db = client.database
  const served = opts.metricsPort !== undefined
  const metrics = createMetrics({ source: { stats: () => engineStats(db), walBytes: () => walDiskBytes(db), memory: () => memoryStats(db) }, processMetrics: served })
  if (opts.role !== undefined) metrics.registry.setDefaultLabels({ role: opts.role })
  const samples = new RequestSamples({ slowRequestMs: opts.slowRequestMs ?? SLOW_REQUEST_MS_DEFAULT })
  const observer = createRequestObserver({ metrics, samples, ...(opts.logger === undefined ? {} : { logger: opts.logger }), ...(opts.slowRequestMs === undefined ? {} : { slowRequestMs: opts.slowRequestMs }) })
  const detach = observeRequestsOf(client, observer)
  let ops: OpsServer | undefined
  try {
    if (served) {
      const log = opts.log === undefined ? {} : { log: opts.log }
      const webui = createWebui({ client, samples, ...log, ...(opts.access === undefined ? {} : { access: opts.access }), ...(opts.settings === undefined ? {} : { settings: opts.settings }) })
      ops = await startOpsServer({ host: opts.host, port: opts.metricsPort, metrics, health: () => ({ ...healthOf(client), ...(opts.role === undefined ? {} : { role: opts.role }) }), webui, ...log })
    }
  } catch (e) {
    detach()
    throw e
  }
  return {
    metrics,
    samples,
    ...(ops === undefined ? {} : { ops }),
    close: async () => {
      detach()
      await ops?.close()
    },
  }
}

/** Healthy while the database is open. */
export function healthOf(client: Quiver): HealthReport {
  try {
    client.database.assertOpen()
    return { healthy: true, reasons: [] }
  } catch (e) {
    return { healthy: false, reasons: [e instanceof Error ? e.message : String(e)] }
  }
}
