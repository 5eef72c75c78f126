// The decode thread gives exactly what the in-thread decoder gives (float vectors as Float32Array,
// binary vectors, JSON, nulls), except that non-nullable Int64 columns come parsed, as BigInt64Arrays;
// it refuses malformed bytes with 1100, and survives them.
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { MilvusError } from '../../errors/errors.ts'
import { DecodeThread } from './decode-thread.ts'
import { loadMilvusProto } from './milvus-proto.ts'
import { writeRequestDeserializer } from './write-request-decoder.ts'

const thread = new DecodeThread()
after(() => thread.close())

test('an Upsert decodes on the thread as it does here', async () => {
  const type = loadMilvusProto().root.lookupType('milvus.proto.milvus.UpsertRequest')
  const n = 300
  const body = Buffer.from(
    type.encode(
      type.fromObject({
        collection_name: 'c',
        partition_name: 'p',
        num_rows: n,
        fields_data: [
          { field_name: 'id', type: 5, scalars: { long_data: { data: Array.from({ length: n }, (_, i) => (i % 2 === 0 ? i : -i * 1e12)) } } },
          { field_name: 'v', type: 101, vectors: { dim: 4, float_vector: { data: Array.from({ length: n * 4 }, (_, i) => i / 7) } } },
          { field_name: 'b', type: 100, vectors: { dim: 16, binary_vector: Buffer.alloc(n * 2, 7) } },
          { field_name: 'n', type: 5, valid_data: Array.from({ length: n }, (_, i) => i % 2 === 0), scalars: { long_data: { data: Array.from({ length: n / 2 }, (_, i) => i) } } },
          { field_name: 'j', type: 23, valid_data: Array.from({ length: n }, (_, i) => i % 3 !== 0), scalars: { json_data: { data: Array.from({ length: n }, (_, i) => Buffer.from(`{"k":${i}}`)) } } },
        ],
      }),
    ).finish(),
  )
  const here = writeRequestDeserializer('milvus.proto.milvus.UpsertRequest')(body) as { fields_data: { scalars?: { long_data?: { data: unknown } } }[] }
  const there = (await thread.decode('milvus.proto.milvus.UpsertRequest', body)) as typeof here
  const keys = there.fields_data[0]!.scalars!.long_data!.data
  assert.ok(keys instanceof BigInt64Array)
  assert.deepEqual(Array.from(keys, String), here.fields_data[0]!.scalars!.long_data!.data)
  // The nullable Int64 column keeps the codec's strings (its values are those of its valid rows only).
  assert.deepEqual(there.fields_data[3], here.fields_data[3])
  here.fields_data[0]!.scalars!.long_data!.data = keys
  assert.deepEqual(there, here)
  const v = (there as { fields_data: { vectors?: { float_vector?: { data: unknown } } }[] }).fields_data[1]!.vectors!.float_vector!.data
  assert.ok(v instanceof Float32Array && v.length === n * 4)
})

test('malformed bytes: 1100, and the thread keeps decoding', async () => {
  await assert.rejects(thread.decode('milvus.proto.milvus.InsertRequest', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 1])), (e) => e instanceof MilvusError && e.code === 1100)
  const type = loadMilvusProto().root.lookupType('milvus.proto.milvus.InsertRequest')
  const ok = await thread.decode('milvus.proto.milvus.InsertRequest', Buffer.from(type.encode(type.fromObject({ collection_name: 'x' })).finish()))
  assert.equal((ok as { collection_name: string }).collection_name, 'x')
})
