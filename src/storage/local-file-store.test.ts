// LocalFileStore against a real temp directory: atomic replace leaves only the new content (no temp
// file), appends/truncate/list/remove/mkdirp behave as documented, and failures are io errors (2100)
// that name the path and the OS code.
import assert from 'node:assert/strict'
import * as fs from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { ErrorCode, MilvusError } from '../errors/errors.ts'
import { LocalFileStore } from './local-file-store.ts'

const bytes = (s: string) => new TextEncoder().encode(s)
const text = (b: Uint8Array) => new TextDecoder().decode(b)

describe('LocalFileStore', () => {
  let root: string
  let store: LocalFileStore
  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'quiver-fs-'))
    store = await LocalFileStore.open(path.join(root, 'data'))
  })
  after(() => fs.rm(root, { recursive: true, force: true }))

  it('replaces a file atomically and leaves no temp file', async () => {
    await store.writeFileAtomic('m.json', bytes('old'))
    await store.writeFileAtomic('m.json', [bytes('n'), bytes('ew'), new Uint8Array(0)])
    assert.equal(text(await store.readFile('m.json')), 'new')
    assert.deepEqual(await store.list('.'), ['m.json'])
  })

  it('removes its temp file when the rename fails', async () => {
    await store.mkdirp('target-is-dir/inner')
    await assert.rejects(store.writeFileAtomic('target-is-dir', bytes('x')), isIo('target-is-dir'))
    assert.deepEqual((await store.list('.')).filter((n) => n.includes('.tmp-')), [])
  })

  it('appends with writev, truncates and reports its size', async () => {
    await store.mkdirp('a/b')
    const f = await store.openAppend('a/b/log')
    assert.equal(f.size, 0)
    await f.append([bytes('hello '), bytes('world')])
    await f.sync()
    assert.equal(f.size, 11)
    await f.truncate(5)
    await f.append([bytes('!')])
    await f.close()
    assert.equal(text(await store.readFile('a/b/log')), 'hello!')
    const again = await store.openAppend('a/b/log')
    assert.equal(again.size, 6)
    await again.close()
    assert.equal(await store.size('a/b/log'), 6)
  })

  it('lists sorted names, [] for a missing dir; remove and removeDir tolerate missing paths', async () => {
    await store.mkdirp('l')
    for (const n of ['c', 'a', 'b']) await store.writeFile(`l/${n}`, bytes(n))
    assert.deepEqual(await store.list('l'), ['a', 'b', 'c'])
    assert.deepEqual(await store.list('nope'), [])
    await store.remove('l/b')
    await store.remove('l/b')
    assert.equal(await store.exists('l/b'), false)
    assert.equal(await store.exists('l/a'), true)
    await store.removeDir('l')
    await store.removeDir('l')
    assert.equal(await store.exists('l'), false)
  })

  it('turns OS failures into io errors naming the path and code', async () => {
    await assert.rejects(store.readFile('missing.bin'), isIo('missing.bin', 'ENOENT'))
    await assert.rejects(store.writeFile('no/such/dir/f', bytes('x')), isIo('no/such/dir/f', 'ENOENT'))
  })

  it('refuses paths that leave the root', async () => {
    await assert.rejects(store.readFile('../outside'), assert.AssertionError)
    await assert.rejects(store.readFile('/etc/passwd'), assert.AssertionError)
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
