// The specialised Insert/Upsert decoder gives what the service's own decoder gives, with each
// FloatArray as one Float32Array: packed and unpacked encodings, float vectors and float scalars.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import protobuf from 'protobufjs'
import { loadMilvusProto } from './milvus-proto.ts'
import { writeRequestDeserializer } from './write-request-decoder.ts'

// biome-ignore lint/suspicious/noExplicitAny: wire messages are loosely typed objects
type Wire = Record<string, any>

/** Float32Arrays back to plain arrays, so both decodings compare with deepEqual. */
function plain(v: unknown): unknown {
  if (v instanceof Float32Array) return Array.from(v)
  if (Buffer.isBuffer(v) || v === null || typeof v !== 'object') return v
  if (Array.isArray(v)) return v.map(plain)
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))
}

test('same result as the service decoder; floats as one Float32Array', () => {
  const upsert = loadMilvusProto().services.milvus.Upsert!
  const req = {
    collection_name: 'c',
    num_rows: 2,
    partial_update: true,
    fields_data: [
      { type: 5, field_name: 'id', scalars: { long_data: { data: ['9007199254740993', '-1'] } } },
      { type: 101, field_name: 'v', vectors: { dim: 3, float_vector: { data: [0.5, -1, 2, 3.25, 0, -0] } } },
      { type: 10, field_name: 'f', scalars: { float_data: { data: [1.5, -2] } }, valid_data: [true, true] },
    ],
  }
  const bytes = upsert.requestSerialize(req)
  const fast = writeRequestDeserializer('milvus.proto.milvus.UpsertRequest')(bytes) as Wire
  assert.ok(fast.fields_data[1].vectors.float_vector.data instanceof Float32Array)
  assert.deepEqual(fast.fields_data[1].vectors.float_vector.data, Float32Array.of(0.5, -1, 2, 3.25, 0, -0))
  assert.deepEqual(plain(fast), upsert.requestDeserialize(bytes))
})

test('unpacked floats (wire type 5) and several packed runs are read too', () => {
  // FieldData{ vectors(4): VectorField{ float_vector(2): FloatArray{ 1: 1.5 (fixed32), 1: [2, 3] packed } } }
  const fa = protobuf.Writer.create()
  fa.uint32((1 << 3) | 5).float(1.5)
  fa.uint32((1 << 3) | 2).fork().float(2).float(3).ldelim()
  const vf = protobuf.Writer.create().uint32((2 << 3) | 2).bytes(fa.finish()).finish()
  const fd = protobuf.Writer.create().uint32((4 << 3) | 2).bytes(vf).finish()
  const insert = protobuf.Writer.create().uint32((5 << 3) | 2).bytes(fd).finish()
  const got = writeRequestDeserializer('milvus.proto.milvus.InsertRequest')(Buffer.from(insert)) as Wire
  assert.deepEqual(Array.from(got.fields_data[0].vectors.float_vector.data), [1.5, 2, 3])
})
