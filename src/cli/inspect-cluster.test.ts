// `quiver inspect --config cluster.yaml` as an operator runs it (a child process) against real etcd,
// versitygw and nats-server on loopback (stopped by pid): the owner and its epoch, the checkpoint vs
// the log's tail (lag), collections, segments and bytes in S3; and it changes nothing — no etcd key,
// no object, no log stream, the owner keeps its shard.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { skipUnlessInstalled, startClusterServers } from '../../test/support/cluster-servers.ts'
import type { ManagedServer } from '../../test/support/managed-server.ts'
import { type ClusterConfig, loadClusterConfig } from '../config/load-cluster-config.ts'
import { Quiver } from '../engine/quiver.ts'
import { readLogStreamInfo } from '../log/log-stream-info.ts'
import { openLogWal } from '../log/log-wal.ts'
import { NatsLog } from '../log/nats-log.ts'
import { DataType } from '../schema/data-type.ts'
import { EtcdConnection } from '../storage/etcd/etcd-connection.ts'
import { EtcdMetaStore } from '../storage/etcd/etcd-meta-store.ts'
import { ShardOwnership } from '../storage/etcd/shard-ownership.ts'
import { S3FileStore } from '../storage/s3/s3-file-store.ts'
import type { ClusterInspectReport } from './inspect-cluster.ts'

const main = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './main.ts' : './main.js', import.meta.url))
const execArgv = main.endsWith('.ts') ? ['--import', 'tsx'] : []
const rows = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ id: from + i, v: [from + i, 1, 2, 3].map((x) => x / 10) }))

async function inspect(configFile: string): Promise<ClusterInspectReport> {
  const { stdout } = await promisify(execFile)(process.execPath, [...execArgv, main, 'inspect', '--config', configFile], { encoding: 'utf8', timeout: 60_000 })
  return JSON.parse(stdout) as ClusterInspectReport
}

describe('quiver inspect --config (a cluster)', { skip: skipUnlessInstalled('etcd', 's3', 'nats'), timeout: 90_000 }, () => {
  let dir: string
  const servers: ManagedServer[] = []
  let yamlOf: (root: string) => Promise<{ file: string; config: ClusterConfig }>
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-inspect-cluster-'))
    const { etcd, s3, nats, servers: started } = await startClusterServers(dir)
    servers.push(...started)
    const [host, port] = s3.endpoint.replace('http://', '').split(':')
    yamlOf = async (root) => {
      const file = join(dir, `${root}.yaml`)
      await writeFile(
        file,
        [
          `etcd:\n  endpoints: ${etcd.endpoint}\n  rootPath: ${root}`,
          `minio:\n  address: ${host}\n  port: ${port}\n  accessKeyID: ${s3.accessKeyId}\n  secretAccessKey: ${s3.secretAccessKey}\n  bucketName: quiver\n  rootPath: ${root}`,
          `mq:\n  type: natsmq\nnatsmq:\n  address: ${nats.url}`,
        ].join('\n'),
      )
      return { file, config: (await loadClusterConfig({ file })).config }
    }
  })
  after(async () => {
    for (const s of servers) await s.stop()
    await rm(dir, { recursive: true, force: true })
  })

  /** Every etcd key under the root with its value and revision, and every object under the root. */
  async function snapshot(config: ClusterConfig) {
    const etcd = new EtcdConnection(config.etcd)
    const s3 = new S3FileStore(config.s3)
    try {
      const kvs = (await etcd.client.getAll().prefix(etcd.prefix).exec()).kvs.map((kv) => `${kv.key.toString()}@${kv.mod_revision}`)
      return { kvs, objects: (await s3.listFiles('.')).map((f) => `${f.path}@${f.modifiedMs}`) }
    } finally {
      s3.close()
      etcd.close()
    }
  }

  it('a root nothing ran on: no owner, no log, no collections — and no stream is created', async () => {
    const { file, config } = await yamlOf('empty')
    const report = await inspect(file)
    assert.deepEqual(report.shards, [{ shard: '0', owner: null, log: null, checkpointPosition: 0, lagRecords: 0 }])
    assert.deepEqual(report.collections, [])
    assert.equal(report.checkpointTs, null)
    assert.deepEqual(report.objects, { referencedCount: 0, referencedBytes: 0, unreferencedCount: 0, unreferencedBytes: 0, missing: [] })
    assert.equal(await readLogStreamInfo({ url: config.log.url, stream: `${config.log.streamPrefix}_0` }), undefined)
    assert.deepEqual(await snapshot(config), { kvs: [], objects: [] })
  })

  it('a serving owner: its epoch, the lag of the log past the checkpoint, segments and bytes; nothing changes', async () => {
    const { file, config } = await yamlOf('live')
    const etcd = new EtcdConnection(config.etcd)
    const s3 = new S3FileStore(config.s3)
    const owner = await ShardOwnership.acquire(etcd, '0', 'node-a', { ttlMs: 5_000 })
    const log = await NatsLog.open({ url: config.log.url, stream: `${config.log.streamPrefix}_0`, subject: `${config.log.subjectPrefix}.0` })
    const client = await Quiver.open({
      path: 'cluster:live',
      fileStore: s3,
      metaStore: new EtcdMetaStore(etcd, { owner }),
      openWal: (fromLsn) => openLogWal(log, owner, fromLsn),
      fileEpoch: owner.epoch,
      removeUnreferencedFiles: false,
      autoCompaction: false,
      closeCheckpointMsMax: 0,
      log: () => {},
    })
    try {
      await client.createCollection({
        collection_name: 'book',
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true },
          { name: 'v', data_type: DataType.FloatVector, dim: 4 },
        ],
      })
      await client.insert({ collection_name: 'book', data: rows(0, 100) })
      await client.delete({ collection_name: 'book', filter: 'id < 3' })
      await client.flush({ collection_names: ['book'] })
      // Two records past the checkpoint: only in the log.
      await client.insert({ collection_name: 'book', data: rows(100, 20) })
      await client.delete({ collection_name: 'book', filter: 'id == 50' })
      const before = await snapshot(config)

      const report = await inspect(file)
      const [shard] = report.shards
      assert.deepEqual(shard?.owner, { nodeId: 'node-a', epoch: owner.epoch })
      assert.ok(shard?.log !== null && shard?.log !== undefined && !('error' in shard.log && shard.log.error !== undefined))
      const info = shard.log as { tail: number; stream: string }
      assert.equal(info.stream, `${config.log.streamPrefix}_0`)
      assert.equal(info.tail, await log.tail())
      assert.equal(shard.lagRecords, 2)
      assert.equal(shard.checkpointPosition, info.tail - 2)
      assert.equal(report.collections.length, 1)
      const book = report.collections[0]!
      assert.deepEqual([book.name, book.database, book.segmentCount, book.rows, book.deletedRows], ['book', 'default', 1, 100, 3])
      const stored = await s3.listFiles('segments')
      assert.equal(book.bytes, stored.reduce((n, f) => n + f.sizeBytes, 0))
      assert.ok(book.bytes > 0)
      assert.equal(book.segments[0]!.files, 2)
      for (const f of stored) assert.match(f.path, new RegExp(`-e${owner.epoch}-`))
      assert.deepEqual(report.objects, { referencedCount: stored.length, referencedBytes: book.bytes, unreferencedCount: 0, unreferencedBytes: 0, missing: [] })

      assert.deepEqual(await snapshot(config), before, 'inspect wrote no etcd key and no object')
      assert.equal(owner.held, true, 'the owner keeps its shard')
      assert.equal(Number((await client.count({ collection_name: 'book' })).data), 116)
    } finally {
      await client.close()
      await owner.release()
      s3.close()
      etcd.close()
    }
  })
})
