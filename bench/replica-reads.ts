/**
 * What a read costs on a read replica against the writer (cluster mode, docs/design/0015-read-replicas.md):
 * the same queries by primary key and the same searches, one client, on the writer and on a replica of
 * it, both embedded in this process over real etcd, S3 (versitygw) and NATS JetStream started on
 * loopback (test/support/cluster-servers.ts; the binaries `scripts/install-cluster-servers.sh` builds).
 * The replica's Strong read barrier (the log's tail, then wait until applied) is the difference; it is
 * also timed alone, and a write on the writer followed at once by a Strong read of it on the replica.
 * Run: `npx tsx bench/replica-reads.ts [--rows 20000] [--reads 2000]`.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { openLogReplica } from '../src/log/log-replica.ts'
import { openLogWal } from '../src/log/log-wal.ts'
import { NatsLog } from '../src/log/nats-log.ts'
import { EtcdConnection } from '../src/storage/etcd/etcd-connection.ts'
import { EtcdMetaStore } from '../src/storage/etcd/etcd-meta-store.ts'
import { ShardOwnership } from '../src/storage/etcd/shard-ownership.ts'
import { S3FileStore } from '../src/storage/s3/s3-file-store.ts'
import { DataType, Quiver } from '../src/index.ts'
import { startEtcd, startNats, startS3 } from '../test/support/cluster-servers.ts'

const { values } = parseArgs({ options: { rows: { type: 'string', default: '20000' }, reads: { type: 'string', default: '2000' } } })
const rows = Number(values.rows)
const reads = Number(values.reads)
const dim = 32

const dir = await mkdtemp(path.join(os.tmpdir(), 'quiver-replica-bench-'))
const etcdServer = await startEtcd(dir)
const s3Server = await startS3(dir, ['quiver'])
const natsServer = await startNats(dir)
const s3Options = { endpoint: s3Server.endpoint, bucket: 'quiver', rootPath: 'b', accessKeyId: s3Server.accessKeyId, secretAccessKey: s3Server.secretAccessKey }
const etcd = new EtcdConnection({ endpoints: [etcdServer.endpoint], rootPath: 'b' })
const natsOf = () => NatsLog.open({ url: natsServer.url, stream: 'QUIVER_b_0', subject: 'quiver.b.0' })
const owner = await ShardOwnership.acquire(etcd, '0', 'writer', { ttlMs: 10_000 })
const writerLog = await natsOf()
const writer = await Quiver.open({ path: 'cluster:b', fileStore: new S3FileStore(s3Options), metaStore: new EtcdMetaStore(etcd, { owner }), openWal: (from) => openLogWal(writerLog, owner, from), log: () => {} })
const vec = (i: number) => Array.from({ length: dim }, (_, j) => Math.sin(i * 0.37 + j))
await writer.createCollection({ collection_name: 'b', fields: [{ name: 'id', data_type: DataType.Int64, is_primary_key: true }, { name: 'v', data_type: DataType.FloatVector, dim }] })
for (let from = 0; from < rows; from += 2_000) await writer.insert({ collection_name: 'b', data: Array.from({ length: Math.min(2_000, rows - from) }, (_, i) => ({ id: from + i, v: vec(from + i) })) })
await writer.flush({ collection_names: ['b'] })
const replicaLog = await natsOf()
const replica = await Quiver.open({ path: 'cluster:b', fileStore: new S3FileStore(s3Options), metaStore: new EtcdMetaStore(etcd), openWal: (from) => openLogReplica(replicaLog, from), log: () => {} })

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!
async function timed(label: string, n: number, op: (i: number) => Promise<unknown>) {
  const ms: number[] = []
  for (let i = 0; i < 50; i++) await op(i) // warm-up
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    await op(i)
    ms.push(performance.now() - t)
  }
  console.log(`| ${label} | ${n} | ${pct(ms, 50).toFixed(3)} | ${pct(ms, 99).toFixed(3)} |`)
}
const get = (db: Quiver, i: number) => db.query({ collection_name: 'b', filter: `id == ${(i * 7919) % rows}`, output_fields: ['id'] })
const search = (db: Quiver, i: number) => db.search({ collection_name: 'b', data: [vec(i)], limit: 10 })
console.log(`rows ${rows} × ${dim}, ${reads} reads each, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`)
console.log('| read | n | p50 ms | p99 ms |\n|---|---:|---:|---:|')
await timed('query by id, writer', reads, (i) => get(writer, i))
await timed('query by id, replica (barrier + query)', reads, async (i) => { await replica.database.readBarrier(); return get(replica, i) })
await timed('read barrier alone (replica caught up)', reads, () => replica.database.readBarrier())
await timed('search top 10, writer', reads, (i) => search(writer, i))
await timed('search top 10, replica (barrier + search)', reads, async (i) => { await replica.database.readBarrier(); return search(replica, i) })
// Write on the writer, then Strong read on the replica at once: the barrier fetches the record.
await timed('upsert on the writer + Strong read of it on the replica', Math.min(reads, 500), async (i) => {
  await writer.upsert({ collection_name: 'b', data: [{ id: i, v: vec(i + 1) }] })
  await replica.database.readBarrier()
  return get(replica, i)
})
await replica.close()
await writer.close()
await owner.release()
etcd.close()
for (const s of [etcdServer.server, s3Server.server, natsServer.server]) await s.stop()
await rm(dir, { recursive: true, force: true })
