// The hand-written search answer encoder against the codec: for int64 and varchar keys (negative and
// past 2^53 included), nullable, vector and dynamic output fields, grouping, nq > 1 and empty answers,
// the bytes decode to exactly what `searchResultData` encoded by protobufjs decodes to.
import assert from 'node:assert/strict'
import { WorkSlice } from '../../../common/work-slice.ts'
import { test } from 'node:test'
import type { SearchHit } from '../../../engine/read-ops.ts'
import { createCollectionSchema } from '../../../schema/collection-schema.ts'
import { DataType } from '../../../schema/data-type.ts'
import { loadMilvusProto } from '../milvus-proto.ts'
import { outputColumnsOf } from './output-columns.ts'
import { ProtoWriter } from './proto-writer.ts'
import { encodeSearchResultData } from './search-results-encode.ts'
import { searchResultData } from './search-results.ts'

const resultType = loadMilvusProto().root.lookupType('milvus.proto.schema.SearchResultData')
const decode = (b: Uint8Array) => resultType.toObject(resultType.decode(b), { longs: String, bytes: String, defaults: true, arrays: true, oneofs: true })

async function same(hits: SearchHit[][], schema: ReturnType<typeof createCollectionSchema>, requested: string[] | undefined, groupBy?: string) {
  const pk = schema.fields.find((f) => f.isPrimaryKey)!
  const out = outputColumnsOf(schema, requested, pk.name)
  const group = groupBy === undefined ? undefined : schema.fields.find((f) => f.name === groupBy)
  const reference = resultType.encode(resultType.fromObject(searchResultData(hits, 10, pk, out, group))).finish()
  assert.deepEqual(decode(await encodeSearchResultData(hits, 10, pk, out, new WorkSlice(0), group)), decode(reference))
}

test('field numbers the encoder writes are the descriptor\'s', () => {
  const r = loadMilvusProto().root
  assert.equal(r.lookupType('milvus.proto.schema.SearchResultData').fields.fields_data!.id, 3)
  assert.equal(r.lookupType('milvus.proto.schema.SearchResultData').fields.scores!.id, 4)
  assert.equal(r.lookupType('milvus.proto.schema.SearchResultData').fields.ids!.id, 5)
  assert.equal(r.lookupType('milvus.proto.schema.IDs').fields.int_id!.id, 1)
  assert.equal(r.lookupType('milvus.proto.schema.IDs').fields.str_id!.id, 2)
  assert.equal(r.lookupType('milvus.proto.schema.FieldData').fields.field_id!.id, 5)
  assert.equal(r.lookupType('milvus.proto.schema.ScalarField').fields.long_data!.id, 3)
})

test('int64 keys (negative, past 2^53), nullable and vector and dynamic output fields, nq 2 and an empty query', async () => {
  const schema = createCollectionSchema({
    name: 'c',
    fields: [
      { name: 'id', dataType: DataType.Int64, isPrimaryKey: true },
      { name: 'n', dataType: DataType.Int64, nullable: true },
      { name: 'c', dataType: DataType.Int64 },
      { name: 't', dataType: DataType.VarChar, maxLength: 20 },
      { name: 'v', dataType: DataType.FloatVector, dim: 2 },
    ],
    enableDynamicField: true,
  })
  const ids = [0n, -1n, 2n ** 53n + 1n, -(2n ** 63n), 2n ** 63n - 1n, 12345n]
  const hit = (id: bigint, i: number): SearchHit => ({ id, score: i / 3, row: { id, n: i % 2 === 0 ? null : BigInt(i) * -7n, c: id, t: `t${i}`, v: [i, -i], extra: { k: i } } })
  await same([ids.slice(0, 4).map(hit), [], ids.slice(4).map(hit)], schema, ['*'])
  await same([ids.map(hit)], schema, undefined)
  await same([[]], schema, ['c'])
})

test('varchar keys and grouping', async () => {
  const schema = createCollectionSchema({
    name: 'c',
    fields: [
      { name: 'pk', dataType: DataType.VarChar, isPrimaryKey: true, maxLength: 10 },
      { name: 'g', dataType: DataType.Int64 },
      { name: 'v', dataType: DataType.FloatVector, dim: 2 },
    ],
  })
  const hits: SearchHit[] = ['a', 'bé', ''].map((id, i) => ({ id, score: -i, row: { pk: id, g: BigInt(i % 2) } }))
  await same([hits], schema, ['g'], 'g')
})

test('ProtoWriter int64 varints match the codec for edge values', () => {
  const longArray = loadMilvusProto().root.lookupType('milvus.proto.schema.LongArray')
  const values = [0, 1, 127, 128, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1, -1, -(2 ** 31), -(2 ** 53) + 1]
  const mine = new ProtoWriter().packedInt64(1, values).finish()
  const theirs = longArray.encode(longArray.fromObject({ data: values })).finish()
  assert.deepEqual(Buffer.from(mine), Buffer.from(theirs))
  const big = [2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n]
  const decoded = longArray.toObject(longArray.decode(new ProtoWriter().packedInt64(1, big).finish()), { longs: String }) as { data: string[] }
  assert.deepEqual(decoded.data, big.map(String))
})
