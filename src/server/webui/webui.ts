import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Principal } from '../../auth/access-control.ts'
import { collectionConsoleStats, engineSettings, indexBuildCounters } from '../../engine/console-stats.ts'
import type { Quiver } from '../../engine/quiver.ts'
import { engineStats, walDiskBytes } from '../../engine/stats.ts'
import { ErrorCode, MilvusError } from '../../errors/errors.ts'
import type { RequestSamples } from '../../observability/request-samples.ts'
import { Admission } from '../admission.ts'
import { credentialsOf } from '../rest/rest-request.ts'
import type { RestAccess } from '../rest/rest-route.ts'
import { findRoute } from '../rest/rest-routes.ts'
import { serveRoute } from '../rest/rest-server.ts'
import { sendAsset } from './webui-assets.ts'

/** Every console path starts with this (Milvus 2.5 serves its WebUI at `/webui` on the metrics port). */
export const WEBUI_PREFIX = '/webui'
const API_PREFIX = '/webui/api'

/**
 * The REST RPCs the console may call: reads only. The console never changes anything, so a page of
 * another origin that gets a browser to post here (no credentials needed with authorization off)
 * can change nothing either; writes go to the API port.
 */
export const WEBUI_REST_RPCS: ReadonlySet<string> = new Set([
  'ListDatabases', 'DescribeDatabase', 'ShowCollections', 'HasCollection', 'DescribeCollection', 'GetLoadState', 'GetCollectionStatistics',
  'ShowPartitions', 'HasPartition', 'GetPartitionStatistics', 'DescribeIndex', 'DescribeAlias', 'ListAliases', 'GetCompactionState', 'GetImportState', 'ListImportTasks',
  'Query', 'Search', 'HybridSearch', 'ListCredUsers', 'SelectUser', 'SelectRole', 'SelectGrant',
])

export interface WebuiOptions {
  readonly client: Quiver
  /** The API's access control: the console asks the same credentials and checks the same privileges. */
  readonly access?: RestAccess
  readonly samples: RequestSamples
  /** Server settings shown on the configuration tab (ports, auth, log level…): no secrets. */
  readonly settings?: () => Readonly<Record<string, string | number | boolean>>
  readonly log?: (message: string) => void
}

/** Serves one request under `/webui`: the static page, or its JSON API. */
export type Webui = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>

/**
 * The web console: static assets (no user data in them: the page renders everything it fetches,
 * escaped) and JSON endpoints under `/webui/api/` that translate to the engine. Every API request
 * authenticates like REST (`Authorization: Bearer user:password`; 401 without) and is authorised per
 * the RPC it stands for; `POST /webui/api/v2/vectordb/<category>/<action>` is the REST API itself.
 */
export function createWebui(opts: WebuiOptions): Webui {
  const log = opts.log ?? ((m: string) => console.error(`[quiver] ${m}`))
  const admission = new Admission()
  return async (req, res, path) => {
    if (!path.startsWith(`${API_PREFIX}/`)) return sendAsset(req, res, path)
    let principal: Principal
    try {
      principal = await authenticate(opts.access, req)
    } catch (e) {
      req.resume()
      if (!(e instanceof MilvusError)) throw e
      return sendJson(res, 401, { code: ErrorCode.NeedAuthenticate, message: e.message }, { 'WWW-Authenticate': 'Bearer realm="quiver"' })
    }
    const endpoint = path.slice(API_PREFIX.length)
    if (endpoint.startsWith('/v2/vectordb/')) {
      const route = req.method === 'POST' ? findRoute(endpoint) : undefined
      if (route === undefined || !WEBUI_REST_RPCS.has(route.rpc)) return void req.resume(), sendJson(res, 404, { code: 404, message: `no console endpoint ${endpoint} (the console only reads; write through the API port)` })
      // JSON only: a cross-origin form or text/plain post is refused before anything runs (a JSON post needs CORS, which is not offered).
      if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) return void req.resume(), sendJson(res, 415, { code: 415, message: 'Content-Type must be application/json' })
      res.setHeader('Cache-Control', 'no-store')
      return serveRoute(route, req, res, { client: opts.client, ...(opts.access === undefined ? {} : { access: opts.access }), log }, admission, log)
    }
    req.resume()
    if (req.method !== 'GET') return sendJson(res, 405, { code: 405, message: 'method not allowed' }, { Allow: 'GET' })
    const query = new URL(req.url ?? '/', 'http://x').searchParams
    try {
      const value = await answer(endpoint, query, principal, opts)
      if (value === undefined) return sendJson(res, 404, { code: 404, message: `no console endpoint ${endpoint}` })
      return sendJson(res, 200, value)
    } catch (e) {
      if (!(e instanceof MilvusError)) throw e
      const status = e.code === ErrorCode.PermissionDenied ? 403 : e.code === ErrorCode.CollectionNotFound ? 404 : 400
      return sendJson(res, status, { code: e.code, message: e.message })
    }
  }
}

/** The console's own read endpoints (GET); undefined for an unknown one. */
async function answer(endpoint: string, query: URLSearchParams, principal: Principal, opts: WebuiOptions): Promise<unknown> {
  const db = opts.client.database
  switch (endpoint) {
    case '/session':
      return { user: principal.user, authorizationEnabled: opts.access?.enabled === true }
    case '/overview': {
      const stats = engineStats(db)
      const collections = []
      for (const c of stats.collections) if (await allowed(opts.access, principal, 'GetCollectionStatistics', c.database, c.name)) collections.push(c)
      return { open: stats.open, collections, indexBuilds: indexBuildCounters(db), walBytes: await walDiskBytes(db) }
    }
    case '/collection': {
      const dbName = query.get('db') ?? 'default'
      const name = query.get('name') ?? ''
      if (opts.access?.enabled === true) await opts.access.authorize(principal, 'GetCollectionStatistics', { dbName, collectionName: name })
      const view = collectionConsoleStats(db, dbName, name)
      if (view === undefined) throw new MilvusError(ErrorCode.CollectionNotFound, undefined, { database: dbName, collection: name })
      return view
    }
    case '/requests':
      return { secondsMax: opts.samples.secondsMax, slowRequestMs: opts.samples.slowRequestMs, samples: opts.samples.samples(), slowRequests: opts.samples.slowRequests() }
    case '/config':
      return { server: opts.settings?.() ?? {}, engine: engineSettings(db) }
    default:
      return undefined
  }
}

async function allowed(access: RestAccess | undefined, principal: Principal, rpc: string, dbName: string, collectionName: string): Promise<boolean> {
  if (access?.enabled !== true) return true
  try {
    await access.authorize(principal, rpc, { dbName, collectionName })
    return true
  } catch (e) {
    if (e instanceof MilvusError && e.code === ErrorCode.PermissionDenied) return false
    throw e
  }
}

/** As REST: with authorization off nobody is asked; otherwise `Bearer user:password`. */
async function authenticate(access: RestAccess | undefined, req: IncomingMessage): Promise<Principal> {
  if (access === undefined || !access.enabled) return { user: 'root' }
  return access.authenticate(credentialsOf(req), req.socket.remoteAddress)
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value)
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...headers })
  res.end(body)
}
