import { errors } from '../errors/errors.ts'
import type { CollectionSchema, FieldSchema } from '../schema/collection-schema.ts'
import type { StructArrayFieldSchema } from '../schema/struct-array-schema.ts'
import type { Column } from './column.ts'
import { isArrayLike } from './raw-column-from.ts'
import { vectorCount } from './vector-array-column.ts'
import { describeValue } from './value-problem.ts'

/**
 * Array-of-structs input: a row gives `items: [{ label, order, embedding }, …]`; the engine stores
 * one column per sub-field (`items[label]`, …). This turns each struct value into its sub-field
 * values, per row (`items[label]: ['first', 'second']`), before the rows are read into columns, so
 * every sub-field is then validated by its column builder (types, lengths, dims, capacity).
 * Checked here: the value is a list of objects, at most max_capacity of them, each with exactly the
 * struct's sub-fields. Row objects and columnar objects are taken; other forms give the sub-field
 * columns themselves. The caller's objects are not changed.
 */
export function expandStructArrays(data: unknown, schema: CollectionSchema, columnar: boolean): unknown {
  const structs = schema.structArrayFields
  if (structs === undefined || structs.length === 0) return data
  if (columnar) return expandColumnar(data as Record<string, unknown>, structs, schema)
  if (Array.isArray(data)) return data.map((row, i) => expandRow(row, i, structs, schema))
  return expandRow(data, 0, structs, schema)
}

function expandRow(row: unknown, i: number, structs: readonly StructArrayFieldSchema[], schema: CollectionSchema): unknown {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return row
  const obj = row as Record<string, unknown>
  if (!structs.some((s) => Object.hasOwn(obj, s.name))) return row
  const out: Record<string, unknown> = { ...obj }
  for (const s of structs) {
    if (!Object.hasOwn(obj, s.name)) continue
    const v = obj[s.name]
    delete out[s.name]
    if (v === undefined || v === null) continue
    const subs = splitStruct(s, v, i, schema)
    for (const [name, values] of subs) out[name] = values
  }
  return out
}

function expandColumnar(obj: Record<string, unknown>, structs: readonly StructArrayFieldSchema[], schema: CollectionSchema): unknown {
  if (!structs.some((s) => Object.hasOwn(obj, s.name))) return obj
  const out: Record<string, unknown> = { ...obj }
  for (const s of structs) {
    if (!Object.hasOwn(obj, s.name)) continue
    const column = obj[s.name]
    delete out[s.name]
    if (!isArrayLike(column)) throw errors.invalid(`field ${s.name}: a columnar struct array field takes one list of structs per row, got ${describeValue(column)}`, { field: s.name })
    for (const [name, values] of splitStructColumn(s, column as ArrayLike<unknown>, schema)) out[name] = values
  }
  return out
}

/** A struct array column (one list of structs per row) → each sub-field's column (one list of values per row). */
export function splitStructColumn(s: StructArrayFieldSchema, column: ArrayLike<unknown>, schema: CollectionSchema): Map<string, unknown[]> {
  const rows = Array.from(column)
  const perSub = new Map<string, unknown[]>(s.fieldNames.map((n) => [n, new Array<unknown>(rows.length)]))
  rows.forEach((v, i) => {
    for (const [name, values] of splitStruct(s, v, i, schema)) perSub.get(name)![i] = values
  })
  return perSub
}

/** One row's struct list → each sub-field's values (one per element, in element order). */
function splitStruct(s: StructArrayFieldSchema, v: unknown, row: number, schema: CollectionSchema): Map<string, unknown[]> {
  if (!Array.isArray(v)) {
    throw errors.invalid(`field ${s.name} at row ${row}: The Input data type is inconsistent with defined schema, expected a list of structs, got ${describeValue(v)}`, { field: s.name })
  }
  if (v.length > s.maxCapacity) {
    throw errors.invalid(`the length (${v.length}) of struct array field ${s.name} at row ${row} exceeds max capacity (${s.maxCapacity})`, { field: s.name })
  }
  const subs = s.fieldNames.map((n) => schema.fields.find((f) => f.name === n)!)
  const out = new Map<string, unknown[]>(subs.map((f) => [f.name, new Array<unknown>(v.length)]))
  for (let j = 0; j < v.length; j++) {
    const e = v[j]
    if (typeof e !== 'object' || e === null || Array.isArray(e) || ArrayBuffer.isView(e)) {
      throw errors.invalid(`field ${s.name} at row ${row}: struct element ${j} is not an object of sub-field values: ${describeValue(e)}`, { field: s.name })
    }
    const el = e as Record<string, unknown>
    checkElementKeys(s, subs, el, row, j)
    for (const f of subs) out.get(f.name)![j] = el[f.structOf!.subName]
  }
  return out
}

function checkElementKeys(s: StructArrayFieldSchema, subs: readonly FieldSchema[], el: Record<string, unknown>, row: number, j: number): void {
  const names = subs.map((f) => f.structOf!.subName)
  for (const n of names) {
    if (el[n] === undefined || el[n] === null) {
      throw errors.invalid(`field ${s.name} at row ${row}: struct element ${j} has no value for sub-field ${n} (struct fields are not nullable)`, { field: s.name })
    }
  }
  for (const k of Object.keys(el)) {
    if (!names.includes(k)) {
      throw errors.invalid(`field ${s.name} at row ${row}: struct element ${j} has field ${k}, which is not in the struct (${names.join(', ')})`, { field: s.name })
    }
  }
}

/**
 * Every sub-field column of a struct holds, at each row, the same number of elements (the row's
 * structs), and at most max_capacity. Sub-field columns given directly (columnar, gRPC) are checked
 * here; struct lists were split consistently by `expandStructArrays`.
 */
export function checkStructLengths(columns: ReadonlyMap<string, Column>, schema: CollectionSchema, rowCount: number): void {
  for (const s of schema.structArrayFields ?? []) {
    const given = s.fieldNames.map((n) => [n, columns.get(n)] as const).filter((e): e is readonly [string, Column] => e[1] !== undefined)
    if (given.length === 0) continue
    for (let i = 0; i < rowCount; i++) {
      const [firstName, first] = given[0]!
      const n = elementCount(first, i)
      if (n > s.maxCapacity) {
        throw errors.invalid(`the length (${n}) of struct array field ${s.name} at row ${i} exceeds max capacity (${s.maxCapacity})`, { field: s.name })
      }
      for (let k = 1; k < given.length; k++) {
        const [name, col] = given[k]!
        const m = elementCount(col, i)
        if (m !== n) {
          throw errors.invalid(`field ${s.name} at row ${i}: sub-field ${firstName} has ${n} elements but ${name} has ${m}; every struct element needs all sub-fields`, { field: s.name })
        }
      }
    }
  }
}

function elementCount(col: Column, row: number): number {
  if (col.kind === 'vectorArray') return vectorCount(col.values[row]!, col.element, col.dim)
  if (col.kind === 'array') return col.values[row]!.length
  return 1
}
