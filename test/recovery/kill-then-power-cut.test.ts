// A process killed between a WAL write and its fdatasync (or after a failed directory fsync) leaves WAL bytes or a
// WAL file entry that are not durable; the next process continues that log. A later power cut must not lose what
// the next process acknowledged. FaultFileStores sharing one DurableImage play the processes of one machine.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DataType, Quiver } from '../../src/index.ts'
import { DurableImage } from '../../src/storage/durable-image.ts'
import { FaultFileStore } from '../../src/storage/fault-file-store.ts'
import { LocalFileStore } from '../../src/storage/local-file-store.ts'
import { tempDir } from '../support/temp-db.ts'
import { applyWrite, COLLECTION, DIM, diffModels, type Model, readModel, runWrite, sameModel, type WriteOp } from './fault-model.ts'

/** Every WAL group goes to a new file, so the record after the killed one lands in another file. */
const options = { walFileBytesMax: 1, log: () => {} }

async function createCollection(client: Quiver): Promise<void> {
  const st = await client.createCollection({
    collection_name: COLLECTION,
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'ver', data_type: DataType.Int64 },
      { name: 'v', data_type: DataType.FloatVector, dim: DIM },
    ],
  })
  assert.equal(st.code, 0, st.reason)
}

test(
  'a write acknowledged after replaying an unsynced record survives a power cut',
  {},
  async () => {
    const dir = tempDir('quiver-unsynced-')
    const image = new DurableImage()
    const model: Model = new Map()
    const store = () => new FaultFileStore(new LocalFileStore(dir.path), { image })
    const write = async (client: Quiver, keys: number[], ver: number) => {
      const op: WriteOp = { kind: 'upsert', keys, ver, partition: undefined }
      await runWrite(client, op)
      applyWrite(model, op)
    }
    try {
      const first = store()
      let client = await Quiver.open({ path: dir.path, fileStore: first, ...options })
      await createCollection(client)
      await write(client, [1], 1)
      // The write rotates to a new WAL file (header synced: sync 1), then its own fdatasync (sync 2) never
      // happens: the process "dies" there, its acknowledgement never seen.
      first.arm({ kind: 'crash', at: 2, ops: ['sync'], pathPrefix: 'wal/' })
      await write(client, [2], 2)
      await first.kill()
      await client.close()

      const second = store()
      client = await Quiver.open({ path: dir.path, fileStore: second, ...options })
      assert.ok(sameModel(await readModel(client), model), 'the unsynced record was replayed from the page cache')
      await write(client, [3], 3) // acknowledged: durable by contract
      await second.powerCut()
      await client.close()

      client = await Quiver.open({ path: dir.path, fileStore: store(), ...options })
      const actual = await readModel(client)
      await client.close()
      assert.ok(sameModel(actual, model), `after the power cut: ${diffModels(model, actual)}`)
    } finally {
      dir.cleanup()
    }
  },
)

test('a write acknowledged into a WAL file whose directory entry was never synced survives a power cut', async () => {
  const dir = tempDir('quiver-unsynced-entry-')
  const image = new DurableImage()
  const store = () => new FaultFileStore(new LocalFileStore(dir.path), { image })
  try {
    const first = store()
    let client = await Quiver.open({ path: dir.path, fileStore: first, ...options })
    await createCollection(client)
    await runWrite(client, { kind: 'upsert', keys: [1], ver: 1, partition: undefined })
    // The next write rotates to a new WAL file whose directory fsync fails: the write fails, the file stays.
    first.arm({ kind: 'fail', at: 1, ops: ['syncDir'], pathPrefix: 'wal' })
    await assert.rejects(runWrite(client, { kind: 'upsert', keys: [2], ver: 2, partition: undefined }), /fsync dir 'wal' failed/)
    await first.kill()
    await client.close()

    const second = store()
    client = await Quiver.open({ path: dir.path, fileStore: second, ...options })
    await runWrite(client, { kind: 'upsert', keys: [3], ver: 3, partition: undefined }) // acknowledged: durable by contract
    await second.powerCut()
    await client.close()

    client = await Quiver.open({ path: dir.path, fileStore: store(), ...options })
    const actual = await readModel(client)
    await client.close()
    const expected: Model = new Map([
      [1, 1],
      [3, 3],
    ])
    assert.ok(sameModel(actual, expected), `after the power cut: ${diffModels(expected, actual)}`)
  } finally {
    dir.cleanup()
  }
})
