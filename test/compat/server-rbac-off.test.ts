// RBAC with authorization off (the default), through the official Node SDK and REST v2 against a
// real server: the start opens no users document; users, roles, grants and privilege groups are
// kept without enforcing anything (a client without credentials manages them, REST ignores the
// Authorization header); Milvus's refusals come back as statuses; BackupRBAC/RestoreRBAC round
// trip; and the same rbac.json serves a later authorization-on start, where the users log in.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { MilvusClient, promisify, RbacObjects } from '@zilliz/milvus2-sdk-node'
import { LazyAccessControl } from '../../src/auth/lazy-access-control.ts'
import { RBAC_FILE } from '../../src/auth/open-access-control.ts'
import { sharedScryptThread } from '../../src/auth/scrypt-thread.ts'
import { startQuiverServer } from '../../src/server/quiver-server.ts'
import { tempDir } from '../support/temp-db.ts'
import { SDK_TIMEOUT_MS, startTestServer, type TestServer } from './server-fixture.ts'

const dir = tempDir('quiver-rbac-off-')
let t: TestServer

before(async () => {
  t = await startTestServer(dir.path)
})

after(async () => {
  await t.stop(true)
  dir.cleanup()
})

async function rest(path: string, body: object, headers: Record<string, string> = {}): Promise<{ code: number; message?: string; data?: unknown }> {
  const res = await fetch(`http://${t.address}/v2/vectordb/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
  return (await res.json()) as { code: number; message?: string; data?: unknown }
}

test('the start opens no users document; the first RBAC call does', async () => {
  assert.ok(t.server.access instanceof LazyAccessControl)
  assert.equal(t.server.access.enabled, false)
  await t.connect().listCollections()
  assert.equal(existsSync(join(dir.path, RBAC_FILE)), false, 'an authorization-off start writes nothing')
  assert.equal(sharedScryptThread().runCount, 0, 'and hashes nothing')
  assert.deepEqual((await t.connect().listUsers()).usernames, ['root'])
  assert.equal(existsSync(join(dir.path, RBAC_FILE)), true)
  assert.equal(sharedScryptThread().runCount, 2, "root's password and the decoy, on the first RBAC call")
})

test('users, roles, grants and privilege groups are kept, nothing enforced', async () => {
  const c = t.connect()
  assert.equal((await c.createUser({ username: 'alice', password: 'alice-password' })).error_code, 'Success')
  assert.equal((await c.createRole({ roleName: 'reader' })).error_code, 'Success')
  assert.equal((await c.addUserToRole({ username: 'alice', roleName: 'reader' })).error_code, 'Success')
  const v1 = await c.grantPrivilege({ roleName: 'reader', object: RbacObjects.Collection, objectName: 'books', privilegeName: 'Search' })
  assert.equal(v1.error_code, 'Success', v1.reason)
  assert.equal((await c.grantPrivilegeV2({ role: 'reader', privilege: 'Query', db_name: 'other', collection_name: 'books' })).error_code, 'Success')
  assert.equal((await c.listGrants({ roleName: 'reader' })).entities.length, 2, 'listGrants asks for every database')
  const inDefault = await c.selectGrant({ roleName: 'reader', object: RbacObjects.Collection, objectName: 'books' })
  assert.deepEqual(inDefault.entities.map((g) => [g.grantor.privilege.name, g.db_name]), [['Search', 'default']], 'no database: the call’s')
  assert.equal((await c.createPrivilegeGroup({ group_name: 'lookups' })).error_code, 'Success')
  assert.equal((await c.addPrivilegesToGroup({ group_name: 'lookups', privileges: ['Query', 'Search'] })).error_code, 'Success')
  const groups = await c.listPrivilegeGroups()
  assert.deepEqual([groups.privilege_groups[0]!.group_name, groups.privilege_groups[0]!.privileges.map((p) => p.name)], ['lookups', ['Query', 'Search']])
  assert.equal(groups.privilege_groups.length, 10, 'then the nine built-in groups')
  // Alice has only Search on books, but with authorization off her credentials are not even checked.
  const alice = new MilvusClient({ address: t.address, timeout: SDK_TIMEOUT_MS, logLevel: 'error', username: 'alice', password: 'wrong-password' })
  assert.equal((await alice.listUsers()).status.error_code, 'Success')
  await alice.closeConnection()
})

test("Milvus's refusals are statuses: a role with grants, a duplicate user, an unknown privilege", async () => {
  const c = t.connect()
  const drop = await c.dropRole({ roleName: 'reader' })
  assert.equal(drop.code, 1100)
  assert.match(drop.reason, /fail to drop the role that it has privileges/)
  assert.match((await c.createUser({ username: 'alice', password: 'other-password' })).reason, /user already exists/)
  const unknown = await c.grantPrivilegeV2({ role: 'reader', privilege: 'Serch', db_name: 'default', collection_name: 'books' })
  assert.equal(unknown.code, 1100)
  assert.match(unknown.reason, /not found the privilege name\[Serch\]/)
  const builtin = await c.dropRole({ roleName: 'admin' })
  assert.notEqual(builtin.error_code, 'Success')
  // DropRole with force_drop (the SDK's dropRole does not send it): the grants go with the role.
  await c.createRole({ roleName: 'doomed' })
  await c.grantPrivilegeV2({ role: 'doomed', privilege: 'Query', db_name: 'default', collection_name: 'books' })
  const forced = (await promisify(c.channelPool, 'DropRole', { role_name: 'doomed', force_drop: true }, SDK_TIMEOUT_MS)) as { error_code: string; reason: string }
  assert.equal(forced.error_code, 'Success', forced.reason)
  assert.equal((await c.hasRole({ roleName: 'doomed' })).hasRole, false)
})

test('REST: the Authorization header is not read; privilege_groups/* and roles/*_v2', async () => {
  const garbage = { Authorization: 'Bearer not-a-token' }
  const users = await rest('users/list', {}, garbage)
  assert.deepEqual([users.code, users.data], [0, ['alice', 'root']])
  assert.equal((await rest('privilege_groups/create', { privilegeGroupName: 'writers' }, garbage)).code, 0)
  assert.equal((await rest('privilege_groups/add_privileges_to_group', { privilegeGroupName: 'writers', privileges: ['Insert', 'Upsert'] })).code, 0)
  assert.equal((await rest('privilege_groups/remove_privileges_from_group', { privilegeGroupName: 'writers', privileges: ['Upsert'] })).code, 0)
  const listed = (await rest('privilege_groups/list', {})) as { code: number; data: { privilegeGroups: { privilegeGroupName: string; privileges: string }[] } }
  assert.deepEqual(listed.data.privilegeGroups.slice(0, 2), [{ privilegeGroupName: 'lookups', privileges: 'Query,Search' }, { privilegeGroupName: 'writers', privileges: 'Insert' }])
  assert.equal((await rest('roles/grant_privilege_v2', { roleName: 'reader', privilege: 'writers', collectionName: 'films' })).code, 0)
  const described = (await rest('roles/describe', { roleName: 'reader' })) as { data: { privilege: string; objectName: string }[] }
  assert.ok(described.data.some((g) => g.privilege === 'writers' && g.objectName === 'films'))
  const inUse = await rest('privilege_groups/drop', { privilegeGroupName: 'writers' })
  assert.equal(inUse.code, 1100)
  assert.equal((await rest('roles/revoke_privilege_v2', { roleName: 'reader', privilege: 'writers', collectionName: 'films' })).code, 0)
  assert.equal((await rest('privilege_groups/drop', { privilegeGroupName: 'writers' })).code, 0)
})

test('BackupRBAC / RestoreRBAC round trip', async () => {
  const c = t.connect()
  const backup = await c.backupRBAC()
  assert.equal(backup.status.error_code, 'Success')
  // The SDK types RBACMeta.users as User ({ name }); the wire carries UserInfo { user, password, roles }.
  const users = backup.RBAC_meta.users as unknown as { user: string; password: string; roles: { name: string }[] }[]
  assert.deepEqual(users.map((u) => [u.user, u.roles.map((r) => r.name)]), [['alice', ['reader']]])
  assert.match(users[0]!.password, /^\$scrypt\$/)
  assert.deepEqual(backup.RBAC_meta.roles.map((r) => r.name), ['reader'])
  assert.equal(backup.RBAC_meta.grants.length, 2)
  const again = await c.restoreRBAC({ RBAC_meta: backup.RBAC_meta })
  assert.equal(again.code, 1100)
  assert.match(again.reason, /role \[reader\] already exists/)
  // Drop it all (the grants first: Milvus refuses to drop a role that has some), then restore.
  await c.revokePrivilege({ roleName: 'reader', object: RbacObjects.Collection, objectName: 'books', privilegeName: 'Search' })
  await c.revokePrivilegeV2({ role: 'reader', privilege: 'Query', db_name: 'other', collection_name: 'books' })
  const drop = await c.dropRole({ roleName: 'reader' })
  assert.equal(drop.error_code, 'Success', drop.reason)
  assert.equal((await c.deleteUser({ username: 'alice' })).error_code, 'Success')
  assert.equal((await c.dropPrivilegeGroup({ group_name: 'lookups' })).error_code, 'Success')
  const restored = await c.restoreRBAC({ RBAC_meta: backup.RBAC_meta })
  assert.equal(restored.error_code, 'Success', restored.reason)
  assert.deepEqual((await c.backupRBAC()).RBAC_meta, backup.RBAC_meta)
})

test('a restart keeps it all; an authorization-on start reads the same users', async () => {
  await t.stop(true)
  t = await startTestServer(dir.path)
  assert.deepEqual((await t.connect().listUsers()).usernames, ['alice', 'root'])
  await t.stop(true)
  const on = await startQuiverServer({ dataDir: dir.path, host: '127.0.0.1', port: 0, quiverVersion: '0.0.0-test', log: () => {}, authorizationEnabled: true })
  try {
    const alice = new MilvusClient({ address: `127.0.0.1:${on.grpc.port}`, timeout: SDK_TIMEOUT_MS, logLevel: 'error', username: 'alice', password: 'alice-password' })
    assert.deepEqual((await alice.describeUser({ username: 'alice' })).results[0]?.roles.map((r) => r.name), ['reader'])
    await assert.rejects(alice.createUser({ username: 'mallory', password: 'mallory-pass' }), (e: Error) => /PrivilegeCreateOwnership/.test(e.message))
    await alice.closeConnection()
  } finally {
    await on.close()
  }
  t = await startTestServer(dir.path)
})
