import { errors } from '../errors/errors.ts'
import { addDynamicValue, checkDynamicKey } from './dynamic-field.ts'
import { ownValue } from './own-value.ts'
import type { RawBatch, RawColumn } from './raw-column.ts'
import { isArrayLike, rawColumnFrom, rawRowCount, rowCountMismatchError } from './raw-column-from.ts'
import { describeValue } from './value-problem.ts'
import type { WritePlan } from './write-plan.ts'

/**
 * Reads a columnar object `{ field: [one value per row], ... }`. Keys not in the schema are dynamic
 * keys, also one value per row. The row count is that of the primary key column if given, else of
 * the first given field in schema order, else of the first dynamic key.
 */
export function readColumnarObject(obj: Record<string, unknown>, plan: WritePlan): RawBatch {
  const columns = new Map<string, RawColumn>()
  for (const field of plan.schema.fields) {
    const v = ownValue(obj, field.name)
    if (v !== undefined) columns.set(field.name, rawColumnFrom(field, v))
  }
  const dynamicColumns: [string, ArrayLike<unknown>][] = []
  for (const key of Object.keys(obj)) {
    if (plan.fieldsByName.has(key) || obj[key] === undefined) continue
    checkDynamicKey(key, plan.schema.enableDynamicField, undefined)
    const v = obj[key]
    if (!isArrayLike(v)) {
      throw errors.invalid(
        `dynamic field ${key}: columnar data needs an array with one value per row, got ${describeValue(v)}`,
      )
    }
    dynamicColumns.push([key, v])
  }
  const rowCount = countRows(columns, plan) ?? dynamicColumns[0]?.[1].length ?? 0
  return { rowCount, columns, dynamicRows: dynamicRowsOf(dynamicColumns, rowCount) }
}

/**
 * Reads a list of columns in schema field order (without the autoID key on insert; never the
 * dynamic field). A `null`/`undefined` entry means the column is not given.
 */
export function readColumnList(list: readonly unknown[], plan: WritePlan): RawBatch {
  const expected = plan.listFields
  if (list.length !== expected.length) {
    const names = expected.map((f) => f.name).join(', ')
    const which = list.length < expected.length ? 'less' : 'more'
    throw errors.invalid(
      `the number of fields is ${which} than needed: ` +
        `got ${list.length} columns, expected ${expected.length} in schema order [${names}]`,
    )
  }
  const columns = new Map<string, RawColumn>()
  for (let k = 0; k < expected.length; k++) {
    const v = list[k]
    if (v !== undefined && v !== null) columns.set(expected[k]!.name, rawColumnFrom(expected[k]!, v))
  }
  return { rowCount: countRows(columns, plan) ?? 0, columns, dynamicRows: null }
}

function countRows(columns: ReadonlyMap<string, RawColumn>, plan: WritePlan): number | undefined {
  const pk = columns.get(plan.primaryKey.name)
  if (pk !== undefined) return rawRowCount(plan.primaryKey, pk)
  for (const field of plan.schema.fields) {
    const raw = columns.get(field.name)
    if (raw !== undefined) return rawRowCount(field, raw)
  }
  return undefined
}

function dynamicRowsOf(
  dynamicColumns: readonly [string, ArrayLike<unknown>][],
  rowCount: number,
): (Record<string, unknown> | undefined)[] | null {
  if (dynamicColumns.length === 0) return null
  const out = new Array<Record<string, unknown> | undefined>(rowCount)
  for (const [key, values] of dynamicColumns) {
    if (values.length !== rowCount) throw rowCountMismatchError(key, values.length, rowCount)
    for (let i = 0; i < rowCount; i++) {
      const v = values[i]
      if (v !== undefined) addDynamicValue(out, i, key, v)
    }
  }
  return out
}
