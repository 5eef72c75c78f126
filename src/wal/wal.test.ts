// Wal on a real temp directory: records survive reopen, concurrent appends share fsyncs (group commit),
// apply runs in LSN order and one failing apply affects only its caller, rotation + checkpoint drop old
// files, and a failed fdatasync (injected by a FileStore double) breaks the WAL for good.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ErrorCode, MilvusError } from '../errors/errors.ts'
import type { AppendFile, FileStore } from '../storage/file-store.ts'
import type { LocalFileStore } from '../storage/local-file-store.ts'
import { Wal } from './wal.ts'
import { openTempStore, testPayload } from './wal-test-support.ts'

const quiet = { log: () => undefined }

describe('Wal', () => {
  let store: LocalFileStore
  let dispose: () => Promise<void>
  before(async () => ({ store, dispose } = await openTempStore('quiver-wal-')))
  after(() => dispose())

  it('returns the appended records after reopen and continues their LSNs', async () => {
    const { wal, records } = await Wal.open(store, 'reopen', quiet)
    assert.deepEqual(records, [])
    assert.equal(wal.lastLsn, 0)
    const lsns = await Promise.all([
      wal.append([testPayload(1, 10), testPayload(2, 5)], (lsn) => lsn),
      wal.append([], (lsn) => lsn),
      wal.append([testPayload(3, 1000)], (lsn) => lsn),
    ])
    assert.deepEqual(lsns, [1, 2, 3])
    await wal.close()
    const again = await Wal.open(store, 'reopen', quiet)
    assert.deepEqual(
      again.records.map((r) => [r.lsn, Buffer.from(r.payload).toString('hex')]),
      [
        [1, Buffer.concat([testPayload(1, 10), testPayload(2, 5)]).toString('hex')],
        [2, ''],
        [3, Buffer.from(testPayload(3, 1000)).toString('hex')],
      ],
    )
    assert.equal(await again.wal.append([testPayload(4, 4)], (lsn) => lsn), 4)
    await again.wal.close()
    const { wal: third, records: fromTwo } = await Wal.open(store, 'reopen', { ...quiet, fromLsn: 2 })
    assert.deepEqual(
      fromTwo.map((r) => r.lsn),
      [3, 4],
    )
    await third.close()
  })

  it('group-commits concurrent appends: fewer fdatasyncs than appends, apply in LSN order', async () => {
    const { wal } = await Wal.open(store, 'group', quiet)
    const applied: number[] = []
    const count = 200
    const results = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        wal.append([testPayload(i, 64)], (lsn) => {
          applied.push(lsn)
          return `applied ${i}`
        }),
      ),
    )
    assert.deepEqual(results, Array.from({ length: count }, (_, i) => `applied ${i}`))
    assert.deepEqual(applied, Array.from({ length: count }, (_, i) => i + 1))
    const stats = wal.stats
    assert.equal(stats.appendCount, count)
    assert.ok(stats.syncCount >= 1 && stats.syncCount < count, `syncCount ${stats.syncCount}`)
    assert.equal(stats.syncCount, stats.groupCount)
    assert.equal(wal.durableLsn, count)
    await wal.close()
  })

  it('applies a record only once it is durable, and a throwing apply rejects only its caller', async () => {
    const { wal } = await Wal.open(store, 'apply-throws', quiet)
    let durableSeen = -1
    const ok1 = wal.append([testPayload(1, 8)], (lsn) => {
      durableSeen = wal.durableLsn
      return lsn
    })
    const bad = wal.append([testPayload(2, 8)], () => {
      throw new Error('apply failed')
    })
    const ok3 = wal.append([testPayload(3, 8)], (lsn) => lsn)
    assert.equal(await ok1, 1)
    assert.ok(durableSeen >= 1)
    await assert.rejects(bad, /apply failed/)
    assert.equal(await ok3, 3)
    await wal.close()
    const { wal: again, records } = await Wal.open(store, 'apply-throws', quiet)
    assert.deepEqual(
      records.map((r) => r.lsn),
      [1, 2, 3],
    )
    await again.close()
  })

  it('rotates files past fileBytesMax; checkpoint removes files whose records are all ≤ lsn', async () => {
    const options = { ...quiet, fileBytesMax: 300, sync: false }
    const { wal } = await Wal.open(store, 'rotate', options)
    for (let i = 1; i <= 20; i++) await wal.append([testPayload(i, 100)], () => undefined)
    const files = await store.list('rotate')
    assert.equal(files.length, wal.fileCount)
    assert.ok(files.length >= 5, `files ${files.join()}`)
    assert.equal(files[0], '00000000000000000001.log')
    const secondFirstLsn = Number(files[1]!.slice(0, 20))
    await wal.checkpoint(secondFirstLsn - 2)
    assert.deepEqual(await store.list('rotate'), files)
    await wal.checkpoint(secondFirstLsn - 1)
    assert.deepEqual(await store.list('rotate'), files.slice(1))
    await wal.checkpoint(1000)
    assert.deepEqual(await store.list('rotate'), files.slice(-1))
    await wal.close()
    const { wal: again, records } = await Wal.open(store, 'rotate', options)
    const lastFirstLsn = Number(files.at(-1)!.slice(0, 20))
    assert.deepEqual(
      records.map((r) => r.lsn),
      Array.from({ length: 21 - lastFirstLsn }, (_, i) => lastFirstLsn + i),
    )
    assert.equal(await again.append([], (lsn) => lsn), 21)
    await again.close()
  })

  it('keeps the LSN sequence when checkpoint leaves only an empty current file', async () => {
    const options = { ...quiet, fileBytesMax: 100, sync: false }
    const { wal } = await Wal.open(store, 'empty-current', options)
    for (let i = 1; i <= 3; i++) await wal.append([testPayload(i, 100)], () => undefined)
    await wal.checkpoint(3)
    await wal.close()
    const { wal: again, records } = await Wal.open(store, 'empty-current', options)
    assert.deepEqual(
      records.map((r) => r.lsn),
      [3],
    )
    assert.equal(await again.append([], (lsn) => lsn), 4)
    await again.checkpoint(4)
    await again.append([testPayload(5, 100)], () => undefined)
    await again.checkpoint(5)
    await again.close()
    const third = await Wal.open(store, 'empty-current', options)
    assert.equal(third.wal.lastLsn, 5)
    await third.wal.close()
  })

  it('after a failed fdatasync: that group and the queue reject, nothing is applied, the next append rolls to a new file', async () => {
    const failing = new SyncFailingStore(store, 3, 1)
    const { wal } = await Wal.open(failing, 'rolled', quiet)
    const applied: number[] = []
    const apply = (lsn: number) => applied.push(lsn)
    await wal.append([testPayload(1, 8)], apply)
    const doomed = [wal.append([testPayload(2, 8)], apply), wal.append([testPayload(3, 8)], apply)]
    const results = await Promise.allSettled(doomed)
    for (const r of results) {
      assert.equal(r.status, 'rejected')
      assert.ok(r.reason instanceof MilvusError && r.reason.code === ErrorCode.IoFailed, String(r.reason))
    }
    assert.deepEqual(applied, [1])
    // The failed LSNs are given out again, in a new file.
    assert.equal(await wal.append([testPayload(4, 8)], (lsn) => lsn), 2)
    assert.equal(wal.fileCount, 2)
    await wal.close()
    await assert.rejects(wal.append([], apply), /database is closed/)
    const again = await Wal.open(store, 'rolled', quiet)
    assert.deepEqual(
      again.records.map((r) => [r.lsn, r.payload[0]]),
      [
        [1, testPayload(1, 8)[0]],
        [2, testPayload(4, 8)[0]],
      ],
    )
    await again.wal.close()
  })

  it('a failed record left intact in the old file (cut-back failed too) is superseded by the rolled file', async () => {
    const failing = new SyncFailingStore(store, 3, 1, true)
    const logs: string[] = []
    const { wal } = await Wal.open(failing, 'superseded', { log: (m) => logs.push(m) })
    await wal.append([testPayload(1, 8)], () => undefined)
    await assert.rejects(wal.append([testPayload(2, 8)], () => undefined), /fdatasync/)
    await wal.append([testPayload(3, 8)], () => undefined)
    await wal.append([testPayload(4, 8)], () => undefined)
    await wal.close()
    const again = await Wal.open(store, 'superseded', { log: (m) => logs.push(m) })
    assert.deepEqual(
      again.records.map((r) => [r.lsn, r.payload[0]]),
      [
        [1, testPayload(1, 8)[0]],
        [2, testPayload(3, 8)[0]],
        [3, testPayload(4, 8)[0]],
      ],
    )
    assert.ok(logs.some((m) => /superseded by/.test(m)), logs.join('\n'))
    assert.equal(await again.wal.append([testPayload(5, 8)], (lsn) => lsn), 4)
    await again.wal.close()
    const third = await Wal.open(store, 'superseded', quiet)
    assert.deepEqual(
      third.records.map((r) => r.lsn),
      [1, 2, 3, 4],
    )
    await third.wal.close()
  })

  it('while the roll itself fails, appends keep failing and change nothing; once it works they succeed', async () => {
    const failing = new SyncFailingStore(store, 3, 3)
    const { wal } = await Wal.open(failing, 'roll-fails', quiet)
    const applied: number[] = []
    const apply = (lsn: number) => {
      applied.push(lsn)
      return lsn
    }
    await wal.append([testPayload(1, 8)], apply)
    await assert.rejects(wal.append([testPayload(2, 8)], apply), /fdatasync/) // the record's sync
    await assert.rejects(wal.append([testPayload(3, 8)], apply), /fdatasync/) // the new file's header sync
    await assert.rejects(wal.append([testPayload(4, 8)], apply), /fdatasync/) // again
    assert.equal(await wal.append([testPayload(5, 8)], apply), 2)
    assert.deepEqual(applied, [1, 2])
    await wal.close()
    const again = await Wal.open(store, 'roll-fails', quiet)
    assert.deepEqual(
      again.records.map((r) => [r.lsn, r.payload[0]]),
      [
        [1, testPayload(1, 8)[0]],
        [2, testPayload(5, 8)[0]],
      ],
    )
    await again.wal.close()
  })
})

/**
 * A FileStore whose append files fail `failCount` calls of `sync` from the `failFrom`-th on, counting
 * across files (the first sync is the new file's header); with `failTruncate`, cutting back fails too.
 */
class SyncFailingStore implements FileStore {
  readonly #inner: FileStore
  readonly #failFrom: number
  readonly #failCount: number
  readonly #failTruncate: boolean
  #syncs = 0

  constructor(inner: FileStore, failFrom: number, failCount = Number.POSITIVE_INFINITY, failTruncate = false) {
    this.#inner = inner
    this.#failFrom = failFrom
    this.#failCount = failCount
    this.#failTruncate = failTruncate
  }

  async openAppend(p: string): Promise<AppendFile> {
    const file = await this.#inner.openAppend(p)
    const onSync = () => {
      const n = ++this.#syncs
      return n >= this.#failFrom && n < this.#failFrom + this.#failCount
    }
    const failTruncate = this.#failTruncate
    return {
      get size() {
        return file.size
      },
      append: (chunks) => file.append(chunks),
      sync: () => (onSync() ? Promise.reject(new MilvusError(ErrorCode.IoFailed, `fdatasync '${p}' failed (EIO)`)) : file.sync()),
      truncate: (size) => (failTruncate ? Promise.reject(new MilvusError(ErrorCode.IoFailed, `truncate '${p}' failed (EIO)`)) : file.truncate(size)),
      close: () => file.close(),
    }
  }

  readFile = (p: string) => this.#inner.readFile(p)
  writeFileAtomic = (p: string, d: Uint8Array | readonly Uint8Array[]) => this.#inner.writeFileAtomic(p, d)
  writeFile = (p: string, d: Uint8Array | readonly Uint8Array[]) => this.#inner.writeFile(p, d)
  list = (d: string) => this.#inner.list(d)
  listFiles = (d: string) => this.#inner.listFiles(d)
  exists = (p: string) => this.#inner.exists(p)
  remove = (p: string) => this.#inner.remove(p)
  removeDir = (p: string) => this.#inner.removeDir(p)
  mkdirp = (d: string) => this.#inner.mkdirp(d)
  size = (p: string) => this.#inner.size(p)
  syncDir = (d: string) => this.#inner.syncDir(d)
}
