// A full disk, a failed fsync and a failed checkpoint, each injected at a known point with a FaultFileStore:
// the write fails with code 2100 naming the file, the database stays readable, later writes succeed once the
// cause is gone (no reopen), and after a reopen every acknowledged write is there and no failed one.
import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { DataType, ErrorCode, MilvusError, Quiver } from '../../src/index.ts'
import { FaultFileStore } from '../../src/storage/fault-file-store.ts'
import { LocalFileStore } from '../../src/storage/local-file-store.ts'
import { tempDir } from '../support/temp-db.ts'
import { applyWrite, COLLECTION, checkSearch, DIM, type Model, readModel, runWrite, sameModel, type WriteOp } from './fault-model.ts'

function ioError(pattern: RegExp): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof MilvusError, String(e))
    assert.equal(e.code, ErrorCode.IoFailed)
    assert.match(e.message, pattern)
    return true
  }
}

describe('io errors through the engine', () => {
  let dir: ReturnType<typeof tempDir>
  let store: FaultFileStore
  let client: Quiver
  let model: Model
  let ver: number
  const logs: string[] = []

  async function open(options: { segmentRowsMax?: number } = {}): Promise<void> {
    store = new FaultFileStore(new LocalFileStore(dir.path))
    client = await Quiver.open({ path: dir.path, fileStore: store, log: (m) => logs.push(m), ...options })
  }

  async function write(keys: number[]): Promise<void> {
    const op: WriteOp = { kind: 'upsert', keys, ver: ++ver, partition: undefined }
    await runWrite(client, op)
    applyWrite(model, op)
  }

  async function assertState(): Promise<void> {
    assert.ok(sameModel(await readModel(client), model))
    await checkSearch(client, model, 3)
  }

  beforeEach(async () => {
    dir = tempDir('quiver-io-')
    model = new Map()
    ver = 0
    await open()
    const st = await client.createCollection({
      collection_name: COLLECTION,
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'ver', data_type: DataType.Int64 },
        { name: 'v', data_type: DataType.FloatVector, dim: DIM },
      ],
    })
    assert.equal(st.code, 0, st.reason)
    await write([1, 2, 3])
    await client.collection(COLLECTION).flush()
    await write([3, 4])
  })
  afterEach(async () => {
    await client.close().catch(() => undefined)
    dir.cleanup()
  })

  test('disk full: the write fails naming the WAL file, reads work, writes succeed once space is back', async () => {
    store.arm({ kind: 'diskFull', at: 1 })
    const walFull = ioError(/^write 'wal\/\d{20}\.log' failed \(ENOSPC\)/)
    await assert.rejects(write([5]), walFull)
    await assertState()
    // Still full: the WAL cannot start its new file, so the write fails again and changes nothing.
    await assert.rejects(write([6]), walFull)
    await assertState()
    store.freeSpace()
    await write([6])
    await client.collection(COLLECTION).flush()
    await assertState()
    await client.close()
    assert.deepEqual(store.openFiles, [])
    await open()
    await assertState() // the failed writes are absent, the acknowledged one is there
    await write([5])
    await assertState()
  })

  test('disk full at close: close fails naming the file, still closes the WAL, and nothing is lost', async () => {
    await write([7])
    store.arm({ kind: 'diskFull', at: 1 })
    await assert.rejects(client.close(), ioError(/^write 'segments\/.+' failed \(ENOSPC\)/))
    assert.deepEqual(store.openFiles, [], 'the WAL file is closed even though the last checkpoint failed')
    store.freeSpace()
    await open()
    await assertState()
    await write([8])
    await assertState()
  })

  test('fsync failure: the write fails naming the WAL file, the next one succeeds, both right after a power cut', async () => {
    store.arm({ kind: 'syncFail', at: 1, ops: ['sync'], pathPrefix: 'wal/' })
    await assert.rejects(write([9]), ioError(/^fdatasync 'wal\/\d{20}\.log' failed \(EIO\)/))
    await assertState()
    await write([9, 10])
    await assertState()
    await store.powerCut()
    await client.close()
    await open()
    await assertState()
    await write([9])
    await assertState()
  })

  for (const cutBackFails of [false, true]) {
    test(`fsyncs failing now and then${cutBackFails ? ' (and the cut-back too)' : ''}: acknowledged writes all survive a reopen, failed ones never appear`, async () => {
      const failedAt = new Set([2, 5, 8, 11])
      for (let i = 0; i < 14; i++) {
        if (failedAt.has(i)) {
          store.arm({ kind: 'syncFail', at: 1, ops: ['sync'], pathPrefix: 'wal/' })
          if (cutBackFails) store.arm({ kind: 'fail', at: 1, ops: ['truncate'], pathPrefix: 'wal/' })
          const op: WriteOp = { kind: 'upsert', keys: [30 + (i % 5), 40 + i], ver: ++ver, partition: undefined }
          await assert.rejects(runWrite(client, op), ioError(/^fdatasync 'wal\/\d{20}\.log' failed \(EIO\)/))
        } else {
          await write([30 + (i % 5), 60 + i])
        }
        if (i === 9) await client.collection(COLLECTION).flush()
      }
      await assertState()
      await client.close()
      await open()
      await assertState()
      await store.powerCut()
      await client.close()
      await open()
      await assertState()
      await write([99])
      await assertState()
    })
  }

  test('a checkpoint failure that a later checkpoint made good is not reported to later writes', async () => {
    await client.close()
    await open({ segmentRowsMax: 4 })
    store.arm({ kind: 'fail', at: 1, ops: ['writeFile'], pathPrefix: 'segments/', osCode: 'ENOSPC' })
    await write([10, 11, 12, 13]) // seals a segment: a checkpoint starts in the background and fails
    await waitFor(() => store.fired.length > 0)
    await client.database.checkpoint() // a later checkpoint (as after a compaction or an index build) succeeds
    assert.equal(store.fired.length, 1)
    await write([14])
    await assertState()
    await store.powerCut()
    await client.close()
    await open()
    await assertState()
  })

  test('flush runs one checkpoint; its failure is reported to flush only, and writes go on', async () => {
    store.arm({ kind: 'fail', at: 1, ops: ['writeFileAtomic'], pathPrefix: 'manifest.json' })
    await write([12])
    const manifestWrites = store.counts.writeFileAtomic
    await assert.rejects(client.collection(COLLECTION).flush(), ioError(/^write 'manifest\.json' failed \(EIO\)/))
    assert.equal(store.counts.writeFileAtomic - manifestWrites, 1, 'one checkpoint per flush')
    await assertState()
    await write([13])
    await client.collection(COLLECTION).flush()
    await assertState()
    await store.powerCut()
    await client.close()
    await open()
    await assertState()
  })

  test('a failed background checkpoint is reported to the next write, which changes nothing; the one after succeeds', async () => {
    await client.close()
    await open({ segmentRowsMax: 4 })
    store.arm({ kind: 'fail', at: 1, ops: ['writeFile'], pathPrefix: 'segments/' })
    await write([20, 21, 22, 23]) // seals a segment: a checkpoint starts in the background and fails
    await waitFor(() => store.fired.length > 0)
    await new Promise((r) => setTimeout(r, 20)) // let the checkpoint's failure settle
    const op: WriteOp = { kind: 'upsert', keys: [24], ver: ++ver, partition: undefined }
    await assert.rejects(runWrite(client, op), ioError(/^write 'segments\/.+' failed \(EIO\)/))
    await assertState()
    await write([24])
    await assertState()
    await client.close()
    await open()
    await assertState()
  })
})

/** Polls `done` on the event loop (bounded: 5 s). */
async function waitFor(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10))
  assert.ok(done(), 'condition not reached within 5 s')
}
