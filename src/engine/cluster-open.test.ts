// The engine on cluster mode's stores, on real servers (etcd, versitygw, nats-server on loopback, stopped
// by pid): segment files in S3, the manifest in etcd (guarded by the shard's ownership), the WAL on a
// JetStream stream. A second node reopens what the first wrote (checkpointed rows from S3 + etcd, the
// rest replayed from the log); and when the first node's lease ends under load, the second takes the
// shard: every upsert the first saw acknowledged is there exactly once, and the first's writes fail (2).
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
import { Quiver } from './quiver.ts'

const DIM = 4
const rows = (ids: readonly number[]) => ids.map((id) => ({ id, v: [id, 1, 2, 3].map((x) => x / 10) }))
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i)

describe('the engine on etcd + S3 + JetStream', { skip: skipUnlessInstalled('etcd', 's3', 'nats'), timeout: 60_000 }, () => {
  let dir: string
  const servers: ManagedServer[] = []
  let etcdEndpoint: string
  let s3Options: ConstructorParameters<typeof S3FileStore>[0]
  let natsUrl: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-cluster-engine-'))
    const { etcd, s3, nats, servers: started } = await startClusterServers(dir)
    servers.push(...started)
    etcdEndpoint = etcd.endpoint
    natsUrl = nats.url
    s3Options = { endpoint: s3.endpoint, bucket: 'quiver', rootPath: 'files', accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, requestTimeoutMs: 2_000 }
  })
  after(async () => {
    for (const s of servers) await s.stop()
    await rm(dir, { recursive: true, force: true })
  })

  /** One node: its own connections, the shard's ownership, the engine over the three stores. */
  async function openNode(root: string, nodeId: string, options: { waitMs?: number; checkpointAtClose?: boolean } = {}) {
    const etcd = new EtcdConnection({ endpoints: [etcdEndpoint], rootPath: root })
    const s3 = new S3FileStore({ ...s3Options, rootPath: root })
    const owner = await ShardOwnership.acquire(etcd, '0', nodeId, { ttlMs: 2_000, waitMs: options.waitMs ?? 0 })
    const log = await NatsLog.open({ url: natsUrl, stream: `QUIVER_${root}_0`, subject: `quiver.${root}.dml.0`, requestTimeoutMs: 2_000 })
    const client = await Quiver.open({
      path: `cluster:${root}`,
      fileStore: s3,
      metaStore: new EtcdMetaStore(etcd, { owner }),
      openWal: (fromLsn) => openLogWal(log, owner, fromLsn),
      autoCompaction: false,
      // A node that may have lost the shard writes no checkpoint at close (docs/cluster.md: files of a deposed owner).
      closeCheckpointMsMax: options.checkpointAtClose === false ? 0 : 2_000,
      log: () => {},
    })
    const close = async () => {
      await client.close()
      await owner.release().catch(() => undefined)
      s3.close()
      etcd.close()
    }
    return { client, owner, etcd, s3, close }
  }

  it('a second node reopens it: checkpointed rows from S3 and etcd, the rest replayed from the log', async () => {
    const a = await openNode('reopen', 'node-a', { checkpointAtClose: false })
    const st = await a.client.createCollection({
      collection_name: 'book',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: DIM },
      ],
    })
    assert.equal(st.code, 0, st.reason)
    const book = a.client.collection('book')
    await book.upsert(rows(range(0, 100)))
    await book.flush()
    await book.upsert(rows(range(100, 50)))
    await book.upsert(rows([0, 1]).map((r) => ({ ...r, v: [9, 9, 9, 9] })))
    assert.equal(await book.count(), 150)
    await a.close() // no checkpoint at close: rows 100-149 and the re-upserts live only in the log
    const segmentObjects = await a.s3.list('segments')
    assert.ok(segmentObjects.length > 0, 'segment files went to S3')
    assert.ok((await new EtcdConnection({ endpoints: [etcdEndpoint], rootPath: 'reopen' }).client.get('reopen/quiver/meta/manifest').buffer()) !== null)

    const b = await openNode('reopen', 'node-b')
    try {
      const again = b.client.collection('book')
      assert.equal(await again.count(), 150)
      const [first] = await again.get([0n], { outputFields: ['v'] })
      assert.deepEqual(first?.v, [9, 9, 9, 9])
      await again.upsert(rows([150]))
      assert.equal(await again.count(), 151)
    } finally {
      await b.close()
    }
  })

  it("failover under load: the new owner has every acknowledged upsert once; the old owner's writes fail with 2", async () => {
    const a = await openNode('failover', 'node-a', { checkpointAtClose: false })
    const st = await a.client.createCollection({
      collection_name: 'k',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: DIM },
      ],
    })
    assert.equal(st.code, 0, st.reason)
    const acknowledged = new Set<number>()
    const failures: unknown[] = []
    let next = 0
    const writer = (async () => {
      while (failures.length === 0 && next < 20_000) {
        const ids = range(next, 5)
        next += 5
        await a.client.collection('k').upsert(rows(ids)).then(
          () => ids.forEach((id) => acknowledged.add(id)),
          (e) => failures.push(e),
        )
      }
    })()
    await new Promise((r) => setTimeout(r, 500))
    // node-a's lease ends in etcd (as when it expires); node-b takes the shard at once.
    await a.etcd.client.leaseClient.leaseRevoke({ ID: a.owner.claim.split('@')[1]! })
    const b = await openNode('failover', 'node-b', { waitMs: 5_000 })
    try {
      await writer
      assert.ok(acknowledged.size > 0)
      assert.ok(failures.length > 0, 'the old owner was stopped')
      for (const e of failures) {
        assert.ok(e instanceof MilvusError, String(e))
        assert.equal(e.code, ErrorCode.ServiceUnavailable)
      }
      const k = b.client.collection('k')
      assert.equal(await k.count(), acknowledged.size, 'every acknowledged upsert, each once')
      const ids = (await k.query({ filter: 'id >= 0', outputFields: ['id'], limit: 16_384 })).map((r) => Number(r.id))
      assert.equal(new Set(ids).size, ids.length, 'no duplicate keys')
      for (const id of acknowledged) assert.ok(ids.includes(id), `acknowledged ${id} is there`)
      await assert.rejects(a.client.collection('k').upsert(rows([999_999])), (e) => e instanceof MilvusError && e.code === ErrorCode.ServiceUnavailable)
      await k.upsert(rows([999_999]))
      assert.equal(await k.count(), acknowledged.size + 1)
    } finally {
      await a.close()
      await b.close()
    }
  })
})
