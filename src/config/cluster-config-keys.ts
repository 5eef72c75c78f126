import type { ConfigKeySpec } from './config-keys.ts'

/**
 * The keys of cluster mode (docs/cluster.md), spelled as in milvus.yaml where Milvus has them, so an
 * operator's `etcd:`, `minio:` and `mq:` sections map over. Read by `loadClusterConfig`; the
 * environment names follow `envVarOf` (`QUIVER_ETCD_ENDPOINTS`, …).
 */
export const clusterConfigKeys: readonly ConfigKeySpec[] = [
  { key: 'etcd.endpoints', kind: { type: 'string', nonEmpty: true }, default: 'localhost:2379', milvus: true, doc: 'etcd members, `host:port` separated by commas' },
  { key: 'etcd.rootPath', kind: { type: 'string', nonEmpty: true }, default: 'by-dev', milvus: true, doc: 'root of every etcd key; Quiver writes under `<rootPath>/quiver/`' },
  { key: 'common.session.ttl', kind: { type: 'number', min: 1, max: 300 }, default: 10, milvus: true, doc: "seconds a writer's etcd lease lives without keep-alives: a dead writer's shard is taken over after about this long (Milvus's default is 30)" },
  { key: 'etcd.requestTimeoutMs', kind: { type: 'number', min: 1 }, default: 5_000, milvus: false, doc: 'deadline of each etcd call (ms)' },
  { key: 'minio.address', kind: { type: 'string', nonEmpty: true }, default: 'localhost', milvus: true, doc: 'host of the S3 API (MinIO, AWS S3, Ceph RGW, …)' },
  { key: 'minio.port', kind: { type: 'port' }, default: 9000, milvus: true, doc: 'port of the S3 API' },
  { key: 'minio.accessKeyID', kind: { type: 'string', nonEmpty: true }, default: 'minioadmin', milvus: true, doc: 'S3 access key id' },
  { key: 'minio.secretAccessKey', kind: { type: 'string', nonEmpty: true }, default: 'minioadmin', milvus: true, doc: 'S3 secret access key' },
  { key: 'minio.useSSL', kind: { type: 'boolean' }, default: false, milvus: true, doc: 'https to the S3 API' },
  { key: 'minio.bucketName', kind: { type: 'string', nonEmpty: true }, default: 'a-bucket', milvus: true, doc: 'bucket of segment and index files (must exist)' },
  { key: 'minio.rootPath', kind: { type: 'string', nonEmpty: false }, default: 'files', milvus: true, doc: 'key prefix of every object in the bucket' },
  { key: 'minio.region', kind: { type: 'string', nonEmpty: false }, default: '', milvus: true, doc: 'S3 region (empty: us-east-1)' },
  { key: 'minio.useVirtualHost', kind: { type: 'boolean' }, default: false, milvus: true, doc: 'virtual-host-style bucket addressing (default path style)' },
  { key: 'minio.requestTimeoutMs', kind: { type: 'number', min: 1 }, default: 10_000, milvus: true, doc: 'deadline of each S3 request (ms)' },
  { key: 'mq.type', kind: { type: 'enum', values: ['default', 'natsmq', 'pulsar', 'kafka', 'rocksmq', 'woodpecker'] }, default: 'default', milvus: true, doc: 'the log engine; Quiver runs natsmq (NATS JetStream); default means natsmq' },
  { key: 'natsmq.address', kind: { type: 'string', nonEmpty: true }, default: 'nats://localhost:4222', milvus: false, doc: 'NATS server URL(s) with JetStream, comma-separated (Milvus embeds its natsmq server; Quiver connects to one)' },
  { key: 'dataCoord.enableGarbageCollection', kind: { type: 'boolean' }, default: true, milvus: true, doc: 'the shard owner removes objects no saved manifest names, after both tolerances below' },
  { key: 'dataCoord.gc.interval', kind: { type: 'number', min: 1 }, default: 3_600, milvus: true, doc: 'seconds between two garbage collection passes (one also runs when a node takes the shard)' },
  { key: 'dataCoord.gc.missingTolerance', kind: { type: 'number', min: 0 }, default: 86_400, milvus: true, doc: "seconds an unreferenced object's LastModified must be old before it is removed" },
  { key: 'dataCoord.gc.dropTolerance', kind: { type: 'number', min: 0 }, default: 10_800, milvus: true, doc: 'seconds the owner must have seen an object unreferenced before it is removed (nodes on an older manifest may still read it)' },
  { key: 'natsmq.replicas', kind: { type: 'enum', values: [1, 3, 5] }, default: 1, milvus: false, doc: 'replicas of each log stream when Quiver creates it' },
]
