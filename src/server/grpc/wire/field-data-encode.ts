import { f32ToBf16, f32ToF16 } from '../../../common/half-float.ts'
import type { FieldSchema } from '../../../schema/collection-schema.ts'
import { DataType, isVectorType } from '../../../schema/data-type.ts'
import { META_FIELD } from '../../../schema/collection-schema.ts'
import { encodeSparseRow } from './sparse-bytes.ts'

// biome-ignore lint/suspicious/noExplicitAny: wire messages are loosely typed objects
type Wire = Record<string, any>
type Row = Readonly<Record<string, unknown>>

/**
 * Result rows (as the engine's reads return them: int64 as bigint, vectors as number arrays, sparse
 * as `{ [index]: value }`, dynamic keys lifted onto the row) → column-oriented `FieldData`, one per
 * field, row-dense (nullable fields carry `valid_data` and a placeholder in null rows).
 * With `withDynamic`, the keys of each row that are not schema fields go back into one `$meta`
 * JSON column marked `is_dynamic`.
 */
export function fieldDataOfRows(rows: readonly Row[], fields: readonly FieldSchema[], withDynamic: boolean): Wire[] {
  const out = fields.map((f) => fieldDataOf(rows, f))
  if (withDynamic) out.push(dynamicFieldData(rows, new Set(fields.map((f) => f.name))))
  return out
}

/**
 * An int64 for the wire codec: a number when it is a safe integer (the codec makes a Long from a
 * number ~10× faster than from a decimal string, and a search answer can hold a million of them),
 * else its decimal string; null and undefined are 0.
 */
export function int64Wire(v: unknown): number | string {
  if (typeof v === 'number') return v
  if (typeof v === 'bigint') return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v.toString()
  return v === null || v === undefined ? 0 : String(v)
}

/** `count(*)` as Milvus returns it: one Int64 column named `count(*)`. */
export function countFieldData(count: number): Wire {
  return { type: DataType.Int64, field_name: 'count(*)', field_id: '0', is_dynamic: false, valid_data: [], scalars: { long_data: { data: [String(count)] } } }
}

/** An array-of-structs output column: the struct, and its sub-fields asked for (`outputColumnsOf`). */
export interface StructOutputField extends FieldSchema {
  readonly structFields: readonly FieldSchema[]
}

function fieldDataOf(rows: readonly Row[], f: FieldSchema): Wire {
  if ('structFields' in f) return structFieldData(rows, f as StructOutputField)
  const values = rows.map((r) => r[f.name])
  const base = { type: f.dataType, field_name: f.name, field_id: String(f.fieldId), is_dynamic: false }
  if (isVectorType(f.dataType)) {
    // Nullable vectors go out as Milvus sends them: valid_data per row, vector data of valid rows only.
    if (!f.nullable) return { ...base, valid_data: [], vectors: vectorField(f, values) }
    const valid_data = values.map((v) => v !== null && v !== undefined)
    return { ...base, valid_data, vectors: vectorField(f, values.filter((_, i) => valid_data[i])) }
  }
  const valid_data = f.nullable ? values.map((v) => v !== null && v !== undefined) : []
  return { ...base, valid_data, scalars: scalarField(f.dataType, values, f.elementType) }
}

/** The `$meta` column: each row's keys that are not schema fields, as one JSON object per row. */
export function dynamicFieldData(rows: readonly Row[], schemaNames: ReadonlySet<string>): Wire {
  const data = rows.map((r) => {
    const meta: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(r)) if (!schemaNames.has(k)) meta[k] = v
    return Buffer.from(JSON.stringify(meta))
  })
  return { type: DataType.JSON, field_name: META_FIELD, field_id: '0', is_dynamic: true, valid_data: [], scalars: { json_data: { data } } }
}

/** `ScalarField` of one type; nulls become the type's zero value (their `valid_data` is false). */
export function scalarField(dataType: number, values: readonly unknown[], elementType?: number): Wire {
  switch (dataType) {
    case DataType.Bool:
      return { bool_data: { data: values.map((v) => v === true) } }
    case DataType.Int8:
    case DataType.Int16:
    case DataType.Int32:
      return { int_data: { data: values.map((v) => Number(v ?? 0)) } }
    case DataType.Int64:
      return { long_data: { data: values.map(int64Wire) } }
    case DataType.Float:
      return { float_data: { data: values.map((v) => Number(v ?? 0)) } }
    case DataType.Double:
      return { double_data: { data: values.map((v) => Number(v ?? 0)) } }
    case DataType.Timestamptz: // RFC 3339 text, as Milvus's proxy answers (`timestamptzUTC2IsoStr`)
    case DataType.VarChar:
      return { string_data: { data: values.map((v) => (v === null || v === undefined ? '' : String(v))) } }
    case DataType.Geometry: // WKT, as Milvus's proxy answers (the SDKs read geometry_wkt_data)
      return { geometry_wkt_data: { data: values.map((v) => (v === null || v === undefined ? '' : String(v))) } }
    case DataType.JSON:
      return { json_data: { data: values.map((v) => (v === null || v === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(v)))) } }
    case DataType.Array:
      return {
        array_data: {
          element_type: elementType ?? DataType.None,
          data: values.map((v) => (Array.isArray(v) ? scalarField(elementType ?? DataType.None, v) : {})),
        },
      }
    default:
      return { bytes_data: { data: [] } }
  }
}

export function vectorField(f: FieldSchema, values: readonly unknown[]): Wire {
  const dim = f.dim ?? 0
  switch (f.dataType) {
    case DataType.FloatVector:
      return { dim: String(dim), float_vector: { data: flatten(values as number[][]) } }
    case DataType.BinaryVector:
      return { dim: String(dim), binary_vector: Buffer.from(flatten(values as number[][])) }
    case DataType.Float16Vector:
      return { dim: String(dim), float16_vector: halfBytes(values as number[][], f32ToF16) }
    case DataType.BFloat16Vector:
      return { dim: String(dim), bfloat16_vector: halfBytes(values as number[][], f32ToBf16) }
    case DataType.Int8Vector:
      return { dim: String(dim), int8_vector: Buffer.from(Int8Array.from(flatten(values as number[][])).buffer) }
    default: {
      const rows = values as Record<string, number>[]
      let sparseDim = 0
      for (const r of rows) for (const k of Object.keys(r)) sparseDim = Math.max(sparseDim, Number(k) + 1)
      return { dim: String(sparseDim), sparse_float_vector: { dim: String(sparseDim), contents: rows.map(encodeSparseRow) } }
    }
  }
}

function flatten(rows: readonly (readonly number[])[]): number[] {
  let n = 0
  for (const r of rows) n += r.length
  const out = new Array<number>(n)
  let k = 0
  for (const r of rows) for (let j = 0; j < r.length; j++) out[k++] = r[j]!
  return out
}

/** Decoded float16/bfloat16 rows back to their 16-bit patterns, little-endian bytes. */
function halfBytes(rows: readonly (readonly number[])[], toBits: (x: number) => number): Buffer {
  let n = 0
  for (const r of rows) n += r.length
  const out = Buffer.alloc(n * 2)
  let k = 0
  for (const r of rows) for (let j = 0; j < r.length; j++) out.writeUInt16LE(toBits(r[j]!), 2 * k++)
  return out
}

/**
 * A struct list per row (`items: [{ label, embedding }, …]`) → `struct_arrays` as Milvus 2.6 answers:
 * one FieldData per sub-field, named by its name inside the struct, per row an Array (`array_data`)
 * of the elements' scalars or an ArrayOfVector (`vector_array`, one VectorField per row).
 */
function structFieldData(rows: readonly Row[], f: StructOutputField): Wire {
  const lists = rows.map((r) => (Array.isArray(r[f.name]) ? (r[f.name] as Record<string, unknown>[]) : []))
  const fields = f.structFields.map((sub) => {
    const subName = sub.structOf?.subName ?? sub.name
    const perRow = lists.map((l) => l.map((e) => e[subName]))
    const base = { type: sub.dataType, field_name: subName, field_id: String(sub.fieldId), is_dynamic: false, valid_data: [] }
    if (sub.dataType !== DataType.ArrayOfVector) return { ...base, scalars: scalarField(DataType.Array, perRow, sub.elementType) }
    const element = { ...sub, dataType: sub.elementType ?? DataType.FloatVector } as FieldSchema
    const data = perRow.map((vectors) => vectorField(element, vectors))
    return { ...base, vectors: { dim: String(sub.dim ?? 0), vector_array: { dim: String(sub.dim ?? 0), element_type: sub.elementType, data } } }
  })
  return { type: DataType.ArrayOfStruct, field_name: f.name, field_id: String(f.fieldId), is_dynamic: false, valid_data: [], struct_arrays: { fields } }
}
