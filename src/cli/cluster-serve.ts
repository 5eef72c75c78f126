import { MilvusError } from '../errors/errors.ts'
import { ErrorCode } from '../errors/error-code.ts'
import type { Logger } from '../observability/logger.ts'
import { type QuiverServer, type ServeOptions, type ShutdownStats, startQuiverServer } from '../server/quiver-server.ts'
import type { ShardOwnership } from '../storage/etcd/shard-ownership.ts'
import { advertisedAddress, type ClusterStores, SHARD } from './cluster-node.ts'

/** Cluster roles of `quiver serve --role` (docs/cluster.md). */
export type ClusterRole = 'all' | 'query'

/** Tries of a replica's open that found the log truncated past its manifest (a checkpoint raced it). */
const REPLICA_OPEN_TRIES = 10
const REPLICA_RETRY_MS = 200
/** Between two tries of a writer reopening after its log failed (the log engine may be restarting). */
const WRITER_RETRY_MS = 1_000

/** A node of the cluster while it runs: its current server (writer or replica), replaced on promotion or a stale replica. */
export interface ClusterServing {
  /** The node's role now: `writer` or `replica`. */
  readonly kind: () => 'writer' | 'replica' | undefined
  /** Stops the current server, gives the shard up if this node owns it, closes the connections. */
  close(): Promise<ShutdownStats | undefined>
}

/**
 * Runs one cluster node. `all`: the writer if the shard is free, else a read replica that serves reads
 * (Strong: it waits for the log's tail) and forwards everything else to the writer, while it waits for
 * the shard — on taking it, the replica's server stops and the writer's starts on the same port.
 * `query`: a read replica for ever. `announce` prints where a (re)started server listens.
 */
export async function serveCluster(role: ClusterRole, stores: ClusterStores, options: ServeOptions, logger: Logger, announce: (server: QuiverServer) => void): Promise<ClusterServing> {
  let current: { server: QuiverServer; kind: 'writer' | 'replica' } | undefined
  let owner: ShardOwnership | undefined
  let stopping = false
  let chain: Promise<unknown> = Promise.resolve()
  /** Server changes run one at a time (a promotion, a replica's reopen, the stop). */
  const serial = <T>(step: () => Promise<T>): Promise<T> => {
    const run = chain.then(step)
    chain = run.catch(() => undefined)
    return run
  }
  const fatal = (what: string) => (e: unknown) => {
    logger.error({ err: e }, `${what} failed: exiting (every acknowledged write is in the log)`)
    process.exit(1)
  }

  const startWriter = async (held: ShardOwnership) => {
    if (owner !== held) {
      owner = held
      held.onLost((reason) => {
        logger.error(`shard ownership lost (${reason}): exiting so that this node can come back as a replica; every acknowledged write is in the log`)
        process.exit(1)
      })
    }
    const engine = await stores.writerEngine(held, (m) => logger.info(m), (e) => void serial(() => reopenWriter(held, e)).catch(fatal('reopening the writer')))
    const server = await startQuiverServer({ ...options, engine: { ...options.engine, ...engine }, role: 'writer' })
    await held.publishEndpoint(advertisedAddress(server.grpc.host, server.port))
    current = { server, kind: 'writer' }
    logger.info(`node ${stores.nodeId} serves shard ${SHARD} as its writer (epoch ${held.epoch})`)
    announce(server)
  }

  const startReplica = async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        const engine = await stores.replicaEngine((reason) => void serial(() => reopenReplica(reason)).catch(fatal('reopening the replica')), (m) => logger.warn(m))
        const server = await startQuiverServer({ ...options, engine: { ...options.engine, ...engine }, replica: stores.routing, role: 'replica' })
        current = { server, kind: 'replica' }
        logger.info(`node ${stores.nodeId} serves reads of shard ${SHARD} as a replica (writes go to the writer)`)
        announce(server)
        return
      } catch (e) {
        const raced = e instanceof MilvusError && e.code === ErrorCode.ServiceUnavailable
        if (!raced || attempt >= REPLICA_OPEN_TRIES) throw e
        await new Promise((r) => setTimeout(r, REPLICA_RETRY_MS))
      }
    }
  }

  /**
   * An append to the log failed (the log engine unreachable or restarting, an outcome unknown): the
   * writer refuses every write until it replays and fences again — so it is reopened, tried again each
   * second while this node owns the shard (`onLost` exits when it does not).
   */
  const reopenWriter = async (held: ShardOwnership, error: unknown) => {
    if (stopping || current?.kind !== 'writer') return
    logger.warn(`the log refused or lost an append (${error instanceof Error ? error.message : String(error)}): the writer reopens (replay and fence) once the log answers`)
    await current.server.close().catch((e: unknown) => logger.warn(`closing the writer after the log failed: ${e instanceof Error ? e.message : String(e)}`))
    current = undefined
    for (;;) {
      if (stopping) return
      held.assertHeld()
      try {
        return await startWriter(held)
      } catch (e) {
        logger.warn(`the writer could not reopen yet: ${e instanceof Error ? e.message : String(e)}; trying again in ${WRITER_RETRY_MS} ms`)
        await new Promise((r) => setTimeout(r, WRITER_RETRY_MS))
      }
    }
  }

  const reopenReplica = async (reason: string) => {
    if (stopping || current?.kind !== 'replica') return
    logger.warn(`replica reopens from the newest manifest: ${reason}`)
    await current.server.close()
    current = undefined
    await startReplica()
  }

  if (role === 'all') {
    const held = await stores.acquire(0)
    if (held !== undefined) {
      await startWriter(held)
    } else {
      logger.info(`standby: shard ${SHARD} is owned by ${(await stores.ownerOf()) ?? 'another node'}; serving reads as a replica until it goes`)
      await startReplica()
      stores.waitForShard().then(
        (won) =>
          serial(async () => {
            if (stopping) return void (await won.release())
            logger.info(`node ${stores.nodeId} owns shard ${SHARD} (epoch ${won.epoch}): the replica becomes the writer`)
            await current?.server.close()
            current = undefined
            await startWriter(won)
          }),
        fatal('waiting for the shard'),
      ).catch(fatal('taking over the shard'))
    }
  } else {
    await startReplica()
  }

  return {
    kind: () => current?.kind,
    close: () => {
      stopping = true
      return serial(async () => {
        const stats = await current?.server.close()
        current = undefined
        await owner?.release().catch(() => undefined)
        await stores.close()
        return stats
      })
    },
  }
}
