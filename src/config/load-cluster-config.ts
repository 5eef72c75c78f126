import { errors } from '../errors/errors.ts'
import type { EtcdOptions } from '../storage/etcd/etcd-connection.ts'
import type { S3FileStoreOptions } from '../storage/s3/s3-file-store.ts'
import { clusterConfigKeys } from './cluster-config-keys.ts'
import { type ConfigValue, envVarOf } from './config-keys.ts'
import { readYamlFile } from './load-config.ts'
import { parseConfigValue } from './parse-config-value.ts'

/** Where cluster mode keeps everything, from Milvus's keys (docs/cluster.md). */
export interface ClusterConfig {
  readonly etcd: EtcdOptions
  /** The lease TTL of a shard's owner (`common.session.ttl`, whole seconds). */
  readonly ownerLeaseTtlMs: number
  readonly s3: S3FileStoreOptions
  readonly log: {
    readonly type: 'natsmq'
    /** NATS server URL(s), comma-separated. */
    readonly url: string
    readonly replicas: number
    /** JetStream stream of pchannel n: `<streamPrefix>_<n>`; subject `<subjectPrefix>.<n>`. */
    readonly streamPrefix: string
    readonly subjectPrefix: string
  }
  /** Garbage collection of unreferenced objects (`dataCoord.enableGarbageCollection`, `dataCoord.gc.*`). */
  readonly gc: {
    readonly enabled: boolean
    readonly intervalMs: number
    readonly missingToleranceMs: number
    readonly dropToleranceMs: number
  }
}

export interface ClusterConfigSources {
  /** A milvus.yaml-shaped file. */
  readonly file?: string
  /** `QUIVER_ETCD_ENDPOINTS`, `QUIVER_MINIO_ADDRESS`, … (only names of cluster keys are read). */
  readonly env?: Readonly<Record<string, string | undefined>>
}

const byKey = new Map(clusterConfigKeys.map((s) => [s.key, s]))

/**
 * Reads the cluster keys: defaults < file < environment. Each value is checked where it comes in
 * (1100 naming key, value and source); rules over whole values (endpoint lists, bucket names, the log
 * engine) are checked once after. Other keys of the file are left to `loadConfig`.
 */
export async function loadClusterConfig(sources: ClusterConfigSources = {}): Promise<{ config: ClusterConfig; origins: ReadonlyMap<string, string> }> {
  const values = new Map<string, ConfigValue>(clusterConfigKeys.map((s) => [s.key, s.default]))
  const origins = new Map<string, string>(clusterConfigKeys.map((s) => [s.key, 'default']))
  const set = (key: string, raw: unknown, source: string) => {
    values.set(key, parseConfigValue(byKey.get(key)!, raw, source))
    origins.set(key, source)
  }
  if (sources.file !== undefined) {
    const doc = await readYamlFile(sources.file)
    for (const spec of clusterConfigKeys) {
      const raw = leaf(doc, spec.key)
      // milvus.yaml lists may name several endpoints; they are read as one comma-separated value.
      if (raw !== undefined && raw !== null) set(spec.key, Array.isArray(raw) && raw.every((e) => typeof e === 'string') ? raw.join(',') : raw, sources.file)
    }
  }
  for (const spec of clusterConfigKeys) {
    const name = envVarOf(spec.key)
    const raw = sources.env?.[name]
    if (raw !== undefined && raw !== '') set(spec.key, raw, `env ${name}`)
  }
  return { config: toClusterConfig(values, origins), origins }
}

function toClusterConfig(values: ReadonlyMap<string, ConfigValue>, origins: ReadonlyMap<string, string>): ClusterConfig {
  const str = (key: string) => String(values.get(key))
  const num = (key: string) => Number(values.get(key))
  const bad = (key: string, value: string, expected: string) =>
    errors.invalid(`invalid configuration value: expected ${expected}`, { key, value: JSON.stringify(value), source: origins.get(key) ?? 'default' })

  const endpoints = splitList(str('etcd.endpoints'))
  if (endpoints.length === 0) throw bad('etcd.endpoints', str('etcd.endpoints'), 'host:port entries separated by commas')
  for (const e of endpoints) if (!isHostPort(e.replace(/^https?:\/\//, ''))) throw bad('etcd.endpoints', e, 'host:port entries separated by commas')

  const mq = str('mq.type')
  if (mq !== 'default' && mq !== 'natsmq') {
    throw errors.invalid(`mq.type ${mq} is not supported by Quiver's cluster mode: set mq.type: natsmq (NATS JetStream) and natsmq.address`, { key: 'mq.type', source: origins.get('mq.type') ?? 'default' })
  }
  const natsUrls = splitList(str('natsmq.address'))
  for (const u of natsUrls) if (!/^(nats|tls):\/\//.test(u) || !isHostPort(u.replace(/^(nats|tls):\/\//, ''))) throw bad('natsmq.address', u, 'nats://host:port URLs separated by commas')

  const bucket = str('minio.bucketName')
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw bad('minio.bucketName', bucket, 'an S3 bucket name: 3-63 characters of a-z, 0-9, dot and dash, starting and ending with a letter or digit')
  const address = str('minio.address')
  const hostPort = isHostPort(address) ? address : `${address}:${num('minio.port')}`
  if (!isHostPort(hostPort)) throw bad('minio.address', address, 'a host name or host:port')

  const root = str('etcd.rootPath')
  const streamRoot = root.replace(/[^A-Za-z0-9_-]/g, '_')
  return {
    etcd: { endpoints, rootPath: root, requestTimeoutMs: num('etcd.requestTimeoutMs') },
    ownerLeaseTtlMs: Math.ceil(num('common.session.ttl')) * 1000,
    s3: {
      endpoint: `${values.get('minio.useSSL') === true ? 'https' : 'http'}://${hostPort}`,
      bucket,
      rootPath: str('minio.rootPath'),
      accessKeyId: str('minio.accessKeyID'),
      secretAccessKey: str('minio.secretAccessKey'),
      ...(str('minio.region') === '' ? {} : { region: str('minio.region') }),
      virtualHost: values.get('minio.useVirtualHost') === true,
      requestTimeoutMs: num('minio.requestTimeoutMs'),
    },
    log: { type: 'natsmq', url: natsUrls.join(','), replicas: num('natsmq.replicas'), streamPrefix: `QUIVER_${streamRoot}`, subjectPrefix: `quiver.${streamRoot}.dml` },
    gc: {
      enabled: values.get('dataCoord.enableGarbageCollection') === true,
      intervalMs: num('dataCoord.gc.interval') * 1000,
      missingToleranceMs: num('dataCoord.gc.missingTolerance') * 1000,
      dropToleranceMs: num('dataCoord.gc.dropTolerance') * 1000,
    },
  }
}

/** The value at a dotted key of a YAML document, or undefined. */
function leaf(doc: unknown, key: string): unknown {
  let node = doc
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined
    node = (node as Record<string, unknown>)[part]
  }
  return node
}

function splitList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '')
}

function isHostPort(text: string): boolean {
  const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(text)
  return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 65535
}
