import { Bitset } from '../common/bitset.ts'
import type { FieldSchema } from '../schema/collection-schema.ts'
import { DataType, intRange } from '../schema/data-type.ts'
import type { Column } from './column.ts'
import { resolveMissing } from './missing-value.ts'
import { type BuildContext, type RawColumn, rowValues } from './raw-column.ts'
import { fieldRowError, typeProblem } from './value-problem.ts'

/**
 * Column builders for fixed-width scalars: Bool, Int8/16/32, Float, Double. One tight loop per
 * column; a missing or null value goes through `resolveMissing` (default → null → error).
 */

export function buildBoolColumn(field: FieldSchema, raw: RawColumn, ctx: BuildContext): Column {
  const values = rowValues(field, raw)
  const n = ctx.rowCount
  const out = new Uint8Array(n)
  const validBits = field.nullable ? Bitset.full(n) : null
  for (let i = 0; i < n; i++) {
    let v = values[i]
    if (v === undefined || v === null) v = resolveMissing(field, i, validBits) ?? false
    if (typeof v !== 'boolean') throw fieldRowError(field.name, i, typeProblem('Bool (boolean)', v))
    out[i] = v ? 1 : 0
  }
  ctx.size.add(n, field.name)
  return { kind: 'bool', values: out, validBits }
}

type SmallIntType = typeof DataType.Int8 | typeof DataType.Int16 | typeof DataType.Int32

export function buildIntColumn(field: FieldSchema, raw: RawColumn, ctx: BuildContext): Column {
  const t = field.dataType as SmallIntType
  const n = ctx.rowCount
  const validBits = field.nullable ? Bitset.full(n) : null
  switch (t) {
    case DataType.Int8:
      return { kind: 'int8', values: fillInts(field, raw, ctx, new Int8Array(n), validBits), validBits }
    case DataType.Int16:
      return { kind: 'int16', values: fillInts(field, raw, ctx, new Int16Array(n), validBits), validBits }
    case DataType.Int32:
      return { kind: 'int32', values: fillInts(field, raw, ctx, new Int32Array(n), validBits), validBits }
  }
}

function fillInts<A extends Int8Array | Int16Array | Int32Array>(
  field: FieldSchema,
  raw: RawColumn,
  ctx: BuildContext,
  out: A,
  validBits: Bitset | null,
): A {
  const values = rowValues(field, raw)
  const [lo, hi] = intRange[field.dataType as SmallIntType]
  const n = ctx.rowCount
  for (let i = 0; i < n; i++) {
    let v = values[i]
    if (v === undefined || v === null) v = resolveMissing(field, i, validBits) ?? 0
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw fieldRowError(field.name, i, typeProblem(`${intLabel(field.dataType)} (integer number)`, v))
    }
    if (v < lo || v > hi) throw fieldRowError(field.name, i, `the value (${v}) out of range: [${lo}, ${hi}]`)
    out[i] = v
  }
  ctx.size.add(n * out.BYTES_PER_ELEMENT, field.name)
  return out
}

function intLabel(t: number): string {
  return t === DataType.Int8 ? 'Int8' : t === DataType.Int16 ? 'Int16' : 'Int32'
}

export function buildFloatColumn(field: FieldSchema, raw: RawColumn, ctx: BuildContext): Column {
  const values = rowValues(field, raw)
  const n = ctx.rowCount
  const out = new Float32Array(n)
  const validBits = field.nullable ? Bitset.full(n) : null
  for (let i = 0; i < n; i++) {
    let v = values[i]
    if (v === undefined || v === null) v = resolveMissing(field, i, validBits) ?? 0
    if (typeof v !== 'number') throw fieldRowError(field.name, i, typeProblem('Float (number)', v))
    out[i] = v
    if (!Number.isFinite(out[i]!)) {
      const problem = Number.isFinite(v) ? 'out of float32 range' : 'is not a finite number'
      throw fieldRowError(field.name, i, `the value (${v}) ${problem}`)
    }
  }
  ctx.size.add(n * 4, field.name)
  return { kind: 'float', values: out, validBits }
}

export function buildDoubleColumn(field: FieldSchema, raw: RawColumn, ctx: BuildContext): Column {
  const values = rowValues(field, raw)
  const n = ctx.rowCount
  const out = new Float64Array(n)
  const validBits = field.nullable ? Bitset.full(n) : null
  for (let i = 0; i < n; i++) {
    let v = values[i]
    if (v === undefined || v === null) v = resolveMissing(field, i, validBits) ?? 0
    if (typeof v !== 'number') throw fieldRowError(field.name, i, typeProblem('Double (number)', v))
    if (!Number.isFinite(v)) throw fieldRowError(field.name, i, `the value (${v}) is not a finite number`)
    out[i] = v
  }
  ctx.size.add(n * 8, field.name)
  return { kind: 'double', values: out, validBits }
}
