import type { Column } from '../column/column.ts'
import { Bitset } from '../common/bitset.ts'
import { errors } from '../errors/errors.ts'
import type { FieldSchema } from '../schema/collection-schema.ts'
import { locationRow } from '../segment/pk-index.ts'
import type { CollectionData } from './collection-data.ts'

/** Milvus's `FieldPartialUpdateOp.OpType` for array fields in a partial upsert (REPLACE is the default). */
export type ArrayFieldOp = 'ARRAY_APPEND' | 'ARRAY_REMOVE'

/**
 * The array column a partial upsert writes for `field` under `op`: each row's stored array (empty
 * for a new key or a null one) with the given elements appended, or with every element equal to a
 * given one removed. An appended array longer than `max_capacity` is refused (1100 naming the field,
 * the row and both lengths) before anything is written. `locs[i]` is row i's live location, or < 0.
 */
export function applyArrayOp(data: CollectionData, field: FieldSchema, op: ArrayFieldOp, given: Column, locs: Float64Array): Column {
  const n = locs.length
  const givenValues = given.values as readonly (readonly unknown[] | null)[]
  const out: unknown[][] = new Array(n)
  for (let i = 0; i < n; i++) {
    const old = storedArray(data, field.name, locs[i]!)
    const add = given.validBits === null || given.validBits.get(i) ? (givenValues[i] ?? []) : []
    if (op === 'ARRAY_APPEND') {
      const merged = [...old, ...add]
      const cap = field.maxCapacity
      if (cap !== undefined && merged.length > cap) {
        throw errors.invalid(
          `field ${field.name} at row ${i}: ARRAY_APPEND makes the array ${merged.length} elements long (${old.length} stored + ${add.length} given), more than its max_capacity ${cap}`,
          { field: field.name },
        )
      }
      out[i] = merged
    } else {
      const drop = new Set(add)
      out[i] = old.filter((x) => !drop.has(x))
    }
  }
  // A nullable field's column carries its valid bits: every row has an array now.
  return { kind: 'array', values: out, validBits: field.nullable ? allValid(n) : null }
}

function storedArray(data: CollectionData, field: string, loc: number): readonly unknown[] {
  if (loc < 0) return []
  const col = data.columnAt(loc, field)!
  const row = locationRow(loc)
  if (col.validBits !== null && !col.validBits.get(row)) return []
  return ((col.values as readonly (readonly unknown[] | null)[])[row] ?? []) as readonly unknown[]
}

function allValid(n: number): Bitset {
  const b = new Bitset(n)
  b.setRange(0, n)
  return b
}
