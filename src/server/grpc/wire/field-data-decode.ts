import { markOwnedVectors } from '../../../column/owned-vectors.ts'
import { parseClientJson } from '../../../common/bounded-json.ts'
import { errors } from '../../../errors/errors.ts'
import { META_FIELD } from '../../../schema/collection-schema.ts'
import { checkedRowCount } from './row-count.ts'
import { decodeSparseRow } from './sparse-bytes.ts'

// biome-ignore lint/suspicious/noExplicitAny: wire messages are loosely typed objects
type Wire = Record<string, any>

/**
 * The `fields_data` of an Insert/Upsert → a columnar object `{ field: values }` for the engine's
 * `normalizeData` (which validates everything). Decoding follows the wire, not the schema:
 * - scalars: one value per row; int64 stay decimal strings; JSON bytes are parsed (empty → null);
 *   with `valid_data`, null rows are restored whether the values are row-dense or compacted;
 * - dense vectors: flat typed arrays (float32, binary bytes, float16/bfloat16 raw bytes, int8); a batch
 *   of one row is wrapped as `[row]` so it cannot be read as a single row object; a nullable vector
 *   column (`valid_data`) carries only its valid rows (as Milvus clients send it): rows, nulls restored;
 * - sparse vectors: `{ indices, values }` per row from Milvus's binary rows;
 * - the dynamic field (`is_dynamic`, any name — pymilvus 2.3 sends it unnamed): its JSON objects are
 *   spread into one column per key, `undefined` where a row lacks the key;
 * - a column with no values and no `valid_data` counts as not given;
 * - the row count is checked first (`checkedRowCount`): `num_rows` never sizes anything by itself.
 */
export function columnarDataOf(given: readonly Wire[], numRows: number): Record<string, unknown> {
  const fieldsData = flattenStructArrays(given)
  const rowCount = checkedRowCount(fieldsData, numRows)
  const out: Record<string, unknown> = Object.create(null)
  let dynamic: Wire | undefined
  for (const fd of fieldsData) {
    if (fd.is_dynamic === true || fd.field_name === META_FIELD) {
      dynamic = fd
      continue
    }
    const name = String(fd.field_name ?? '')
    if (name === '') throw errors.invalid('a field of the request has no name (only the dynamic field may be unnamed)')
    if (Object.hasOwn(out, name)) throw errors.invalid(`field ${name} is given twice in the request`, { field: name })
    const values = columnOf(fd, name, rowCount)
    if (values !== undefined) out[name] = values
  }
  if (dynamic !== undefined) spreadDynamic(dynamic, rowCount, out)
  return out
}

function columnOf(fd: Wire, name: string, rowCount: number): unknown {
  if (fd.scalars) return scalarColumn(fd, name, rowCount)
  if (fd.vectors) return vectorColumn(fd, name, rowCount)
  throw errors.notSupported(`field ${name}: ${fd.field ?? 'this'} data is not supported by Quiver`)
}

function scalarColumn(fd: Wire, name: string, rowCount: number): unknown[] | undefined {
  const member = fd.scalars.data as string | undefined
  let values: unknown[]
  switch (member) {
    case 'bool_data':
    case 'int_data':
    case 'long_data':
    case 'float_data':
    case 'double_data':
    case 'string_data':
    case 'geometry_wkt_data': // WKT text, as the Node SDK and pymilvus 2.6 send Geometry
    case 'bytes_data':
    case 'timestamptz_data': // int64 microseconds, as decimal strings (the engine also takes ISO text in string_data)
      values = fd.scalars[member].data
      break
    case 'json_data':
      values = (fd.scalars.json_data.data as Uint8Array[]).map((b, i) => parseJsonBytes(b, name, i))
      break
    case 'array_data':
      values = (fd.scalars.array_data.data as Wire[]).map((e) => (e?.data ? e[e.data].data : []))
      break
    case 'geometry_data':
      throw errors.invalid(`field ${name}: Geometry as WKB (geometry_data) is not supported by Quiver; send WKT (geometry_wkt_data), as the Node SDK and pymilvus do`, { field: name })
    default:
      throw errors.notSupported(`field ${name}: ${member ?? 'empty'} values are not supported by Quiver`)
  }
  const valid = fd.valid_data as boolean[] | undefined
  if (valid === undefined || valid.length === 0) return values.length === 0 && rowCount > 0 ? undefined : values
  return withNulls(values, valid, name)
}

/** Puts nulls back: values are row-dense (one per row) or compacted (one per valid row). */
function withNulls(values: readonly unknown[], valid: readonly boolean[], name: string): unknown[] {
  if (values.length === valid.length) return valid.map((ok, i) => (ok ? values[i] : null))
  const present = valid.reduce((n, ok) => n + (ok ? 1 : 0), 0)
  if (present !== values.length) {
    throw errors.invalid(`field ${name}: ${values.length} values for ${valid.length} rows of which ${present} are valid`, { field: name })
  }
  let k = 0
  return valid.map((ok) => (ok ? values[k++] : null))
}

function parseJsonBytes(bytes: Uint8Array, name: string, row: number): unknown {
  if (bytes.length === 0) return null
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8')
  return parseClientJson(text, `field ${name} at row ${row}`)
}

function vectorColumn(fd: Wire, name: string, rowCount: number): unknown {
  const v = fd.vectors as Wire
  const valid = Array.isArray(fd.valid_data) && fd.valid_data.length > 0 ? (fd.valid_data as boolean[]) : undefined
  let flat: Float32Array | Uint8Array | Int8Array
  switch (v.data) {
    case 'float_vector':
      // Either decoder made this array for this request alone: the batch may take it without a copy.
      flat = markOwnedVectors(v.float_vector.data instanceof Float32Array ? v.float_vector.data : Float32Array.from(v.float_vector.data as number[]))
      break
    case 'binary_vector':
    case 'float16_vector':
    case 'bfloat16_vector': {
      const b = v[v.data] as Uint8Array
      flat = new Uint8Array(b.buffer, b.byteOffset, b.length)
      break
    }
    case 'int8_vector': {
      const b = v.int8_vector as Uint8Array
      flat = new Int8Array(b.buffer, b.byteOffset, b.length)
      break
    }
    case 'vector_array': {
      // A struct's vector sub-field: per row one VectorField holding that row's vectors, flat.
      const rows = ((v.vector_array?.data ?? []) as Wire[]).map(flatVectorsOf)
      return rows.length === 0 && rowCount > 0 ? undefined : rows
    }
    case 'sparse_float_vector': {
      const rows = (v.sparse_float_vector.contents as Uint8Array[]).map((b, i) => decodeSparseRow(b, i))
      if (valid !== undefined) return withNulls(rows, valid, name)
      return rows.length === 0 && rowCount > 0 ? undefined : rows
    }
    default:
      throw errors.notSupported(`field ${name}: ${v.data ?? 'empty'} vectors are not supported by Quiver`)
  }
  if (valid !== undefined) return withNulls(splitRows(flat, rowWidthOf(v, flat, valid), name), valid, name)
  if (flat.length === 0 && rowCount > 0) return undefined
  return rowCount === 1 ? [flat] : flat
}

/**
 * Elements per row of a nullable vector column's data: from `dim` (bits for binary, 2 bytes per
 * element for float16/bfloat16), or, without it, the data length over the valid rows.
 */
function rowWidthOf(v: Wire, flat: ArrayLike<number>, valid: readonly boolean[]): number {
  const dim = Number(v.dim ?? 0)
  if (dim > 0) return v.data === 'binary_vector' ? dim / 8 : v.data === 'float16_vector' || v.data === 'bfloat16_vector' ? dim * 2 : dim
  const present = valid.reduce((n, ok) => n + (ok ? 1 : 0), 0)
  return present === 0 ? 0 : flat.length / present
}

/** Flat vector data as one view per row (the builder checks each row's length against the schema). */
function splitRows<T extends Float32Array | Uint8Array | Int8Array>(flat: T, width: number, name: string): T[] {
  if (flat.length === 0) return []
  if (!Number.isInteger(width) || width <= 0 || flat.length % width !== 0) {
    throw errors.invalid(`field ${name}: ${flat.length} vector values do not divide into rows of ${width}`, { field: name })
  }
  const rows = new Array<T>(flat.length / width)
  for (let i = 0; i < rows.length; i++) rows[i] = flat.subarray(i * width, (i + 1) * width) as T
  return rows
}

function spreadDynamic(fd: Wire, rowCount: number, out: Record<string, unknown>): void {
  if (fd.scalars?.data !== 'json_data') {
    // No values at all counts as not given; anything but JSON objects is refused.
    if (fd.vectors === undefined && (fd.scalars === undefined || fd.scalars === null || fd.scalars.data === undefined)) return
    throw errors.invalid(`the dynamic field must carry JSON objects, got ${fd.vectors !== undefined ? 'vectors' : String(fd.scalars.data)}`, { field: META_FIELD })
  }
  const rows = scalarColumn(fd, META_FIELD, rowCount)
  if (rows === undefined) return
  if (rows.length !== rowCount) throw errors.invalid(`the dynamic field has ${rows.length} rows, expected ${rowCount}`)
  const columns = new Map<string, unknown[]>()
  for (let i = 0; i < rows.length; i++) {
    const obj = rows[i]
    if (obj === null || obj === undefined) continue
    if (typeof obj !== 'object' || Array.isArray(obj)) throw errors.invalid(`the dynamic field at row ${i} is not a JSON object`)
    for (const [key, value] of Object.entries(obj)) {
      let col = columns.get(key)
      if (col === undefined) {
        if (Object.hasOwn(out, key)) throw errors.invalid(`the dynamic field at row ${i} holds key ${key}, which is also given as a field`)
        col = new Array<unknown>(rowCount).fill(undefined)
        columns.set(key, col)
      }
      col[i] = value
    }
  }
  for (const [key, col] of columns) out[key] = col
}

/**
 * Array-of-structs columns (`struct_arrays`: one FieldData per sub-field, Array or ArrayOfVector per
 * row) → one column per sub-field named `struct[sub]`, as the engine stores them; the engine checks
 * that a row's sub-fields hold the same number of elements.
 */
function flattenStructArrays(fieldsData: readonly Wire[]): Wire[] {
  if (!fieldsData.some((fd) => fd.struct_arrays)) return fieldsData as Wire[]
  return fieldsData.flatMap((fd) => {
    if (!fd.struct_arrays) return [fd]
    const struct = String(fd.field_name ?? '')
    return ((fd.struct_arrays.fields ?? []) as Wire[]).map((sub) => ({ ...sub, field_name: `${struct}[${String(sub.field_name ?? '')}]` }))
  })
}

/** One row of a `vector_array`: its vectors flat, in the typed array the vector builders take for the kind. */
function flatVectorsOf(vf: Wire): Float32Array | Uint8Array | Int8Array {
  switch (vf?.data) {
    case 'float_vector':
      return vf.float_vector.data instanceof Float32Array ? vf.float_vector.data : Float32Array.from(vf.float_vector.data as number[])
    case 'binary_vector':
    case 'float16_vector':
    case 'bfloat16_vector': {
      const b = vf[vf.data] as Uint8Array
      return new Uint8Array(b.buffer, b.byteOffset, b.length)
    }
    case 'int8_vector': {
      const b = vf.int8_vector as Uint8Array
      return new Int8Array(b.buffer, b.byteOffset, b.length)
    }
    default:
      return new Float32Array(0)
  }
}
