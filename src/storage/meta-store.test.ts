// FileMetaStore: metadata with bigints round-trips through manifest.json; a flipped byte, a truncated
// file or an unknown format version is a clear error on load, never a silent reset; temporary files of
// atomic writes a crash left behind are removed (and nothing else).
import assert from 'node:assert/strict'
import * as fs from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { ErrorCode, MilvusError } from '../errors/errors.ts'
import { LocalFileStore } from './local-file-store.ts'
import { FileMetaStore } from './meta-store.ts'

const meta = {
  checkpointLsn: 42,
  lastTs: 449_000_000_000_000_001n,
  negative: -(2n ** 63n),
  collections: [{ name: 'book', id: 7n, props: { note: '{"$i64":"1"} as text' } }],
}

describe('FileMetaStore', () => {
  let root: string
  let store: LocalFileStore
  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'quiver-meta-'))
    store = await LocalFileStore.open(root)
  })
  after(() => fs.rm(root, { recursive: true, force: true }))

  it('removes the temporary files of manifest writes that never completed, nothing else', async () => {
    const m = new FileMetaStore(store)
    await m.save(meta)
    await fs.writeFile(path.join(root, 'manifest.json.tmp-123-4'), 'half a manifest')
    await fs.writeFile(path.join(root, 'manifest.json.tmp-fault-2'), '')
    await fs.writeFile(path.join(root, 'other.json.tmp-1-1'), 'not ours')
    const logs: string[] = []
    await m.removeTemporaries((line) => logs.push(line))
    const names = await fs.readdir(root)
    assert.ok(!names.some((n) => n.startsWith('manifest.json.tmp-')), names.join(','))
    assert.ok(names.includes('other.json.tmp-1-1') && names.includes('manifest.json'))
    assert.equal(logs.length, 2)
    assert.deepEqual(await m.load(), meta)
  })

  it('loads undefined before the first save', async () => {
    assert.equal(await new FileMetaStore(store, 'none.json').load(), undefined)
  })

  it('round-trips metadata with bigints; the file is JSON with a version envelope', async () => {
    const m = new FileMetaStore(store)
    await m.save(meta)
    assert.deepEqual(await m.load(), meta)
    const raw = JSON.parse(await fs.readFile(path.join(root, 'manifest.json'), 'utf8'))
    assert.equal(raw.formatVersion, 1)
    assert.deepEqual(raw.body.lastTs, { $i64: '449000000000000001' })
    await m.save({ ...meta, checkpointLsn: 43 })
    assert.equal(((await m.load()) as typeof meta).checkpointLsn, 43)
  })

  it('detects a flipped byte anywhere in the body', async () => {
    const m = new FileMetaStore(store, 'flip.json')
    await m.save(meta)
    const file = path.join(root, 'flip.json')
    const original = await fs.readFile(file)
    const firstBody = original.indexOf(0x0a) + 1
    for (let i = firstBody; i < original.length - 3; i += 7) {
      const damaged = Buffer.from(original)
      damaged[i] = damaged[i]! ^ 0x01
      await fs.writeFile(file, damaged)
      await assert.rejects(m.load(), corruptError(/flip\.json' is corrupt/))
    }
  })

  it('detects truncation and a damaged or newer envelope', async () => {
    const m = new FileMetaStore(store, 'bad.json')
    await m.save(meta)
    const file = path.join(root, 'bad.json')
    const original = await fs.readFile(file, 'utf8')
    await fs.writeFile(file, original.slice(0, original.length - 10))
    await assert.rejects(m.load(), corruptError(/corrupt: truncated/))
    await fs.writeFile(file, original.replace('"formatVersion":1', '"formatVersion":2'))
    await assert.rejects(m.load(), corruptError(/format version 2/))
    await fs.writeFile(file, original.replace('"bodyCrc32c"', '"bodyCrc32x"'))
    await assert.rejects(m.load(), corruptError(/corrupt: envelope/))
    await fs.writeFile(file, '')
    await assert.rejects(m.load(), corruptError(/corrupt/))
  })
})

function corruptError(message: RegExp): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof MilvusError)
    assert.equal(e.code, ErrorCode.IoFailed)
    assert.match(e.message, message)
    return true
  }
}
