// `quiver serve --config cluster.yaml --role all` on real etcd, S3 (versitygw) and NATS JetStream, all on
// loopback and stopped by pid, driven by the official Node SDK: node 1 serves and takes writes; node 2
// waits as a standby; kill -9 of node 1 under client load ⇒ node 2 owns the shard and serves within 15 s,
// with every acknowledged row (checkpointed ones from S3 + etcd, the rest replayed from the log), no
// duplicate key, and nothing but the batch in flight at the kill beyond what was acknowledged.
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { DataType, MilvusClient } from '@zilliz/milvus2-sdk-node'
import { skipUnlessInstalled, startEtcd, startNats, startS3 } from '../support/cluster-servers.ts'
import type { ManagedServer } from '../support/managed-server.ts'
import { type ServedChild, serveChild } from '../support/serve-child.ts'
import { SDK_TIMEOUT_MS } from './server-fixture.ts'

const DIM = 4
/** The bound on a takeover after kill -9 of the writer. */
const FAILOVER_MS_MAX = 15_000
const rows = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ id: from + i, vec: [from + i, 1, 2, 3] }))

describe('cluster mode: kill -9 of the serving node, the standby takes over', { skip: skipUnlessInstalled('etcd', 's3', 'nats'), timeout: 120_000 }, () => {
  let dir: string
  const servers: ManagedServer[] = []
  const nodes: ServedChild[] = []
  /** The standby, started before it can serve: stopped in `after` once it serves (or killed by serveChild's start deadline). */
  let standby: Promise<ServedChild> | undefined
  let config: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-cluster-serve-'))
    const etcd = await startEtcd(dir)
    const s3 = await startS3(dir, ['quiver'])
    const nats = await startNats(dir)
    servers.push(etcd.server, s3.server, nats.server)
    const [host, port] = s3.endpoint.replace('http://', '').split(':')
    config = join(dir, 'cluster.yaml')
    await writeFile(
      config,
      [
        `etcd: { endpoints: "${etcd.endpoint}", rootPath: serve-test }`,
        `minio: { address: ${host}, port: ${port}, bucketName: quiver, accessKeyID: ${s3.accessKeyId}, secretAccessKey: ${s3.secretAccessKey} }`,
        'common: { session: { ttl: 5 } }',
        'mq: { type: natsmq }',
        `natsmq: { address: "${nats.url}" }`,
      ].join('\n'),
    )
  })
  after(async () => {
    for (const n of nodes) await n.stop(5_000)
    await (await standby?.catch(() => undefined))?.stop(5_000)
    for (const s of servers) await s.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('no acknowledged row lost, none duplicated, the standby serving within 15 s', async (t) => {
    const args = ['--config', config, '--role', 'all', '--log-level', 'info']
    const first = await serveChild(join(dir, 'node-1'), args)
    nodes.push(first)
    // Node 2 starts now (its start overlaps node 1's work) and waits as a standby.
    let waiting: () => void = () => {}
    const isWaiting = new Promise<void>((resolve) => {
      waiting = resolve
    })
    standby = serveChild(join(dir, 'node-2'), args, {}, (text) => {
      if (text.includes('standby: shard 0 is owned by')) waiting()
    })
    standby.catch(() => undefined) // awaited below; a failed start must not be an unhandled rejection meanwhile
    const c1 = new MilvusClient({ address: first.address, timeout: SDK_TIMEOUT_MS, logLevel: 'error' })
    let acknowledged = 0
    const created = await c1.createCollection({
      collection_name: 'book',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'vec', data_type: DataType.FloatVector, dim: DIM },
      ],
    })
    assert.equal(created.error_code, 'Success', created.reason)
    for (let from = 0; from < 300; from += 100) {
      const res = await c1.insert({ collection_name: 'book', data: rows(from, 100) })
      assert.equal(res.status.error_code, 'Success', res.status.reason)
      acknowledged += Number(res.insert_cnt)
      if (from === 100) await c1.flush({ collection_names: ['book'] }) // rows 0-199 go to S3; 200-299 stay in the log
    }
    assert.equal(acknowledged, 300)

    await isWaiting // node 2 is up and waits for the shard

    // Under load: batches of 10 keep going to node 1 until it dies; only answered successes are acknowledged.
    const ackedUnderLoad: number[] = []
    let attemptedMax = 0
    let stopLoad = false
    const load = (async () => {
      for (let from = 1_000; !stopLoad && from < 100_000; from += 10) {
        attemptedMax = from + 10
        const res = await c1.insert({ collection_name: 'book', data: rows(from, 10) }).catch(() => undefined)
        if (res?.status.error_code !== 'Success') return
        for (let i = 0; i < 10; i++) ackedUnderLoad.push(from + i)
      }
    })()
    await new Promise((r) => setTimeout(r, 1_000))
    const killedAt = performance.now()
    first.child.kill('SIGKILL')
    await load
    stopLoad = true
    await c1.closeConnection()
    assert.ok(ackedUnderLoad.length > 0, 'node 1 acknowledged writes under load before it died')
    const second = await standby
    const failoverMs = performance.now() - killedAt
    t.diagnostic(`node 2 served ${Math.round(failoverMs)} ms after kill -9 of node 1 (lease TTL 5 s)`)
    assert.ok(failoverMs < FAILOVER_MS_MAX, `node 2 served ${Math.round(failoverMs)} ms after the kill`)
    assert.doesNotMatch(second.stderr(), /does not use|NodeVersionSupportWarning/, 'the cluster keys are used; no SDK warning')

    const c2 = new MilvusClient({ address: second.address, timeout: SDK_TIMEOUT_MS, logLevel: 'error' })
    try {
      await c2.loadCollection({ collection_name: 'book' })
      const got = await c2.query({ collection_name: 'book', filter: 'id >= 0', output_fields: ['id'], limit: 16_384 })
      assert.equal(got.status.error_code, 'Success', got.status.reason)
      const ids = got.data.map((r) => Number(r.id))
      assert.equal(new Set(ids).size, ids.length, 'no duplicate key')
      const present = new Set(ids)
      for (let id = 0; id < 300; id++) assert.ok(present.has(id), `acknowledged row ${id} is there`)
      for (const id of ackedUnderLoad) assert.ok(present.has(id), `row ${id} acknowledged under load is there`)
      // Beyond the acknowledged: only rows of the batch in flight at the kill (in the log, answer lost).
      for (const id of ids) assert.ok(id < 300 || (id >= 1_000 && id < attemptedMax), `row ${id} was written by someone`)
      t.diagnostic(`${300 + ackedUnderLoad.length} rows acknowledged by node 1, ${ids.length} on node 2 after the takeover`)
      const more = await c2.insert({ collection_name: 'book', data: rows(300, 10) })
      assert.equal(more.status.error_code, 'Success', more.status.reason)
      const count = await c2.query({ collection_name: 'book', filter: '', output_fields: ['count(*)'] })
      assert.equal(Number(count.data[0]?.['count(*)']), ids.length + 10)
    } finally {
      await c2.closeConnection()
    }
    assert.equal(await second.stop(10_000), 0, 'SIGTERM: a clean stop that gives the shard up')
  })
})
