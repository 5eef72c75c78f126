import { errors, MilvusError } from '../errors/errors.ts'
import type { FieldSchema } from '../schema/collection-schema.ts'
import { DataType } from '../schema/data-type.ts'
import type { Column, VectorElementKind, VectorRows } from './column.ts'
import { columnKindOf } from './column-kind.ts'
import { buildDenseVectorColumn } from './dense-vector-column.ts'
import type { BuildContext, FlatVectorData, RawColumn } from './raw-column.ts'
import { RequestSize } from './request-size.ts'
import { fieldRowError, typeProblem } from './value-problem.ts'
import { flatRowCount } from './vector-shape.ts'

/**
 * ArrayOfVector columns (vector sub-fields of an array-of-structs field): per row a list of at most
 * max_capacity vectors of the element type, or the same vectors flat in one typed array (as the
 * gRPC `vector_array` carries them). Each row is validated as a dense vector column of its own
 * (dims, finite values), so every form a dense vector field takes is taken here per element.
 */
export function buildVectorArrayColumn(field: FieldSchema, raw: RawColumn, ctx: BuildContext): Column {
  const element = vectorElementOf(field)
  const { structOf: _member, ...plain } = field
  const elementField: FieldSchema = { ...plain, dataType: field.elementType ?? DataType.FloatVector, nullable: false }
  const values = raw.form === 'values' ? raw.values : [raw.data]
  const n = ctx.rowCount
  const capacity = field.maxCapacity ?? Number.POSITIVE_INFINITY
  const out = new Array<VectorRows>(n)
  for (let i = 0; i < n; i++) {
    const v = values[i]
    if (v === undefined || v === null) throw fieldRowError(field.name, i, 'missing value: struct array fields are not nullable')
    const rowRaw = rowOf(elementField, v, i)
    const count = rowRaw.form === 'flat' ? flatRowCount(elementField, rowRaw.data) : rowRaw.values.length
    if (count > capacity) {
      throw errors.invalid(`the length (${count}) of struct array field ${field.structOf?.structName ?? field.name} at row ${i} exceeds max capacity (${capacity})`, { field: field.name })
    }
    out[i] = buildRow(field, elementField, rowRaw, count, i, ctx)
  }
  return { kind: 'vectorArray', element, dim: field.dim ?? 0, values: out, validBits: null }
}

/** The element kind of an ArrayOfVector field. */
export function vectorElementOf(field: Pick<FieldSchema, 'elementType'>): VectorElementKind {
  const kind = columnKindOf({ dataType: field.elementType ?? DataType.FloatVector })
  if (kind !== 'floatVector' && kind !== 'binaryVector' && kind !== 'float16Vector' && kind !== 'bfloat16Vector' && kind !== 'int8Vector') {
    throw new Error(`not a vector element kind: ${kind}`)
  }
  return kind
}

/** Elements one vector of this kind takes in its typed array. */
export function elementStride(element: VectorElementKind, dim: number): number {
  return element === 'binaryVector' ? dim >>> 3 : dim
}

/** Number of vectors in one row. */
export function vectorCount(row: VectorRows, element: VectorElementKind, dim: number): number {
  const stride = elementStride(element, dim)
  return stride === 0 ? 0 : row.length / stride
}

function rowOf(elementField: FieldSchema, v: unknown, row: number): RawColumn {
  if (Array.isArray(v)) {
    // A list of vectors, or (a float vector field given one flat number list) the vectors flat.
    if (v.length > 0 && typeof v[0] === 'number') return { form: 'flat', data: v as readonly number[] }
    return { form: 'values', values: v }
  }
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return { form: 'flat', data: v as FlatVectorData }
  throw fieldRowError(elementField.name, row, typeProblem('a list of vectors', v))
}

function buildRow(field: FieldSchema, elementField: FieldSchema, raw: RawColumn, count: number, row: number, ctx: BuildContext): VectorRows {
  try {
    const col = buildDenseVectorColumn(elementField, raw, { ...ctx, rowCount: count, size: new RequestSize(Number.MAX_SAFE_INTEGER) })
    const values = (col as { values: VectorRows }).values
    ctx.size.add(values.byteLength, field.name)
    return values
  } catch (e) {
    if (!(e instanceof MilvusError)) throw e
    // The element builder counts the row's elements as rows ("at row 2" = its third struct element).
    throw errors.invalid(`field ${field.name} at row ${row}: in its struct elements (counted as rows): ${e.message}`, { field: field.name })
  }
}
