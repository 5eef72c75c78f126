// BackupRBAC / RestoreRBAC through openAccessControl: the backup holds Milvus's RBACMeta (no root,
// no built-in roles, hashes not passwords); restoring it into a fresh directory gives users who log
// in with their old passwords and roles whose grants decide authorize(); a conflicting or bad backup
// is refused as a whole and changes nothing, in memory or on disk.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { hashSync } from '@node-rs/bcrypt'
import { LocalFileStore } from '../storage/local-file-store.ts'
import type { RbacMeta } from './access-control.ts'
import { openAccessControl, RBAC_FILE } from './open-access-control.ts'
import { decodePasswordHash, encodePasswordHash, hashPassword, verifyPassword } from './password-hash.ts'

const dirs: string[] = []
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

async function open(dir?: string) {
  const path = dir ?? mkdtempSync(join(tmpdir(), 'quiver-backup-'))
  if (dir === undefined) dirs.push(path)
  return { path, access: await openAccessControl(await LocalFileStore.open(path), { enabled: true }) }
}

const invalid = (text: RegExp) => (e: unknown) => (e as { code: number }).code === 1100 && text.test((e as Error).message)

async function populated() {
  const opened = await open()
  const a = opened.access
  await a.createUser('alice', 'alice-password')
  await a.createRole('reader')
  await a.grantRole('alice', 'reader')
  await a.createPrivilegeGroup('lookups')
  await a.addPrivilegesToGroup('lookups', ['Query', 'Search'])
  await a.grantPrivilegeV2({ role: 'reader', privilege: 'lookups', dbName: 'default', collectionName: 'books' })
  await a.grantPrivilege({ role: 'reader', objectType: 'Collection', objectName: 'films', privilege: 'Insert', dbName: 'default' })
  return opened
}

test('backup: every user but root, roles but admin and public, their grants, custom groups, hashes', async () => {
  const { access } = await populated()
  const meta = await access.backupRbac()
  assert.deepEqual(meta.roles, ['reader'])
  assert.deepEqual(meta.privilegeGroups, [{ name: 'lookups', privileges: ['Query', 'Search'] }])
  assert.deepEqual(
    meta.grants.map((g) => [g.role, g.objectType, g.objectName, g.privilege, g.dbName]),
    [['reader', 'Global', 'books', 'lookups', 'default'], ['reader', 'Collection', 'films', 'Insert', 'default']],
  )
  assert.equal(meta.users.length, 1)
  assert.deepEqual({ ...meta.users[0], password: undefined }, { user: 'alice', password: undefined, roles: ['reader'] })
  assert.match(meta.users[0]!.password, /^\$scrypt\$N=16384,r=8,p=1\$/)
  assert.equal(JSON.stringify(meta).includes('alice-password'), false)
})

test('restore into a fresh directory: old passwords log in, grants and groups apply, survives reopen', async () => {
  const meta = await (await populated()).access.backupRbac()
  const { path, access } = await open()
  await access.restoreRbac(meta)
  const again = (await open(path)).access
  assert.deepEqual(await again.authenticate('alice:alice-password'), { user: 'alice' })
  await again.authorize({ user: 'alice' }, 'Search', { dbName: 'default', collectionName: 'books' })
  await again.authorize({ user: 'alice' }, 'Insert', { dbName: 'default', collectionName: 'films' })
  await assert.rejects(again.authorize({ user: 'alice' }, 'Insert', { dbName: 'default', collectionName: 'books' }), (e: Error) => /PrivilegeInsert/.test(e.message))
  assert.deepEqual(await again.backupRbac(), meta)
})

test('refused as a whole: existing names, unknown privilege or role, empty, a hash Quiver cannot check', async () => {
  const { path, access } = await populated()
  const meta = await access.backupRbac()
  const before = readFileSync(join(path, RBAC_FILE), 'utf8')
  await assert.rejects(access.restoreRbac(meta), invalid(/role \[reader\] already exists/))
  await assert.rejects(access.restoreRbac({ ...meta, roles: [] }), invalid(/privilege group \[lookups\] already exists/))
  await assert.rejects(access.restoreRbac({ ...meta, roles: [], privilegeGroups: [] }), invalid(/user \[alice\] already exists/))
  const empty: RbacMeta = { users: [], roles: [], grants: [], privilegeGroups: [] }
  await assert.rejects(access.restoreRbac(empty), invalid(/rbac meta is empty/))
  await assert.rejects(access.restoreRbac({ ...empty, roles: ['writer'], grants: [{ role: 'writer', objectType: 'Collection', objectName: 'c', privilege: 'Nope', dbName: 'default' }] }), invalid(/privilege \[Nope\] does not exist/))
  await assert.rejects(access.restoreRbac({ ...empty, users: [{ user: 'carol', password: meta.users[0]!.password, roles: ['ghost'] }] }), invalid(/role \[ghost\] does not exist/))
  for (const password of ['carol-password', hashSync('carol-password', 13), '$2b$10$short']) {
    await assert.rejects(access.restoreRbac({ ...empty, roles: ['writer'], users: [{ user: 'carol', password, roles: ['writer'] }] }), invalid(/password of user \[carol\] is not a password hash Quiver can check/))
  }
  assert.equal(readFileSync(join(path, RBAC_FILE), 'utf8'), before, 'nothing was written')
  assert.deepEqual(await access.listRoles(), ['admin', 'public', 'reader'], 'writer of the refused restores was not kept')
})

test("a Milvus backup's bcrypt hash: the user logs in with the old password; a password change makes it scrypt", async () => {
  const { path, access } = await open()
  const milvusHash = hashSync('carol-password', 10) // what Milvus's BackupRBAC carries (bcrypt.DefaultCost)
  await access.restoreRbac({ users: [{ user: 'carol', password: milvusHash, roles: ['admin'] }], roles: [], grants: [], privilegeGroups: [] })
  const again = (await open(path)).access
  assert.deepEqual(await again.authenticate('carol:carol-password'), { user: 'carol' })
  await assert.rejects(again.authenticate('carol:carol-passwor'), (e: Error) => /auth check failure/.test(e.message))
  assert.equal((await again.backupRbac()).users[0]!.password, milvusHash, 'backed up as it came')
  await again.updatePassword('carol', 'carol-password', 'carol-new-password')
  assert.match((await again.backupRbac()).users[0]!.password, /^\$scrypt\$/)
  assert.deepEqual(await again.authenticate('carol:carol-new-password'), { user: 'carol' })
})

test('password hash string: round trip, verifies, refuses anything else or costs past the limits', async () => {
  const h = await hashPassword('round-trip')
  const text = encodePasswordHash(h)
  assert.deepEqual(decodePasswordHash(text), h)
  assert.equal(await verifyPassword('round-trip', decodePasswordHash(text)!), true)
  for (const bad of ['round-trip', '', '$scrypt$N=1000,r=8,p=1$AAAA$AAAA', '$scrypt$N=1048576,r=8,p=1$AAAA$AAAA', '$scrypt$N=16384,r=8,p=9$AAAA$AAAA', `${text}x!`]) {
    assert.equal(decodePasswordHash(bad), undefined, bad)
  }
})
