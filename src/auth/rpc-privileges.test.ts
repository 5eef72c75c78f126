// The RPC → privilege table equals the privilege_ext_obj options Milvus puts on every request
// message of the proto the official Node SDK ships (so a new RPC or a changed privilege is caught).
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { test } from 'node:test'
import { isKnownPrivilege, privilegeCovers, privilegesByObjectType } from './privilege-catalog.ts'
import { privilegeOfRpc, rpcPrivileges } from './rpc-privileges.ts'

type Json = Record<string, any>

function descriptorPrivileges(): Record<string, { objectType: string; privilege: string }> {
  const require = createRequire(import.meta.url)
  const root = require('@zilliz/milvus2-sdk-node/dist/milvus/proto-json/milvus.js').default as Json
  const messages = root.nested.milvus.nested.proto.nested.milvus.nested as Json
  const out: Record<string, { objectType: string; privilege: string }> = {}
  for (const [rpc, method] of Object.entries(messages.MilvusService.methods as Json)) {
    const options = messages[String(method.requestType).replace(/^.*\./, '')]?.options ?? {}
    const objectType = options['(common.privilege_ext_obj).object_type']
    if (objectType === undefined) continue
    out[rpc] = { objectType, privilege: String(options['(common.privilege_ext_obj).object_privilege']).replace(/^Privilege/, '') }
  }
  return out
}

test('the table is the descriptor', () => {
  assert.deepEqual({ ...rpcPrivileges }, descriptorPrivileges())
})

test('calls without a privilege', () => {
  for (const rpc of ['Connect', 'GetVersion', 'CheckHealth', 'ListDatabases', 'ShowCollections', 'HasCollection', 'ClientHeartbeat']) {
    assert.equal(privilegeOfRpc(rpc), undefined, rpc)
  }
  assert.equal(privilegeOfRpc('toString'), undefined)
  assert.deepEqual(privilegeOfRpc('Search'), { objectType: 'Collection', privilege: 'Search' })
  assert.deepEqual(privilegeOfRpc('CreateCollection'), { objectType: 'Global', privilege: 'CreateCollection' })
  assert.deepEqual(privilegeOfRpc('UpdateCredential'), { objectType: 'User', privilege: 'UpdateUser' })
})

test('every privilege the table asks for may be granted on its object type', () => {
  for (const [rpc, p] of Object.entries(rpcPrivileges)) {
    assert.ok(isKnownPrivilege(p.privilege), `${rpc}: ${p.privilege}`)
    assert.ok(privilegesByObjectType[p.objectType].has(p.privilege), `${rpc}: ${p.privilege} on ${p.objectType}`)
  }
  assert.equal(privilegesByObjectType.Collection.has('CreateCollection'), false)
  assert.equal(isKnownPrivilege('Serch'), false)
})

test('groups and All cover their privileges', () => {
  assert.ok(privilegeCovers('All', 'DropCollection'))
  assert.ok(privilegeCovers('COLL_RO', 'Search'))
  assert.ok(!privilegeCovers('COLL_RO', 'Insert'))
  assert.ok(privilegeCovers('COLL_RW', 'Insert'))
  assert.ok(privilegeCovers('DB_Admin', 'CreateCollection'))
  assert.ok(!privilegeCovers('Search', 'Query'))
})
