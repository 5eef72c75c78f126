// S3FileStore against a real S3 server (versitygw on loopback, started here, stopped by pid): the
// FileStore contract the local store passes, the manifest store on top of it, and failures: a missing
// bucket or a stopped server is an io error (2100) naming the path and the object, and the store works
// again once the server is back.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { type S3Server, skipUnlessInstalled, startS3 } from '../../../test/support/cluster-servers.ts'
import { fileStoreContract, isIoError } from '../file-store.contract.ts'
import { FileMetaStore } from '../meta-store.ts'
import { S3FileStore } from './s3-file-store.ts'

const skip = skipUnlessInstalled('s3')
const bytes = (s: string) => new TextEncoder().encode(s)
const text = (b: Uint8Array) => new TextDecoder().decode(b)

describe('S3FileStore on a real S3 server', { skip, timeout: 60_000 }, () => {
  let dir: string
  let s3: S3Server
  let store: S3FileStore
  const open = (bucket: string, rootPath: string, requestTimeoutMs = 2_000) =>
    new S3FileStore({ endpoint: s3.endpoint, bucket, rootPath, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, requestTimeoutMs, attemptsMax: 2 })

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-s3-'))
    s3 = await startS3(dir, ['quiver'])
    store = open('quiver', 'files')
  })
  after(async () => {
    store?.close()
    await s3?.server.stop()
    await rm(dir, { recursive: true, force: true })
  })

  fileStoreContract(() => store)

  it('keeps every key under minio.rootPath; two roots in one bucket do not see each other', async () => {
    const other = open('quiver', 'other-root')
    try {
      await store.writeFile('segments/1/data.arrow', bytes('mine'))
      assert.deepEqual(await other.list('segments'), [])
      assert.equal(await other.exists('segments/1/data.arrow'), false)
      const raw = await open('quiver', '').list('files/segments/1')
      assert.deepEqual(raw, ['data.arrow'])
    } finally {
      other.close()
    }
  })

  it('holds the manifest: FileMetaStore round-trips through it and loads undefined before the first save', async () => {
    const meta = new FileMetaStore(store, 'meta/manifest.json')
    assert.equal(await meta.load(), undefined)
    const doc = { checkpointLsn: 7, lastTs: 449_000_000_000_000_001n, collections: [{ name: 'book' }] }
    await meta.save(doc)
    assert.deepEqual(await meta.load(), doc)
  })

  it('a bucket that does not exist is an io error naming the path and the object URL', async () => {
    const missing = open('no-such-bucket', 'files')
    try {
      await assert.rejects(missing.writeFile('a.bin', bytes('x')), (e) => {
        isIoError('a.bin')(e)
        assert.match((e as Error).message, /NoSuchBucket/)
        assert.match((e as Error).message, /s3:\/\/no-such-bucket\/files\/a\.bin/)
        return true
      })
    } finally {
      missing.close()
    }
  })

  it('a stopped server is a clear io error; the same store works again once the server is back', async () => {
    await store.writeFile('up/before.bin', bytes('before'))
    await s3.server.stop()
    const startMs = performance.now()
    await assert.rejects(store.readFile('up/before.bin'), (e) => {
      isIoError('up/before.bin')(e)
      assert.match((e as Error).message, /ECONNREFUSED/)
      return true
    })
    await assert.rejects(store.writeFile('up/during.bin', bytes('x')), isIoError('up/during.bin'))
    assert.ok(performance.now() - startMs < 15_000, 'failures are reported within the retry budget')
    await s3.server.restart()
    assert.equal(text(await store.readFile('up/before.bin')), 'before')
    await store.writeFile('up/after.bin', bytes('after'))
    assert.deepEqual(await store.list('up'), ['after.bin', 'before.bin'])
  })

  it('a hung server (SIGSTOP) fails the call after the request timeout instead of hanging', async () => {
    const quick = open('quiver', 'files', 500)
    s3.server.pause()
    try {
      const startMs = performance.now()
      await assert.rejects(quick.readFile('up/before.bin'), isIoError('up/before.bin'))
      assert.ok(performance.now() - startMs < 10_000, `took ${performance.now() - startMs} ms`)
    } finally {
      s3.server.resume()
      quick.close()
    }
    assert.equal(text(await store.readFile('up/before.bin')), 'before')
  })
})
