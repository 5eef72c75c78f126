import { errors } from '../errors/errors.ts'
import { addDynamicValue, checkDynamicKey } from './dynamic-field.ts'
import { isInheritedName, ownValue } from './own-value.ts'
import type { RawBatch, RawColumn } from './raw-column.ts'
import { describeValue } from './value-problem.ts'
import type { WritePlan } from './write-plan.ts'

/**
 * Reads a list of row objects: one pass per schema field gathers its values into a column (a field
 * no row gives is not given at all), then one pass over each row's keys collects the keys that are
 * not schema fields into the row's dynamic object. `undefined` counts as not given.
 */
export function readRows(rows: readonly unknown[], plan: WritePlan): RawBatch {
  const n = rows.length
  for (let i = 0; i < n; i++) checkRowObject(rows[i], i)
  const objects = rows as readonly Record<string, unknown>[]
  const columns = new Map<string, RawColumn>()
  for (const field of plan.schema.fields) {
    const name = field.name
    const inherited = isInheritedName(name)
    const values = new Array<unknown>(n)
    let given = 0
    for (let i = 0; i < n; i++) {
      const v = inherited ? ownValue(objects[i]!, name) : objects[i]![name]
      values[i] = v
      if (v !== undefined) given++
    }
    if (given > 0) columns.set(name, { form: 'values', values })
  }
  return { rowCount: n, columns, dynamicRows: readDynamicKeys(objects, plan) }
}

function checkRowObject(row: unknown, i: number): void {
  if (typeof row !== 'object' || row === null || Array.isArray(row) || ArrayBuffer.isView(row)) {
    throw errors.invalid(`row ${i} is not an object of field values: ${describeValue(row)}`)
  }
}

function readDynamicKeys(
  rows: readonly Record<string, unknown>[],
  plan: WritePlan,
): (Record<string, unknown> | undefined)[] | null {
  const { fieldsByName } = plan
  const dynamic = plan.schema.enableDynamicField
  let out: (Record<string, unknown> | undefined)[] | null = null
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!
    for (const key in row) {
      if (fieldsByName.has(key)) continue
      checkDynamicKey(key, dynamic, i)
      const v = row[key]
      if (v === undefined) continue
      out ??= new Array(rows.length)
      addDynamicValue(out, i, key, v)
    }
  }
  return out
}
