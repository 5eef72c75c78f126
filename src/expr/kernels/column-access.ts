import { assert } from '../../common/assert.ts'
import { Bitset } from '../../common/bitset.ts'
import type { Column, ColumnKind } from '../../column/column.ts'
import { META_FIELD } from '../../schema/collection-schema.ts'
import type { PathKey } from '../expr-node.ts'
import type { ScalarIndex } from '../scalar-index/scalar-index-spec.ts'
import type { GeometryIndex } from '../../geometry/geometry-index.ts'

/** Where an evaluator reads columns: a segment, a batch. `$meta` holds the dynamic keys. */
export interface ColumnSource {
  readonly rowCount: number
  column(name: string): Column | undefined
  /**
   * The scalar index of field `name` over these `rowCount` rows, if there is one (sealed segments).
   * The evaluator asks it for the leaves it can answer and scans the column for the rest.
   */
  index?(name: string): ScalarIndex | undefined
  /** The RTREE index of Geometry field `name` over these rows, if there is one (sealed segments). */
  geometryIndex?(name: string): GeometryIndex | undefined
  /**
   * The JSON path indexes over `column` (a JSON field or `$meta`) at exactly `path` (several casts
   * may exist); the evaluator asks each for a JSON leaf on that path and scans when none answers.
   */
  jsonIndexes?(column: string, path: readonly PathKey[]): readonly ScalarIndex[]
}

/**
 * The column `name`, which the plan expects to be of `kind`. A column the source does not have
 * reads as all null (for `$meta`: as rows without dynamic keys). A column of another kind is a bug.
 */
export function readColumn<K extends ColumnKind>(source: ColumnSource, name: string, kind: K): Column & { kind: K } {
  const c = source.column(name)
  if (c === undefined) return absentColumn(kind, source.rowCount, name !== META_FIELD) as Column & { kind: K }
  assert.equal(c.kind, kind, `column ${name} is ${c.kind}, the filter plan expects ${kind}`)
  return c as Column & { kind: K }
}

function absentColumn(kind: ColumnKind, n: number, allNull: boolean): Column {
  const validBits = allNull ? new Bitset(n) : null
  switch (kind) {
    case 'bool':
      return { kind, values: new Uint8Array(n), validBits }
    case 'int8':
      return { kind, values: new Int8Array(n), validBits }
    case 'int16':
      return { kind, values: new Int16Array(n), validBits }
    case 'int32':
      return { kind, values: new Int32Array(n), validBits }
    case 'int64':
      return { kind, values: new BigInt64Array(n), validBits }
    case 'float':
      return { kind, values: new Float32Array(n), validBits }
    case 'double':
      return { kind, values: new Float64Array(n), validBits }
    case 'varchar':
    case 'geometry':
      return { kind, values: new Array<string>(n).fill(''), validBits } as Column
    case 'json':
      return { kind, values: new Array<unknown>(n).fill(undefined), validBits }
    case 'array':
      return { kind, values: Array.from({ length: n }, () => []), validBits }
    default:
      throw new assert.AssertionError({ message: `a filter never reads a ${kind} column` })
  }
}
