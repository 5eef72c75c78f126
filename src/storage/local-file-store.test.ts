// LocalFileStore against a real temp directory: the FileStore contract (file-store.contract.ts, also
// run on S3), plus what is local: no temp file left by a failed rename, OS codes in io errors (2100).
import assert from 'node:assert/strict'
import * as fs from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { ErrorCode, MilvusError } from '../errors/errors.ts'
import { fileStoreContract } from './file-store.contract.ts'
import { LocalFileStore } from './local-file-store.ts'

const bytes = (s: string) => new TextEncoder().encode(s)

describe('LocalFileStore', () => {
  let root: string
  let store: LocalFileStore
  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'quiver-fs-'))
    store = await LocalFileStore.open(path.join(root, 'data'))
  })
  after(() => fs.rm(root, { recursive: true, force: true }))

  fileStoreContract(() => store)

  it('removes its temp file when the rename fails', async () => {
    await store.mkdirp('target-is-dir/inner')
    await assert.rejects(store.writeFileAtomic('target-is-dir', bytes('x')), isIo('target-is-dir'))
    assert.deepEqual((await store.list('.')).filter((n) => n.includes('.tmp-')), [])
  })

  it('turns OS failures into io errors naming the path and code', async () => {
    await assert.rejects(store.readFile('missing.bin'), isIo('missing.bin', 'ENOENT'))
    await assert.rejects(store.writeFile('no/such/dir/f', bytes('x')), isIo('no/such/dir/f', 'ENOENT'))
  })
})

function isIo(p: string, code?: string): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof MilvusError)
    assert.equal(e.code, ErrorCode.IoFailed)
    assert.match(e.message, new RegExp(`'${p}'`))
    if (code !== undefined) assert.match(e.message, new RegExp(code))
    return true
  }
}
