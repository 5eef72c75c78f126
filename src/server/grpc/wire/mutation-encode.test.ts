// The keys of a write's answer, written from the key column, decode to what the codec makes of the
// same keys as strings (int64 edge values, an empty column, varchar keys), under the descriptor's field numbers.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadMilvusProto } from '../milvus-proto.ts'
import { encodeIds } from './mutation-encode.ts'

const idsType = loadMilvusProto().root.lookupType('milvus.proto.schema.IDs')
const decode = (b: Uint8Array) => idsType.toObject(idsType.decode(b), { longs: String, defaults: true, oneofs: true })
const codec = (o: object) => decode(idsType.encode(idsType.fromObject(o)).finish())

test('int64 keys: the same IDs as the codec', () => {
  const keys = [0n, 1n, 127n, 128n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n, 2n ** 53n + 7n, 2n ** 63n - 1n, -1n, -(2n ** 63n), -300n]
  const column = BigInt64Array.from(keys)
  assert.deepEqual(decode(encodeIds(column)), codec({ int_id: { data: keys.map(String) } }))
  // A view into a larger buffer (a batch's key column may be one).
  assert.deepEqual(decode(encodeIds(column.subarray(3, 9))), codec({ int_id: { data: keys.slice(3, 9).map(String) } }))
  assert.deepEqual(decode(encodeIds(new BigInt64Array(0))), codec({ int_id: { data: [] } }))
})

test('varchar keys: the same IDs as the codec', () => {
  const keys = ['a', '', 'ключ', 'x'.repeat(300)]
  assert.deepEqual(decode(encodeIds(keys)), codec({ str_id: { data: keys } }))
})

test('field numbers', () => {
  assert.equal(idsType.fields.int_id!.id, 1)
  assert.equal(idsType.fields.str_id!.id, 2)
  assert.equal(loadMilvusProto().root.lookupType('milvus.proto.schema.LongArray').fields.data!.id, 1)
})
