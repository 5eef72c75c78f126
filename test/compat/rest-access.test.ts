// REST with access control (a fake AccessControl & UserAdmin): missing or wrong credentials answer
// 1800 and change nothing, authorize sees each route's gRPC method name and target, a denial
// answers its own code, and users/roles endpoints reach UserAdmin.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { AccessTarget, Grant, GrantV2, Principal, RbacMeta } from '../../src/auth/access-control.ts'
import { ErrorCode, MilvusError } from '../../src/errors/errors.ts'
import { type QuiverServer, startQuiverServer } from '../../src/server/quiver-server.ts'
import type { RestAccess } from '../../src/server/rest/rest-route.ts'
import { tempDir } from '../support/temp-db.ts'

/** Users `root:Milvus` and `reader:pw`; `reader` may only ShowCollections, HasCollection and users' own calls. */
class FakeAccess implements RestAccess {
  readonly enabled = true
  readonly calls: { user: string; rpc: string; target: AccessTarget }[] = []
  readonly users = new Map<string, { password: string; roles: string[] }>([['root', { password: 'Milvus', roles: ['admin'] }], ['reader', { password: 'pw', roles: [] }]])
  readonly roles = new Map<string, Grant[]>([['admin', []]])

  async authenticate(credentials: string | undefined): Promise<Principal> {
    const [user = '', password] = (credentials ?? '').split(':')
    if (password === undefined || this.users.get(user)?.password !== password) throw new MilvusError(ErrorCode.Unauthenticated, 'wrong credentials')
    return { user }
  }
  async authorize(principal: Principal, rpcName: string, target: AccessTarget): Promise<void> {
    this.calls.push({ user: principal.user, rpc: rpcName, target })
    if (principal.user !== 'root' && !['ShowCollections', 'HasCollection'].includes(rpcName)) throw new MilvusError(ErrorCode.PermissionDenied, `${rpcName} is not permitted`)
  }
  async createUser(user: string, password: string) {
    this.users.set(user, { password, roles: [] })
  }
  async updatePassword(user: string, _old: string | undefined, password: string) {
    this.users.get(user)!.password = password
  }
  async dropUser(user: string) {
    this.users.delete(user)
  }
  async listUsers() {
    return [...this.users.keys()]
  }
  async describeUser(user: string) {
    return { user, roles: this.users.get(user)?.roles ?? [] }
  }
  async createRole(role: string) {
    this.roles.set(role, [])
  }
  async dropRole(role: string) {
    this.roles.delete(role)
  }
  async listRoles() {
    return [...this.roles.keys()]
  }
  async describeRole(role: string) {
    return this.roles.get(role) ?? []
  }
  async grantRole(user: string, role: string) {
    this.users.get(user)!.roles.push(role)
  }
  async revokeRole(user: string, role: string) {
    const u = this.users.get(user)!
    u.roles = u.roles.filter((r) => r !== role)
  }
  async grantPrivilege(grant: Grant) {
    this.roles.get(grant.role)!.push(grant)
  }
  async revokePrivilege(grant: Grant) {
    this.roles.set(grant.role, this.roles.get(grant.role)!.filter((g) => g.privilege !== grant.privilege))
  }
  async grantPrivilegeV2(grant: GrantV2) {
    this.roles.get(grant.role)!.push({ role: grant.role, objectType: 'Global', objectName: grant.collectionName, privilege: grant.privilege, dbName: grant.dbName })
  }
  async revokePrivilegeV2(grant: GrantV2) {
    this.roles.set(grant.role, this.roles.get(grant.role)!.filter((g) => g.privilege !== grant.privilege))
  }
  readonly groups = new Map<string, string[]>()
  async createPrivilegeGroup(name: string) {
    this.groups.set(name, [])
  }
  async dropPrivilegeGroup(name: string) {
    this.groups.delete(name)
  }
  async listPrivilegeGroups() {
    return [...this.groups].map(([name, privileges]) => ({ name, privileges }))
  }
  async addPrivilegesToGroup(name: string, privileges: readonly string[]) {
    this.groups.get(name)!.push(...privileges)
  }
  async removePrivilegesFromGroup(name: string, privileges: readonly string[]) {
    this.groups.set(name, this.groups.get(name)!.filter((p) => !privileges.includes(p)))
  }
  async backupRbac(): Promise<RbacMeta> {
    return { users: [], roles: [...this.roles.keys()], grants: [], privilegeGroups: await this.listPrivilegeGroups() }
  }
  async restoreRbac(_meta: RbacMeta) {}
}

const dir = tempDir('quiver-rest-access-')
const access = new FakeAccess()
let server: QuiverServer

before(async () => {
  server = await startQuiverServer({ dataDir: dir.path, host: '127.0.0.1', port: 0, quiverVersion: '0.0.0-test', log: () => {}, access })
})
after(async () => {
  await server.close()
  dir.cleanup()
})

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
async function post(path: string, body: unknown, token?: string): Promise<any> {
  const headers: Record<string, string> = token === undefined ? {} : { Authorization: `Bearer ${token}` }
  const res = await fetch(`http://127.0.0.1:${server.port}/v2/vectordb/${path}`, { method: 'POST', headers, body: JSON.stringify(body) })
  assert.equal(res.status, 200)
  return res.json()
}

test('missing or wrong credentials answer 1800 and change nothing', async () => {
  for (const token of [undefined, '', 'root:wrong', 'nobody:x']) {
    const r = await post('collections/create', { collectionName: 'c', dimension: 2 }, token)
    assert.equal(r.code, 1800, JSON.stringify(r))
  }
  assert.deepEqual((await post('collections/has', { collectionName: 'c' }, 'root:Milvus')).data, { has: false })
})

test('authorize gets the gRPC method name and the target; a denial keeps its code', async () => {
  access.calls.length = 0
  assert.equal((await post('collections/create', { collectionName: 'c', dimension: 2 }, 'root:Milvus')).code, 0)
  assert.equal((await post('entities/insert', { collectionName: 'c', data: [{ id: 1, vector: [1, 0] }] }, 'root:Milvus')).code, 0)
  assert.equal((await post('entities/search', { dbName: 'default', collectionName: 'c', data: [[1, 0]] }, 'root:Milvus')).code, 0)
  assert.equal((await post('entities/upsert', { collectionName: 'c', data: [{ id: 1, vector: [0, 1] }] }, 'root:Milvus')).code, 0)
  assert.equal((await post('collections/list', {}, 'reader:pw')).code, 0)
  const denied = await post('entities/query', { collectionName: 'c', filter: 'id > 0' }, 'reader:pw')
  assert.equal(denied.code, ErrorCode.PermissionDenied)
  assert.deepEqual(access.calls, [
    { user: 'root', rpc: 'CreateCollection', target: { dbName: 'default', collectionName: 'c' } },
    { user: 'root', rpc: 'Insert', target: { dbName: 'default', collectionName: 'c' } },
    { user: 'root', rpc: 'Search', target: { dbName: 'default', collectionName: 'c' } },
    { user: 'root', rpc: 'Upsert', target: { dbName: 'default', collectionName: 'c' } },
    { user: 'reader', rpc: 'ShowCollections', target: { dbName: 'default' } },
    { user: 'reader', rpc: 'Query', target: { dbName: 'default', collectionName: 'c' } },
  ])
})

test('users and roles endpoints reach UserAdmin', async () => {
  const root = 'root:Milvus'
  assert.equal((await post('users/create', { userName: 'bob', password: 'secret1' }, root)).code, 0)
  assert.deepEqual((await post('users/list', {}, root)).data, ['root', 'reader', 'bob'])
  assert.equal((await post('users/update_password', { userName: 'bob', password: 'secret1', newPassword: 'secret2' }, root)).code, 0)
  assert.equal(access.users.get('bob')?.password, 'secret2')
  assert.equal((await post('roles/create', { roleName: 'ops' }, root)).code, 0)
  assert.deepEqual((await post('roles/list', {}, root)).data, ['admin', 'ops'])
  assert.equal((await post('roles/grant_privilege', { roleName: 'ops', objectType: 'Collection', objectName: 'c', privilege: 'Search' }, root)).code, 0)
  assert.deepEqual((await post('roles/describe', { roleName: 'ops' }, root)).data, [{ roleName: 'ops', objectType: 'Collection', objectName: 'c', privilege: 'Search', dbName: 'default', grantor: 'root' }])
  assert.equal((await post('roles/revoke_privilege', { roleName: 'ops', objectType: 'Collection', objectName: 'c', privilege: 'Search' }, root)).code, 0)
  assert.equal((await post('users/grant_role', { userName: 'bob', roleName: 'ops' }, root)).code, 0)
  assert.deepEqual((await post('users/describe', { userName: 'bob' }, root)).data, ['ops'])
  assert.equal((await post('users/revoke_role', { userName: 'bob', roleName: 'ops' }, root)).code, 0)
  assert.equal((await post('roles/drop', { roleName: 'ops' }, root)).code, 0)
  assert.equal((await post('users/drop', { userName: 'bob' }, root)).code, 0)
  assert.deepEqual((await post('users/list', {}, root)).data, ['root', 'reader'])
  assert.equal((await post('users/describe', { password: 'x' }, root)).code, 1802)
})
