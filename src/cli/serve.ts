import { readFile } from 'node:fs/promises'
import { DEFAULT_ROOT_PASSWORD_WARNING, rootPasswordIsDefault } from '../auth/default-root-password.ts'
import { loadClusterConfig } from '../config/load-cluster-config.ts'
import { loadConfig } from '../config/load-config.ts'
import { errors } from '../errors/errors.ts'
import type { ImportObjectSource } from '../engine/import/object-source.ts'
import type { QuiverConfig } from '../config/quiver-config.ts'
import { S3FileStore } from '../storage/s3/s3-file-store.ts'
import { createLogger, type Logger } from '../observability/logger.ts'
import { type QuiverServer, type ServeOptions, type ShutdownStats, startQuiverServer } from '../server/quiver-server.ts'
import { ClusterStores, defaultNodeId } from './cluster-node.ts'
import { serveCluster } from './cluster-serve.ts'

/** `quiver serve` flags as commander gives them (strings; undefined when not given). */
export interface ServeCommandOptions {
  readonly config?: string
  readonly port?: string
  readonly host?: string
  readonly data?: string
  readonly metricsPort?: string
  readonly logLevel?: string
  /**
   * `standalone` (default; env QUIVER_ROLE); cluster mode (etcd + S3 + NATS JetStream, docs/cluster.md):
   * `all` (the writer, or a read replica waiting to take over) or `query` (a read replica only).
   */
  readonly role?: string
}

/** The roles `--role` accepts today (docs/cluster.md: separate writer and proxy roles are planned). */
const ROLES = ['standalone', 'all', 'query'] as const

/** Signals that stop the server cleanly. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const
/**
 * A stop that has not finished by then exits anyway (code 1), like a crash: every acknowledged write
 * is in the WAL. The designed stop takes ≤ ~5 s (2 s of grace for calls, 2 s for the last checkpoint).
 */
export const STOP_MS_MAX = 10_000

/**
 * `quiver serve`: reads the configuration (defaults < `--config` YAML < QUIVER_* environment <
 * flags), opens the data directory, serves Milvus's gRPC protocol and the ops endpoint, prints
 * where, and on SIGINT/SIGTERM stops accepting calls, lets in-flight ones finish and closes the database.
 */
export async function serveCommand(opts: ServeCommandOptions, quiverVersion: string): Promise<void> {
  // performance.now() counts from the process start: here, node has started and loaded every module.
  const processMs = Math.round(performance.now())
  const role = roleOf(opts)
  const { config, warnings } = await loadConfig({
    ...(opts.config === undefined ? {} : { file: opts.config }),
    clusterKeysUsed: role !== 'standalone',
    env: process.env,
    flags: { 'proxy.port': opts.port, 'proxy.ip': opts.host, 'localStorage.path': opts.data, 'metrics.port': opts.metricsPort, 'log.level': opts.logLevel },
  })
  const logger = createLogger({ level: config.log.level, format: config.log.format })
  for (const w of warnings) logger.warn(w)
  const configMs = Math.round(performance.now()) - processMs
  const options = await serveOptions(config, quiverVersion, logger)
  const importObjectSource = await importObjectSourceOf(opts.config)
  const announce = (server: QuiverServer) => {
    process.stdout.write(`Quiver ${quiverVersion} serving Milvus gRPC and REST v2 on ${server.grpc.host}:${server.port}${config.tls === undefined ? '' : ' (TLS)'}\n`)
    if (server.ops !== undefined) process.stdout.write(`health and metrics on http://${server.ops.host}:${server.ops.port}/healthz /metrics\n`)
    if (server.ops !== undefined) process.stdout.write(`web console on http://${server.ops.host}:${server.ops.port}/webui/\n`)
    process.stdout.write(`data directory: ${server.dataDir}\n`)
    if (importObjectSource !== undefined) process.stdout.write(`bulk import reads object keys from ${importObjectSource.describe}\n`)
    // Where the start went (ms since the process started): node + modules, configuration, the server's parts.
    const startup = { processMs, configMs, ...server.startup, sinceProcessStartMs: Math.round(performance.now()) }
    logger.info({ grpc: `${server.grpc.host}:${server.grpc.port}`, ops: server.ops?.port, dataDir: server.dataDir, authorizationEnabled: config.authorizationEnabled, startup }, 'serving')
  }
  const serveWith = { ...options, ...(importObjectSource === undefined ? {} : { importObjectSource }) }
  if (role !== 'standalone') {
    const { config: clusterConfig } = await loadClusterConfig({ ...(opts.config === undefined ? {} : { file: opts.config }), env: process.env })
    const stores = await ClusterStores.open(clusterConfig, defaultNodeId())
    const node = await serveCluster(role, stores, serveWith, logger, announce).catch(async (e: unknown) => {
      await stores.close()
      throw e
    })
    stopOnSignals(() => node.close(), logger)
    return
  }
  const server = await startQuiverServer(serveWith)
  announce(server)
  stopOnSignals(() => server.close(), logger)
  // Only with authorization on: with it off the users document is not even open yet (it opens on the first RBAC call).
  if (server.access?.enabled === true && (await rootPasswordIsDefault(server.access))) logger.warn(DEFAULT_ROOT_PASSWORD_WARNING)
}

/**
 * Milvus reads bulk-import files from its object store: when `minio.address` is configured (the
 * `--config` file or QUIVER_MINIO_ADDRESS), relative import paths are object keys in
 * `minio.bucketName`, from the bucket's root as Milvus reads them (what the SDKs' BulkWriter uploads).
 */
async function importObjectSourceOf(configFile: string | undefined): Promise<ImportObjectSource | undefined> {
  const { config, origins } = await loadClusterConfig({ ...(configFile === undefined ? {} : { file: configFile }), env: process.env })
  if (origins.get('minio.address') === 'default') return undefined
  return { store: new S3FileStore({ ...config.s3, rootPath: '' }), describe: `s3://${config.s3.bucket} at ${config.s3.endpoint}` }
}

/** The server options a configuration asks for (reads the TLS certificate and key when tlsMode is 1). */
export async function serveOptions(config: QuiverConfig, quiverVersion: string, logger: Logger): Promise<ServeOptions> {
  return {
    dataDir: config.dataDir,
    host: config.host,
    port: config.port,
    metricsPort: config.metricsPort,
    quiverVersion,
    logger,
    slowRequestMs: config.log.slowRequestMs,
    engine: config.engine,
    authorizationEnabled: config.authorizationEnabled,
    loginBackoffFailures: config.loginBackoffFailures,
    ...(config.tls === undefined
      ? {}
      : { tls: { cert: await readPem(config.tls.certPath, 'tls.serverPemPath'), key: await readPem(config.tls.keyPath, 'tls.serverKeyPath') } }),
  }
}

async function readPem(path: string, key: string): Promise<Buffer> {
  try {
    return await readFile(path)
  } catch (e) {
    throw errors.invalid(`cannot read ${key}: ${(e as Error).message}`, { key, value: path })
  }
}

/**
 * SIGINT/SIGTERM: stop promptly (`QuiverServer.close`) and exit 0; the stop is logged with where its
 * time went. A second signal, or a stop still running after `STOP_MS_MAX`, exits at once with code 1.
 */
function stopOnSignals(stopServer: () => Promise<ShutdownStats | undefined>, logger: Logger): void {
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting without waiting for the stop (every acknowledged write is in the WAL)`)
      process.exit(1)
    }
    stopping = true
    logger.info(`${signal}: stopping (in-flight requests get 2 s, index builds and compactions are cancelled and resume after restart, then the database closes)`)
    const watchdog = setTimeout(() => {
      logger.error(`the stop did not finish within ${STOP_MS_MAX} ms: exiting (every acknowledged write is in the WAL; the next start replays it)`)
      process.exit(1)
    }, STOP_MS_MAX)
    stopServer().then(
      (shutdown) => {
        clearTimeout(watchdog)
        logger.info({ shutdown }, 'stopped cleanly')
        process.exit(0)
      },
      (e: unknown) => {
        clearTimeout(watchdog)
        logger.error({ err: e }, 'stop failed')
        process.exit(1)
      },
    )
  }
  for (const s of STOP_SIGNALS) process.on(s, () => stop(s))
}

/** `--role`, else env QUIVER_ROLE, else standalone; a role not built yet is refused with 1100. */
function roleOf(opts: ServeCommandOptions): (typeof ROLES)[number] {
  const role = opts.role ?? process.env.QUIVER_ROLE ?? 'standalone'
  const known = ROLES.find((r) => r === role)
  if (known === undefined) {
    throw errors.invalid(`--role ${role} is not supported: standalone, all or query (cluster mode; separate writer and proxy roles are not built yet)`, { key: 'role', value: role })
  }
  return known
}
