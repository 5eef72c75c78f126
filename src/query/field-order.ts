import type { Column } from '../column/column.ts'
import { errors } from '../errors/errors.ts'
import type { CollectionSchema, FieldSchema } from '../schema/collection-schema.ts'
import { DataType, dataTypeName, isFloatType, isIntegerType } from '../schema/data-type.ts'
import type { SegmentPick } from './key-order.ts'

/** One `order_by_fields` entry: a scalar field and its direction. */
export interface OrderByField {
  readonly field: string
  readonly desc: boolean
}

/**
 * Milvus's `order_by_fields` text (`price:desc,id`, direction `asc` by default) checked against the
 * schema: sortable scalar fields only (Bool, integers, Float, Double, VarChar, Timestamptz), each once.
 */
export function parseOrderBy(text: string, schema: CollectionSchema): OrderByField[] {
  const out: OrderByField[] = []
  for (const part of text.split(',')) {
    const [rawName, rawDir, extra] = part.split(':').map((s) => s.trim())
    if (rawName === undefined || rawName === '' || extra !== undefined) throw errors.invalid(`order_by_fields entry "${part.trim()}" should be field or field:asc|desc`)
    const dir = (rawDir ?? 'asc').toLowerCase()
    if (dir !== 'asc' && dir !== 'desc') throw errors.invalid(`order_by_fields direction of ${rawName} should be asc or desc, got ${rawDir}`, { field: rawName })
    const f = schema.fields.find((x) => x.name === rawName)
    if (f === undefined) throw errors.invalid(`order_by_fields names field ${rawName}, which is not in the collection's schema`, { field: rawName })
    if (!sortable(f)) throw errors.invalid(`order_by_fields: field ${rawName} is ${dataTypeName(f.dataType)}, which cannot be sorted (use a scalar field)`, { field: rawName })
    if (out.some((o) => o.field === rawName)) throw errors.invalid(`order_by_fields names field ${rawName} twice`, { field: rawName })
    out.push({ field: rawName, desc: dir === 'desc' })
  }
  return out
}

function sortable(f: FieldSchema): boolean {
  const t = f.dataType
  return t === DataType.Bool || isIntegerType(t) || isFloatType(t) || t === DataType.VarChar || t === DataType.Timestamptz
}

/** A row's sort value: number, bigint, string, or null (sorts last in either direction). */
type SortValue = number | bigint | string | null

function valueAt(col: Column, row: number): SortValue {
  if (col.validBits !== null && !col.validBits.get(row)) return null
  return (col.values as ArrayLike<SortValue>)[row] ?? null
}

function compareValues(a: SortValue, b: SortValue, desc: boolean): number {
  if (a === b) return 0
  if (a === null) return 1
  if (b === null) return -1
  const c = a < b ? -1 : a > b ? 1 : 0
  return desc ? -c : c
}

/**
 * Compares rows by the fields in order, ties broken by `tieBreak` (primary key for a query, score
 * rank for a search), so the order is total and repeatable.
 */
export function rowComparator<R>(order: readonly OrderByField[], columnsOf: (r: R, field: string) => { col: Column; row: number }, tieBreak: (a: R, b: R) => number): (a: R, b: R) => number {
  return (a, b) => {
    for (const o of order) {
      const x = columnsOf(a, o.field)
      const y = columnsOf(b, o.field)
      const c = compareValues(valueAt(x.col, x.row), valueAt(y.col, y.row), o.desc)
      if (c !== 0) return c
    }
    return tieBreak(a, b)
  }
}

/**
 * Query rows ordered by `order` (then primary key), offset and limit applied; consecutive rows of one
 * segment come back as one pick. Sorts every candidate: an ordered query reads all matching rows.
 */
export function inFieldOrder(picks: readonly SegmentPick[], order: readonly OrderByField[], pkField: string, offset: number, limit: number): SegmentPick[] {
  const cand: { p: number; row: number }[] = []
  picks.forEach((pick, p) => {
    for (const row of pick.rows) cand.push({ p, row })
  })
  const columns = picks.map((pick) => new Map<string, Column>())
  const column = (p: number, field: string): Column => {
    let c = columns[p]!.get(field)
    if (c === undefined) {
      c = picks[p]!.segment.column(field)!
      columns[p]!.set(field, c)
    }
    return c
  }
  const byKey = (a: { p: number; row: number }, b: { p: number; row: number }) => {
    const x = (column(a.p, pkField).values as ArrayLike<bigint | string>)[a.row]!
    const y = (column(b.p, pkField).values as ArrayLike<bigint | string>)[b.row]!
    return x < y ? -1 : x > y ? 1 : 0
  }
  cand.sort(rowComparator(order, (c, field) => ({ col: column(c.p, field), row: c.row }), byKey))
  const end = limit < 0 ? cand.length : Math.min(cand.length, offset + limit)
  const out: SegmentPick[] = []
  let run: number[] = []
  let runPick = -1
  for (let i = offset; i < end; i++) {
    const c = cand[i]!
    if (c.p !== runPick && run.length > 0) {
      out.push({ segment: picks[runPick]!.segment, rows: Int32Array.from(run) })
      run = []
    }
    runPick = c.p
    run.push(c.row)
  }
  if (run.length > 0) out.push({ segment: picks[runPick]!.segment, rows: Int32Array.from(run) })
  return out
}
