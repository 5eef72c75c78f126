// File names per owner epoch (OpenOptions.fileEpoch): two engines running the same writes, index
// build and compaction over ONE file store (each with its own manifest and WAL, as two owners of a
// shard would) reference disjoint file names, each reopens to its own rows; without epochs they collide.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { DataType } from '../schema/data-type.ts'
import { LocalFileStore } from '../storage/local-file-store.ts'
import { FileMetaStore } from '../storage/meta-store.ts'
import { Wal } from '../wal/wal.ts'
import type { Manifest } from './manifest.ts'
import { Quiver } from './quiver.ts'

const DIM = 4
const rows = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ id: from + i, v: [from + i, 1, 2, 3].map((x) => x / 10) }))

/** One "owner": its own manifest and WAL in the shared store, files named with `epoch`. */
function openOwner(store: LocalFileStore, path: string, name: string, epoch: number | undefined) {
  return Quiver.open({
    path,
    fileStore: store,
    metaStore: new FileMetaStore(store, `manifest-${name}.json`),
    openWal: (fromLsn) => Wal.open(store, `wal-${name}`, { fromLsn, log: () => {} }),
    ...(epoch === undefined ? {} : { fileEpoch: epoch }),
    removeUnreferencedFiles: false,
    autoCompaction: false,
    timeTravelRetentionMs: 0,
    log: () => {},
  })
}

/** The same writes for every owner: 3 flushed segments, deletes, an index built, a compaction, a checkpoint. */
async function runScenario(client: Quiver): Promise<void> {
  await client.createCollection({
    collection_name: 'book',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'v', data_type: DataType.FloatVector, dim: DIM },
    ],
  })
  await client.createIndex({ collection_name: 'book', field_name: 'v', index_type: 'FLAT', metric_type: 'L2' })
  await client.loadCollection({ collection_name: 'book' })
  for (let s = 0; s < 3; s++) {
    await client.insert({ collection_name: 'book', data: rows(s * 100, 100) })
    await client.flush({ collection_names: ['book'] })
  }
  await client.delete({ collection_name: 'book', filter: 'id < 50' })
  await client.database.indexBuilds.idle()
  await client.flush({ collection_names: ['book'] })
  const r = await client.compact({ collection_name: 'book' })
  assert.equal(r.status.code, 0, r.status.reason)
  await client.database.compactions.idle()
  await client.database.indexBuilds.idle()
  await client.delete({ collection_name: 'book', filter: 'id in [60, 61]' })
  await client.database.checkpoint()
}

/** Every file the owner's saved manifest names. */
async function referencedFiles(store: LocalFileStore, name: string): Promise<string[]> {
  const m = (await new FileMetaStore(store, `manifest-${name}.json`).load()) as Manifest
  return m.collections.flatMap((c) => c.segments.flatMap((s) => [s.dataFile, ...(s.deleteFile === undefined ? [] : [s.deleteFile]), ...(s.indexFiles ?? []).map((f) => f.file)]))
}

async function countOf(client: Quiver): Promise<number> {
  const r = await client.count({ collection_name: 'book' })
  return Number(r.data)
}

describe('file names per owner epoch', { timeout: 60_000 }, () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-file-epoch-'))
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('two owners with different epochs over one store write disjoint names and each reopens intact', async () => {
    const path = join(dir, 'epochs')
    const store = new LocalFileStore(path)
    await store.mkdirp('.')
    for (const [name, epoch] of [['a', 7], ['b', 12]] as const) {
      const client = await openOwner(store, path, name, epoch)
      await runScenario(client)
      await client.close()
    }
    const a = await referencedFiles(store, 'a')
    const b = await referencedFiles(store, 'b')
    assert.ok(a.some((f) => f.endsWith('.del')) && a.some((f) => /-idx\d+\.bin$/.test(f)), `data, delete and index files expected: ${a.join(', ')}`)
    for (const f of a) assert.match(f, /^segments\/\d+\/\d+-e7-/)
    for (const f of b) assert.match(f, /^segments\/\d+\/\d+-e12-/)
    assert.deepEqual(a.filter((f) => b.includes(f)), [], 'no file name is shared by the two owners')
    // Each owner's manifest still finds its own bytes: neither overwrote the other.
    for (const name of ['a', 'b']) {
      const client = await openOwner(store, path, name, 99)
      try {
        assert.equal(await countOf(client), 248)
        const got = await client.get({ collection_name: 'book', ids: [50, 299], output_fields: ['v'] })
        assert.deepEqual(got.data.map((r) => Number(r.id)), [50, 299])
      } finally {
        await client.close()
      }
    }
  })

  it('without an epoch (local mode) the names are the old ones, and two writers collide on them', async () => {
    const path = join(dir, 'no-epoch')
    const store = new LocalFileStore(path)
    await store.mkdirp('.')
    for (const name of ['a', 'b']) {
      const client = await openOwner(store, path, name, undefined)
      await runScenario(client)
      await client.close()
    }
    const a = await referencedFiles(store, 'a')
    const b = await referencedFiles(store, 'b')
    for (const f of a) assert.match(f, /^segments\/\d+\/\d+-(\d+\.(arrow|del)|s?idx\d+\.bin)$/)
    assert.ok(a.filter((f) => b.includes(f)).length > 0, 'the same writes name the same files')
  })

  it('refuses a negative or fractional epoch', async () => {
    const path = join(dir, 'bad')
    await assert.rejects(Quiver.open({ path, fileEpoch: -1 }), /fileEpoch must be a non-negative integer, got -1/)
    await assert.rejects(Quiver.open({ path, fileEpoch: 1.5 }), /fileEpoch must be a non-negative integer, got 1.5/)
  })
})
