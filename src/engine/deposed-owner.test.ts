// A deposed owner's late checkpoint on the real stores (etcd, versitygw, nats-server on loopback,
// stopped by pid): node A loses the shard with rows only in the log, node B takes over and flushes;
// A's checkpoint then PUTs its files (named with A's epoch, beside B's, never over them) and is
// refused at the manifest; B's data reopens intact and B's collector removes A's leftovers.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { skipUnlessInstalled, startClusterServers } from '../../test/support/cluster-servers.ts'
import type { ManagedServer } from '../../test/support/managed-server.ts'
import { ErrorCode, MilvusError } from '../errors/errors.ts'
import { openLogWal } from '../log/log-wal.ts'
import { NatsLog } from '../log/nats-log.ts'
import { DataType } from '../schema/data-type.ts'
import { EtcdConnection } from '../storage/etcd/etcd-connection.ts'
import { EtcdMetaStore } from '../storage/etcd/etcd-meta-store.ts'
import { ShardOwnership } from '../storage/etcd/shard-ownership.ts'
import { S3FileStore } from '../storage/s3/s3-file-store.ts'
import { GarbageCollector } from './garbage-collector.ts'
import { type Manifest, referencedFiles } from './manifest.ts'
import { Quiver } from './quiver.ts'

const rows = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ id: from + i, v: [from + i, 1, 2, 3].map((x) => x / 10) }))
const ROOT = 'deposed'

describe("a deposed owner's files", { skip: skipUnlessInstalled('etcd', 's3', 'nats'), timeout: 90_000 }, () => {
  let dir: string
  const servers: ManagedServer[] = []
  let etcdEndpoint: string
  let natsUrl: string
  let s3Options: ConstructorParameters<typeof S3FileStore>[0]
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-deposed-'))
    const { etcd, s3, nats, servers: started } = await startClusterServers(dir)
    servers.push(...started)
    etcdEndpoint = etcd.endpoint
    natsUrl = nats.url
    s3Options = { endpoint: s3.endpoint, bucket: 'quiver', rootPath: ROOT, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, requestTimeoutMs: 2_000 }
  })
  after(async () => {
    for (const s of servers) await s.stop()
    await rm(dir, { recursive: true, force: true })
  })

  /** A node as `quiver serve --role all` opens it: epoch-named files, unreferenced ones left to the collector. */
  async function openNode(nodeId: string, waitMs = 0) {
    const etcd = new EtcdConnection({ endpoints: [etcdEndpoint], rootPath: ROOT })
    const s3 = new S3FileStore(s3Options)
    const owner = await ShardOwnership.acquire(etcd, '0', nodeId, { ttlMs: 2_000, waitMs })
    const log = await NatsLog.open({ url: natsUrl, stream: `QUIVER_${ROOT}_0`, subject: `quiver.${ROOT}.dml.0`, requestTimeoutMs: 2_000 })
    const metaStore = new EtcdMetaStore(etcd, { owner })
    const client = await Quiver.open({
      path: `cluster:${ROOT}`,
      fileStore: s3,
      metaStore,
      openWal: (fromLsn) => openLogWal(log, owner, fromLsn),
      fileEpoch: owner.epoch,
      removeUnreferencedFiles: false,
      autoCompaction: false,
      closeCheckpointMsMax: 0,
      log: () => {},
    })
    const close = async () => {
      await client.close()
      await owner.release().catch(() => undefined)
      s3.close()
      etcd.close()
    }
    return { client, owner, etcd, s3, metaStore, close }
  }

  it("A's late checkpoint lands beside B's files, is refused at the manifest, and B's collector removes it", async () => {
    const a = await openNode('node-a')
    await a.client.createCollection({
      collection_name: 'book',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: 4 },
      ],
    })
    await a.client.insert({ collection_name: 'book', data: rows(0, 200) })
    await a.client.flush({ collection_names: ['book'] })
    // In the log only: A's growing segment, which B will seal under the same segment id.
    await a.client.insert({ collection_name: 'book', data: rows(200, 100) })
    await a.etcd.client.leaseClient.leaseRevoke({ ID: a.owner.claim.split('@')[1]! })
    const b = await openNode('node-b', 5_000)
    try {
      assert.ok(b.owner.epoch > a.owner.epoch)
      await b.client.flush({ collection_names: ['book'] })
      const named = referencedFiles((await b.metaStore.load()) as Manifest)
      const bFiles = [...named].filter((f) => f.includes(`-e${b.owner.epoch}-`))
      assert.ok(bFiles.length > 0, `B wrote the sealed segment: ${[...named].join(', ')}`)

      // A, not yet aware of its loss, checkpoints: its files go up, its manifest is refused.
      await assert.rejects(a.client.database.checkpoint(), (e) => e instanceof MilvusError && e.code === ErrorCode.ServiceUnavailable)
      const stored = (await b.s3.listFiles('segments')).map((f) => f.path)
      const late = stored.filter((p) => p.includes(`-e${a.owner.epoch}-`) && !named.has(p))
      assert.ok(late.length > 0, `A's late files are in S3: ${stored.join(', ')}`)
      for (const p of named) assert.ok(stored.includes(p), `${p}, named by B's manifest, is still there`)
      assert.deepEqual(referencedFiles((await b.metaStore.load()) as Manifest), named, "B's manifest is unchanged")

      const gc = new GarbageCollector(b.s3, b.metaStore, { missingToleranceMs: 0, dropToleranceMs: 0, mayDelete: () => b.owner.held, log: () => {} })
      const pass = await gc.runOnce()
      assert.deepEqual(pass.removed.map((f) => f.path).sort(), stored.filter((p) => !named.has(p)).sort())
      assert.ok(late.every((p) => pass.removed.some((f) => f.path === p)))
      assert.deepEqual((await b.s3.listFiles('segments')).map((f) => f.path).sort(), [...named].sort())
    } finally {
      await a.close()
      await b.close()
    }
    const c = await openNode('node-c')
    try {
      assert.equal(Number((await c.client.count({ collection_name: 'book' })).data), 300)
      const got = await c.client.get({ collection_name: 'book', ids: [0, 250, 299], output_fields: ['v'] })
      assert.deepEqual(got.data.map((r) => Number(r.id)), [0, 250, 299])
    } finally {
      await c.close()
    }
  })
})
