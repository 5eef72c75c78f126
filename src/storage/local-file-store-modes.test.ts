// What a LocalFileStore creates is private to the server's user: directories 0700 and files 0600
// (stat after the fact), and an atomic replace turns an older world-readable file into a 0600 one.
import assert from 'node:assert/strict'
import * as fs from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { after, test } from 'node:test'
import { LocalFileStore, STORE_DIR_MODE, STORE_FILE_MODE } from './local-file-store.ts'

const posix = process.platform !== 'win32'
const roots: string[] = []
after(async () => {
  for (const r of roots) await fs.rm(r, { recursive: true, force: true })
})

async function tempRoot(): Promise<string> {
  const r = await fs.mkdtemp(path.join(os.tmpdir(), 'quiver-modes-'))
  roots.push(r)
  return r
}

const modeOf = async (p: string) => (await fs.stat(p)).mode & 0o777

test('new directories are 0700, new files 0600', { skip: !posix }, async () => {
  const root = await tempRoot()
  const store = await LocalFileStore.open(path.join(root, 'a', 'data'))
  assert.equal(await modeOf(path.join(root, 'a', 'data')), STORE_DIR_MODE)
  assert.equal(await modeOf(path.join(root, 'a')), STORE_DIR_MODE, 'missing parents too')
  await store.mkdirp('wal/x')
  assert.equal(await modeOf(path.join(store.root, 'wal')), STORE_DIR_MODE)
  assert.equal(await modeOf(path.join(store.root, 'wal', 'x')), STORE_DIR_MODE)
  await store.writeFileAtomic('rbac.json', new Uint8Array([1]))
  await store.writeFile('segment.bin', new Uint8Array([1]))
  const log = await store.openAppend('wal/1.log')
  await log.close()
  for (const f of ['rbac.json', 'segment.bin', 'wal/1.log']) assert.equal(await modeOf(path.join(store.root, f)), STORE_FILE_MODE, f)
})

test('an atomic replace fixes the mode of an existing world-readable file', { skip: !posix }, async () => {
  const root = await tempRoot()
  await fs.writeFile(path.join(root, 'rbac.json'), 'old')
  await fs.chmod(path.join(root, 'rbac.json'), 0o644)
  const store = await LocalFileStore.open(root)
  await store.writeFileAtomic('rbac.json', new TextEncoder().encode('new'))
  assert.equal(await modeOf(path.join(root, 'rbac.json')), STORE_FILE_MODE)
})
