// EtcdMetaStore on a real etcd (started here on loopback, stopped by pid): the manifest round-trips
// with bigints under <rootPath>/quiver/, a damaged value is an error on load (never a silent reset), a
// value over the limit is refused before it is sent, and a dead etcd is an io error (2100) naming the
// key within the request deadline, the store working again once etcd is back.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { type EtcdServer, skipUnlessInstalled, startEtcd } from '../../../test/support/cluster-servers.ts'
import { ErrorCode, MilvusError } from '../../errors/errors.ts'
import { EtcdConnection } from './etcd-connection.ts'
import { ETCD_MANIFEST_BYTES_MAX, EtcdMetaStore } from './etcd-meta-store.ts'

const skip = skipUnlessInstalled('etcd')
const meta = { checkpointLsn: 42, lastTs: 449_000_000_000_000_001n, collections: [{ name: 'book', id: 7n }] }

function isIo(pattern: RegExp): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof MilvusError, String(e))
    assert.equal(e.code, ErrorCode.IoFailed)
    assert.match(e.message, pattern)
    return true
  }
}

describe('EtcdMetaStore on a real etcd', { skip, timeout: 60_000 }, () => {
  let dir: string
  let etcd: EtcdServer
  let conn: EtcdConnection
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-etcd-meta-'))
    etcd = await startEtcd(dir)
    conn = new EtcdConnection({ endpoints: [etcd.endpoint], rootPath: 'by-dev', requestTimeoutMs: 1_000 })
  })
  after(async () => {
    conn?.close()
    await etcd?.server.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('loads undefined before the first save, then round-trips the manifest under <rootPath>/quiver/', async () => {
    const store = new EtcdMetaStore(conn)
    assert.equal(store.key, 'by-dev/quiver/meta/manifest')
    assert.equal(await store.load(), undefined)
    await store.save(meta)
    assert.deepEqual(await store.load(), meta)
    await store.save({ ...meta, checkpointLsn: 43 })
    assert.equal(((await store.load()) as typeof meta).checkpointLsn, 43)
    const other = new EtcdConnection({ endpoints: [etcd.endpoint], rootPath: 'other-root' })
    try {
      assert.equal(await new EtcdMetaStore(other).load(), undefined)
    } finally {
      other.close()
    }
  })

  it('a damaged value is an error on load naming the key', async () => {
    const store = new EtcdMetaStore(conn, { name: 'meta/damaged' })
    await store.save(meta)
    const raw = await conn.client.get(store.key).buffer()
    assert.ok(raw !== null)
    const damaged = Buffer.from(raw)
    damaged[damaged.length - 10] = damaged[damaged.length - 10]! ^ 0x01
    await conn.client.put(store.key).value(damaged).exec()
    await assert.rejects(store.load(), isIo(/manifest 'etcd:by-dev\/quiver\/meta\/damaged' is corrupt: checksum mismatch/))
  })

  it('a manifest over the limit is refused before anything is written', async () => {
    const store = new EtcdMetaStore(conn, { name: 'meta/big' })
    await store.save({ small: true })
    await assert.rejects(store.save({ blob: 'x'.repeat(ETCD_MANIFEST_BYTES_MAX) }), isIo(/EFBIG.*at most 1048576/))
    assert.deepEqual(await store.load(), { small: true })
  })

  it('etcd stopped: an io error naming the key within the deadline; works again once etcd is back', async () => {
    const store = new EtcdMetaStore(conn)
    await etcd.server.stop()
    try {
      const startMs = Date.now()
      await assert.rejects(store.load(), isIo(/etcd get 'by-dev\/quiver\/meta\/manifest' failed/))
      await assert.rejects(store.save(meta), isIo(/etcd put 'by-dev\/quiver\/meta\/manifest' failed/))
      assert.ok(Date.now() - startMs < 10_000, `took ${Date.now() - startMs} ms`)
    } finally {
      await etcd.server.restart()
    }
    // The client's circuit breaker lets calls through again within 5 s of the host's return.
    const deadline = Date.now() + 15_000
    for (;;) {
      try {
        assert.equal(((await store.load()) as typeof meta).checkpointLsn, 43)
        break
      } catch (e) {
        if (Date.now() > deadline) throw e
        await new Promise((r) => setTimeout(r, 200))
      }
    }
  })
})
