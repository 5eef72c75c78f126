import { resolve } from 'node:path'
import { LOGIN_BACKOFF_DEFAULTS } from '../auth/login-backoff.ts'
import { type AccessControlOptions, openAccessControl, openAccessControlLazily } from '../auth/open-access-control.ts'
import { type CloseStats, msSince, type OpenStats } from '../engine/lifecycle-stats.ts'
import type { ImportObjectSource } from '../engine/import/object-source.ts'
import { Quiver } from '../engine/quiver.ts'
import { LocalFileStore } from '../storage/local-file-store.ts'
import { type GrpcServer, startGrpcServer } from './grpc/grpc-server.ts'
import { loadMilvusProto } from './grpc/milvus-proto.ts'
import { type Listener, type ListenerTls, openListener } from './listener.ts'
import { createRestServer, type RestServer } from './rest/rest-server.ts'
import type { RestAccess } from './rest/rest-route.ts'
import type { OpenOptions } from '../engine/open-options.ts'
import { engineLog, type Logger } from '../observability/logger.ts'
import type { QuiverMetrics } from '../observability/metrics.ts'
import { SLOW_REQUEST_MS_DEFAULT } from '../observability/request-observer.ts'
import { type Operations, type OpsServer, startOperations } from './ops-server.ts'
import type { ReplicaRouting } from './replica-routing.ts'

export interface ServeOptions {
  /** Data directory (created if missing). */
  readonly dataDir: string
  readonly host: string
  /** 0 picks a free port. */
  readonly port: number
  readonly quiverVersion: string
  readonly log?: (message: string) => void
  /** Require credentials and enforce privileges (users and roles in `<dataDir>/rbac.json`; docs/security.md). */
  readonly authorizationEnabled?: boolean
  /** Failed logins a client address may make before it has to wait (default 5; 0 = no backoff; docs/security.md). */
  readonly loginBackoffFailures?: number
  /** Port of `/healthz` and `/metrics` on `host` (Milvus: 9091; 0 = free port); omitted: not served. */
  readonly metricsPort?: number
  /** Structured logs (requests at debug, slow ones as warnings); also the engine's `log` when `log` is not given. */
  readonly logger?: Logger
  /** Requests slower than this are logged as warnings (default 5000). */
  readonly slowRequestMs?: number
  /** Engine tunables (from the configuration: segment size, flush rate, memory budget, compaction). */
  readonly engine?: Omit<OpenOptions, 'path' | 'log'>
  /** The object store bulk import reads object keys from (Milvus's `minio.*` bucket). */
  readonly importObjectSource?: ImportObjectSource
  /** Serve TLS on the one port (gRPC and REST alike) with this PEM certificate and key. */
  readonly tls?: ListenerTls
  /** Access control to use (gRPC and REST); takes precedence over `authorizationEnabled`. */
  readonly access?: RestAccess
  /** Cluster mode: a read replica's routing (reads here, the rest forwarded to the writer; `replica-routing.ts`). */
  readonly replica?: ReplicaRouting
  /** Cluster mode: this node's role (`writer`, `replica`), on metrics and `/healthz`. */
  readonly role?: string
}

export interface QuiverServer {
  readonly client: Quiver
  readonly grpc: GrpcServer
  /** Milvus's RESTful API v2, on the same port as gRPC. */
  readonly rest: RestServer
  /** The one port gRPC and REST share (the bound one when 0 was asked). */
  readonly port: number
  /** The data directory, absolute. */
  readonly dataDir: string
  /** Request counters and engine gauges (Prometheus). */
  readonly metrics: QuiverMetrics
  /** The `/healthz` + `/metrics` server, when `metricsPort` was given. */
  readonly ops?: OpsServer
  /**
   * Authentication, privileges and user management (`access` when given). With authorization off
   * (`access.enabled` false) nothing is enforced and rbac.json opens on the first RBAC call.
   */
  readonly access?: RestAccess
  /** Where the start went. */
  readonly startup: StartupStats
  /**
   * Stops the server promptly: stops accepting, cancels index builds and compactions at once (they
   * resume after the next start), gives in-flight calls up to the servers' grace (2 s) to finish, then
   * closes the database (writes in the WAL finish; the last checkpoint is bounded). Resolves with
   * where the time went.
   */
  close(): Promise<ShutdownStats>
}

/** Where `startQuiverServer` spent its time (ms). */
export interface StartupStats {
  /** `Quiver.open`: manifest, segments, indexes, WAL replay (`open` has the parts). */
  openMs: number
  open: OpenStats | undefined
  /** Metrics registry and the `/healthz` + `/metrics` listener. */
  opsMs: number
  /** The Milvus protocol descriptor turned into service definitions. */
  protoMs: number
  /** Listener bound, access control opened, gRPC service set up, REST created. */
  serversMs: number
  totalMs: number
}

/** Where `close` spent its time (ms from its start; the drain and the cancel run side by side). */
export interface ShutdownStats {
  /** In-flight gRPC and REST calls finished or cut (grace: 2 s). */
  drainMs: number
  /** Index builds and compactions cancelled (worker threads stopped). */
  cancelMs: number
  /** The database's close: in-flight writes, last checkpoint, WAL closed (`database` has the parts). */
  closeMs: number
  database: CloseStats | undefined
  totalMs: number
}

/** Opens the data directory and serves it over Milvus's gRPC protocol and REST API v2, both on one port. */
export async function startQuiverServer(opts: ServeOptions): Promise<QuiverServer> {
  const startMs = performance.now()
  const dataDir = resolve(opts.dataDir)
  if (opts.log === undefined && opts.logger !== undefined) opts = { ...opts, log: engineLog(opts.logger) }
  const client = await Quiver.open({
    ...opts.engine,
    path: dataDir,
    ...(opts.log === undefined ? {} : { log: opts.log }),
    ...(opts.importObjectSource === undefined ? {} : { importObjectSource: opts.importObjectSource }),
  })
  const openMs = msSince(startMs)
  let operations: Operations
  let access: RestAccess | undefined
  let boundPort = 0
  let accessMs = 0
  try {
    // Opened before the ops server: the web console there asks the same access control.
    // Authorization off: users and roles are still kept (Milvus does), but rbac.json is opened on the first RBAC call.
    access =
      opts.access ??
      (opts.authorizationEnabled === true
        ? await openAccessControl(await LocalFileStore.open(dataDir), accessOptions(opts))
        : openAccessControlLazily(() => LocalFileStore.open(dataDir)))
    accessMs = msSince(startMs) - openMs
    operations = await startOperations(client, { ...opts, ...(access === undefined ? {} : { access }), settings: () => consoleSettings(opts, boundPort, access) })
  } catch (e) {
    await client.close()
    throw e
  }
  const opsMs = msSince(startMs) - openMs - accessMs
  let protoMs = 0
  let grpc: GrpcServer
  let listener: Listener | undefined
  try {
    const protoStartMs = performance.now()
    loadMilvusProto()
    protoMs = msSince(protoStartMs)
    listener = await openListener({ host: opts.host, port: opts.port, ...(opts.tls === undefined ? {} : { tls: opts.tls }) })
    boundPort = listener.port
    grpc = await startGrpcServer({ client, host: opts.host, port: listener.port, dataDir, quiverVersion: opts.quiverVersion, ...(opts.log === undefined ? {} : { log: opts.log }), ...(access === undefined ? {} : { access }), ...(opts.replica === undefined ? {} : { replica: opts.replica }) })
  } catch (e) {
    await listener?.close()
    await operations.close()
    await client.close()
    throw e
  }
  const rest = createRestServer({ client, ...(access === undefined ? {} : { access }), ...(opts.log === undefined ? {} : { log: opts.log }), ...(opts.replica === undefined ? {} : { replica: opts.replica }) })
  const bound = listener
  bound.serve({ grpc: (socket) => grpc.injectConnection(socket), http: (socket) => rest.injectConnection(socket) })
  const totalMs = msSince(startMs)
  const startup: StartupStats = { openMs, open: client.database.openStats, opsMs, protoMs, serversMs: totalMs - openMs - opsMs - protoMs, totalMs }
  let closing: Promise<ShutdownStats> | undefined
  return {
    client,
    grpc,
    rest,
    port: bound.port,
    dataDir,
    metrics: operations.metrics,
    ...(operations.ops === undefined ? {} : { ops: operations.ops }),
    ...(access === undefined ? {} : { access }),
    startup,
    close: () => {
      closing ??= shutdown(bound, grpc, rest, client, operations)
      return closing
    },
  }
}

/**
 * Stops accepting, then side by side: in-flight calls get the servers' grace to finish, and index
 * builds and compactions are cancelled (not waited for: they resume after the next start). Then the
 * database closes (bounded: `Database.close`).
 */
async function shutdown(listener: Listener, grpc: GrpcServer, rest: RestServer, client: Quiver, operations: Operations): Promise<ShutdownStats> {
  const startMs = performance.now()
  await listener.close()
  const [drainMs, cancelMs] = await Promise.all([
    Promise.all([grpc.close(), rest.close()]).then(() => msSince(startMs)),
    client.database.stopBackgroundWork().then(() => msSince(startMs)),
  ])
  const closeStartMs = performance.now()
  try {
    await client.close()
  } finally {
    await operations.close()
  }
  return { drainMs, cancelMs, closeMs: msSince(closeStartMs), database: client.database.closeStats, totalMs: msSince(startMs) }
}

function accessOptions(opts: ServeOptions): AccessControlOptions {
  if (opts.loginBackoffFailures === undefined) return { enabled: true }
  return { enabled: true, loginBackoff: { ...LOGIN_BACKOFF_DEFAULTS, failuresFree: opts.loginBackoffFailures } }
}

/** What the console's configuration tab shows of the server (no secrets: no key, no password). */
function consoleSettings(opts: ServeOptions, port: number, access: RestAccess | undefined): Record<string, string | number | boolean> {
  return {
    quiverVersion: opts.quiverVersion,
    host: opts.host,
    port,
    metricsPort: opts.metricsPort ?? 0,
    tls: opts.tls !== undefined,
    authorizationEnabled: access?.enabled === true,
    slowRequestMs: opts.slowRequestMs ?? SLOW_REQUEST_MS_DEFAULT,
  }
}
