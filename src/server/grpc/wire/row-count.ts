import { errors } from '../../../errors/errors.ts'
import { limits } from '../../../schema/limits.ts'

// biome-ignore lint/suspicious/noExplicitAny: wire messages are loosely typed objects
type Wire = Record<string, any>

/**
 * The row count of an Insert/Upsert, checked before anything is sized by it: every column that
 * carries data holds the same number of rows, equal to `num_rows` when the client sent one (Milvus:
 * `the num_rows (n) of field (f) is not equal to passed num_rows (m)`), and each dense vector column
 * holds whole vectors of its `dim`. `num_rows` itself never sizes a buffer: it is only compared.
 * A request with `num_rows` but no column data is refused (1100) rather than read as that many rows.
 */
export function checkedRowCount(fieldsData: readonly Wire[], numRows: number): number {
  let count: number | undefined
  let first = ''
  for (const fd of fieldsData) {
    const name = fd.is_dynamic === true ? '$meta' : String(fd.field_name ?? '')
    const n = columnRows(fd, name)
    if (n === undefined) continue
    if (numRows > 0 && n !== numRows) {
      throw errors.invalid(`the num_rows (${n}) of field (${name}) is not equal to passed num_rows (${numRows})`, { field: name, expected: numRows, actual: n })
    }
    if (count !== undefined && n !== count) {
      throw errors.invalid(`the num_rows (${n}) of field (${name}) is not equal to the num_rows (${count}) of field (${first})`, { field: name, expected: count, actual: n })
    }
    if (count === undefined) {
      count = n
      first = name
    }
  }
  if (count === undefined) {
    if (numRows > 0) throw errors.invalid(`num_rows is ${numRows} but the request carries no field data`, { expected: numRows, actual: 0 })
    return 0
  }
  return count
}

/** Rows one column carries; undefined when it carries no values and no validity (a field not given). */
function columnRows(fd: Wire, name: string): number | undefined {
  const valid = Array.isArray(fd.valid_data) && fd.valid_data.length > 0 ? (fd.valid_data as unknown[]).length : undefined
  // An array-of-structs column: its sub-field columns carry the rows (the decoder checks they agree).
  const subs = (fd.struct_arrays?.fields ?? []) as Wire[]
  if (subs.length > 0) return columnRows(subs[0]!, `${name}[${String(subs[0]!.field_name ?? '')}]`)
  if (fd.scalars) {
    const member = fd.scalars.data as string | undefined
    const values = member === undefined ? undefined : (fd.scalars[member]?.data as ArrayLike<unknown> | undefined)
    const n = values?.length ?? 0
    if (valid !== undefined) return valid
    return n === 0 ? undefined : n
  }
  if (fd.vectors) {
    // A nullable vector column carries vectors of its valid rows only: valid_data counts the rows.
    const n = vectorRows(fd.vectors as Wire, name)
    return valid ?? n
  }
  return valid
}

function vectorRows(v: Wire, name: string): number | undefined {
  if (v.data === 'vector_array') {
    const n = (v.vector_array?.data ?? []).length as number
    return n === 0 ? undefined : n
  }
  if (v.data === 'sparse_float_vector') {
    const n = (v.sparse_float_vector?.contents ?? []).length as number
    return n === 0 ? undefined : n
  }
  const units = vectorUnits(v)
  if (units === undefined || units === 0) return undefined
  const dim = Number(v.dim ?? 0)
  if (!Number.isInteger(dim) || dim < 1 || dim > limits.dimMax) {
    throw errors.invalid(`field ${name}: dim ${String(v.dim)} should be an integer in [1, ${limits.dimMax}]`, { field: name })
  }
  const perRow = unitsPerRow(v.data as string, dim, name)
  if (units % perRow !== 0) {
    throw errors.invalid(`field ${name}: ${units} ${v.data === 'float_vector' ? 'values' : 'bytes'} is not a whole number of vectors of dim ${dim}`, { field: name })
  }
  return units / perRow
}

/** Values (float_vector) or bytes (the byte-encoded kinds) a vector column carries. */
function vectorUnits(v: Wire): number | undefined {
  switch (v.data) {
    case 'float_vector':
      return (v.float_vector?.data ?? []).length as number
    case 'binary_vector':
    case 'float16_vector':
    case 'bfloat16_vector':
    case 'int8_vector':
      return ((v[v.data] as Uint8Array | undefined) ?? []).length
    case 'vector_array':
      return ((v.vector_array?.data ?? []) as Wire[]).reduce((n, vf) => n + (vectorUnits(vf) ?? 0), 0)
    default:
      return undefined
  }
}

function unitsPerRow(kind: string, dim: number, name: string): number {
  switch (kind) {
    case 'binary_vector':
      if (dim % 8 !== 0) throw errors.invalid(`field ${name}: the dim (${dim}) of a binary vector should be a multiple of 8`, { field: name })
      return dim / 8
    case 'float16_vector':
    case 'bfloat16_vector':
      return dim * 2
    default:
      return dim
  }
}

/** Values the columns actually carry (scalars, vector values or bytes, sparse rows, validity flags): a bound that any honest `num_rows` is within. */
export function wireValueCount(fieldsData: readonly Wire[]): number {
  let n = 0
  for (const fd of fieldsData) {
    if (Array.isArray(fd.valid_data)) n += fd.valid_data.length
    if (fd.scalars) {
      const member = fd.scalars.data as string | undefined
      n += member === undefined ? 0 : ((fd.scalars[member]?.data as ArrayLike<unknown> | undefined)?.length ?? 0)
    }
    if (fd.vectors) n += (fd.vectors.data === 'sparse_float_vector' ? (fd.vectors.sparse_float_vector?.contents ?? []).length : vectorUnits(fd.vectors)) ?? 0
  }
  return n
}
