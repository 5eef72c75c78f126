// Every engine error maps to a legacy ErrorCode name the proto enum knows (an unknown name would
// serialise as 0 = Success), and every MilvusService RPC but three that no SDK calls has a place for
// its common.Status, read from the descriptor itself.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { legacyErrorCode } from '../../errors/error-code.ts'
import { loadMilvusProto } from './milvus-proto.ts'
import { responseWithStatus, statusPlaceOf } from './rpc-response.ts'
import { statusOf, unsupportedStatus } from './wire-status.ts'

test('legacy error codes are names of common.ErrorCode', () => {
  const names = new Set(Object.keys(loadMilvusProto().root.lookupEnum('milvus.proto.common.ErrorCode').values))
  for (const name of Object.values(legacyErrorCode)) assert.ok(names.has(name!), `${name} is not in common.ErrorCode`)
  assert.ok(names.has('UnexpectedError'))
})

test('unsupported is 3000 with a legacy code; non-Milvus errors are 65535', () => {
  const s = unsupportedStatus('ListCredUsers')
  assert.equal(s.code, 3000)
  assert.equal(s.error_code, 'UnexpectedError')
  assert.match(s.reason, /ListCredUsers is not supported by Quiver/)
  assert.equal(statusOf(new TypeError('boom')).code, 65535)
})

test('every MilvusService RPC has a status place, except Dummy, GetReplicateInfo and CreateReplicateStream', () => {
  const service = loadMilvusProto().services.milvus
  const without = Object.entries(service).filter(([, def]) => statusPlaceOf(def) === undefined).map(([name]) => name)
  assert.deepEqual(without.sort(), ['CreateReplicateStream', 'Dummy', 'GetReplicateInfo'])
  assert.deepEqual(statusPlaceOf(service.CreateAlias!), { kind: 'self' })
  assert.deepEqual(statusPlaceOf(service.Search!), { kind: 'field', field: 'status' })
  assert.deepEqual(statusPlaceOf(service.AlterCollectionSchema!), { kind: 'field', field: 'alter_status' })
  const status = unsupportedStatus('X')
  const bytes = service.Search!.responseSerialize(responseWithStatus({ kind: 'field', field: 'status' }, status))
  const back = service.Search!.responseDeserialize(bytes) as { status: { code: number; error_code: string } }
  assert.equal(back.status.code, 3000)
  assert.equal(back.status.error_code, 'UnexpectedError')
})
