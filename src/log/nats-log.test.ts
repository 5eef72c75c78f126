// NatsLog on a real nats-server with JetStream (started here on loopback with fsync before every
// acknowledgement, stopped by pid): positions follow call order, reads return exactly what was
// appended, nothing acknowledged is lost across a kill -9 of the server, a deposed writer's append is
// refused by the server (fencing), a damaged record is detected, and a stopped server is a clear error.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { jetstream } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { type NatsServer, skipUnlessInstalled, startNats } from '../../test/support/cluster-servers.ts'
import { ErrorCode, MilvusError } from '../errors/errors.ts'
import { NatsLog } from './nats-log.ts'

const skip = skipUnlessInstalled('nats')
const payload = (i: number) => new TextEncoder().encode(`record-${i}-${'x'.repeat(i % 97)}`)

function isCode(code: number, pattern: RegExp): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof MilvusError, String(e))
    assert.equal(e.code, code)
    assert.match(e.message, pattern)
    return true
  }
}

describe('NatsLog on a real JetStream', { skip, timeout: 60_000 }, () => {
  let dir: string
  let nats: NatsServer
  const logs: NatsLog[] = []
  const open = async (stream: string, requestTimeoutMs = 2_000) => {
    const log = await NatsLog.open({ url: nats.url, stream, subject: `quiver.test.${stream}`, requestTimeoutMs })
    logs.push(log)
    return log
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-nats-'))
    nats = await startNats(dir)
  })
  after(async () => {
    for (const l of logs) await l.close().catch(() => undefined)
    await nats?.server.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('positions follow call order; reads return every record from any position; truncate drops a prefix', async () => {
    const log = await open('order')
    assert.equal(await log.tail(), 0)
    const positions = await Promise.all(Array.from({ length: 300 }, (_, i) => log.append(payload(i + 1))))
    assert.deepEqual(positions, Array.from({ length: 300 }, (_, i) => i + 1))
    assert.equal(await log.tail(), 300)
    const all = await log.read(0, 1_000)
    assert.equal(all.length, 300)
    for (const r of all) assert.deepEqual(r.payload, payload(r.position))
    const middle = await log.read(10, 5)
    assert.deepEqual(middle.map((r) => r.position), [11, 12, 13, 14, 15])
    assert.deepEqual(await log.read(300, 10), [])
    await log.truncate(100)
    const rest = await log.read(0, 1_000)
    assert.equal(rest[0]?.position, 101)
    assert.equal(rest.length, 200)
  })

  it('kill -9 of the server: every acknowledged record is there after its restart', async () => {
    const log = await open('crash')
    const acked: number[] = []
    const writes = Array.from({ length: 200 }, (_, i) => log.append(payload(i + 1)).then((p) => acked.push(p)))
    await Promise.all(writes)
    await nats.server.kill()
    await nats.server.restart()
    const reopened = await open('crash')
    const records = await reopened.read(0, 1_000)
    assert.equal(records.length, acked.length)
    for (const r of records) assert.deepEqual(r.payload, payload(r.position))
  })

  it('fencing: once a new writer appended, the old writer is refused (2) and appends nothing more', async () => {
    const a = await open('fence')
    await a.append(payload(1))
    a.fence(await a.tail(), 'epoch-1')
    assert.equal(await a.append(payload(2)), 2)
    const b = await open('fence')
    b.fence(await b.tail(), 'epoch-2')
    assert.equal(await b.append(payload(3)), 3)
    await assert.rejects(a.append(payload(99)), isCode(ErrorCode.ServiceUnavailable, /another writer appended to 'fence' after position 2/))
    await assert.rejects(a.append(payload(98)), isCode(ErrorCode.ServiceUnavailable, /refuses appends/))
    assert.equal(await b.append(payload(4)), 4)
    const records = await b.read(0, 10)
    assert.deepEqual(records.map((r) => r.position), [1, 2, 3, 4])
    assert.deepEqual(records.map((r) => r.payload), [payload(1), payload(2), payload(3), payload(4)])
  })

  it("a record over the server's max_payload is refused (1102) before it is sent; the fenced log goes on", async () => {
    const log = await open('big')
    log.fence(await log.tail(), 'epoch-1')
    assert.equal(log.payloadBytesMax, 64 * 1024 * 1024)
    await assert.rejects(log.append(new Uint8Array(log.payloadBytesMax + 1)), isCode(ErrorCode.ParameterTooLarge, /exceeds the log's max_payload of 67108864 bytes \(stream 'big'\)/))
    assert.equal(await log.append(payload(1)), 1)
    assert.equal(await log.tail(), 1)
  })

  it('a record that fails its checksum is an io error naming the stream and position', async () => {
    const log = await open('damaged')
    await log.append(payload(1))
    const nc = await connect({ servers: nats.url })
    try {
      await jetstream(nc).publish('quiver.test.damaged', payload(2)) // no checksum header
    } finally {
      await nc.close()
    }
    await assert.rejects(log.read(0, 10), isCode(ErrorCode.IoFailed, /log 'damaged' record 2 is corrupt: checksum mismatch/))
  })

  it('server stopped: appends fail with a clear io error within the deadline; the same log works once it is back', async () => {
    const log = await open('outage', 1_000)
    await log.append(payload(1))
    await nats.server.stop()
    try {
      const startMs = Date.now()
      await assert.rejects(log.append(payload(2)), isCode(ErrorCode.IoFailed, /append to log 'outage' failed/))
      await assert.rejects(log.tail(), isCode(ErrorCode.IoFailed, /read the tail of log 'outage' failed/))
      assert.ok(Date.now() - startMs < 10_000, `took ${Date.now() - startMs} ms`)
    } finally {
      await nats.server.restart()
    }
    const deadline = Date.now() + 15_000
    for (;;) {
      try {
        await log.append(payload(3))
        break
      } catch (e) {
        if (Date.now() > deadline) throw e
        await new Promise((r) => setTimeout(r, 200))
      }
    }
    const positions = (await log.read(0, 10)).map((r) => r.position)
    assert.equal(positions[0], 1)
    assert.ok(positions.length >= 2)
  })
})
