// FaultFileStore on a real temp directory: each fault kind fires at exactly the Nth matching operation
// with an io error naming path and OS code, torn writes leave a prefix, and powerCut() rolls the directory
// back to what was durable (unsynced bytes, unsynced new/removed/renamed entries) — the model of docs/durability.md.
import assert from 'node:assert/strict'
import * as fs from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { ErrorCode, MilvusError } from '../errors/errors.ts'
import { DurableImage } from './durable-image.ts'
import { FaultFileStore } from './fault-file-store.ts'
import { LocalFileStore } from './local-file-store.ts'

const bytes = (...values: number[]) => new Uint8Array(values)
const fill = (n: number, v: number) => new Uint8Array(n).fill(v)

function isIoError(e: unknown, pathText: string, osCode: string): boolean {
  return e instanceof MilvusError && e.code === ErrorCode.IoFailed && e.message.includes(`'${pathText}'`) && e.message.includes(`(${osCode})`)
}

describe('FaultFileStore', () => {
  let root: string
  let local: LocalFileStore
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'quiver-fault-'))
    local = await LocalFileStore.open(root)
  })
  afterEach(() => fs.rm(root, { recursive: true, force: true }))

  it('passes everything through without faults and counts the calls', async () => {
    const store = new FaultFileStore(local)
    await store.mkdirp('a')
    await store.writeFile('a/x', bytes(1, 2))
    const f = await store.openAppend('a/log')
    await f.append([bytes(1), bytes(2, 3)])
    await f.sync()
    assert.deepEqual(store.openFiles, ['a/log'])
    await f.close()
    assert.deepEqual(store.openFiles, [])
    assert.deepEqual(await store.readFile('a/log'), bytes(1, 2, 3))
    assert.deepEqual(await store.list('a'), ['log', 'x'])
    const c = store.counts
    assert.equal(c.append, 1)
    assert.equal(c.sync, 1)
    assert.equal(c.writeFile, 1)
    assert.equal(c.total, 8)
    assert.equal(store.landedWrites('a/'), 2)
    assert.deepEqual(store.fired, [])
  })

  it('fails exactly the Nth matching write, with the path and code, and changes nothing', async () => {
    const store = new FaultFileStore(local, { faults: [{ kind: 'fail', at: 2, ops: ['append'], pathPrefix: 'wal/', osCode: 'ENOSPC' }] })
    await store.mkdirp('wal')
    const other = await store.openAppend('other')
    await other.append([bytes(9)])
    await other.append([bytes(9)])
    const f = await store.openAppend('wal/1.log')
    await f.append([bytes(1)])
    await assert.rejects(f.append([bytes(2)]), (e) => isIoError(e, 'wal/1.log', 'ENOSPC'))
    assert.equal(f.size, 1)
    await f.append([bytes(3)])
    assert.deepEqual(await local.readFile('wal/1.log'), bytes(1, 3))
    assert.deepEqual(store.fired.map((x) => [x.kind, x.op, x.path]), [['fail', 'append', 'wal/1.log']])
    await Promise.all([f.close(), other.close()])
  })

  it('tears a write: a seeded prefix of its bytes lands, then it throws', async () => {
    const lengths: number[] = []
    for (const seed of [1, 2, 1]) {
      const store = new FaultFileStore(local, { seed, faults: [{ kind: 'tear', at: 1, ops: ['append'] }] })
      const f = await store.openAppend(`torn-${seed}-${lengths.length}`)
      const data = Uint8Array.from({ length: 100 }, (_, i) => i)
      await assert.rejects(f.append([data.subarray(0, 40), data.subarray(40)]), (e) => isIoError(e, `torn-${seed}-${lengths.length}`, 'EIO'))
      const on = await local.readFile(`torn-${seed}-${lengths.length}`)
      assert.ok(on.length < 100)
      assert.deepEqual(on, data.subarray(0, on.length))
      assert.equal(f.size, on.length)
      lengths.push(on.length)
      await f.close()
    }
    assert.equal(lengths[0], lengths[2], 'same seed, same tear')
  })

  it('fails a sync: the bytes stay but are not durable, so a power cut cuts them', async () => {
    await local.writeFile('log', new Uint8Array(0)) // an entry that is already durable
    const store = new FaultFileStore(local, { faults: [{ kind: 'syncFail', at: 2, ops: ['sync'] }] })
    const f = await store.openAppend('log')
    await f.append([fill(10, 1)])
    await f.sync()
    await f.append([fill(5, 2)])
    await assert.rejects(f.sync(), (e) => isIoError(e, 'log', 'EIO') && (e as Error).message.startsWith('fdatasync'))
    assert.equal((await local.readFile('log')).length, 15)
    const report = await store.powerCut()
    assert.deepEqual(report.truncated, [{ path: 'log', fromBytes: 15, toBytes: 10 }])
    assert.deepEqual(await local.readFile('log'), fill(10, 1))
    await f.close()
  })

  it('fills the disk: every write fails with ENOSPC until freeSpace(), reads still work', async () => {
    await local.writeFile('old', bytes(7))
    const store = new FaultFileStore(local, { faults: [{ kind: 'diskFull', at: 1, ops: ['writeFile'] }] })
    const f = await store.openAppend('log')
    await f.append([bytes(1)])
    await assert.rejects(store.writeFile('new', fill(50, 3)), (e) => isIoError(e, 'new', 'ENOSPC'))
    await assert.rejects(f.append([bytes(2)]), (e) => isIoError(e, 'log', 'ENOSPC'))
    await assert.rejects(store.writeFileAtomic('old', bytes(8)), (e) => isIoError(e, 'old', 'ENOSPC'))
    assert.ok(store.diskFull)
    assert.deepEqual(await store.readFile('old'), bytes(7))
    await f.sync()
    store.freeSpace()
    await f.append([bytes(3)])
    await store.writeFileAtomic('old', bytes(8))
    assert.deepEqual(await local.readFile('log'), bytes(1, 3))
    assert.deepEqual(await local.readFile('old'), bytes(8))
    await f.close()
  })

  it('crash fault: from the Nth mutation on nothing lands, though calls succeed', async () => {
    const store = new FaultFileStore(local, { faults: [{ kind: 'crash', at: 3 }] })
    const f = await store.openAppend('log') // 1
    await f.append([bytes(1, 2)]) // 2
    await f.append([bytes(3)]) // 3: dropped
    await f.sync()
    await store.writeFile('x', bytes(1))
    await store.remove('log')
    assert.ok(store.crashed)
    assert.equal(f.size, 3, 'the caller sees its appends')
    assert.deepEqual(await local.readFile('log'), bytes(1, 2))
    assert.equal(await local.exists('x'), false)
    assert.equal(store.counts.dropped, 4)
    const report = await store.powerCut()
    // log was created (entry never synced) and never synced: a power cut loses it entirely.
    assert.deepEqual(report.removed, ['log'])
    assert.equal(await local.exists('log'), false)
    await f.close()
  })

  it('powerCut(): new entries need syncDir, removals are undone without it, atomic writes survive', async () => {
    await local.mkdirp('d')
    await local.writeFile('d/kept', bytes(1))
    await local.writeFile('d/gone', bytes(2))
    await local.syncDir('d')
    const store = new FaultFileStore(local)
    await store.writeFile('d/synced', bytes(3))
    await store.syncDir('d')
    await store.writeFile('d/unsynced', bytes(4))
    await store.remove('d/gone')
    await store.writeFileAtomic('m', bytes(5))
    const f = await store.openAppend('d/kept')
    await f.append([bytes(6)])
    const report = await store.powerCut()
    assert.deepEqual(report.removed, ['d/unsynced'])
    assert.deepEqual(report.restored, ['d/gone'])
    assert.deepEqual(await local.list('d'), ['gone', 'kept', 'synced'])
    assert.deepEqual(await local.readFile('d/gone'), bytes(2))
    assert.deepEqual(await local.readFile('d/kept'), bytes(1))
    assert.deepEqual(await local.readFile('m'), bytes(5))
    await store.writeFile('d/after', bytes(1))
    assert.equal(await local.exists('d/after'), false, 'a crashed store stays dead')
    await f.close()
  })

  it('powerCut() with keepUnsyncedTail keeps a seeded prefix of the unsynced bytes', async () => {
    const sizes = new Set<number>()
    for (let seed = 1; seed <= 12; seed++) {
      await local.writeFile('log', fill(10, 1))
      const store = new FaultFileStore(local, { seed })
      const f = await store.openAppend('log')
      await f.append([fill(90, 2)])
      await store.powerCut({ keepUnsyncedTail: true })
      const on = await local.readFile('log')
      assert.ok(on.length >= 10 && on.length <= 100)
      assert.deepEqual(on.subarray(0, 10), fill(10, 1))
      sizes.add(on.length)
      await f.close()
    }
    assert.ok(sizes.size > 3, `tails vary: ${[...sizes]}`)
  })

  it('kill() keeps unsynced bytes on disk; a power cut after the next process loses them unless it synced', async () => {
    await local.writeFile('a', new Uint8Array(0))
    await local.writeFile('b', new Uint8Array(0))
    const image = new DurableImage()
    const first = new FaultFileStore(local, { image })
    for (const p of ['a', 'b']) {
      const f = await first.openAppend(p)
      await f.append([bytes(1, 2)])
      await f.close()
    }
    await first.kill()
    await first.writeFile('dropped', bytes(1))
    assert.equal(await local.exists('dropped'), false)
    assert.deepEqual(await local.readFile('a'), bytes(1, 2), 'the OS still has the bytes')
    const second = new FaultFileStore(local, { image })
    const a = await second.openAppend('a')
    await a.append([bytes(3)])
    await a.sync() // syncs the whole file, also the first process's bytes
    await a.close()
    await second.powerCut()
    assert.deepEqual(await local.readFile('a'), bytes(1, 2, 3))
    assert.deepEqual(await local.readFile('b'), new Uint8Array(0))
  })

  it('a failed atomic write leaves old or new content, and a power cut then keeps the old', async () => {
    let sawNew = false
    let sawOld = false
    for (let seed = 1; seed <= 10; seed++) {
      await local.writeFileAtomic('m', bytes(1))
      const store = new FaultFileStore(local, { seed, faults: [{ kind: 'syncFail', at: 1, ops: ['writeFileAtomic'] }] })
      await assert.rejects(store.writeFileAtomic('m', bytes(2)), (e) => e instanceof MilvusError && e.code === ErrorCode.IoFailed)
      const now = (await local.readFile('m'))[0]
      if (now === 2) sawNew = true
      else sawOld = true
      await store.powerCut()
      assert.deepEqual(await local.readFile('m'), bytes(1), `seed ${seed}`)
    }
    assert.ok(sawNew && sawOld)
  })

  it('a torn atomic write keeps the old content and leaves only a temporary file', async () => {
    await local.writeFileAtomic('m', bytes(1))
    const store = new FaultFileStore(local, { faults: [{ kind: 'tear', at: 1, ops: ['writeFileAtomic'] }] })
    await assert.rejects(store.writeFileAtomic('m', fill(64, 2)), (e) => isIoError(e, 'm', 'EIO'))
    assert.deepEqual(await local.readFile('m'), bytes(1))
    const names = await local.list('.')
    assert.equal(names.length, 2)
    assert.ok(names.some((n) => n.startsWith('m.tmp-fault-')))
    await store.powerCut()
    assert.deepEqual(await local.list('.'), ['m'])
  })

  it('counts `at` from arming, and refuses faults on operations they cannot apply to', async () => {
    const store = new FaultFileStore(local)
    await store.writeFile('a', bytes(1))
    store.arm({ kind: 'fail', at: 1, ops: ['writeFile'] })
    await assert.rejects(store.writeFile('b', bytes(1)))
    await store.writeFile('c', bytes(1))
    assert.throws(() => store.arm({ kind: 'tear', at: 1, ops: ['sync'] }), /cannot apply to sync/)
    assert.throws(() => store.arm({ kind: 'fail', at: 0 }), /positive integer/)
  })
})
