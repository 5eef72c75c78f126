// Custom privilege groups through openAccessControl over a real directory: Milvus's create / alter /
// drop checks, a group granted through v2 decides authorize() by what it holds when the check runs,
// v1 refuses groups, level rules for v2 grants, and everything survives a reopen.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { LocalFileStore } from '../storage/local-file-store.ts'
import { openAccessControl } from './open-access-control.ts'

const dirs: string[] = []
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

async function open(dir?: string) {
  const path = dir ?? mkdtempSync(join(tmpdir(), 'quiver-groups-'))
  if (dir === undefined) dirs.push(path)
  return { path, access: await openAccessControl(await LocalFileStore.open(path), { enabled: true }) }
}

const invalid = (text: RegExp) => (e: unknown) => (e as { code: number }).code === 1100 && text.test((e as Error).message)
const db = { dbName: 'default' }

test('create, list (custom first, then the nine built-in groups), add, remove, drop', async () => {
  const { access } = await open()
  await access.createPrivilegeGroup('readers')
  await access.addPrivilegesToGroup('readers', ['Query', 'Search', 'Query'])
  await access.removePrivilegesFromGroup('readers', ['Query'])
  const groups = await access.listPrivilegeGroups()
  assert.deepEqual(groups[0], { name: 'readers', privileges: ['Search'] })
  assert.deepEqual(
    groups.slice(1).map((g) => g.name),
    ['ClusterReadOnly', 'ClusterReadWrite', 'ClusterAdmin', 'DatabaseReadOnly', 'DatabaseReadWrite', 'DatabaseAdmin', 'CollectionReadOnly', 'CollectionReadWrite', 'CollectionAdmin'],
  )
  assert.ok(groups.find((g) => g.name === 'CollectionReadOnly')!.privileges.includes('Search'))
  await access.dropPrivilegeGroup('readers')
  assert.equal((await access.listPrivilegeGroups()).length, 9)
})

test("Milvus's checks: names, duplicates, unknown privileges, mixed levels, empty lists", async () => {
  const { access } = await open()
  await assert.rejects(access.createPrivilegeGroup(''), invalid(/privilege group name should not be empty/))
  await assert.rejects(access.createPrivilegeGroup('1abc'), invalid(/first character of a privilege group name 1abc/))
  await assert.rejects(access.createPrivilegeGroup('a-b'), invalid(/can only contain numbers, letters and underscores/))
  await assert.rejects(access.createPrivilegeGroup('Search'), invalid(/\[Search\] is defined by built in privileges/))
  await assert.rejects(access.createPrivilegeGroup('CollectionAdmin'), invalid(/\[CollectionAdmin\] is defined by built in privileges/))
  await access.createPrivilegeGroup('g')
  await assert.rejects(access.createPrivilegeGroup('g'), invalid(/privilege group name \[g\] is defined by users/))
  await assert.rejects(access.addPrivilegesToGroup('nope', ['Query']), invalid(/there is no privilege group name \[nope\] defined in system to operate/))
  await assert.rejects(access.addPrivilegesToGroup('g', []), invalid(/privileges is empty when alter the privilege group/))
  await assert.rejects(access.addPrivilegesToGroup('g', ['Serch']), invalid(/privilege group name \[Serch\] defined in system/))
  await assert.rejects(access.addPrivilegesToGroup('g', ['Query', 'CreateDatabase']), invalid(/not the same privilege level/))
  await access.addPrivilegesToGroup('g', ['Query'])
  await assert.rejects(access.addPrivilegesToGroup('g', ['ShowCollections']), invalid(/not the same privilege level/))
  assert.deepEqual((await access.listPrivilegeGroups())[0], { name: 'g', privileges: ['Query'] }, 'a refused change changed nothing')
  await assert.rejects(access.dropPrivilegeGroup('CollectionAdmin'), invalid(/not a custom privilege group \[CollectionAdmin\]/))
})

test('a group granted through v2 allows what it holds now; v1 refuses groups; drop refused while granted', async () => {
  const { path, access } = await open()
  await access.createUser('bob', 'bob-password')
  await access.createRole('reader')
  await access.grantRole('bob', 'reader')
  await access.createPrivilegeGroup('search_only')
  await access.addPrivilegesToGroup('search_only', ['Search'])
  const bob = { user: 'bob' }
  await assert.rejects(
    access.grantPrivilege({ role: 'reader', objectType: 'Global', objectName: '*', privilege: 'search_only', dbName: 'default' }),
    invalid(/can not operate the custom privilege group \[search_only\]/),
  )
  await access.grantPrivilegeV2({ role: 'reader', privilege: 'search_only', dbName: 'default', collectionName: 'books' })
  assert.deepEqual(await access.describeRole('reader'), [{ role: 'reader', objectType: 'Global', objectName: 'books', privilege: 'search_only', dbName: 'default' }])
  await access.authorize(bob, 'Search', { ...db, collectionName: 'books' })
  await assert.rejects(access.authorize(bob, 'Search', { ...db, collectionName: 'films' }), (e: Error) => /PrivilegeSearch: permission deny to bob/.test(e.message))
  await assert.rejects(access.authorize(bob, 'Query', { ...db, collectionName: 'books' }), (e: Error) => /PrivilegeQuery/.test(e.message))
  await access.addPrivilegesToGroup('search_only', ['Query'])
  await access.authorize(bob, 'Query', { ...db, collectionName: 'books' })
  await assert.rejects(access.dropPrivilegeGroup('search_only'), invalid(/privilege group \[search_only\] is used by role \[reader\], Use REVOKE API/))

  const again = (await open(path)).access
  await again.authorize(bob, 'Query', { ...db, collectionName: 'books' })
  assert.deepEqual((await again.listPrivilegeGroups())[0], { name: 'search_only', privileges: ['Query', 'Search'] })
  await again.revokePrivilegeV2({ role: 'reader', privilege: 'search_only', dbName: 'default', collectionName: 'books' })
  await assert.rejects(again.authorize(bob, 'Query', { ...db, collectionName: 'books' }), (e: Error) => /PrivilegeQuery/.test(e.message))
  await again.dropPrivilegeGroup('search_only')
})

test('v2 grants: object type from the privilege, group levels decide which names must be *', async () => {
  const { access } = await open()
  await access.createRole('r')
  await access.grantPrivilegeV2({ role: 'r', privilege: 'Query', dbName: 'default', collectionName: 'books' })
  await access.grantPrivilegeV2({ role: 'r', privilege: 'ClusterReadOnly', dbName: '*', collectionName: '*' })
  await access.grantPrivilegeV2({ role: 'r', privilege: 'DB_RO', dbName: 'default', collectionName: '*' })
  assert.deepEqual(
    (await access.describeRole('r')).map((g) => [g.objectType, g.objectName, g.privilege, g.dbName]),
    [['Collection', 'books', 'Query', 'default'], ['Global', '*', 'ClusterReadOnly', '*'], ['Global', '*', 'DatabaseReadOnly', 'default']],
  )
  await assert.rejects(access.grantPrivilegeV2({ role: 'r', privilege: 'ClusterAdmin', dbName: 'default', collectionName: '*' }), invalid(/should be \* for the cluster level privilege: ClusterAdmin/))
  await assert.rejects(access.grantPrivilegeV2({ role: 'r', privilege: 'DatabaseAdmin', dbName: 'default', collectionName: 'books' }), invalid(/collectionName should be \* for the database level/))
  await assert.rejects(access.grantPrivilegeV2({ role: 'r', privilege: 'CollectionAdmin', dbName: '*', collectionName: 'books' }), invalid(/please specify database name/))
  await assert.rejects(access.grantPrivilegeV2({ role: 'r', privilege: 'Serch', dbName: 'default', collectionName: 'books' }), invalid(/not found the privilege name\[Serch\]/))
  await assert.rejects(access.grantPrivilegeV2({ role: 'nobody', privilege: 'Query', dbName: 'default', collectionName: 'books' }), invalid(/role not found/))
  // removing a role from a user who does not exist succeeds, as in Milvus; the role must exist
  await access.revokeRole('ghost', 'r')
  await assert.rejects(access.revokeRole('ghost', 'nope'), invalid(/role not found/))
  // granting twice and revoking what is not held both succeed and change nothing (Milvus ignores them)
  await access.grantPrivilegeV2({ role: 'r', privilege: 'Query', dbName: 'default', collectionName: 'books' })
  await access.revokePrivilegeV2({ role: 'r', privilege: 'Query', dbName: 'other', collectionName: 'books' })
  assert.equal((await access.describeRole('r')).length, 3)
})
