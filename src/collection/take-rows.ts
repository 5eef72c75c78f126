import type { Column, ColumnBatch } from '../column/column.ts'
import { Bitset } from '../common/bitset.ts'
import type { CollectionSchema } from '../schema/collection-schema.ts'

/** A batch with only the given rows, in order. */
export function takeBatchRows(batch: ColumnBatch, rows: readonly number[], schema: CollectionSchema): ColumnBatch {
  const columns = new Map<string, Column>()
  for (const [name, col] of batch.columns) {
    const dim = schema.fields.find((f) => f.name === name)?.dim ?? 0
    columns.set(name, takeColumnRows(col, rows, dim))
  }
  return { rowCount: rows.length, columns }
}

export function takeColumnRows(col: Column, rows: readonly number[], dim: number): Column {
  const n = rows.length
  const vb = col.validBits === null ? null : new Bitset(n)
  if (vb !== null) for (let i = 0; i < n; i++) if (col.validBits!.get(rows[i]!)) vb.set(i)
  switch (col.kind) {
    case 'floatVector':
    case 'float16Vector':
    case 'bfloat16Vector':
    case 'int8Vector':
    case 'binaryVector': {
      const stride = col.kind === 'binaryVector' ? dim >>> 3 : dim
      const src = col.values
      const out = new (src.constructor as new (n: number) => typeof src)(n * stride)
      for (let i = 0; i < n; i++) out.set(src.subarray(rows[i]! * stride, (rows[i]! + 1) * stride) as never, i * stride)
      return { kind: col.kind, dim, values: out, validBits: vb } as Column
    }
    case 'sparseVector':
      return { kind: col.kind, values: rows.map((r) => col.values[r]!), validBits: vb }
    default: {
      if (Array.isArray(col.values)) {
        return { kind: col.kind, values: rows.map((r) => (col.values as unknown[])[r]), validBits: vb } as Column
      }
      const src = col.values as Float64Array
      const out = new (src.constructor as new (n: number) => Float64Array)(n)
      for (let i = 0; i < n; i++) out[i] = src[rows[i]!]!
      return { kind: col.kind, values: out, validBits: vb } as Column
    }
  }
}
