import { hostname } from 'node:os'
import type { ClusterConfig } from '../config/load-cluster-config.ts'
import { GarbageCollector } from '../engine/garbage-collector.ts'
import type { OpenOptions } from '../engine/open-options.ts'
import { MilvusError } from '../errors/errors.ts'
import { ErrorCode } from '../errors/error-code.ts'
import { openLogReplica } from '../log/log-replica.ts'
import { openLogWal } from '../log/log-wal.ts'
import { NatsLog } from '../log/nats-log.ts'
import type { ReplicaRouting } from '../server/replica-routing.ts'
import { EtcdConnection } from '../storage/etcd/etcd-connection.ts'
import { EtcdMetaStore } from '../storage/etcd/etcd-meta-store.ts'
import { ShardOwnership } from '../storage/etcd/shard-ownership.ts'
import { S3FileStore } from '../storage/s3/s3-file-store.ts'

/** The one shard of phase 1 (docs/design/0011-cluster.md §2): one writer at a time for the whole root. */
export const SHARD = '0'
/** A standby waits this long for the shard (practically for ever; a supervisor stops it). */
const OWNER_WAIT_MS_MAX = 365 * 24 * 3600 * 1000
/** Between two tries of a waiting standby. */
const OWNER_RETRY_MS = 250
/** How long a replica trusts the writer's address it looked up (a failover publishes a new one). */
const WRITER_ADDRESS_TTL_MS = 1_000

/** The engine's stores of `Quiver.open` for one node: segment files in S3, the manifest in etcd, the WAL on the shard's log. */
export type ClusterEngine = Pick<OpenOptions, 'fileStore' | 'metaStore' | 'openWal' | 'fileEpoch' | 'removeUnreferencedFiles'>

/** What one `quiver serve --role all|query` process holds for its whole life: the connections to etcd and S3. */
export class ClusterStores {
  readonly config: ClusterConfig
  readonly nodeId: string
  readonly etcd: EtcdConnection
  readonly s3: S3FileStore
  #writerAddress: { address: string; untilMs: number } | undefined
  /** The writer's collector of unreferenced objects (`dataCoord.gc.*`), running while this node owns the shard. */
  #gc: GarbageCollector | undefined

  private constructor(config: ClusterConfig, nodeId: string) {
    this.config = config
    this.nodeId = nodeId
    this.etcd = new EtcdConnection(config.etcd)
    this.s3 = new S3FileStore(config.s3)
  }

  /** Connects and checks the bucket (a missing bucket or wrong credentials fail here, naming the bucket). */
  static async open(config: ClusterConfig, nodeId: string): Promise<ClusterStores> {
    // The pinned AWS SDK runs on Node 20; its warning is about versions published after it.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
    const stores = new ClusterStores(config, nodeId)
    try {
      await stores.s3.list('.')
      return stores
    } catch (e) {
      stores.close()
      throw e
    }
  }

  /** Takes the shard if nobody holds it (undefined: another node does; `waitMs` > 0 waits that long for it). */
  async acquire(waitMs: number): Promise<ShardOwnership | undefined> {
    try {
      return await ShardOwnership.acquire(this.etcd, SHARD, this.nodeId, { ttlMs: this.config.ownerLeaseTtlMs, waitMs, retryMs: OWNER_RETRY_MS })
    } catch (e) {
      if (waitMs === 0 && e instanceof MilvusError && e.code === ErrorCode.ServiceUnavailable) return undefined
      throw e
    }
  }

  /** Waits (practically for ever) until this node owns the shard. */
  waitForShard(): Promise<ShardOwnership> {
    return ShardOwnership.acquire(this.etcd, SHARD, this.nodeId, { ttlMs: this.config.ownerLeaseTtlMs, waitMs: OWNER_WAIT_MS_MAX, retryMs: OWNER_RETRY_MS })
  }

  ownerOf(): Promise<string | undefined> {
    return ShardOwnership.ownerOf(this.etcd, SHARD)
  }

  /**
   * The engine of the shard's writer: appends to the log (fenced at open), saves manifests guarded by
   * `owner`, names its files with the ownership's epoch; unreferenced files stay for the garbage
   * collector, started here (it removes them after the tolerances, while this node owns the shard).
   */
  async writerEngine(owner: ShardOwnership, log: (message: string) => void, onLogFailed: (error: unknown) => void): Promise<ClusterEngine> {
    const nats = await this.#openLog()
    const metaStore = new EtcdMetaStore(this.etcd, { owner })
    if (this.config.gc.enabled && this.#gc === undefined) {
      this.#gc = new GarbageCollector(this.s3, metaStore, { ...this.config.gc, mayDelete: () => owner.held, log })
      this.#gc.start()
    }
    const openWal = async (fromLsn: number) => {
      const opened = await openLogWal(nats, owner, fromLsn)
      opened.wal.onFailed(onLogFailed)
      return opened
    }
    return { fileStore: this.s3, metaStore, openWal, fileEpoch: owner.epoch, removeUnreferencedFiles: false }
  }

  /**
   * The engine of a read replica: the manifest and segment files as the writer last saved them, then
   * the log from the manifest's position on, followed as the writer appends; it writes nothing.
   * `onStale`: the writer truncated records the replica had not read (it must be opened again).
   */
  async replicaEngine(onStale: (reason: string) => void, log: (message: string) => void): Promise<ClusterEngine> {
    const nats = await this.#openLog()
    return { fileStore: this.s3, metaStore: new EtcdMetaStore(this.etcd), openWal: (fromLsn) => openLogReplica(nats, fromLsn, { onStale, log }) }
  }

  /** Where a replica forwards what it does not answer: the writer's published address, looked up at most once a second. */
  readonly routing: ReplicaRouting = {
    writerAddress: async () => {
      const cached = this.#writerAddress
      if (cached !== undefined && Date.now() < cached.untilMs) return cached.address
      const address = await ShardOwnership.endpointOf(this.etcd, SHARD)
      if (address === undefined) throw new MilvusError(ErrorCode.ServiceUnavailable, `shard ${SHARD} has no serving writer right now (a failover is under way, or none started); retry`)
      this.#writerAddress = { address, untilMs: Date.now() + WRITER_ADDRESS_TTL_MS }
      return address
    },
    forget: (address) => {
      if (this.#writerAddress?.address === address) this.#writerAddress = undefined
    },
  }

  async close(): Promise<void> {
    await this.#gc?.stop()
    this.s3.close()
    this.etcd.close()
  }

  #openLog(): Promise<NatsLog> {
    const { url, streamPrefix, subjectPrefix, replicas } = this.config.log
    return NatsLog.open({ url, stream: `${streamPrefix}_${SHARD}`, subject: `${subjectPrefix}.${SHARD}`, replicas })
  }
}

/** `<host>-<pid>`: unique per process, readable in `ownerOf` and logs. */
export function defaultNodeId(): string {
  return `${hostname()}-${process.pid}`
}

/** The address other nodes reach this one at: the listen host, or the machine's name when it listens on every interface. */
export function advertisedAddress(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' || host === '' ? hostname() : host
  return `${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`
}
