// Garbage collection of unreferenced objects on a real S3 server (versitygw) with the manifest in a
// real etcd (loopback, stopped by pid): the engine in cluster mode leaves what compaction dropped, a
// deposed owner's file lies beside it; passes remove them only past both tolerances (the clock is
// moved, S3's LastModified is real), never a file the saved manifest names; the engine reopens intact.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { skipUnlessInstalled, startEtcd, startS3 } from '../../test/support/cluster-servers.ts'
import type { ManagedServer } from '../../test/support/managed-server.ts'
import { DataType } from '../schema/data-type.ts'
import { EtcdConnection } from '../storage/etcd/etcd-connection.ts'
import { EtcdMetaStore } from '../storage/etcd/etcd-meta-store.ts'
import { ShardOwnership } from '../storage/etcd/shard-ownership.ts'
import { LocalFileStore } from '../storage/local-file-store.ts'
import { S3FileStore } from '../storage/s3/s3-file-store.ts'
import { FileMetaStore } from '../storage/meta-store.ts'
import { Wal } from '../wal/wal.ts'
import { GarbageCollector } from './garbage-collector.ts'
import { type Manifest, referencedFiles } from './manifest.ts'
import { Quiver } from './quiver.ts'

const DIM = 4
const rows = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ id: from + i, v: [from + i, 1, 2, 3].map((x) => x / 10) }))
const MISSING_MS = 60_000
const DROP_MS = 30_000

describe('garbage collection on S3 + etcd', { skip: skipUnlessInstalled('etcd', 's3'), timeout: 90_000 }, () => {
  let dir: string
  const servers: ManagedServer[] = []
  let etcd: EtcdConnection
  let s3Options: ConstructorParameters<typeof S3FileStore>[0]
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-gc-'))
    const e = await startEtcd(dir)
    const s = await startS3(dir, ['quiver'])
    servers.push(e.server, s.server)
    etcd = new EtcdConnection({ endpoints: [e.endpoint], rootPath: 'gc' })
    s3Options = { endpoint: s.endpoint, bucket: 'quiver', rootPath: 'files', accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey, requestTimeoutMs: 2_000 }
  })
  after(async () => {
    etcd?.close()
    for (const s of servers) await s.stop()
    await rm(dir, { recursive: true, force: true })
  })

  /** The engine as a cluster owner opens it: files in S3 with the epoch, the manifest in etcd, unreferenced files left. */
  function openEngine(s3: S3FileStore, owner: ShardOwnership) {
    const wal = new LocalFileStore(join(dir, 'wal'))
    return Quiver.open({
      path: 'cluster:gc',
      fileStore: s3,
      metaStore: new EtcdMetaStore(etcd, { owner }),
      openWal: async (fromLsn) => {
        await wal.mkdirp('.')
        return Wal.open(wal, 'wal', { fromLsn, log: () => {} })
      },
      fileEpoch: owner.epoch,
      removeUnreferencedFiles: false,
      autoCompaction: false,
      timeTravelRetentionMs: 0,
      log: () => {},
    })
  }

  it('removes dropped and orphaned objects past both tolerances, only as the owner, never a referenced one', async () => {
    const s3 = new S3FileStore(s3Options)
    const owner = await ShardOwnership.acquire(etcd, '0', 'node-a', { ttlMs: 5_000 })
    const meta = new EtcdMetaStore(etcd, { owner })
    const logs: string[] = []
    let offsetMs = 0
    let owning = true
    const gc = new GarbageCollector(s3, meta, { missingToleranceMs: MISSING_MS, dropToleranceMs: DROP_MS, nowMs: () => Date.now() + offsetMs, mayDelete: () => owning && owner.held, log: (m) => logs.push(m) })
    try {
      assert.equal((await gc.runOnce()).skipped, 'no saved manifest')
      let client = await openEngine(s3, owner)
      await client.createCollection({
        collection_name: 'book',
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true },
          { name: 'v', data_type: DataType.FloatVector, dim: DIM },
        ],
      })
      for (let s = 0; s < 3; s++) {
        await client.insert({ collection_name: 'book', data: rows(s * 100, 100) })
        await client.flush({ collection_names: ['book'] })
      }
      await client.delete({ collection_name: 'book', filter: 'id < 10' })
      await client.flush({ collection_names: ['book'] })
      await client.compact({ collection_name: 'book' })
      await client.database.compactions.idle()
      await client.database.checkpoint()
      const collectionId = [...client.database.state.catalog.collections.values()].find((c) => c.name === 'book')!.id
      // What a deposed owner (epoch 1) left, and an object outside the engine's files.
      const orphan = `segments/${collectionId}/99-e1-10.arrow`
      await s3.writeFile(orphan, new Uint8Array(10))
      await s3.writeFile('imports/keep.json', new TextEncoder().encode('{}'))

      const live = () => meta.load().then((m) => referencedFiles(m as Manifest))
      const unreferenced = async () => {
        const names = await live()
        return (await s3.listFiles('segments')).filter((f) => !names.has(f.path)).map((f) => f.path)
      }
      const leftBehind = await unreferenced()
      assert.ok(leftBehind.length >= 4 && leftBehind.includes(orphan), `compaction left the three inputs and the delete file: ${leftBehind.join(', ')}`)

      const first = await gc.runOnce()
      assert.equal(first.removed.length, 0, 'first sighting: nothing is removed yet')
      assert.equal(first.waitingCount, leftBehind.length)
      offsetMs = 45_000 // seen unreferenced for 45 s > dropTolerance, but modified only ~45 s ago < missingTolerance
      assert.equal((await gc.runOnce()).removed.length, 0)
      offsetMs = 120_000
      owning = false
      const notOwner = await gc.runOnce()
      assert.equal(notOwner.skipped, 'this node does not own the shard')
      assert.deepEqual(await unreferenced(), leftBehind, 'a node that does not own the shard deletes nothing')
      owning = true
      const third = await gc.runOnce()
      assert.deepEqual(third.removed.map((f) => f.path).sort(), [...leftBehind].sort())
      assert.ok(third.removedBytes > 0)
      assert.deepEqual(await unreferenced(), [])
      const names = await live()
      assert.deepEqual((await s3.listFiles('segments')).map((f) => f.path).sort(), [...names].sort(), 'every referenced file is still there')
      assert.equal(await s3.exists('imports/keep.json'), true, 'objects outside segments/ are not the collector\'s')
      assert.ok(logs.some((m) => m.startsWith(`garbage collection removed ${leftBehind.length} objects (${third.removedBytes} bytes)`) && m.includes(orphan)), logs.join('\n'))
      assert.deepEqual(gc.totals, { passCount: 5, removedCount: leftBehind.length, removedBytes: third.removedBytes, failedPassCount: 0 })

      await client.close()
      client = await openEngine(s3, owner)
      try {
        assert.equal(Number((await client.count({ collection_name: 'book' })).data), 290)
      } finally {
        await client.close()
      }
    } finally {
      await gc.stop()
      await owner.release()
      s3.close()
    }
  })
})

describe('garbage collection beside checkpoints', { timeout: 60_000 }, () => {
  it('passes with zero tolerances running against flushes never delete a file a manifest names (the file gate)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'quiver-gc-gate-'))
    const store = new LocalFileStore(dir)
    const options = { path: dir, fileStore: store, removeUnreferencedFiles: false, autoCompaction: false, log: () => {} }
    let client = await Quiver.open(options)
    const gc = new GarbageCollector(store, new FileMetaStore(store), { missingToleranceMs: 0, dropToleranceMs: 0, log: () => {} })
    try {
      await client.createCollection({
        collection_name: 'book',
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true },
          { name: 'v', data_type: DataType.FloatVector, dim: DIM },
        ],
      })
      let writing = true
      const passes = (async () => {
        while (writing) await gc.runOnce()
      })()
      for (let i = 0; i < 25; i++) {
        await client.insert({ collection_name: 'book', data: rows(i * 20, 20) })
        // Also in the previous (flushed) segment: its delete file is replaced, the old one dropped.
        await client.delete({ collection_name: 'book', filter: `id in [${i * 20}, ${Math.max(0, i * 20 - 19)}]` })
        await client.flush({ collection_names: ['book'] })
      }
      writing = false
      await passes
      assert.ok(gc.totals.passCount > 1 && gc.totals.removedCount > 0, `passes ran and removed what flushes replaced: ${JSON.stringify(gc.totals)}`)
      await client.close()
      client = await Quiver.open(options)
      assert.equal(Number((await client.count({ collection_name: 'book' })).data), 25 * 20 - 49)
    } finally {
      await gc.stop()
      await client.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
})
