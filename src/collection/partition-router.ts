import { hashInt64, hashString } from '../common/hash.ts'
import type { ColumnBatch } from '../column/column.ts'
import type { PartitionMeta } from '../catalog/catalog.ts'
import { type CollectionSchema, partitionKeyField } from '../schema/collection-schema.ts'

/**
 * Splits a batch's rows among partitions. With one target partition every row goes there (rows =
 * null means "all rows"); in partition-key mode a row goes to partition hash(key) mod n.
 */
export function routePartitions(
  batch: ColumnBatch,
  partitions: readonly PartitionMeta[],
  schema: CollectionSchema,
): Map<PartitionMeta, number[] | null> {
  const out = new Map<PartitionMeta, number[] | null>()
  if (partitions.length === 1) {
    out.set(partitions[0]!, null)
    return out
  }
  const keyField = partitionKeyField(schema)
  if (keyField === undefined) throw new Error('several target partitions without a partition key')
  const col = batch.columns.get(keyField.name)
  if (col === undefined) throw new Error(`batch lacks partition key ${keyField.name}`)
  const n = partitions.length
  const groups: number[][] = partitions.map(() => [])
  if (col.kind === 'int64') {
    const halves = new Int32Array(col.values.buffer, col.values.byteOffset, col.values.length * 2)
    for (let i = 0; i < batch.rowCount; i++) groups[hashInt64(halves[2 * i]!, halves[2 * i + 1]!) % n]!.push(i)
  } else if (col.kind === 'varchar') {
    for (let i = 0; i < batch.rowCount; i++) groups[hashString(col.values[i]!) % n]!.push(i)
  } else {
    throw new Error(`partition key of kind ${col.kind}`)
  }
  groups.forEach((rows, i) => {
    if (rows.length > 0) out.set(partitions[i]!, rows)
  })
  return out
}
