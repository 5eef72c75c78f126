import { arrow } from '../common/arrow.ts'
import type { FieldSchema } from '../schema/collection-schema.ts'
import { DataType, isDenseVectorType, isVectorType } from '../schema/data-type.ts'
import { errors } from '../errors/errors.ts'
import { META_FIELD } from '../schema/collection-schema.ts'
import { findStructField } from '../schema/struct-array-schema.ts'
import { addDynamicValue, checkDynamicKey, unexpectedFieldError } from './dynamic-field.ts'
import { f16ToF32 } from '../common/half-float.ts'
import type { FlatVectorData, RawBatch, RawColumn } from './raw-column.ts'
import { splitStructColumn } from './struct-array-input.ts'
import { fieldRowError } from './value-problem.ts'
import { dimMismatchError, impliedDim, rowWidth } from './vector-shape.ts'
import type { WritePlan } from './write-plan.ts'

/**
 * Apache Arrow tables. Only the structural parts of Arrow's API are used (`schema.fields`,
 * `getChild`, `numRows`, a vector's `type.typeId`, `data` chunks, `toArray`, iteration), so tables
 * made by another copy of the library work too.
 * - FixedSizeList<Float32|Float64|Uint8|Float16> vector columns without nulls become one flat typed
 *   array (no per-row arrays); other vector columns are read row by row.
 * - Utf8 columns for a JSON field are parsed as JSON text (as Milvus's Parquet import does), and
 *   so are those of sparse vector fields (BulkWriter writes them as JSON dict text) and Array fields.
 * - Columns not in the schema become dynamic keys; a null there means the key is absent.
 * - A `$meta` Utf8 column (what Milvus's and the SDKs' BulkWriter Parquet files carry) holds each
 *   row's dynamic keys as a JSON object text; its keys are spread into the row.
 * - List<Float32|Uint8|Int8> vector columns without nulls (BulkWriter's Parquet layout) become one flat
 *   typed array too when every list has the row width.
 */

interface ArrowTypeLike {
  readonly typeId: number
  readonly precision?: number
  readonly listSize?: number
  readonly children?: readonly { readonly type: ArrowTypeLike }[]
}

interface ArrowDataLike {
  readonly length: number
  readonly nullCount: number
  readonly children: readonly { readonly values: unknown; readonly nullCount: number }[]
}

interface ArrowVectorLike extends Iterable<unknown> {
  readonly length: number
  readonly nullCount: number
  readonly type: ArrowTypeLike
  readonly data: readonly ArrowDataLike[]
  toArray(): unknown
}

interface ArrowTableLike {
  readonly numRows: number
  readonly schema: { readonly fields: readonly { readonly name: string }[] }
  getChild(name: string): ArrowVectorLike | null
}

const halfPrecision = 0

/** Arrow's type ids (the same numbers in every copy of apache-arrow). */
const Type = arrow.Type

/** An Arrow table by its shape: the caller's apache-arrow is not Quiver's copy (`common/arrow.ts`), so no `instanceof`. */
export function isArrowTable(x: unknown): boolean {
  if (typeof x !== 'object' || x === null) return false
  const t = x as Partial<ArrowTableLike>
  return Array.isArray(t.schema?.fields) && typeof t.getChild === 'function'
}

export function readArrowTable(table: unknown, plan: WritePlan): RawBatch {
  const t = table as ArrowTableLike
  const n = t.numRows
  const columns = new Map<string, RawColumn>()
  let dynamicRows: (Record<string, unknown> | undefined)[] | null = null
  for (const { name } of t.schema.fields) {
    const vector = t.getChild(name)
    if (vector === null) continue
    const field = plan.fieldsByName.get(name)
    if (field !== undefined) {
      columns.set(name, arrowColumn(field, vector))
      continue
    }
    // A struct array (BulkWriter's Parquet: a list of structs per row, or its JSON text) → its sub-field columns.
    const struct = findStructField(plan.schema, name)
    if (struct !== undefined) {
      const rows = isText(vector) ? parseJsonTexts({ name } as FieldSchema, vector) : rowValuesOf(vector, true)
      for (const [sub, values] of splitStructColumn(struct, rows, plan.schema)) columns.set(sub, { form: 'values', values })
      continue
    }
    if (name === META_FIELD && isText(vector)) {
      if (!plan.schema.enableDynamicField) throw unexpectedFieldError(name, undefined)
      dynamicRows ??= new Array(n)
      spreadMetaTexts(dynamicRows, vector, plan)
      continue
    }
    checkDynamicKey(name, plan.schema.enableDynamicField, undefined)
    const values = rowValuesOf(vector, true)
    for (let i = 0; i < values.length; i++) {
      const v = values[i]
      if (v === null || v === undefined) continue
      dynamicRows ??= new Array(n)
      addDynamicValue(dynamicRows, i, name, v)
    }
  }
  return { rowCount: n, columns, dynamicRows }
}

function arrowColumn(field: FieldSchema, vector: ArrowVectorLike): RawColumn {
  if (isDenseVectorType(field.dataType)) {
    const flat = flatVectorData(field, vector)
    if (flat !== undefined) return { form: 'flat', data: flat }
  }
  if ((field.dataType === DataType.JSON || field.dataType === DataType.SparseFloatVector || field.dataType === DataType.Array) && isText(vector)) {
    return { form: 'values', values: parseJsonTexts(field, vector) }
  }
  return { form: 'values', values: rowValuesOf(vector, wantsNumbers(field)) }
}

/** Fields whose values must be numbers, not bigint: every numeric field but Int64 (and JSON). */
function wantsNumbers(field: FieldSchema): boolean {
  const t = field.dataType === DataType.Array ? field.elementType : field.dataType
  return t !== DataType.Int64 && !isVectorType(field.dataType)
}

/** Child values of a null-free FixedSizeList column, one typed array for all chunks. */
function flatVectorData(field: FieldSchema, vector: ArrowVectorLike): FlatVectorData | undefined {
  const { type } = vector
  const child = type.children?.[0]?.type
  if (type.typeId === Type.List) return flatListData(field, vector)
  if (type.typeId !== Type.FixedSizeList || child === undefined || vector.nullCount !== 0) return undefined
  if (child.typeId !== Type.Float && child.typeId !== Type.Int) return undefined
  if (vector.data.some((d) => d.children[0] === undefined || d.children[0].nullCount !== 0)) return undefined
  const listSize = type.listSize ?? 0
  const chunks = vector.data.map((d) => (d.children[0]!.values as Float32Array).subarray(0, d.length * listSize))
  let flat: FlatVectorData = chunks.length === 1 ? chunks[0]! : concatChunks(chunks)
  if (child.typeId === Type.Float && child.precision === halfPrecision && field.dataType !== DataType.Float16Vector) {
    flat = Float32Array.from(flat as Uint16Array, f16ToF32) // IEEE half → float, re-encoded by the builder
  }
  const width = rowWidth(field, flat)
  if (width === undefined) return undefined
  if (listSize !== width) throw dimMismatchError(field, 0, impliedDim(field, flat, listSize))
  return flat
}

/**
 * Child values of a null-free List column whose every list has the row width of the field (dim
 * floats, dim/8 bytes…): one typed array. Undefined for anything else (read row by row, with its errors).
 */
function flatListData(field: FieldSchema, vector: ArrowVectorLike): FlatVectorData | undefined {
  const child = vector.type.children?.[0]?.type
  if (child === undefined || vector.nullCount !== 0) return undefined
  if (child.typeId !== Type.Float && child.typeId !== Type.Int) return undefined
  if (child.typeId === Type.Float && child.precision === halfPrecision) return undefined
  const chunks: FlatVectorData[] = []
  let width: number | undefined
  for (const d of vector.data as readonly ListDataLike[]) {
    const values = d.children[0]
    if (values === undefined || values.nullCount !== 0 || d.valueOffsets === undefined) return undefined
    const offsets = d.valueOffsets
    const first = offsets[0]!
    const w = d.length === 0 ? 0 : offsets[1]! - first
    width ??= w
    if (w !== width) return undefined
    for (let i = 1; i <= d.length; i++) if (offsets[i]! - offsets[i - 1]! !== width) return undefined
    chunks.push((values.values as Float32Array).subarray(first, first + d.length * width))
  }
  if (chunks.length === 0 || width === undefined) return undefined
  const flat = chunks.length === 1 ? chunks[0]! : concatChunks(chunks)
  return rowWidth(field, flat) === width ? flat : undefined
}

interface ListDataLike extends ArrowDataLike {
  readonly valueOffsets?: Int32Array
}

function isText(vector: ArrowVectorLike): boolean {
  return vector.type.typeId === Type.Utf8 || vector.type.typeId === Type.LargeUtf8
}

/** `$meta` texts: each a JSON object whose keys become the row's dynamic keys (null or empty: none). */
function spreadMetaTexts(rows: (Record<string, unknown> | undefined)[], vector: ArrowVectorLike, plan: WritePlan): void {
  let i = 0
  for (const s of vector) {
    const row = i++
    if (typeof s !== 'string' || s === '') continue
    let obj: unknown
    try {
      obj = JSON.parse(s)
    } catch (cause) {
      throw errors.invalid(`${META_FIELD} at row ${row}: invalid JSON text: ${(cause as Error).message}`, { row })
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      throw errors.invalid(`${META_FIELD} at row ${row}: expected a JSON object of dynamic keys, got ${s.slice(0, 40)}`, { row })
    }
    for (const [k, v] of Object.entries(obj)) {
      if (plan.fieldsByName.has(k)) throw errors.invalid(`${META_FIELD} at row ${row}: key ${k} is a field of the schema`, { row, field: k })
      checkDynamicKey(k, true, row)
      addDynamicValue(rows, row, k, v)
    }
  }
}

function concatChunks(chunks: readonly FlatVectorData[]): FlatVectorData {
  const first = chunks[0] as Float32Array
  const Ctor = first.constructor as new (n: number) => Float32Array
  const out = new Ctor(chunks.reduce((s, c) => s + c.length, 0))
  let offset = 0
  for (const c of chunks) {
    out.set(c as Float32Array, offset)
    offset += c.length
  }
  return out
}

/**
 * One JS value per row (null for nulls). Primitive numeric columns without nulls come back as their
 * typed array; nested values (lists, structs, maps) become typed arrays / arrays / plain objects.
 * `numbers`: int64 values that fit a double become numbers (for JSON and non-Int64 numeric fields).
 */
function rowValuesOf(vector: ArrowVectorLike, numbers: boolean): ArrayLike<unknown> {
  const id = vector.type.typeId
  const primitive = id === Type.Int || (id === Type.Float && vector.type.precision !== halfPrecision)
  if (primitive && vector.nullCount === 0 && !numbers) return vector.toArray() as ArrayLike<unknown>
  const out = Array.from(vector)
  for (let i = 0; i < out.length; i++) out[i] = plainValue(out[i], numbers)
  return out
}

function plainValue(v: unknown, numbers: boolean): unknown {
  if (typeof v === 'bigint') return numbers && v >= -maxSafe && v <= maxSafe ? Number(v) : v
  if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v)) return v
  const o = v as { toArray?: () => unknown; toJSON?: () => unknown }
  if (typeof o.toArray === 'function' && 'type' in o) {
    const a = o.toArray()
    return numbers ? Array.from(a as ArrayLike<unknown>, (e) => plainValue(e, true)) : a
  }
  if (typeof o.toJSON === 'function' && !(v instanceof Date)) {
    const j = o.toJSON() as Record<string, unknown>
    for (const k of Object.keys(j)) j[k] = plainValue(j[k], numbers)
    return j
  }
  return v
}

const maxSafe = BigInt(Number.MAX_SAFE_INTEGER)

function parseJsonTexts(field: FieldSchema, vector: ArrowVectorLike): unknown[] {
  const out = Array.from(vector)
  for (let i = 0; i < out.length; i++) {
    const s = out[i]
    if (typeof s !== 'string') continue
    try {
      out[i] = JSON.parse(s)
    } catch (cause) {
      throw fieldRowError(field.name, i, `invalid JSON text: ${(cause as Error).message}`)
    }
  }
  return out
}
