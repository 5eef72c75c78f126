// A 3-node cluster of `quiver serve` processes on real etcd, S3 (versitygw) and NATS JetStream, all on
// loopback and stopped by pid, driven by the official Node SDK (and REST): node 1 (`--role all`) is the
// writer, node 2 (`--role all`) a read replica waiting for the shard, node 3 (`--role query`) a read
// replica. Writes go through any node (replicas forward them to the writer), reads from every node
// equal what was acknowledged (Strong: a replica waits for the log's tail); kill -9 of the writer
// under load ⇒ node 2 takes the shard within 15 s with every acknowledged row, none duplicated; kill -9
// of the query node ⇒ clients of the others go on.
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { DataType, MilvusClient } from '@zilliz/milvus2-sdk-node'
import { Quiver } from '../../src/engine/quiver.ts'
import { skipUnlessInstalled, startClusterServers } from '../support/cluster-servers.ts'
import type { ManagedServer } from '../support/managed-server.ts'
import { type ServedChild, serveChild } from '../support/serve-child.ts'
import { SDK_TIMEOUT_MS } from './server-fixture.ts'

const DIM = 4
/** The bound on a takeover after kill -9 of the writer. */
const FAILOVER_MS_MAX = 15_000
const vec = (id: number) => [id % 7, id % 11, id % 13, 1]
const rows = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ id: from + i, vec: vec(from + i) }))

async function roleOf(node: ServedChild): Promise<string | undefined> {
  const res = await fetch(`${node.opsUrl}/healthz`, { headers: { accept: 'application/json' } }).catch(() => undefined)
  return res === undefined ? undefined : ((await res.json()) as { role?: string }).role
}

async function idsOf(client: MilvusClient): Promise<number[]> {
  const got = await client.query({ collection_name: 'book', filter: 'id >= 0', output_fields: ['id'], limit: 16_384 })
  assert.equal(got.status.error_code, 'Success', got.status.reason)
  return got.data.map((r) => Number(r.id)).sort((a, b) => a - b)
}

describe('cluster mode: a writer and two read replicas', { skip: skipUnlessInstalled('etcd', 's3', 'nats'), timeout: 180_000 }, () => {
  let dir: string
  const servers: ManagedServer[] = []
  const nodes: ServedChild[] = []
  const clients: MilvusClient[] = []
  let config: string
  let n1: ServedChild, n2: ServedChild, n3: ServedChild
  let natsServer: ManagedServer
  let s3Server: ManagedServer
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-cluster-nodes-'))
    const { etcd, s3, nats, servers: started } = await startClusterServers(dir)
    servers.push(...started)
    natsServer = nats.server
    s3Server = s3.server
    const [host, port] = s3.endpoint.replace('http://', '').split(':')
    config = join(dir, 'cluster.yaml')
    await writeFile(
      config,
      [
        `etcd: { endpoints: "${etcd.endpoint}", rootPath: nodes-test }`,
        `minio: { address: ${host}, port: ${port}, bucketName: quiver, accessKeyID: ${s3.accessKeyId}, secretAccessKey: ${s3.secretAccessKey} }`,
        'common: { session: { ttl: 5 } }',
        'mq: { type: natsmq }',
        `natsmq: { address: "${nats.url}" }`,
      ].join('\n'),
    )
    const start = (name: string, role: string) => serveChild(join(dir, name), ['--config', config, '--role', role, '--log-level', 'info'])
    n1 = await start('node-1', 'all')
    nodes.push(n1)
    ;[n2, n3] = await Promise.all([start('node-2', 'all'), start('node-3', 'query')])
    nodes.push(n2, n3)
  })
  after(async () => {
    if (process.env.QUIVER_TEST_LOGS_TO !== undefined) {
      for (const [i, n] of nodes.entries()) await writeFile(join(process.env.QUIVER_TEST_LOGS_TO, `node-${i + 1}.log`), `${n.stdout()}\n--- stderr ---\n${n.stderr()}`)
    }
    for (const c of clients) await c.closeConnection().catch(() => undefined)
    for (const n of nodes) await n.stop(5_000)
    for (const s of servers) await s.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('differential: random writes through random nodes; every node answers what the embedded engine answers', async () => {
    const embedded = await Quiver.open(join(dir, 'embedded'))
    const remote = [n1, n2, n3].map((n) => new MilvusClient({ address: n.address, timeout: SDK_TIMEOUT_MS, logLevel: 'error' }))
    clients.push(...remote)
    try {
      let seed = 16
      const rand = (n: number) => {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
        return seed % n
      }
      const schema = { collection_name: 'diff', fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'tag', data_type: DataType.Int64 },
        { name: 'vec', data_type: DataType.FloatVector, dim: DIM },
      ] }
      assert.equal((await embedded.createCollection(schema)).error_code, 'Success')
      assert.equal((await remote[rand(3)]!.createCollection(schema)).error_code, 'Success')
      const reads = async (c: MilvusClient | Quiver) => {
        const all = await c.query({ collection_name: 'diff', filter: 'id >= 0', output_fields: ['id', 'tag'], limit: 16_384 })
        const some = await c.query({ collection_name: 'diff', filter: 'tag in [1, 2] and id < 150', output_fields: ['id'], limit: 16_384 })
        const count = await c.query({ collection_name: 'diff', filter: '', output_fields: ['count(*)'] })
        const key = (r: Record<string, unknown>) => `${String(r.id)}:${String(r.tag ?? '')}`
        return { all: all.data.map(key).sort(), some: some.data.map(key).sort(), count: Number(count.data[0]?.['count(*)']) }
      }
      for (let step = 0; step < 60; step++) {
        const op = rand(10)
        const ids = Array.from({ length: 1 + rand(20) }, () => rand(300))
        const data = [...new Set(ids)].map((id) => ({ id, tag: rand(5), vec: vec(id) }))
        const request =
          op < 5 ? { kind: 'upsert' as const, req: { collection_name: 'diff', data } }
          : op < 7 ? { kind: 'delete' as const, req: { collection_name: 'diff', filter: `id in [${ids.join(', ')}]` } }
          : op < 8 ? { kind: 'delete' as const, req: { collection_name: 'diff', filter: `tag == ${rand(5)} and id < ${rand(300)}` } }
          : op < 9 ? { kind: 'flush' as const, req: { collection_names: ['diff'] } }
          : { kind: 'upsert' as const, req: { collection_name: 'diff', data: data.map((r) => ({ ...r, tag: 9 })) } }
        const node = remote[rand(3)]!
        const [mine, theirs] =
          request.kind === 'upsert' ? [await embedded.upsert(request.req), await node.upsert(request.req)]
          : request.kind === 'delete' ? [await embedded.delete(request.req), await node.delete(request.req)]
          : [await embedded.flush(request.req), await node.flush(request.req)]
        assert.equal(theirs.status.error_code, mine.status.error_code, `step ${step} (${request.kind}): ${theirs.status.reason}`)
        if (step % 10 === 9) {
          const expected = await reads(embedded)
          for (const [i, c] of remote.entries()) assert.deepEqual(await reads(c), expected, `step ${step}: node ${i + 1} answers what the embedded engine answers`)
        }
      }
    } finally {
      await embedded.close()
      // Closed now: a node restarting later (the writer reopening, a promotion) must not leave these reconnecting in the background.
      for (const c of remote) await c.closeConnection()
    }
  })

  it('the log killed and restarted: clear errors meanwhile, then writes and reads resume with nothing lost', async (t) => {
    // Node 3 (a replica) stays up throughout; the writer (node 1) restarts its server when its log fails.
    const c3 = new MilvusClient({ address: n3.address, timeout: SDK_TIMEOUT_MS, logLevel: 'error' })
    clients.push(c3)
    const schema = { collection_name: 'logcut', fields: [{ name: 'id', data_type: DataType.Int64, is_primary_key: true }, { name: 'vec', data_type: DataType.FloatVector, dim: DIM }] }
    assert.equal((await c3!.createCollection(schema)).error_code, 'Success')
    assert.equal((await c3!.insert({ collection_name: 'logcut', data: rows(0, 50) })).status.error_code, 'Success')
    const idsIn = async (c: MilvusClient) => {
      try {
        const got = await c.query({ collection_name: 'logcut', filter: 'id >= 0', output_fields: ['id'], limit: 16_384 })
        return { code: got.status.error_code, reason: got.status.reason, ids: got.data.map((r) => Number(r.id)).sort((a, b) => a - b) }
      } catch (e) {
        return { code: 'ClientError', reason: String(e), ids: [] as number[] }
      }
    }

    await natsServer.kill()
    const write = await c3!.insert({ collection_name: 'logcut', data: rows(50, 10) })
    assert.notEqual(write.status.error_code, 'Success', 'a write without its log is refused')
    t.diagnostic(`write while the log is down: ${write.status.error_code} ${write.status.reason}`)
    const read = await idsIn(c3!)
    assert.notEqual(read.code, 'Success', 'a Strong read on a replica cannot be answered without the log')
    assert.match(read.reason, /log/, 'the error names the log')
    assert.doesNotMatch(`${write.status.reason} ${read.reason}`, /\n\s+at |\.ts:\d/, 'no stack trace in an answer')

    await natsServer.restart()
    const restartedAt = performance.now()
    let resumedMs = -1
    for (let i = 0; i < 300 && resumedMs < 0; i++) {
      const res = await c3!.upsert({ collection_name: 'logcut', data: rows(50, 10) }).catch(() => undefined)
      if (res?.status.error_code === 'Success') resumedMs = performance.now() - restartedAt
      else await new Promise((r) => setTimeout(r, 100))
    }
    t.diagnostic(`writes resumed ${Math.round(resumedMs)} ms after the log came back`)
    assert.ok(resumedMs >= 0 && resumedMs < 20_000, `writes resumed ${Math.round(resumedMs)} ms after the log came back`)
    const expected = Array.from({ length: 60 }, (_, i) => i)
    for (const [i, n] of [n1, n2, n3].entries()) {
      const c = new MilvusClient({ address: n.address, timeout: SDK_TIMEOUT_MS, logLevel: 'error' })
      const startedAt = performance.now()
      let got = await idsIn(c)
      for (let tries = 0; got.code !== 'Success' && tries < 50 && performance.now() - startedAt < 30_000; tries++) {
        await new Promise((r) => setTimeout(r, 200))
        got = await idsIn(c)
      }
      assert.deepEqual(got.ids, expected, `node ${i + 1} after the log came back: ${got.reason}`)
      t.diagnostic(`node ${i + 1} answered every acknowledged row ${Math.round(performance.now() - restartedAt)} ms after the log came back`)
      await c.closeConnection()
    }
  })

  it('the S3 server killed and restarted: flush fails clearly, acknowledged writes stay, then flush succeeds', async (t) => {
    const c3 = new MilvusClient({ address: n3.address, timeout: SDK_TIMEOUT_MS, logLevel: 'error' })
    clients.push(c3)
    const schema = { collection_name: 's3cut', fields: [{ name: 'id', data_type: DataType.Int64, is_primary_key: true }, { name: 'vec', data_type: DataType.FloatVector, dim: DIM }] }
    assert.equal((await c3.createCollection(schema)).error_code, 'Success')
    assert.equal((await c3.insert({ collection_name: 's3cut', data: rows(0, 30) })).status.error_code, 'Success')
    await s3Server.kill()
    const flush = await c3.flush({ collection_names: ['s3cut'] })
    t.diagnostic(`flush while S3 is down: ${flush.status.error_code} ${flush.status.reason}`)
    assert.notEqual(flush.status.error_code, 'Success', 'a flush cannot write its segment files')
    assert.doesNotMatch(flush.status.reason, /\n\s+at |\.ts:\d/, 'no stack trace in the answer')
    // Writes go to the log, not S3: retried once, as a write after a failed background checkpoint reports that failure first.
    let write = await c3.insert({ collection_name: 's3cut', data: rows(30, 10) })
    if (write.status.error_code !== 'Success') write = await c3.insert({ collection_name: 's3cut', data: rows(30, 10) })
    assert.equal(write.status.error_code, 'Success', write.status.reason)
    const q = await c3.query({ collection_name: 's3cut', filter: 'id >= 0', output_fields: ['id'], limit: 100 })
    assert.equal(q.data.length, 40, 'a replica reads every acknowledged row while S3 is down')
    await s3Server.restart()
    let flushed = await c3.flush({ collection_names: ['s3cut'] })
    for (let i = 0; i < 20 && flushed.status.error_code !== 'Success'; i++) {
      await new Promise((r) => setTimeout(r, 500))
      flushed = await c3.flush({ collection_names: ['s3cut'] })
    }
    assert.equal(flushed.status.error_code, 'Success', flushed.status.reason)
    for (const n of [n1, n2, n3]) {
      const c = new MilvusClient({ address: n.address, timeout: SDK_TIMEOUT_MS, logLevel: 'error' })
      const got = await c.query({ collection_name: 's3cut', filter: 'id >= 0', output_fields: ['id'], limit: 100 })
      assert.deepEqual(got.data.map((r) => Number(r.id)).sort((a, b) => a - b), Array.from({ length: 40 }, (_, i) => i))
      await c.closeConnection()
    }
  })

  it('writes through any node, equal reads on every node, kill -9 of the writer and of a query node', async (t) => {
    assert.deepEqual([await roleOf(n1), await roleOf(n2), await roleOf(n3)], ['writer', 'replica', 'replica'])
    const [c1, c2, c3] = [n1, n2, n3].map((n) => new MilvusClient({ address: n.address, timeout: SDK_TIMEOUT_MS, logLevel: 'error' }))
    clients.push(c1!, c2!, c3!)

    // DDL and writes through the replicas (forwarded to the writer) and the writer itself.
    const created = await c3!.createCollection({
      collection_name: 'book',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'vec', data_type: DataType.FloatVector, dim: DIM },
      ],
    })
    assert.equal(created.error_code, 'Success', created.reason)
    const acked: number[] = []
    for (const [i, c] of [c2!, c1!, c3!].entries()) {
      const res = await c.insert({ collection_name: 'book', data: rows(i * 100, 100) })
      assert.equal(res.status.error_code, 'Success', res.status.reason)
      acked.push(...rows(i * 100, 100).map((r) => r.id))
      if (i === 1) assert.equal((await c2!.flush({ collection_names: ['book'] })).status.error_code, 'Success') // rows 0-199 to S3
    }
    // REST through the query node: an upsert forwarded to the writer, then read back on node 2.
    const restUpsert = await fetch(`http://${n3.address}/v2/vectordb/entities/upsert`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ collectionName: 'book', data: rows(300, 5) }),
    }).then((r) => r.json() as Promise<{ code: number; data?: { upsertCount?: number } }>)
    assert.equal(restUpsert.code, 0, JSON.stringify(restUpsert))
    acked.push(300, 301, 302, 303, 304)
    const deleted = await c2!.delete({ collection_name: 'book', filter: 'id in [5, 150, 250]' })
    assert.equal(deleted.status.error_code, 'Success', deleted.status.reason)
    const expected = acked.filter((id) => ![5, 150, 250].includes(id)).sort((a, b) => a - b)

    // Strong reads on every node, right after the writes: each equals what was acknowledged.
    for (const [i, c] of [c1!, c2!, c3!].entries()) assert.deepEqual(await idsOf(c), expected, `node ${i + 1} answers every acknowledged write`)
    const restQuery = await fetch(`http://${n2.address}/v2/vectordb/entities/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ collectionName: 'book', filter: 'id >= 300', outputFields: ['id'] }),
    }).then((r) => r.json() as Promise<{ code: number; data: { id: number }[] }>)
    assert.deepEqual(restQuery.data.map((r) => Number(r.id)).sort((a, b) => a - b), [300, 301, 302, 303, 304])
    for (const c of [c1!, c2!, c3!]) {
      const hits = await c.search({ collection_name: 'book', data: [vec(42)], filter: 'id >= 40 and id < 50', limit: 3, output_fields: ['id'] })
      assert.equal(hits.status.error_code, 'Success', hits.status.reason)
      assert.equal(Number(hits.results[0]!.id), 42)
    }

    // kill -9 of the writer while node 3's client writes through it (forwarded), batches of 10, each retried until it succeeds.
    const ackedUnderLoad: number[] = []
    let attemptedMax = 0
    let stopLoad = false
    let killedAt = 0
    let failoverMs = -1
    let failedSinceKill = 0
    const load = (async () => {
      for (let from = 1_000; !stopLoad && from < 100_000; from += 10) {
        attemptedMax = from + 10
        // Upsert: a batch retried after the kill may be in the log already (its answer lost), so the retry must be idempotent.
        const res = await c3!.upsert({ collection_name: 'book', data: rows(from, 10) }).catch(() => undefined)
        if (res?.status.error_code !== 'Success') {
          if (killedAt > 0) failedSinceKill++
          await new Promise((r) => setTimeout(r, 100)) // the writer is gone: retry the same batch
          from -= 10
          continue
        }
        for (let i = 0; i < 10; i++) ackedUnderLoad.push(from + i)
        // Resumed: a success after the writes through node 3 failed for want of a writer.
        if (failedSinceKill > 0 && failoverMs < 0) {
          failoverMs = performance.now() - killedAt
          stopLoad = true
        }
      }
    })()
    await new Promise((r) => setTimeout(r, 1_000))
    const beforeKill = ackedUnderLoad.length
    killedAt = performance.now()
    n1.child.kill('SIGKILL')
    const deadline = setTimeout(() => (stopLoad = true), FAILOVER_MS_MAX + 10_000)
    await load
    clearTimeout(deadline)
    t.diagnostic(`writes through node 3 resumed ${Math.round(failoverMs)} ms after kill -9 of the writer (lease TTL 5 s; ${failedSinceKill} failed tries meanwhile); ${beforeKill} rows acknowledged before the kill`)
    assert.ok(beforeKill > 0, 'writes were acknowledged through the query node before the kill')
    assert.ok(failoverMs >= 0 && failoverMs < FAILOVER_MS_MAX, `writes resumed ${Math.round(failoverMs)} ms after the kill; node 2: ${n2.stdout().slice(-3_000)} ${n2.stderr().slice(-2_000)}; node 3: ${n3.stdout().slice(-2_000)}`)
    assert.equal(await roleOf(n2), 'writer')
    // Node 2's server restarted as the writer on the same port: its clients reconnect (a new client here).
    const c2w = new MilvusClient({ address: n2.address, timeout: SDK_TIMEOUT_MS, logLevel: 'error' })
    clients.push(c2w)

    const expectedAfter = new Set([...expected, ...ackedUnderLoad])
    for (const [name, c] of [['node 2', c2w], ['node 3', c3!]] as const) {
      const ids = await idsOf(c)
      assert.equal(new Set(ids).size, ids.length, `${name}: no duplicate key`)
      const present = new Set(ids)
      for (const id of expectedAfter) assert.ok(present.has(id), `${name}: acknowledged row ${id} is there`)
      // Beyond the acknowledged: only rows of the batch in flight at the kill (in the log, answer lost).
      for (const id of ids) assert.ok(expectedAfter.has(id) || (id >= 1_000 && id < attemptedMax), `${name}: row ${id} was written by someone`)
    }
    assert.deepEqual(await idsOf(c2w), await idsOf(c3!), 'the new writer and the query node answer the same')

    // kill -9 of the query node: node 2's clients go on.
    n3.child.kill('SIGKILL')
    const more = await c2w.insert({ collection_name: 'book', data: rows(400, 10) })
    assert.equal(more.status.error_code, 'Success', more.status.reason)
    const count = await c2w.query({ collection_name: 'book', filter: '', output_fields: ['count(*)'] })
    assert.equal(Number(count.data[0]?.['count(*)']), (await idsOf(c2w)).length)
    assert.ok((await idsOf(c2w)).includes(409))
    assert.equal(await n2.stop(10_000), 0, 'SIGTERM: a clean stop that gives the shard up')
  })
})
