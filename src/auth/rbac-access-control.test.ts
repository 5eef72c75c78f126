// Users, roles and grants through openAccessControl over a real directory: default root, persistence
// across reopen, root cannot be dropped, grants and revokes decide authorize(), the credential cache
// forgets changed passwords, and a failed save (injected io fault) changes nothing.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { FaultFileStore } from '../storage/fault-file-store.ts'
import { LocalFileStore } from '../storage/local-file-store.ts'
import type { Grant } from './access-control.ts'
import { openAccessControl, RBAC_FILE } from './open-access-control.ts'

const dirs: string[] = []
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

async function open(dir?: string, enabled = true) {
  const path = dir ?? mkdtempSync(join(tmpdir(), 'quiver-auth-'))
  if (dir === undefined) dirs.push(path)
  return { path, access: await openAccessControl(await LocalFileStore.open(path), { enabled }) }
}

const code = (n: number) => (e: unknown) => (e as { code: number }).code === n
const db = { dbName: 'default' }
const searchOn = (role: string, collection: string): Grant => ({ role, objectType: 'Collection', objectName: collection, privilege: 'Search', dbName: 'default' })

test('first start: root/Milvus is an admin; wrong or missing credentials are refused', async () => {
  const { path, access } = await open()
  assert.deepEqual(await access.authenticate('root:Milvus'), { user: 'root' })
  await assert.rejects(access.authenticate('root:milvus'), (e: Error) => code(1400)(e) && /username and password are correct/.test(e.message))
  await assert.rejects(access.authenticate(undefined), (e: Error) => code(1400)(e) && /missing authorization/.test(e.message))
  await assert.rejects(access.authenticate('nobody:Milvus'), code(1400))
  await assert.rejects(access.authenticate('no-colon-token'), (e: Error) => /api key/.test(e.message))
  assert.deepEqual(await access.listUsers(), ['root'])
  assert.deepEqual(await access.listRoles(), ['admin', 'public'])
  await access.authorize({ user: 'root' }, 'DropCollection', { ...db, collectionName: 'c' })
  const text = readFileSync(join(path, RBAC_FILE), 'utf8')
  assert.equal(text.includes('Milvus'), false, 'the password is not stored')
})

test('disabled: everyone is root and everything passes', async () => {
  const { access } = await open(undefined, false)
  assert.deepEqual(await access.authenticate(undefined), { user: 'root' })
  await access.authorize({ user: 'nobody' }, 'DropDatabase', db)
})

test('users and grants survive a reopen; root cannot be dropped', async () => {
  const { path, access } = await open()
  await access.createUser('alice', 'alice-pass')
  await access.createRole('reader')
  await access.grantRole('alice', 'reader')
  await access.grantPrivilege(searchOn('reader', 'books'))
  await assert.rejects(access.dropUser('root'), (e: Error) => code(1100)(e) && /root user cannot be deleted/.test(e.message))
  await assert.rejects(access.dropRole('admin'), code(1100))
  await assert.rejects(access.createUser('alice', 'other-pass'), (e: Error) => /already exists/.test(e.message))

  const again = (await open(path)).access
  assert.deepEqual(await again.listUsers(), ['alice', 'root'])
  assert.deepEqual(await again.describeUser('alice'), { user: 'alice', roles: ['reader'] })
  assert.deepEqual(await again.describeRole('reader'), [searchOn('reader', 'books')])
  assert.deepEqual(await again.authenticate('alice:alice-pass'), { user: 'alice' })
  await again.authorize({ user: 'alice' }, 'Search', { ...db, collectionName: 'books' })
})

test('authorize: grants per collection and database, public defaults, admin role, own user', async () => {
  const { access } = await open()
  await access.createUser('bob', 'bob-pass')
  await access.createRole('reader')
  await access.grantRole('bob', 'reader')
  await access.grantPrivilege(searchOn('reader', 'books'))
  const bob = { user: 'bob' }
  await access.authorize(bob, 'Search', { ...db, collectionName: 'books' })
  await assert.rejects(access.authorize(bob, 'Search', { ...db, collectionName: 'films' }), (e: Error) => code(1401)(e) && e.message.startsWith('PrivilegeSearch: permission deny to bob in the `default` database'))
  await assert.rejects(access.authorize(bob, 'Search', { dbName: 'other', collectionName: 'books' }), code(1401))
  await assert.rejects(access.authorize(bob, 'Insert', { ...db, collectionName: 'books' }), (e: Error) => /PrivilegeInsert/.test(e.message))
  await assert.rejects(access.authorize(bob, 'CreateCollection', db), code(1401))
  // public: DescribeCollection (Global), IndexDetail (Collection) everywhere; calls without a privilege pass.
  await access.authorize(bob, 'DescribeCollection', { ...db, collectionName: 'films' })
  await access.authorize(bob, 'DescribeIndex', { dbName: 'other', collectionName: 'films' })
  await access.authorize(bob, 'ShowCollections', db)
  await access.authorize(bob, 'Connect', db)
  // a user may act on themself only
  await access.authorize(bob, 'UpdateCredential', { ...db, userName: 'bob' })
  await assert.rejects(access.authorize(bob, 'UpdateCredential', { ...db, userName: 'root' }), (e: Error) => /PrivilegeUpdateUser: permission deny to bob in the `\*` database/.test(e.message))
  await access.authorize(bob, 'SelectGrant', { ...db, roleName: 'reader' })
  await assert.rejects(access.authorize(bob, 'SelectGrant', { ...db, roleName: 'admin' }), code(1401))
  // '*' object, groups (v2 only, the docs' short names too), revoke, admin role
  await assert.rejects(access.grantPrivilege({ role: 'reader', objectType: 'Global', objectName: '*', privilege: 'CollectionReadWrite', dbName: 'default' }), (e: Error) => /can not operate the built-in privilege group \[CollectionReadWrite\]/.test(e.message))
  await access.grantPrivilegeV2({ role: 'reader', privilege: 'COLL_RW', dbName: 'default', collectionName: '*' })
  assert.ok((await access.describeRole('reader')).some((g) => g.privilege === 'CollectionReadWrite' && g.objectType === 'Global'))
  await access.authorize(bob, 'Insert', { ...db, collectionName: 'films' })
  await access.revokePrivilegeV2({ role: 'reader', privilege: 'CollectionReadWrite', dbName: 'default', collectionName: '*' })
  await assert.rejects(access.authorize(bob, 'Insert', { ...db, collectionName: 'films' }), code(1401))
  await access.grantRole('bob', 'admin')
  await access.authorize(bob, 'DropDatabase', db)
  await access.revokeRole('bob', 'admin')
  await assert.rejects(access.authorize(bob, 'DropDatabase', db), code(1401))
  // cluster-level privileges are held on database '*'
  await access.grantPrivilege({ role: 'reader', objectType: 'Global', objectName: '*', privilege: 'CreateDatabase', dbName: 'default' })
  assert.equal((await access.describeRole('reader')).find((g) => g.privilege === 'CreateDatabase')?.dbName, '*')
  await access.authorize(bob, 'CreateDatabase', { dbName: 'x' })
  // a role with grants is dropped only by force, which unbinds it
  await assert.rejects(access.dropRole('reader'), (e: Error) => code(1100)(e) && /Use REVOKE API to revoke privileges/.test(e.message))
  await access.dropRole('reader', { force: true })
  assert.deepEqual((await access.describeUser('bob')).roles, [])
  await assert.rejects(access.authorize(bob, 'Search', { ...db, collectionName: 'books' }), code(1401))
})

test('grant validation: object type, privilege, object name', async () => {
  const { access } = await open()
  await access.createRole('r')
  await assert.rejects(access.grantPrivilege({ role: 'r', objectType: 'Table', objectName: '*', privilege: 'Search', dbName: 'default' }), (e: Error) => /object type/.test(e.message))
  await assert.rejects(access.grantPrivilege({ role: 'r', objectType: 'Collection', objectName: '*', privilege: 'CreateCollection', dbName: 'default' }), (e: Error) => /privilege name\[CreateCollection\]/.test(e.message))
  await assert.rejects(access.grantPrivilege({ role: 'r', objectType: 'Collection', objectName: '../etc', privilege: 'Search', dbName: 'default' }), code(1100))
  await assert.rejects(access.grantPrivilege(searchOn('missing', 'books')), (e: Error) => /role not found/.test(e.message))
  assert.deepEqual(await access.describeRole('r'), [])
})

test('a password change or a drop invalidates cached credentials', async () => {
  const { access } = await open()
  await access.createUser('carol', 'carol-pass')
  await access.authenticate('carol:carol-pass')
  await access.authenticate('carol:carol-pass') // cached
  await assert.rejects(access.updatePassword('carol', 'wrong-pass', 'carol-new'), (e: Error) => /old password not correct/.test(e.message))
  await access.updatePassword('carol', 'carol-pass', 'carol-new')
  await assert.rejects(access.authenticate('carol:carol-pass'), code(1400))
  assert.deepEqual(await access.authenticate('carol:carol-new'), { user: 'carol' })
  await access.updatePassword('carol', undefined, 'by-admin') // an admin resetting it
  await access.authenticate('carol:by-admin')
  await access.dropUser('carol')
  await assert.rejects(access.authenticate('carol:by-admin'), code(1400))
})

test('a failed save changes nothing', async () => {
  const path = mkdtempSync(join(tmpdir(), 'quiver-auth-'))
  dirs.push(path)
  const store = new FaultFileStore(await LocalFileStore.open(path))
  const access = await openAccessControl(store, { enabled: true })
  store.arm({ kind: 'fail', at: 1, ops: ['writeFileAtomic'] })
  await assert.rejects(access.createUser('dave', 'dave-pass'), code(2100))
  assert.deepEqual(await access.listUsers(), ['root'])
  await assert.rejects(access.authenticate('dave:dave-pass'), code(1400))
  await access.createUser('dave', 'dave-pass')
  assert.deepEqual(await (await openAccessControl(await LocalFileStore.open(path), { enabled: true })).listUsers(), ['dave', 'root'])
})

test('a damaged document is an error, never a reset to the default root password', async () => {
  const { path } = await open()
  const file = join(path, RBAC_FILE)
  const { writeFileSync } = await import('node:fs')
  writeFileSync(file, readFileSync(file, 'utf8').replace('"root"', '"ROOT"'))
  await assert.rejects(open(path), code(2100))
})
