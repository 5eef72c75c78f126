import { loadClusterConfig } from '../config/load-cluster-config.ts'
import { type Manifest, type ManifestSegment, referencedFiles } from '../engine/manifest.ts'
import { readLogStreamInfo, type LogStreamInfo } from '../log/log-stream-info.ts'
import { EtcdConnection } from '../storage/etcd/etcd-connection.ts'
import { EtcdMetaStore } from '../storage/etcd/etcd-meta-store.ts'
import { ShardOwnership } from '../storage/etcd/shard-ownership.ts'
import type { StoredFile } from '../storage/file-store.ts'
import { S3FileStore } from '../storage/s3/s3-file-store.ts'

/** The shards of phase 1 (docs/design/0011-cluster.md §2): one log and one owner for the whole root. */
const SHARDS = ['0'] as const

export interface ClusterInspectReport {
  readonly etcd: { readonly endpoints: readonly string[]; readonly rootPath: string }
  readonly s3: { readonly bucket: string; readonly rootPath: string }
  readonly shards: readonly {
    readonly shard: string
    /** The node serving writes now and its owner epoch (the epoch in the names of the files it writes); null: no owner. */
    readonly owner: { readonly nodeId: string; readonly epoch: number } | null
    /** The shard's log; null when its stream does not exist yet. */
    readonly log: (LogStreamInfo & { readonly error?: undefined }) | { readonly error: string } | null
    /** Log position the saved manifest covers (records after it are replayed at takeover). */
    readonly checkpointPosition: number
    /** Records in the log past the checkpoint (tail − checkpoint position); null when the log could not be read. */
    readonly lagRecords: number | null
  }[]
  /** Newest timestamp the saved manifest covers; null without a manifest. */
  readonly checkpointTs: string | null
  readonly collections: readonly {
    readonly name: string
    readonly database: string
    readonly id: number
    readonly segmentCount: number
    /** Rows stored in segment files, deleted ones included (as of the checkpoint). */
    readonly rows: number
    readonly deletedRows: number
    /** Bytes of the collection's files in S3 (data, delete and index files). */
    readonly bytes: number
    readonly segments: readonly { readonly id: number; readonly partitionId: number; readonly state: string; readonly rows: number; readonly deleted: number; readonly files: number; readonly bytes: number }[]
  }[]
  /** Objects under `segments/`: named by the manifest, or garbage waiting for the collector. */
  readonly objects: { readonly referencedCount: number; readonly referencedBytes: number; readonly unreferencedCount: number; readonly unreferencedBytes: number; readonly missing: readonly string[] } | { readonly error: string }
}

/**
 * Describes a cluster from its stores, read-only (`quiver inspect --config cluster.yaml`): the owner
 * of each shard and its epoch from etcd, the saved manifest (checkpoint position, collections,
 * segments), the log's positions (lag = records past the checkpoint) and the bytes in S3. It opens
 * no engine, takes no ownership, creates no log stream and writes nothing anywhere. An unreachable
 * log or S3 server is reported in place; etcd is required (the manifest lives there).
 */
export async function inspectCluster(configFile: string): Promise<ClusterInspectReport> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  const { config } = await loadClusterConfig({ file: configFile, env: process.env })
  const etcd = new EtcdConnection(config.etcd)
  const s3 = new S3FileStore(config.s3)
  try {
    const manifest = (await new EtcdMetaStore(etcd).load()) as Manifest | undefined
    const owners = await ShardOwnership.owners(etcd)
    const files = await s3.listFiles('segments').then(
      (list) => ({ list }),
      (e: unknown) => ({ error: String((e as Error).message ?? e) }),
    )
    const sizes = new Map('list' in files ? files.list.map((f) => [f.path, f.sizeBytes]) : [])
    const checkpointPosition = manifest?.checkpointLsn ?? 0
    const shards = await Promise.all(
      SHARDS.map(async (shard) => {
        const owner = owners.find((o) => o.shard === shard)
        const log = await readLogStreamInfo({ url: config.log.url, stream: `${config.log.streamPrefix}_${shard}` }).then(
          (info) => info ?? null,
          (e: unknown) => ({ error: String((e as Error).message ?? e) }),
        )
        const lagRecords = log === null ? 0 : 'error' in log ? null : Math.max(0, log.tail - checkpointPosition)
        return { shard, owner: owner === undefined ? null : { nodeId: owner.nodeId, epoch: owner.epoch }, log, checkpointPosition, lagRecords }
      }),
    )
    return {
      etcd: { endpoints: config.etcd.endpoints, rootPath: config.etcd.rootPath },
      s3: { bucket: config.s3.bucket, rootPath: config.s3.rootPath },
      shards,
      checkpointTs: manifest === undefined ? null : String(manifest.lastTs),
      collections: (manifest?.collections ?? []).map((c) => {
        const segments = c.segments.map((s) => segmentReport(s, sizes))
        return {
          name: c.name,
          database: c.database ?? 'default',
          id: c.id,
          segmentCount: segments.length,
          rows: segments.reduce((n, s) => n + s.rows, 0),
          deletedRows: segments.reduce((n, s) => n + s.deleted, 0),
          bytes: segments.reduce((n, s) => n + s.bytes, 0),
          segments,
        }
      }),
      objects: 'list' in files ? objectTotals(files.list, manifest) : files,
    }
  } finally {
    s3.close()
    etcd.close()
  }
}

function segmentReport(s: ManifestSegment, sizes: ReadonlyMap<string, number>) {
  const paths = [s.dataFile, ...(s.deleteFile === undefined ? [] : [s.deleteFile]), ...(s.indexFiles ?? []).map((f) => f.file)]
  return { id: s.id, partitionId: s.partitionId, state: s.state, rows: s.rowCount, deleted: s.deleteCount, files: paths.length, bytes: paths.reduce((n, p) => n + (sizes.get(p) ?? 0), 0) }
}

function objectTotals(list: readonly StoredFile[], manifest: Manifest | undefined) {
  const named = manifest === undefined ? new Set<string>() : referencedFiles(manifest)
  const out = { referencedCount: 0, referencedBytes: 0, unreferencedCount: 0, unreferencedBytes: 0, missing: [] as string[] }
  const listed = new Set<string>()
  for (const f of list) {
    listed.add(f.path)
    if (named.has(f.path)) {
      out.referencedCount++
      out.referencedBytes += f.sizeBytes
    } else {
      out.unreferencedCount++
      out.unreferencedBytes += f.sizeBytes
    }
  }
  // A file the manifest names but S3 does not have: the cluster cannot load that segment.
  for (const p of named) if (!listed.has(p)) out.missing.push(p)
  return out
}
