// Authorization off (openAccessControlLazily): nothing is opened or hashed until the first user or
// role call; every call passes as root; what it keeps is the rbac.json an authorization-on start
// reads (a user created with authorization off logs in once it is on); a failed open is retried.
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import type { FileStore } from '../storage/file-store.ts'
import { LocalFileStore } from '../storage/local-file-store.ts'
import { openAccessControl, openAccessControlLazily, RBAC_FILE } from './open-access-control.ts'

const dirs: string[] = []
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

function tempPath(): string {
  const path = mkdtempSync(join(tmpdir(), 'quiver-lazy-'))
  dirs.push(path)
  return path
}

test('nothing is opened before the first RBAC call; authenticate and authorize pass as root', async () => {
  const path = tempPath()
  let opens = 0
  const access = openAccessControlLazily(() => {
    opens++
    return LocalFileStore.open(path)
  })
  assert.equal(access.enabled, false)
  assert.deepEqual(await access.authenticate('garbage without a colon'), { user: 'root' })
  await access.authorize({ user: 'nobody' }, 'DropDatabase', { dbName: 'default' })
  assert.equal(access.opened, false)
  assert.equal(opens, 0)
  assert.equal(existsSync(join(path, RBAC_FILE)), false)

  await access.createUser('alice', 'alice-password')
  await access.createRole('reader')
  await access.grantRole('alice', 'reader')
  assert.equal(opens, 1)
  assert.deepEqual(await access.listUsers(), ['alice', 'root'])
  await access.authorize({ user: 'alice' }, 'DropDatabase', { dbName: 'default' })

  const on = await openAccessControl(await LocalFileStore.open(path), { enabled: true })
  assert.deepEqual(await on.authenticate('alice:alice-password'), { user: 'alice' })
  assert.deepEqual((await on.describeUser('alice')).roles, ['reader'])
  await assert.rejects(on.authorize({ user: 'alice' }, 'DropDatabase', { dbName: 'default' }), (e: Error) => /PrivilegeDropDatabase/.test(e.message))
})

test('a damaged rbac.json fails the call, not the start, and the next call tries again', async () => {
  const path = tempPath()
  writeFileSync(join(path, RBAC_FILE), 'not a document')
  let opens = 0
  const access = openAccessControlLazily((): Promise<FileStore> => {
    opens++
    return LocalFileStore.open(path)
  })
  await assert.rejects(access.listUsers())
  await assert.rejects(access.listUsers())
  assert.equal(opens, 2)
  rmSync(join(path, RBAC_FILE))
  assert.deepEqual(await access.listUsers(), ['root'])
})
