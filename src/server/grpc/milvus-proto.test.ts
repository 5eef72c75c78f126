// loadMilvusProto's service definitions (built from one protobufjs root, codecs compiled on first use)
// equal what @grpc/proto-loader's fromJSON makes from the same descriptor with the same options: for
// every method of both services the path, streaming flags, original name and status place agree, and
// serialize / deserialize give the same bytes and objects, for empty messages and for realistic ones.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as protoLoader from '@grpc/proto-loader'
import { loaderOptions, loadMilvusProto, MILVUS_SERVICE, milvusDescriptorJson, TELEMETRY_SERVICE } from './milvus-proto.ts'
import { statusPlaceOf } from './rpc-response.ts'

const reference = protoLoader.fromJSON(milvusDescriptorJson(), { ...loaderOptions })
const services = [
  ['milvus', MILVUS_SERVICE],
  ['telemetry', TELEMETRY_SERVICE],
] as const

test('every method: same path, streaming flags, original name and status place as proto-loader', () => {
  for (const [key, name] of services) {
    const ours = loadMilvusProto().services[key]
    const theirs = reference[name] as protoLoader.ServiceDefinition
    assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).sort())
    for (const [method, def] of Object.entries(theirs)) {
      const mine = ours[method]!
      assert.equal(mine.path, def.path, method)
      assert.equal(mine.requestStream, def.requestStream, method)
      assert.equal(mine.responseStream, def.responseStream, method)
      assert.equal(mine.originalName, def.originalName, method)
      assert.deepEqual(statusPlaceOf(mine), statusPlaceOf(def), method)
    }
  }
})

test('every method: an empty request and response serialise and deserialise alike', () => {
  for (const [key, name] of services) {
    const ours = loadMilvusProto().services[key]
    const theirs = reference[name] as protoLoader.ServiceDefinition
    for (const [method, def] of Object.entries(theirs)) {
      const mine = ours[method]!
      assert.deepEqual(mine.requestSerialize({}), def.requestSerialize({}), method)
      assert.deepEqual(mine.requestDeserialize(Buffer.alloc(0)), def.requestDeserialize(Buffer.alloc(0)), method)
      assert.deepEqual(mine.responseSerialize({}), def.responseSerialize({}), method)
      assert.deepEqual(mine.responseDeserialize(Buffer.alloc(0)), def.responseDeserialize(Buffer.alloc(0)), method)
    }
  }
})

test('realistic messages: insert, search and describe-collection round trips agree byte for byte', () => {
  const ours = loadMilvusProto().services.milvus
  const theirs = reference[MILVUS_SERVICE] as protoLoader.ServiceDefinition
  const insert = {
    db_name: 'default',
    collection_name: 'books',
    num_rows: 2,
    fields_data: [
      { field_name: 'id', type: 'Int64', scalars: { long_data: { data: ['1', '9007199254740993'] } } },
      { field_name: 'title', type: 'VarChar', scalars: { string_data: { data: ['a', 'ü'] } } },
      { field_name: 'vec', type: 'FloatVector', vectors: { dim: '2', float_vector: { data: [0.5, -1, 2.25, 3] } } },
    ],
  }
  const search = { collection_name: 'books', dsl: 'id > 0', nq: '1', search_params: [{ key: 'topk', value: '10' }], output_fields: ['title'], placeholder_group: Buffer.from([1, 2, 3]) }
  const describe = {
    status: { code: 0, error_code: 'Success', reason: '' },
    schema: { name: 'books', fields: [{ fieldID: '100', name: 'id', is_primary_key: true, data_type: 'Int64' }] },
    collectionID: '42',
    consistency_level: 'Bounded',
  }
  const cases = [
    ['Insert', 'request', insert],
    ['Search', 'request', search],
    ['DescribeCollection', 'response', describe],
  ] as const
  for (const [method, side, message] of cases) {
    const mine = ours[method]!
    const def = theirs[method]!
    const serialize = side === 'request' ? 'requestSerialize' : 'responseSerialize'
    const deserialize = side === 'request' ? 'requestDeserialize' : 'responseDeserialize'
    const bytes = def[serialize](message)
    assert.ok(bytes.length > 0)
    assert.deepEqual(mine[serialize](message), bytes, method)
    assert.deepEqual(mine[deserialize](bytes), def[deserialize](bytes), method)
  }
})
