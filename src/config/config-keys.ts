/** What a configuration value must be; checked once per source (file, environment, flag). */
export type ConfigKind =
  | { readonly type: 'port' }
  | { readonly type: 'number'; readonly min: number; readonly max?: number; readonly minExclusive?: boolean }
  | { readonly type: 'boolean' }
  | { readonly type: 'string'; readonly nonEmpty: boolean }
  | { readonly type: 'enum'; readonly values: readonly (string | number)[] }

export type ConfigValue = string | number | boolean

/** One supported key, spelled as in milvus.yaml (dotted path). */
export interface ConfigKeySpec {
  readonly key: string
  readonly kind: ConfigKind
  readonly default: ConfigValue
  /** The `quiver serve` flag that sets it, if any. */
  readonly flag?: string
  /** True when milvus.yaml has this key (false: a Quiver key). */
  readonly milvus: boolean
  readonly doc: string
}

const port: ConfigKind = { type: 'port' }
const bool: ConfigKind = { type: 'boolean' }
const fraction: ConfigKind = { type: 'number', min: 0, max: 1, minExclusive: true }

/**
 * Every key `quiver serve` reads, in documentation order. A YAML file may hold any other
 * milvus.yaml keys: they are reported as unknown (a warning) and ignored.
 */
export const configKeys: readonly ConfigKeySpec[] = [
  { key: 'proxy.ip', kind: { type: 'string', nonEmpty: true }, default: '127.0.0.1', flag: '--host', milvus: true, doc: 'address the gRPC server and the ops server listen on' },
  { key: 'proxy.port', kind: port, default: 19530, flag: '--port', milvus: true, doc: 'Milvus gRPC port (0 = any free port)' },
  { key: 'metrics.port', kind: port, default: 9091, flag: '--metrics-port', milvus: false, doc: 'HTTP port of /healthz and /metrics (0 = any free port; Milvus reads it from env METRICS_PORT)' },
  { key: 'localStorage.path', kind: { type: 'string', nonEmpty: true }, default: './quiver-data', flag: '--data', milvus: true, doc: 'data directory (created if missing)' },
  { key: 'common.security.authorizationEnabled', kind: bool, default: false, milvus: true, doc: 'require user/password on every request (users and roles as Milvus RBAC)' },
  { key: 'common.security.loginBackoffFailures', kind: { type: 'number', min: 0 }, default: 5, milvus: false, doc: 'failed logins one client address may make before its logins that need a password check wait (1 s, doubling up to 60 s); 0 = no backoff' },
  { key: 'common.security.tlsMode', kind: { type: 'enum', values: [0, 1] }, default: 0, milvus: true, doc: '0 = plain, 1 = one-way TLS with tls.serverPemPath/serverKeyPath (2 = mutual TLS is not supported)' },
  { key: 'tls.serverPemPath', kind: { type: 'string', nonEmpty: false }, default: '', milvus: true, doc: 'server certificate (PEM) when tlsMode is 1' },
  { key: 'tls.serverKeyPath', kind: { type: 'string', nonEmpty: false }, default: '', milvus: true, doc: 'server private key (PEM) when tlsMode is 1' },
  { key: 'dataCoord.segment.maxSize', kind: { type: 'number', min: 0, minExclusive: true }, default: 64, milvus: true, doc: 'segment size in MB; a growing segment seals at maxSize × sealProportion of row data' },
  { key: 'dataCoord.segment.sealProportion', kind: fraction, default: 1, milvus: true, doc: 'fraction of maxSize at which a growing segment seals' },
  { key: 'dataCoord.compaction.enableAutoCompaction', kind: bool, default: true, milvus: true, doc: 'merge small segments and purge deleted rows in the background' },
  { key: 'quotaAndLimits.flushRate.enabled', kind: bool, default: false, milvus: true, doc: 'limit flushes per collection to flushRate.collection.max per second' },
  { key: 'quotaAndLimits.flushRate.collection.max', kind: { type: 'number', min: -1 }, default: -1, milvus: true, doc: 'flushes per second per collection when enabled (-1 = no limit); more answer code 8' },
  { key: 'quotaAndLimits.limitWriting.memProtection.enabled', kind: bool, default: true, milvus: true, doc: 'refuse writes (code 9) once the engine data passes the memory high water level' },
  { key: 'quotaAndLimits.limitWriting.memProtection.dataNodeMemoryHighWaterLevel', kind: fraction, default: 0.8, milvus: true, doc: 'memory budget of the engine data as a fraction of RAM' },
  { key: 'proxy.slowQuerySpanInSeconds', kind: { type: 'number', min: 0 }, default: 5, milvus: true, doc: 'requests slower than this are logged as warnings' },
  { key: 'log.level', kind: { type: 'enum', values: ['debug', 'info', 'warn', 'error', 'panic', 'fatal'] }, default: 'info', flag: '--log-level', milvus: true, doc: 'log level (panic is fatal); debug logs every request' },
  { key: 'log.format', kind: { type: 'enum', values: ['auto', 'text', 'json'] }, default: 'auto', milvus: true, doc: 'json lines, or text (pretty); auto = text on a terminal, json otherwise' },
]

const byKey = new Map(configKeys.map((s) => [s.key, s]))

export function configKeySpec(key: string): ConfigKeySpec | undefined {
  return byKey.get(key)
}

/** The environment variable of a key: `QUIVER_` + the key upper-cased with dots as underscores (Milvus's rule, prefixed). */
export function envVarOf(key: string): string {
  return `QUIVER_${key.toUpperCase().replaceAll('.', '_')}`
}
