import { hostname } from 'node:os'
import type { ClusterConfig } from '../config/load-cluster-config.ts'
import { GarbageCollector } from '../engine/garbage-collector.ts'
import type { OpenOptions } from '../engine/open-options.ts'
import { openLogWal } from '../log/log-wal.ts'
import { NatsLog } from '../log/nats-log.ts'
import { EtcdConnection } from '../storage/etcd/etcd-connection.ts'
import { EtcdMetaStore } from '../storage/etcd/etcd-meta-store.ts'
import { ShardOwnership } from '../storage/etcd/shard-ownership.ts'
import { S3FileStore } from '../storage/s3/s3-file-store.ts'

/** The one shard of phase 1 (docs/design/0011-cluster.md §2): one writer at a time for the whole root. */
const SHARD = '0'
/** A standby waits this long for the shard (practically for ever; a supervisor stops it). */
const OWNER_WAIT_MS_MAX = 365 * 24 * 3600 * 1000
/** Between two tries of a waiting standby. */
const OWNER_RETRY_MS = 250

/** A node of `quiver serve --role all`: the shard's ownership and the engine's stores. */
export interface ClusterNode {
  readonly nodeId: string
  readonly owner: ShardOwnership
  /** For `Quiver.open`: segment files in S3 named with the ownership's epoch, the manifest in etcd, the WAL on the shard's log. */
  readonly engine: Pick<OpenOptions, 'fileStore' | 'metaStore' | 'openWal' | 'fileEpoch' | 'removeUnreferencedFiles'>
  /** Removes objects no saved manifest names after `dataCoord.gc.*` (undefined when disabled); runs while this node owns the shard. */
  readonly gc: GarbageCollector | undefined
  /** After the engine closed: gives the shard up (a standby takes it at once) and closes the connections. */
  close(): Promise<void>
}

/** `<host>-<pid>`: unique per process, readable in `ownerOf` and logs. */
export function defaultNodeId(): string {
  return `${hostname()}-${process.pid}`
}

/**
 * Connects to etcd, waits until this node owns the shard (a standby waits here while another node
 * serves), opens the shard's log and checks the bucket: the stores `Quiver.open` runs on.
 */
export async function openClusterNode(config: ClusterConfig, nodeId: string, log: (message: string) => void): Promise<ClusterNode> {
  // The pinned AWS SDK runs on Node 20; its warning is about versions published after it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  const etcd = new EtcdConnection(config.etcd)
  const s3 = new S3FileStore(config.s3)
  let owner: ShardOwnership | undefined
  try {
    await s3.list('.') // a missing bucket or wrong credentials fail here, naming the bucket
    const holder = await ShardOwnership.ownerOf(etcd, SHARD)
    if (holder !== undefined) log(`standby: shard ${SHARD} is owned by ${holder}; waiting for it to go`)
    owner = await ShardOwnership.acquire(etcd, SHARD, nodeId, { ttlMs: config.ownerLeaseTtlMs, waitMs: OWNER_WAIT_MS_MAX, retryMs: OWNER_RETRY_MS })
    log(`node ${nodeId} owns shard ${SHARD} (epoch ${owner.epoch})`)
    const natsLog = await NatsLog.open({ url: config.log.url, stream: `${config.log.streamPrefix}_${SHARD}`, subject: `${config.log.subjectPrefix}.${SHARD}`, replicas: config.log.replicas })
    const held = owner
    const metaStore = new EtcdMetaStore(etcd, { owner: held })
    // Unreferenced files stay for the collector: it removes them after the tolerances, while this node owns the shard.
    const gc = config.gc.enabled ? new GarbageCollector(s3, metaStore, { ...config.gc, mayDelete: () => held.held, log }) : undefined
    gc?.start()
    return {
      nodeId,
      owner: held,
      engine: { fileStore: s3, metaStore, openWal: (fromLsn) => openLogWal(natsLog, held, fromLsn), fileEpoch: held.epoch, removeUnreferencedFiles: false },
      gc,
      close: async () => {
        await gc?.stop()
        await held.release().catch(() => undefined)
        s3.close()
        etcd.close()
      },
    }
  } catch (e) {
    await owner?.release().catch(() => undefined)
    s3.close()
    etcd.close()
    throw e
  }
}
