import { Bitset } from '../common/bitset.ts'
import type { Column, ColumnBatch } from '../column/column.ts'
import { columnKindOf } from '../column/column-kind.ts'
import { errors } from '../errors/errors.ts'
import { META_FIELD } from '../schema/collection-schema.ts'
import { ColumnStore, heapAllocator } from '../segment/column-store.ts'
import { locationRow } from '../segment/pk-index.ts'
import { type ArrayFieldOp, applyArrayOp } from './array-ops.ts'
import type { CollectionData } from './collection-data.ts'

export type { ArrayFieldOp } from './array-ops.ts'

/**
 * Partial update: turns a batch carrying the primary key and some fields into full rows. A key with
 * a live row starts from that row and takes the given fields; a new key needs every field that has
 * neither a default nor nullable. Dynamic keys merge into the stored `$meta`. Array fields named in
 * `fieldOps` are appended to or removed from the stored arrays (`array-ops.ts`).
 */
export function mergePartialRows(data: CollectionData, batch: ColumnBatch, fieldOps?: Readonly<Record<string, ArrayFieldOp>>): ColumnBatch {
  const keys = data.pkColumn(batch)
  const n = batch.rowCount
  const locs = new Float64Array(n)
  for (let i = 0; i < n; i++) locs[i] = data.locate(keys, i)
  const columns = new Map<string, Column>()
  for (const f of data.schema.fields) {
    const given = batch.columns.get(f.name)
    if (given !== undefined) {
      const op = fieldOps?.[f.name]
      columns.set(f.name, op === undefined ? given : applyArrayOp(data, f, op, given, locs))
      continue
    }
    const store = new ColumnStore(columnKindOf(f), f.dim ?? 0, f.nullable, heapAllocator)
    for (let i = 0; i < n; i++) {
      const loc = locs[i]!
      const stored = loc >= 0 ? data.columnAt(loc, f.name) : undefined
      if (stored !== undefined) store.appendRowFrom(stored, locationRow(loc))
      // A new key, or a stored row whose segment has no column for the field (the row predates it:
      // only added fields, always nullable, can be missing): the default value, else null.
      else store.append(fillColumn(f.name, f.defaultValue, f.nullable, columnKindOf(f), i, f.dim ?? 0))
    }
    columns.set(f.name, store.view())
  }
  if (data.schema.enableDynamicField) columns.set(META_FIELD, mergeMeta(data, batch, locs))
  return { rowCount: n, columns }
}

function mergeMeta(data: CollectionData, batch: ColumnBatch, locs: Float64Array): Column {
  const given = batch.columns.get(META_FIELD)
  const out: unknown[] = []
  for (let i = 0; i < batch.rowCount; i++) {
    const loc = locs[i]!
    const old = loc >= 0 ? (data.columnAt(loc, META_FIELD)!.values as unknown[])[locationRow(loc)] : {}
    const add = given === undefined ? {} : (given.values as unknown[])[i]
    out.push({ ...(old as object), ...(add as object) })
  }
  return { kind: 'json', values: out, validBits: null }
}

function fillColumn(field: string, dflt: unknown, nullable: boolean, kind: Column['kind'], row: number, dim: number): Column {
  if (dflt === undefined && !nullable) {
    throw errors.invalid(
      `field ${field} at row ${row}: partial update of a new primary key needs every field without a default_value or nullable`,
      { field },
    )
  }
  const isNull = dflt === undefined
  const valid = null
  switch (kind) {
    case 'bool':
      return { kind, values: Uint8Array.of(dflt === true ? 1 : 0), validBits: isNull ? emptyValid() : valid }
    case 'int8':
      return { kind, values: Int8Array.of(Number(dflt ?? 0)), validBits: isNull ? emptyValid() : valid }
    case 'int16':
      return { kind, values: Int16Array.of(Number(dflt ?? 0)), validBits: isNull ? emptyValid() : valid }
    case 'int32':
      return { kind, values: Int32Array.of(Number(dflt ?? 0)), validBits: isNull ? emptyValid() : valid }
    case 'int64':
      return { kind, values: BigInt64Array.of(BigInt((dflt as bigint | undefined) ?? 0n)), validBits: isNull ? emptyValid() : valid }
    case 'float':
      return { kind, values: Float32Array.of(Number(dflt ?? 0)), validBits: isNull ? emptyValid() : valid }
    case 'double':
      return { kind, values: Float64Array.of(Number(dflt ?? 0)), validBits: isNull ? emptyValid() : valid }
    case 'varchar':
      return { kind, values: [String(dflt ?? '')], validBits: isNull ? emptyValid() : valid }
    case 'json':
    case 'array':
      return { kind, values: [isNull ? null : dflt] as never, validBits: isNull ? emptyValid() : valid }
    default:
      // Only a nullable vector gets here (vectors have no default_value): one null row of zeros.
      return nullVectorRow(kind, dim)
  }
}

/** One null row of a nullable vector column (zeros, or an empty sparse row). */
function nullVectorRow(kind: Column['kind'], dim: number): Column {
  const validBits = emptyValid()
  switch (kind) {
    case 'floatVector':
      return { kind, dim, values: new Float32Array(dim), validBits }
    case 'binaryVector':
      return { kind, dim, values: new Uint8Array(dim >>> 3), validBits }
    case 'float16Vector':
    case 'bfloat16Vector':
      return { kind, dim, values: new Uint16Array(dim), validBits }
    case 'int8Vector':
      return { kind, dim, values: new Int8Array(dim), validBits }
    case 'sparseVector':
      return { kind, values: [{ indices: new Uint32Array(0), values: new Float32Array(0) }], validBits }
    default:
      throw new Error(`not a vector column kind: ${kind}`)
  }
}

/** validBits of one null row. */
function emptyValid(): Bitset {
  return new Bitset(1)
}
