// Shard ownership on a real etcd (started here on loopback, stopped by pid): one holder at a time,
// a waiting node takes over when the holder goes, and a holder whose lease cannot be renewed (etcd
// killed or hung) learns it is lost within its TTL, refuses to go on (code 2), and tells its listeners.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { type EtcdServer, skipUnlessInstalled, startEtcd } from '../../../test/support/cluster-servers.ts'
import { ErrorCode, MilvusError } from '../../errors/errors.ts'
import { EtcdConnection } from './etcd-connection.ts'
import { EtcdMetaStore } from './etcd-meta-store.ts'
import { ShardOwnership } from './shard-ownership.ts'

const skip = skipUnlessInstalled('etcd')
const ttlMs = 2_000

function isUnavailable(pattern: RegExp): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof MilvusError, String(e))
    assert.equal(e.code, ErrorCode.ServiceUnavailable)
    assert.equal(e.retriable, true)
    assert.match(e.message, pattern)
    return true
  }
}

describe('ShardOwnership on a real etcd', { skip, timeout: 60_000 }, () => {
  let dir: string
  let etcd: EtcdServer
  const connections: EtcdConnection[] = []
  const connect = (rootPath = 'by-dev') => {
    const c = new EtcdConnection({ endpoints: [etcd.endpoint], rootPath, requestTimeoutMs: 1_000 })
    connections.push(c)
    return c
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-own-'))
    etcd = await startEtcd(dir)
  })
  after(async () => {
    for (const c of connections) c.close()
    await etcd?.server.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('one holder at a time; the next owner gets a greater epoch once the first releases', async () => {
    const a = await ShardOwnership.acquire(connect(), '0', 'node-a', { ttlMs })
    assert.equal(a.held, true)
    assert.equal(await ShardOwnership.ownerOf(connect(), '0'), 'node-a')
    await assert.rejects(ShardOwnership.acquire(connect(), '0', 'node-b', { ttlMs }), isUnavailable(/shard 0 is owned by node-a/))
    const waiting = ShardOwnership.acquire(connect(), '0', 'node-b', { ttlMs, waitMs: 5_000 })
    await new Promise((r) => setTimeout(r, 300))
    await a.release()
    assert.equal(a.held, false)
    assert.throws(() => a.assertHeld(), isUnavailable(/node-a no longer owns shard 0: released/))
    const b = await waiting
    assert.ok(b.epoch > a.epoch, `${b.epoch} > ${a.epoch}`)
    assert.equal(await ShardOwnership.ownerOf(connect(), '0'), 'node-b')
    await b.release()
    assert.equal(await ShardOwnership.ownerOf(connect(), '0'), undefined)
  })

  it('a guarded manifest save succeeds for the holder and is refused (changing nothing) once another node owns the shard', async () => {
    const conn = connect('guarded')
    const a = await ShardOwnership.acquire(conn, '0', 'node-a', { ttlMs })
    const storeA = new EtcdMetaStore(conn, { owner: a })
    await storeA.save({ v: 1 })
    // Another node takes the shard while A still believes it holds it (A's lease id revoked behind its back).
    await conn.client.delete().key(a.key).exec()
    const b = await ShardOwnership.acquire(connect('guarded'), '0', 'node-b', { ttlMs })
    assert.equal(a.held, true, 'A has not noticed yet')
    await assert.rejects(storeA.save({ v: 2 }), isUnavailable(/node-a no longer owns shard 0/))
    assert.equal(a.held, false)
    assert.deepEqual(await new EtcdMetaStore(conn).load(), { v: 1 })
    await new EtcdMetaStore(conn, { owner: b }).save({ v: 3 })
    assert.deepEqual(await new EtcdMetaStore(conn).load(), { v: 3 })
    await b.release()
  })

  it('a stalled holder (event loop blocked past its deadline) stops writing, then goes on once etcd confirms the lease lives', async () => {
    const a = await ShardOwnership.acquire(connect('stall'), '0', 'node-a', { ttlMs: 5_000 })
    let lostReason: string | undefined
    a.onLost((r) => {
      lostReason = r
    })
    const end = Date.now() + 4_300 // past the local deadline (TTL − 1/5), before etcd's expiry
    while (Date.now() < end) {}
    assert.equal(a.held, false, 'no writes past the deadline until confirmed')
    assert.throws(() => a.assertHeld(), isUnavailable(/cannot confirm it still owns shard 0/))
    const deadline = Date.now() + 3_000
    while (!a.held && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    assert.equal(a.held, true, `held again (${lostReason})`)
    assert.equal(lostReason, undefined)
    await a.release()
  })

  it('etcd hung (SIGSTOP): the holder declares itself lost within its TTL and its listeners run', async () => {
    const a = await ShardOwnership.acquire(connect('hung'), '0', 'node-a', { ttlMs })
    const lost = new Promise<string>((resolve) => a.onLost(resolve))
    const stoppedAt = Date.now()
    etcd.server.pause()
    try {
      const reason = await lost
      const tookMs = Date.now() - stoppedAt
      assert.ok(tookMs <= ttlMs, `lost after ${tookMs} ms, TTL ${ttlMs} ms`)
      assert.match(reason, /keep-alive|lease/)
      assert.throws(() => a.assertHeld(), isUnavailable(/no longer owns shard 0/))
    } finally {
      etcd.server.resume()
    }
  })

  it('etcd killed (SIGKILL) and restarted: the holder is lost within its TTL; after the lease expires another node owns the shard', async () => {
    const a = await ShardOwnership.acquire(connect('killed'), '0', 'node-a', { ttlMs })
    const killedAt = Date.now()
    await etcd.server.kill()
    while (a.held) await new Promise((r) => setTimeout(r, 20))
    assert.ok(Date.now() - killedAt <= ttlMs, `lost after ${Date.now() - killedAt} ms`)
    await etcd.server.restart()
    // etcd restores leases at restart with a fresh TTL: node-b waits for it to run out.
    const b = await ShardOwnership.acquire(connect('killed'), '0', 'node-b', { ttlMs, waitMs: 20_000, retryMs: 200 })
    assert.equal(b.held, true)
    assert.ok(b.epoch > a.epoch)
    await b.release()
  })
})
