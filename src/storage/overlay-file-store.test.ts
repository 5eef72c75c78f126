// OverlayFileStore (what `quiver inspect --data` recovers on): the FileStore contract over an empty
// base, and over a populated one every listing — `list` and `listFiles` — shows base files, files
// written on top and hides removed ones, while not one file of the base changes.
import assert from 'node:assert/strict'
import * as fs from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileStoreContract } from './file-store.contract.ts'
import { LocalFileStore } from './local-file-store.ts'
import { OverlayFileStore } from './overlay-file-store.ts'

const bytes = (s: string) => new TextEncoder().encode(s)

describe('OverlayFileStore', () => {
  let root: string
  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'quiver-overlay-'))
  })
  after(() => fs.rm(root, { recursive: true, force: true }))

  let overlay: OverlayFileStore
  before(async () => {
    overlay = new OverlayFileStore(await LocalFileStore.open(path.join(root, 'empty')))
  })
  fileStoreContract(() => overlay)

  it('lists base and written files, hides removed ones, and leaves the base as it was', async () => {
    const base = await LocalFileStore.open(path.join(root, 'base'))
    await base.mkdirp('segments/1')
    await base.writeFile('segments/1/a.arrow', bytes('aaaa'))
    await base.writeFile('segments/1/b.arrow', bytes('bb'))
    await base.writeFile('segments/2.del', bytes('d'))
    const before = await base.listFiles('.')
    const top = new OverlayFileStore(base)
    await top.writeFile('segments/1/c.arrow', bytes('ccc'))
    await top.remove('segments/1/a.arrow')
    await top.writeFileAtomic('segments/2.del', bytes('dd'))
    assert.deepEqual((await top.listFiles('segments')).map((f) => [f.path, f.sizeBytes]), [['segments/1/b.arrow', 2], ['segments/1/c.arrow', 3], ['segments/2.del', 2]])
    assert.deepEqual((await top.listFiles('segments/1')).map((f) => f.path), ['segments/1/b.arrow', 'segments/1/c.arrow'])
    assert.deepEqual(await top.list('segments/1'), ['b.arrow', 'c.arrow'])
    await top.removeDir('segments/1')
    assert.deepEqual((await top.listFiles('segments')).map((f) => f.path), ['segments/2.del'])
    assert.deepEqual(await base.listFiles('.'), before)
  })
})
