// The fuzzer's encoder against protobufjs's own: every gRPC seed encodes to bytes protobufjs decodes
// to the same message as its own encoding of the seed; the wrappers (raw bytes, runs, unpacked
// lists, extra records, embedded messages) come out as protobuf says; the byte budget holds.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import protobuf from 'protobufjs'
import { loadMilvusProto } from '../../src/server/grpc/milvus-proto.ts'
import { grpcSeeds } from './grpc-seeds.ts'
import { requestTypeOf } from './grpc-transport.ts'
import { EncodeBudgetExceeded, encodeTree } from './wire-writer.ts'
import { EmbeddedMessage, EXTRAS, RawField, RepeatedRun, UnpackedList, type WireTree } from './wire-tree.ts'

const toObject = (type: protobuf.Type, bytes: Uint8Array) => type.toObject(type.decode(bytes), { longs: String, enums: String, bytes: Array, defaults: false })

/** The tree with embedded messages encoded by protobufjs (its fromObject takes bytes there). */
function plain(v: unknown): unknown {
  if (v instanceof EmbeddedMessage) {
    const t = loadMilvusProto().root.lookupType(v.typeName)
    return t.encode(t.fromObject(plain(v.tree) as Record<string, unknown>)).finish()
  }
  if (v instanceof Uint8Array || v === null || typeof v !== 'object') return v
  if (Array.isArray(v)) return v.map(plain)
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))
}

test('every seed encodes as protobufjs encodes it', () => {
  for (const s of grpcSeeds()) {
    const type = requestTypeOf(s.service, s.rpc)
    const ours = toObject(type, encodeTree(type, s.tree))
    const theirs = toObject(type, type.encode(type.fromObject(plain(s.tree) as Record<string, unknown>)).finish())
    assert.deepEqual(ours, theirs, `${s.rpc}`)
  }
})

test('wrappers: raw bytes in a string field, runs, unpacked numbers, extra records, embedded messages', () => {
  const type = requestTypeOf('milvus', 'GetFlushState')
  const bytes = encodeTree(type, { collection_name: new RawField(Uint8Array.of(0xff, 0xfe)), segmentIDs: [new RepeatedRun(7, 3), 9], [EXTRAS]: [{ fieldNumber: 999, wireType: 0, payload: 5n }] })
  const reader = protobuf.Reader.create(bytes)
  const seen: string[] = []
  while (reader.pos < reader.len) {
    const tag = reader.uint32()
    seen.push(`${tag >>> 3}/${tag & 7}`)
    reader.skipType(tag & 7)
  }
  assert.deepEqual(seen, ['1/2', '4/2', '999/0'])
  assert.ok(Buffer.from(bytes).includes(Buffer.from([0xff, 0xfe])), 'the raw bytes are on the wire as given')
  assert.deepEqual(toObject(type, bytes).segmentIDs, ['7', '7', '7', '9'])
  const unpacked = encodeTree(type, { segmentIDs: new UnpackedList([1, 2]) })
  assert.deepEqual(Array.from(unpacked), [0x08, 0x01, 0x08, 0x02])
  assert.deepEqual(toObject(type, unpacked).segmentIDs, ['1', '2'])
  const create = requestTypeOf('milvus', 'CreateCollection')
  const schema: WireTree = { name: 'c', fields: [{ name: 'id', data_type: 'Int64', is_primary_key: true }] }
  const decoded = toObject(create, encodeTree(create, { schema: new EmbeddedMessage('milvus.proto.schema.CollectionSchema', schema) }))
  const schemaType = loadMilvusProto().root.lookupType('milvus.proto.schema.CollectionSchema')
  assert.deepEqual(toObject(schemaType, Uint8Array.from(decoded.schema as number[])), { name: 'c', fields: [{ name: 'id', data_type: 'Int64', is_primary_key: true }] })
})

test('numbers out of their type are written as their 64-bit pattern; unknown enum numbers as they are', () => {
  const type = requestTypeOf('milvus', 'Insert')
  const bytes = encodeTree(type, { num_rows: -1, base: { msg_type: 4_294_967_295 } })
  const decoded = type.decode(bytes) as unknown as { num_rows: number; base: { msg_type: number } }
  assert.equal(decoded.num_rows, 4_294_967_295)
  assert.equal(decoded.base.msg_type, -1)
})

test('the byte budget: a run past it throws before copying', () => {
  const type = requestTypeOf('milvus', 'ShowCollections')
  const started = performance.now()
  assert.throws(() => encodeTree(type, { collection_names: [new RepeatedRun('x'.repeat(100), 10_000_000)] }, 1_000_000), EncodeBudgetExceeded)
  assert.ok(performance.now() - started < 1_000)
})
