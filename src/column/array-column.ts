import { Bitset } from '../common/bitset.ts'
import { errors } from '../errors/errors.ts'
import type { FieldSchema } from '../schema/collection-schema.ts'
import { DataType, dataTypeName, intRange } from '../schema/data-type.ts'
import type { Column } from './column.ts'
import { int64Problem, parseInt64 } from './int64-value.ts'
import { resolveMissing } from './missing-value.ts'
import { type BuildContext, type RawColumn, rowValues } from './raw-column.ts'
import { fieldRowError, typeProblem } from './value-problem.ts'
import { utf8Length, varcharTooLongError } from './varchar-column.ts'

/**
 * Array column: per row an array (or typed array) of at most max_capacity elements of the element
 * type, each checked like a scalar (VarChar max_length applies per element; Int64 elements become
 * bigint). Elements may not be null.
 */
export function buildArrayColumn(field: FieldSchema, raw: RawColumn, ctx: BuildContext): Column {
  const values = rowValues(field, raw)
  const n = ctx.rowCount
  const out = new Array<unknown[]>(n)
  const validBits = field.nullable ? Bitset.full(n) : null
  const capacity = field.maxCapacity ?? Number.POSITIVE_INFINITY
  let bytes = 0
  for (let i = 0; i < n; i++) {
    const v = values[i]
    if (v === undefined || v === null) {
      out[i] = (resolveMissing(field, i, validBits) as unknown[] | undefined) ?? []
      continue
    }
    if (!isArrayLike(v)) throw fieldRowError(field.name, i, typeProblem(`Array of ${elementLabel(field)}`, v))
    if (v.length > capacity) {
      throw errors.invalid(
        `the length (${v.length}) of array field ${field.name} at row ${i} exceeds max capacity (${capacity})`,
      )
    }
    const row = new Array<unknown>(v.length)
    for (let j = 0; j < v.length; j++) {
      const e = convertElement(v[j], field)
      if (e === badElement) throw elementError(field, i, j, v[j])
      row[j] = e
      bytes += elementBytes(e)
    }
    out[i] = row
  }
  ctx.size.add(bytes, field.name)
  return { kind: 'array', values: out, validBits }
}

function isArrayLike(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView))
}

const badElement: unique symbol = Symbol('bad array element')

function convertElement(v: unknown, field: FieldSchema): unknown {
  const t = field.elementType
  switch (t) {
    case DataType.Bool:
      return typeof v === 'boolean' ? v : badElement
    case DataType.Int8:
    case DataType.Int16:
    case DataType.Int32: {
      const [lo, hi] = intRange[t]
      return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi ? v : badElement
    }
    case DataType.Int64:
      return parseInt64(v) ?? badElement
    case DataType.Float:
      return typeof v === 'number' && Number.isFinite(Math.fround(v)) ? Math.fround(v) : badElement
    case DataType.Double:
      return typeof v === 'number' && Number.isFinite(v) ? v : badElement
    case DataType.VarChar:
      return typeof v === 'string' && utf8Length(v) <= (field.maxLength ?? Number.POSITIVE_INFINITY) ? v : badElement
    default:
      return badElement
  }
}

function elementBytes(e: unknown): number {
  return typeof e === 'string' ? utf8Length(e) + 4 : 8
}

function elementError(field: FieldSchema, row: number, index: number, v: unknown) {
  const t = field.elementType
  if (t === DataType.VarChar && typeof v === 'string') {
    return varcharTooLongError(`${field.name}[${index}]`, row, utf8Length(v), field.maxLength ?? 0)
  }
  if (t === DataType.Int64) return fieldRowError(field.name, row, `element ${index}: ${int64Problem(v)}`)
  if ((t === DataType.Int8 || t === DataType.Int16 || t === DataType.Int32) && Number.isInteger(v)) {
    const [lo, hi] = intRange[t]
    return fieldRowError(field.name, row, `element ${index}: the value (${String(v)}) out of range: [${lo}, ${hi}]`)
  }
  if (typeof v === 'number' && (t === DataType.Float || t === DataType.Double)) {
    const what = t === DataType.Float ? 'float32' : 'number'
    return fieldRowError(field.name, row, `element ${index}: the value (${v}) is not a finite ${what}`)
  }
  return fieldRowError(field.name, row, `element ${index}: ${typeProblem(elementLabel(field), v)}`)
}

function elementLabel(field: FieldSchema): string {
  return dataTypeName(field.elementType ?? DataType.None)
}
