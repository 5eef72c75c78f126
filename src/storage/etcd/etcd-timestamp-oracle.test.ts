// The timestamp oracle on a real etcd (started here on loopback, stopped by pid): timestamps strictly
// grow within one allocator, across a restart and across a change of allocator (the older one stops at
// its next renewal); with etcd gone, timestamps run until the saved bound, then fail with 2 (retriable)
// until etcd is back.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { type EtcdServer, skipUnlessInstalled, startEtcd } from '../../../test/support/cluster-servers.ts'
import { physicalMs } from '../../common/hybrid-ts.ts'
import { ErrorCode, MilvusError } from '../../errors/errors.ts'
import { EtcdConnection } from './etcd-connection.ts'
import { EtcdTimestampOracle } from './etcd-timestamp-oracle.ts'

const skip = skipUnlessInstalled('etcd')
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('EtcdTimestampOracle on a real etcd', { skip, timeout: 60_000 }, () => {
  let dir: string
  let etcd: EtcdServer
  let conn: EtcdConnection
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-tso-'))
    etcd = await startEtcd(dir)
    conn = new EtcdConnection({ endpoints: [etcd.endpoint], rootPath: 'by-dev', requestTimeoutMs: 1_000 })
  })
  after(async () => {
    conn?.close()
    await etcd?.server.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('strictly increasing within one allocator and across a restart; never at or past the saved bound', async () => {
    const a = await EtcdTimestampOracle.open(conn, { windowMs: 500 })
    let last = 0n
    for (let i = 0; i < 20_000; i++) {
      const ts = a.next()
      assert.ok(ts > last)
      last = ts
    }
    assert.ok(physicalMs(last) < a.boundMs)
    await sleep(300)
    const boundBeforeClose = a.boundMs
    const closing = a.close()
    assert.throws(() => a.next(), (e) => e instanceof MilvusError && e.code === ErrorCode.ServiceUnavailable)
    await closing
    const b = await EtcdTimestampOracle.open(conn, { windowMs: 500 })
    const first = b.next()
    assert.ok(first > last)
    assert.ok(physicalMs(first) >= boundBeforeClose, 'a new allocator starts at the bound the last one saved')
    await b.close()
  })

  it('a second allocator makes the first stop at its next renewal; its timestamps are above all of the first', async () => {
    const a = await EtcdTimestampOracle.open(conn, { windowMs: 600, renewMs: 50 })
    const fromA: bigint[] = [a.next(), a.next()]
    const b = await EtcdTimestampOracle.open(conn, { windowMs: 600, renewMs: 50 })
    const deadline = Date.now() + 5_000
    while (!a.stopped && Date.now() < deadline) {
      fromA.push(a.next())
      await sleep(10)
    }
    assert.equal(a.stopped, true)
    assert.throws(() => a.next(), /another allocator moved 'by-dev\/quiver\/tso'/)
    const maxA = fromA.reduce((x, y) => (x > y ? x : y))
    assert.ok(b.next() > maxA)
    await b.close()
  })

  it('etcd gone: timestamps until the saved bound, then 2 (retriable); renewed once etcd is back', async () => {
    const a = await EtcdTimestampOracle.open(conn, { windowMs: 800, renewMs: 100 })
    await etcd.server.stop()
    try {
      a.next()
      const deadline = Date.now() + 5_000
      let failure: unknown
      while (failure === undefined && Date.now() < deadline) {
        try {
          a.next()
          await sleep(20)
        } catch (e) {
          failure = e
        }
      }
      assert.ok(failure instanceof MilvusError, String(failure))
      assert.equal(failure.code, ErrorCode.ServiceUnavailable)
      assert.equal(failure.retriable, true)
      assert.match(failure.message, /etcd has not confirmed timestamps past/)
    } finally {
      await etcd.server.restart()
    }
    const deadline = Date.now() + 15_000
    for (;;) {
      try {
        a.next()
        break
      } catch (e) {
        if (Date.now() > deadline) throw e
        await sleep(100)
      }
    }
    await a.close()
  })
})
