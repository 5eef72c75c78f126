// A read replica on cluster mode's stores (etcd, versitygw, nats-server on loopback, stopped by pid):
// it opens the writer's manifest and segment files, replays and then follows the shard's log, answers
// Strong reads (the read barrier waits for the log's tail), refuses writes, survives the writer's
// checkpoints (the log keeps one checkpoint of slack), and reports a truncation past it as stale.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { skipUnlessInstalled, startClusterServers } from '../../test/support/cluster-servers.ts'
import type { ManagedServer } from '../../test/support/managed-server.ts'
import { ErrorCode, MilvusError } from '../errors/errors.ts'
import { openLogReplica } from '../log/log-replica.ts'
import { openLogWal } from '../log/log-wal.ts'
import { NatsLog } from '../log/nats-log.ts'
import { DataType } from '../schema/data-type.ts'
import { EtcdConnection } from '../storage/etcd/etcd-connection.ts'
import { EtcdMetaStore } from '../storage/etcd/etcd-meta-store.ts'
import { ShardOwnership } from '../storage/etcd/shard-ownership.ts'
import { S3FileStore } from '../storage/s3/s3-file-store.ts'
import { Quiver } from './quiver.ts'

const vec = (id: number) => [id % 7, id % 11, id % 13, 1]
const rows = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ id: from + i, v: vec(from + i) }))

describe('a read replica following the writer', { skip: skipUnlessInstalled('etcd', 's3', 'nats'), timeout: 90_000 }, () => {
  let dir: string
  const servers: ManagedServer[] = []
  const closers: (() => Promise<void>)[] = []
  let etcdEndpoint: string
  let s3Options: ConstructorParameters<typeof S3FileStore>[0]
  let natsUrl: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-replica-'))
    const { etcd, s3, nats, servers: started } = await startClusterServers(dir)
    servers.push(...started)
    etcdEndpoint = etcd.endpoint
    natsUrl = nats.url
    s3Options = { endpoint: s3.endpoint, bucket: 'quiver', rootPath: 'r', accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, requestTimeoutMs: 2_000 }
  })
  after(async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined)
    for (const s of servers) await s.stop()
    await rm(dir, { recursive: true, force: true })
  })

  const stores = () => {
    const etcd = new EtcdConnection({ endpoints: [etcdEndpoint], rootPath: 'r' })
    const s3 = new S3FileStore(s3Options)
    const log = () => NatsLog.open({ url: natsUrl, stream: 'QUIVER_r_0', subject: 'quiver.r.0', requestTimeoutMs: 2_000 })
    return { etcd, s3, log }
  }

  let closeWriter: () => Promise<void> = async () => {}
  async function openWriter(retainMs?: number) {
    const { etcd, s3, log } = stores()
    const owner = await ShardOwnership.acquire(etcd, '0', 'writer', { ttlMs: 5_000 })
    const nats = await log()
    const client = await Quiver.open({ path: 'cluster:r', fileStore: s3, metaStore: new EtcdMetaStore(etcd, { owner }), openWal: (from) => openLogWal(nats, owner, from, retainMs === undefined ? {} : { retainMs }), log: () => {} })
    closeWriter = async () => {
      await client.close()
      await owner.release().catch(() => undefined)
      s3.close()
      etcd.close()
    }
    closers.push(() => closeWriter())
    return client
  }

  async function openReplica(options: { pollMs?: number; onStale?: (reason: string) => void } = {}) {
    const { etcd, s3, log } = stores()
    const nats = await log()
    const client = await Quiver.open({ path: 'cluster:r', fileStore: s3, metaStore: new EtcdMetaStore(etcd), openWal: (from) => openLogReplica(nats, from, options), log: () => {} })
    closers.push(async () => {
      await client.close()
      s3.close()
      etcd.close()
    })
    return client
  }

  const ids = async (client: Quiver) => {
    await client.database.readBarrier()
    const res = await client.query({ collection_name: 'book', filter: 'id >= 0', output_fields: ['id'], limit: 16_384 })
    assert.equal(res.status.error_code, 'Success', res.status.reason)
    return res.data.map((r) => Number(r.id)).sort((a, b) => a - b)
  }

  let writer: Quiver | undefined
  it('sees every write the writer acknowledged before the read, through checkpoints; refuses writes', async () => {
    writer = await openWriter()
    const created = await writer.createCollection({ collection_name: 'book', fields: [{ name: 'id', data_type: DataType.Int64, is_primary_key: true }, { name: 'v', data_type: DataType.FloatVector, dim: 4 }] })
    assert.equal(created.error_code, 'Success', created.reason)
    assert.equal((await writer.insert({ collection_name: 'book', data: rows(0, 100) })).status.error_code, 'Success')
    await writer.flush({ collection_names: ['book'] }) // rows 0-99 in S3 + etcd
    assert.equal((await writer.insert({ collection_name: 'book', data: rows(100, 50) })).status.error_code, 'Success')

    // A replica that polls rarely: only the read barrier brings it up to date.
    const replica = await openReplica({ pollMs: 60_000 })
    assert.deepEqual(await ids(replica), Array.from({ length: 150 }, (_, i) => i))
    for (let round = 0; round < 3; round++) {
      const from = 200 + round * 100
      assert.equal((await writer.insert({ collection_name: 'book', data: rows(from, 100) })).status.error_code, 'Success')
      assert.equal((await writer.delete({ collection_name: 'book', filter: `id == ${from}` })).status.error_code, 'Success')
      const expected = await ids(writer!)
      assert.deepEqual(await ids(replica), expected, `round ${round}: the replica answers what the writer acknowledged`)
      await writer.flush({ collection_names: ['book'] }) // a checkpoint: the log keeps the records after the previous one
    }
    // 10 allowed rows: an exact scan, so the answer is exact.
    const search = await replica.search({ collection_name: 'book', data: [vec(250)], filter: 'id >= 248 and id < 258', limit: 3, output_fields: ['id'] })
    assert.equal(search.status.error_code, 'Success', search.status.reason)
    assert.deepEqual(search.results.map((r) => Number((r as { id: unknown }).id)).slice(0, 1), [250])
    assert.equal(search.results.length, 3)

    const refused = await replica.insert({ collection_name: 'book', data: rows(5_000, 1) })
    assert.equal(refused.status.code, ErrorCode.ServiceUnavailable)
    assert.match(refused.status.reason, /read replica/)
    // A replica opened now, after several checkpoints, starts from the newest manifest.
    assert.deepEqual(await ids(await openReplica()), await ids(writer!))
  })

  it('a replica left behind by two checkpoints reports itself stale instead of answering', async () => {
    assert.ok(writer !== undefined, 'the first test opened the writer')
    // The writer again, keeping no record a checkpoint covers (retainMs 0).
    await closeWriter()
    writer = await openWriter(0)
    let staleReason: string | undefined
    const replica = await openReplica({ pollMs: 60_000, onStale: (r) => (staleReason = r) })
    // The writer goes on: its checkpoints truncate records this replica has not read.
    for (let i = 0; i < 3; i++) {
      assert.equal((await writer.insert({ collection_name: 'book', data: rows(10_000 + i * 10, 10) })).status.error_code, 'Success')
      await writer.flush({ collection_names: ['book'] })
    }
    await assert.rejects(replica.database.readBarrier(), (e) => e instanceof MilvusError && e.code === ErrorCode.ServiceUnavailable && /no longer holds records/.test(e.message))
    assert.match(staleReason ?? '', /no longer holds records/)
    // A new replica opens from the newest manifest and answers.
    assert.deepEqual(await ids(await openReplica()), await ids(writer))
  })
})
