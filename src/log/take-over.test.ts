// Failover at the store level, on a real etcd and a real JetStream (started here, stopped by pid):
// writer A owns the shard and appends under load, checking its ownership before each write; its lease
// is revoked (as etcd does when it expires) and B acquires the shard at once, replays the log and fences
// it while A, not yet aware, still appends. Every append A saw acknowledged is applied by B exactly once;
// A stops (lost ownership) or is refused by the log (2); nothing of A follows B's fence.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { skipUnlessInstalled, startEtcd, startNats } from '../../test/support/cluster-servers.ts'
import type { ManagedServer } from '../../test/support/managed-server.ts'
import { ErrorCode, MilvusError } from '../errors/errors.ts'
import { EtcdConnection } from '../storage/etcd/etcd-connection.ts'
import { ShardOwnership } from '../storage/etcd/shard-ownership.ts'
import { NatsLog } from './nats-log.ts'
import { replayAndFence } from './take-over.ts'

const encode = (s: string) => new TextEncoder().encode(s)
const decode = (b: Uint8Array) => new TextDecoder().decode(b)

describe('shard takeover: ownership in etcd + fencing in JetStream', { skip: skipUnlessInstalled('etcd', 'nats'), timeout: 60_000 }, () => {
  let dir: string
  const servers: ManagedServer[] = []
  let etcdEndpoint: string
  let natsUrl: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-takeover-'))
    const etcd = await startEtcd(dir)
    const nats = await startNats(dir)
    servers.push(etcd.server, nats.server)
    etcdEndpoint = etcd.endpoint
    natsUrl = nats.url
  })
  after(async () => {
    for (const s of servers) await s.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('no acknowledged write lost, none applied twice, the deposed writer refused', async () => {
    const etcdA = new EtcdConnection({ endpoints: [etcdEndpoint], rootPath: 'failover' })
    const etcdB = new EtcdConnection({ endpoints: [etcdEndpoint], rootPath: 'failover' })
    const open = () => NatsLog.open({ url: natsUrl, stream: 'QUIVER_failover_0', subject: 'quiver.failover.dml.0', requestTimeoutMs: 2_000 })
    const logA = await open()
    const logB = await open()
    try {
      const a = await ShardOwnership.acquire(etcdA, '0', 'node-a', { ttlMs: 2_000 })
      await replayAndFence(logA, 0, () => assert.fail('the log starts empty'), encode(`fence:${a.epoch}`), `epoch-${a.epoch}`)
      // A writes under load: each write checks the ownership, then appends; only resolved appends count as acknowledged.
      const acknowledged: string[] = []
      const refused: unknown[] = []
      let stop = false
      const writerA = (async () => {
        for (let i = 0; !stop && i < 5_000; i++) {
          if (!a.held) return
          const key = `a-${i}`
          const batch = [0, 1, 2].map((j) =>
            logA.append(encode(`${key}.${j}`)).then(
              () => acknowledged.push(`${key}.${j}`),
              (e) => refused.push(e),
            ),
          )
          await Promise.all(batch)
          if (refused.length > 0) return
        }
      })()
      await new Promise((r) => setTimeout(r, 300))
      // A's lease ends in etcd (as at expiry); its owner key goes with it; B takes the shard.
      await etcdB.client.leaseClient.leaseRevoke({ ID: a.claim.split('@')[1]! })
      const b = await ShardOwnership.acquire(etcdB, '0', 'node-b', { ttlMs: 2_000, waitMs: 5_000 })
      assert.ok(b.epoch > a.epoch)
      const replayed: string[] = []
      const fenceAt = await replayAndFence(logB, 0, (r) => replayed.push(decode(r.payload)), encode(`fence:${b.epoch}`), `epoch-${b.epoch}`)
      await new Promise((r) => setTimeout(r, 200))
      stop = true
      await writerA
      assert.ok(acknowledged.length > 0, 'A wrote before the takeover')
      assert.ok(refused.length > 0 || !a.held, 'A was refused by the log or stopped on its lost ownership')
      assert.equal(a.held, false, 'A learned that it lost the shard')
      for (const e of refused) {
        assert.ok(e instanceof MilvusError && e.code === ErrorCode.ServiceUnavailable, String(e))
        assert.match(e.message, /refuses appends/)
      }
      // Every acknowledged write of A is in what B replayed, once; nothing follows B's fence but B's own records.
      const replayedWrites = replayed.filter((p) => !p.startsWith('fence:'))
      assert.equal(new Set(replayedWrites).size, replayedWrites.length, 'no record applied twice')
      const replayedSet = new Set(replayedWrites)
      for (const k of acknowledged) assert.ok(replayedSet.has(k), `acknowledged ${k} was replayed`)
      assert.equal(replayedWrites.length, acknowledged.length, 'nothing unacknowledged was left in the log')
      assert.equal(await logB.append(encode('b-0')), fenceAt + 1)
      const tail = await logB.read(fenceAt - 1, 10)
      assert.deepEqual(tail.map((r) => decode(r.payload)), [`fence:${b.epoch}`, 'b-0'])
      await b.release()
    } finally {
      await logA.close()
      await logB.close()
      etcdA.close()
      etcdB.close()
    }
  })
})
