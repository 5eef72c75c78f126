// The FileStore contract every implementation passes (LocalFileStore, S3FileStore): atomic replace
// leaves only the new content, append/sync/truncate/size, sorted listing with [] for a missing
// directory, idempotent removes, io errors (2100) naming the path, paths that leave the root refused.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { ErrorCode, MilvusError } from '../errors/errors.ts'
import type { FileStore } from './file-store.ts'

const bytes = (s: string) => new TextEncoder().encode(s)
const text = (b: Uint8Array) => new TextDecoder().decode(b)

/** Registers the contract's tests (inside the caller's `describe`) on the store `store()` returns. */
export function fileStoreContract(store: () => FileStore): void {
  it('contract: replaces a file atomically and leaves nothing else behind', async () => {
    const s = store()
    await s.mkdirp('atomic')
    await s.writeFileAtomic('atomic/m.json', bytes('old'))
    await s.writeFileAtomic('atomic/m.json', [bytes('n'), bytes('ew'), new Uint8Array(0)])
    assert.equal(text(await s.readFile('atomic/m.json')), 'new')
    assert.deepEqual(await s.list('atomic'), ['m.json'])
    assert.equal(await s.size('atomic/m.json'), 3)
  })

  it('contract: appends, syncs, truncates and reports its size; reopening continues at the end', async () => {
    const s = store()
    await s.mkdirp('a/b')
    const f = await s.openAppend('a/b/log')
    assert.equal(f.size, 0)
    await f.append([bytes('hello '), bytes('world')])
    await f.sync()
    assert.equal(f.size, 11)
    assert.equal(text(await s.readFile('a/b/log')), 'hello world')
    await f.truncate(5)
    await f.append([bytes('!')])
    await f.close()
    assert.equal(text(await s.readFile('a/b/log')), 'hello!')
    const again = await s.openAppend('a/b/log')
    assert.equal(again.size, 6)
    await again.append([bytes('?')])
    await again.sync()
    await again.close()
    assert.equal(await s.size('a/b/log'), 7)
  })

  it('contract: lists sorted names (files and subdirectories), [] for a missing dir; removes tolerate missing paths', async () => {
    const s = store()
    await s.mkdirp('l/sub')
    for (const n of ['c', 'a', 'b', 'sub/x']) await s.writeFile(`l/${n}`, bytes(n))
    await s.syncDir('l')
    assert.deepEqual(await s.list('l'), ['a', 'b', 'c', 'sub'])
    assert.deepEqual(await s.list('nope'), [])
    await s.remove('l/b')
    await s.remove('l/b')
    assert.equal(await s.exists('l/b'), false)
    assert.equal(await s.exists('l/a'), true)
    assert.equal(await s.exists('l/sub'), true)
    await s.removeDir('l')
    await s.removeDir('l')
    assert.equal(await s.exists('l'), false)
    assert.equal(await s.exists('l/sub/x'), false)
  })

  it('contract: lists every file below a directory with its size and modification time, sorted by path', async () => {
    const s = store()
    const beforeMs = Date.now()
    await s.mkdirp('tree/x/y')
    for (const [p, body] of [['tree/b', 'bb'], ['tree/x/a', 'a'], ['tree/x/y/z', 'zzz'], ['treetop', 't']] as const) await s.writeFile(p, bytes(body))
    await s.syncDir('tree')
    const afterMs = Date.now()
    const files = await s.listFiles('tree')
    assert.deepEqual(files.map((f) => [f.path, f.sizeBytes]), [['tree/b', 2], ['tree/x/a', 1], ['tree/x/y/z', 3]])
    // S3's LastModified has whole seconds; a file system's clock may lag the process's a little.
    for (const f of files) assert.ok(f.modifiedMs >= beforeMs - 2_000 && f.modifiedMs <= afterMs + 2_000, `${f.path} modified at ${f.modifiedMs}, written in [${beforeMs}, ${afterMs}]`)
    assert.deepEqual((await s.listFiles('tree/x')).map((f) => f.path), ['tree/x/a', 'tree/x/y/z'])
    assert.deepEqual(await s.listFiles('nope'), [])
    await s.removeDir('tree')
    await s.remove('treetop')
  })

  it('contract: a missing file is an io error naming the path, with ENOENT as its cause code', async () => {
    const s = store()
    await assert.rejects(s.readFile('missing.bin'), isIoError('missing.bin', 'ENOENT'))
    await assert.rejects(s.size('missing.bin'), isIoError('missing.bin'))
    assert.equal(await s.exists('missing.bin'), false)
  })

  it('contract: refuses paths that leave the root', async () => {
    const s = store()
    await assert.rejects(s.readFile('../outside'), assert.AssertionError)
    await assert.rejects(s.readFile('/etc/passwd'), assert.AssertionError)
  })
}

/** An io error (2100) whose message names `path` and, when given, whose cause has `code`. */
export function isIoError(path: string, causeCode?: string): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof MilvusError, String(e))
    assert.equal(e.code, ErrorCode.IoFailed)
    assert.match(e.message, new RegExp(`'${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'`))
    if (causeCode !== undefined) assert.equal((e.cause as { code?: unknown } | undefined)?.code, causeCode)
    return true
  }
}
