// Authentication and privileges through the official Node SDK against `startQuiverServer` with
// authorization enabled: missing or wrong credentials are UNAUTHENTICATED, a role's grants decide
// PERMISSION_DENIED, password changes and drops take effect at once, users survive a restart.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { DataType, MilvusClient, RbacObjects } from '@zilliz/milvus2-sdk-node'
import { ErrorCode } from '../../src/errors/errors.ts'
import { metricSample } from '../../src/observability/metric-sample.ts'
import { type QuiverServer, startQuiverServer } from '../../src/server/quiver-server.ts'
import { tempDir } from '../support/temp-db.ts'
import { SDK_TIMEOUT_MS, vectors } from './server-fixture.ts'

const DIM = 4
const dir = tempDir('quiver-auth-server-')
let server: QuiverServer
const clients: MilvusClient[] = []

async function start(): Promise<void> {
  // Login backoff off: this file's wrong-password cases would otherwise slow its later logins (backoff: server-login-flood.test.ts).
  server = await startQuiverServer({ dataDir: dir.path, host: '127.0.0.1', port: 0, quiverVersion: '0.0.0-test', log: () => {}, authorizationEnabled: true, loginBackoffFailures: 1_000_000 })
}

function connect(credentials: { username?: string; password?: string } = {}): MilvusClient {
  const c = new MilvusClient({ address: `127.0.0.1:${server.grpc.port}`, timeout: SDK_TIMEOUT_MS, logLevel: 'error', ...credentials })
  // The constructor's Connect fails for bad credentials; the calls below report it.
  c.connectPromise.catch(() => undefined)
  clients.push(c)
  return c
}

const grpcError = (code: number, text: RegExp) => (e: unknown) => (e as { code?: number }).code === code && text.test((e as Error).message)
const UNAUTHENTICATED = 16
const PERMISSION_DENIED = 7

before(async () => {
  await start()
  const root = connect({ username: 'root', password: 'Milvus' })
  for (const name of ['books', 'films']) {
    const res = await root.createCollection({
      collection_name: name,
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: DIM },
      ],
    })
    assert.equal(res.error_code, 'Success', res.reason)
    await root.createIndex({ collection_name: name, field_name: 'v', index_type: 'FLAT', metric_type: 'L2' })
    await root.loadCollection({ collection_name: name })
    const ins = await root.insert({ collection_name: name, data: vectors(1, 3, DIM).map((v, i) => ({ id: i + 1, v })) })
    assert.equal(ins.status.error_code, 'Success', ins.status.reason)
  }
})

after(async () => {
  for (const c of clients) await c.closeConnection().catch(() => undefined)
  await server.close()
  dir.cleanup()
})

test('no credentials and a wrong password are UNAUTHENTICATED', async () => {
  await assert.rejects(connect().listCollections(), grpcError(UNAUTHENTICATED, /missing authorization/))
  await assert.rejects(connect({ username: 'root', password: 'wrong-pass' }).listCollections(), grpcError(UNAUTHENTICATED, /auth check failure, please check username and password are correct/))
  // The metrics count them under Milvus's code for unauthenticated calls, not as unexpected errors.
  const text = await server.metrics.render()
  assert.ok((metricSample(text, 'quiver_requests_total', { function_name: 'ShowCollections', code: String(ErrorCode.Unauthenticated) }) ?? 0) >= 2, text)
  assert.equal(metricSample(text, 'quiver_requests_total', { function_name: 'ShowCollections', code: String(ErrorCode.Unexpected) }), undefined)
})

test('credentials are exact: a trailing NUL or control character is refused, not trimmed', async () => {
  // scrypt's HMAC pads short keys with zero bytes: without the check, `Milvus\0` verified as `Milvus`.
  for (const password of ['Milvus\0', 'Milvus\n', '\0Milvus']) {
    await assert.rejects(connect({ username: 'root', password }).listCollections(), grpcError(UNAUTHENTICATED, /control character/), JSON.stringify(password))
  }
})

test('root works', async () => {
  const res = await connect({ username: 'root', password: 'Milvus' }).listCollections()
  assert.equal(res.status.error_code, 'Success')
  assert.deepEqual(res.data.map((c) => c.name).sort(), ['books', 'films'])
})

test('a role granted Search on one collection: search there, nothing else', async () => {
  const root = connect({ username: 'root', password: 'Milvus' })
  assert.equal((await root.createUser({ username: 'reader1', password: 'reader-pass' })).error_code, 'Success')
  assert.equal((await root.createRole({ roleName: 'book_reader' })).error_code, 'Success')
  assert.equal((await root.addUserToRole({ username: 'reader1', roleName: 'book_reader' })).error_code, 'Success')
  const grant = await root.grantRolePrivilege({ roleName: 'book_reader', object: RbacObjects.Collection, objectName: 'books', privilegeName: 'Search' })
  assert.equal(grant.error_code, 'Success', grant.reason)

  const users = await root.listUsers()
  assert.deepEqual([...users.usernames].sort(), ['reader1', 'root'])
  const described = await root.describeUser({ username: 'reader1' })
  assert.deepEqual(described.results[0]?.roles.map((r) => r.name), ['book_reader'])
  const grants = await root.listGrants({ roleName: 'book_reader' })
  assert.deepEqual(grants.entities.map((g) => [g.object.name, g.object_name, g.grantor.privilege.name, g.db_name]), [['Collection', 'books', 'Search', 'default']])

  const reader = connect({ username: 'reader1', password: 'reader-pass' })
  const hits = await reader.search({ collection_name: 'books', data: [vectors(1, 1, DIM)[0]!], limit: 2, output_fields: ['id'] })
  assert.equal(hits.status.error_code, 'Success', hits.status.reason)
  assert.equal(hits.results.length, 2)
  await assert.rejects(reader.search({ collection_name: 'films', data: [vectors(1, 1, DIM)[0]!], limit: 2 }), grpcError(PERMISSION_DENIED, /PrivilegeSearch: permission deny to reader1 in the `default` database/))
  await assert.rejects(reader.insert({ collection_name: 'books', data: [{ id: 9, v: [0, 0, 0, 0] }] }), grpcError(PERMISSION_DENIED, /PrivilegeInsert/))
  await assert.rejects(reader.dropCollection({ collection_name: 'books' }), grpcError(PERMISSION_DENIED, /PrivilegeDropCollection/))
  await assert.rejects(reader.createUser({ username: 'intruder', password: 'intruder-pass' }), grpcError(PERMISSION_DENIED, /PrivilegeCreateOwnership/))
  assert.equal((await root.hasCollection({ collection_name: 'books' })).value, true)
})

test('a user changes their own password; the old one stops working at once', async () => {
  const root = connect({ username: 'root', password: 'Milvus' })
  await root.createUser({ username: 'writer1', password: 'first-pass' })
  const self = connect({ username: 'writer1', password: 'first-pass' })
  const res = await self.updateUser({ username: 'writer1', oldPassword: 'first-pass', newPassword: 'second-pass' })
  assert.equal(res.error_code, 'Success', res.reason)
  await assert.rejects(connect({ username: 'writer1', password: 'first-pass' }).listCollections(), grpcError(UNAUTHENTICATED, /auth check failure/))
  assert.equal((await connect({ username: 'writer1', password: 'second-pass' }).listCollections()).status.error_code, 'Success')
  const wrongOld = await root.updateUser({ username: 'root', oldPassword: 'not-root-pass', newPassword: 'whatever1' })
  assert.notEqual(wrongOld.error_code, 'Success')
  assert.equal((await root.deleteUser({ username: 'root' })).error_code !== 'Success', true)
})

test('a dropped user is rejected afterwards', async () => {
  const root = connect({ username: 'root', password: 'Milvus' })
  await root.createUser({ username: 'temp1', password: 'temp-pass' })
  assert.equal((await connect({ username: 'temp1', password: 'temp-pass' }).listCollections()).status.error_code, 'Success')
  assert.equal((await root.deleteUser({ username: 'temp1' })).error_code, 'Success')
  await assert.rejects(connect({ username: 'temp1', password: 'temp-pass' }).listCollections(), grpcError(UNAUTHENTICATED, /auth check failure/))
})

test('bad names and passwords are refused with 1100', async () => {
  const root = connect({ username: 'root', password: 'Milvus' })
  const badName = await root.createUser({ username: '../etc', password: 'valid-pass' })
  assert.equal(badName.code, 1100)
  const shortPass = await root.createUser({ username: 'shorty', password: '123' })
  assert.equal(shortPass.code, 1100)
  assert.equal((await root.listUsers()).usernames.includes('shorty'), false)
})

test('a custom privilege group granted through v2 decides by what it holds now; in use it cannot be dropped', async () => {
  const root = connect({ username: 'root', password: 'Milvus' })
  await root.createUser({ username: 'grouped1', password: 'grouped-pass' })
  await root.createRole({ roleName: 'film_lookup' })
  await root.addUserToRole({ username: 'grouped1', roleName: 'film_lookup' })
  assert.equal((await root.createPrivilegeGroup({ group_name: 'lookups' })).error_code, 'Success')
  assert.equal((await root.addPrivilegesToGroup({ group_name: 'lookups', privileges: ['Search'] })).error_code, 'Success')
  const grant = await root.grantPrivilegeV2({ role: 'film_lookup', privilege: 'lookups', db_name: 'default', collection_name: 'films' })
  assert.equal(grant.error_code, 'Success', grant.reason)
  const listed = await root.listGrants({ roleName: 'film_lookup' })
  assert.deepEqual(listed.entities.map((g) => [g.object.name, g.object_name, g.grantor.privilege.name, g.grantor.user.name, g.db_name]), [['Global', 'films', 'lookups', 'root', 'default']])

  const user = connect({ username: 'grouped1', password: 'grouped-pass' })
  const query = () => user.query({ collection_name: 'films', filter: 'id > 0', output_fields: ['id'] })
  assert.equal((await user.search({ collection_name: 'films', data: [vectors(1, 1, DIM)[0]!], limit: 1 })).status.error_code, 'Success')
  await assert.rejects(user.search({ collection_name: 'books', data: [vectors(1, 1, DIM)[0]!], limit: 1 }), grpcError(PERMISSION_DENIED, /PrivilegeSearch/))
  await assert.rejects(query(), grpcError(PERMISSION_DENIED, /PrivilegeQuery: permission deny to grouped1/))
  await root.addPrivilegesToGroup({ group_name: 'lookups', privileges: ['Query'] })
  assert.equal((await query()).status.error_code, 'Success')
  await assert.rejects(user.listPrivilegeGroups(), grpcError(PERMISSION_DENIED, /PrivilegeListPrivilegeGroups/))

  const dropped = await root.dropPrivilegeGroup({ group_name: 'lookups' })
  assert.equal(dropped.code, 1100)
  assert.match(dropped.reason, /privilege group \[lookups\] is used by role \[film_lookup\]/)
  const backup = await root.backupRBAC()
  assert.deepEqual(backup.RBAC_meta.privilege_groups.map((g) => [g.group_name, g.privileges.map((p) => p.name)]), [['lookups', ['Query', 'Search']]])
  await root.revokePrivilegeV2({ role: 'film_lookup', privilege: 'lookups', db_name: 'default', collection_name: 'films' })
  await assert.rejects(query(), grpcError(PERMISSION_DENIED, /PrivilegeQuery/))
  assert.equal((await root.dropPrivilegeGroup({ group_name: 'lookups' })).error_code, 'Success')
})

test('users, roles and grants survive a restart', async () => {
  for (const c of clients.splice(0)) await c.closeConnection().catch(() => undefined)
  await server.close()
  await start()
  const reader = connect({ username: 'reader1', password: 'reader-pass' })
  const hits = await reader.search({ collection_name: 'books', data: [vectors(1, 1, DIM)[0]!], limit: 1 })
  assert.equal(hits.status.error_code, 'Success', hits.status.reason)
  await assert.rejects(reader.search({ collection_name: 'films', data: [vectors(1, 1, DIM)[0]!], limit: 1 }), grpcError(PERMISSION_DENIED, /PrivilegeSearch/))
  assert.equal((await connect({ username: 'writer1', password: 'second-pass' }).listCollections()).status.error_code, 'Success')
})
