// Output columns written as bytes decode to exactly what the codec makes of the same rows: Int64
// (negative, past 2^53), float vectors, nullable and varchar and dynamic columns, and no rows at all.
import assert from 'node:assert/strict'
import { WorkSlice } from '../../../common/work-slice.ts'
import { test } from 'node:test'
import { createCollectionSchema } from '../../../schema/collection-schema.ts'
import { DataType } from '../../../schema/data-type.ts'
import { loadMilvusProto } from '../milvus-proto.ts'
import { fieldDataBytes } from './field-data-bytes.ts'
import { columnsOfRows, outputColumnsOf } from './output-columns.ts'

const fieldData = loadMilvusProto().root.lookupType('milvus.proto.schema.FieldData')
const decode = (b: Uint8Array) => fieldData.toObject(fieldData.decode(b), { longs: String, bytes: String, defaults: true, arrays: true, oneofs: true })

test('fieldDataBytes equals the codec column by column', async () => {
  const schema = createCollectionSchema({
    name: 'c',
    fields: [
      { name: 'id', dataType: DataType.Int64, isPrimaryKey: true },
      { name: 'n', dataType: DataType.Int64, nullable: true },
      { name: 't', dataType: DataType.VarChar, maxLength: 20 },
      { name: 'v', dataType: DataType.FloatVector, dim: 3 },
    ],
    enableDynamicField: true,
  })
  const ids = [0n, -5n, 2n ** 53n + 7n, -(2n ** 63n), 2n ** 63n - 1n]
  const rows = ids.map((id, i) => ({ id, n: i % 2 === 0 ? null : BigInt(i), t: `t${i}`, v: [i / 3, -i, 1e-7 * i], extra: { k: i } }))
  for (const requested of [['*'], ['v'], undefined]) {
    for (const rowsOf of [rows, []]) {
      const out = outputColumnsOf(schema, requested, 'id')
      const mine = (await fieldDataBytes(rowsOf, out, new WorkSlice(0))).map(decode)
      const theirs = columnsOfRows(rowsOf, out).map((fd) => decode(fieldData.encode(fieldData.fromObject(fd)).finish()))
      assert.deepEqual(mine, theirs, `requested ${JSON.stringify(requested)}, ${rowsOf.length} rows`)
    }
  }
})
