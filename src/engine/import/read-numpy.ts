import { readFile } from 'node:fs/promises'
import { basename, extname } from 'node:path'
import { parse as parseNpy } from 'npyjs'
import { errors } from '../../errors/errors.ts'
import { type CollectionSchema, type FieldSchema, META_FIELD } from '../../schema/collection-schema.ts'
import { DataType, isDenseVectorType } from '../../schema/data-type.ts'
import type { ImportChunk, ImportReader } from './import-reader.ts'
import { spreadMeta } from './import-reader.ts'

/** One `.npy` file: a field's column. */
interface NpyColumn {
  readonly name: string
  readonly field: FieldSchema | undefined
  /** Numbers / vectors: the flat typed array; strings: one per row. */
  readonly data: ArrayLike<unknown> & { slice?: unknown }
  /** Elements per row (1 for scalars). */
  readonly width: number
  readonly rows: number
  readonly strings: boolean
}

/**
 * A NumPy batch: one `<field>.npy` per field (BulkWriter's NumPy layout, Milvus's NumPy import):
 * scalars as 1-d arrays, vectors as 2-d `[rows, dim]` (binary: `[rows, dim/8]` uint8), VarChar and
 * JSON as unicode strings (JSON as its text), `$meta.npy` the dynamic keys as JSON text. The files
 * are read whole (npyjs) and handed over as columns, `batchRows` rows at a time; vectors stay one
 * flat typed array.
 */
export async function openNumpyReader(paths: readonly string[], schema: CollectionSchema, batchRows: number): Promise<ImportReader> {
  const fields = new Map(schema.fields.map((f) => [f.name, f]))
  const columns: NpyColumn[] = []
  for (const p of paths) columns.push(await readColumn(p, fields))
  const rows = columns[0]?.rows ?? 0
  for (const c of columns) {
    if (c.rows !== rows) throw errors.invalid(`NumPy import: ${c.name}.npy has ${c.rows} rows, ${columns[0]!.name}.npy has ${rows}`, { field: c.name })
  }
  const hasMeta = columns.some((c) => c.name === META_FIELD)
  return {
    totalRows: rows,
    async *chunks(): AsyncGenerator<ImportChunk> {
      for (let start = 0; start < rows; start += batchRows) {
        const end = Math.min(rows, start + batchRows)
        yield { data: hasMeta ? rowsOf(columns, start, end) : columnarOf(columns, start, end), rowCount: end - start }
      }
    },
  }
}

async function readColumn(path: string, fields: ReadonlyMap<string, FieldSchema>): Promise<NpyColumn> {
  const name = basename(path, extname(path))
  const field = fields.get(name)
  const buf = await readFile(path)
  let arr
  try {
    arr = parseNpy(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer)
  } catch (cause) {
    throw errors.invalid(`NumPy import file ${path} cannot be read: ${(cause as Error).message}`, { field: name })
  }
  if (arr.fortranOrder && arr.shape.length > 1) throw errors.invalid(`NumPy import file ${path} is in Fortran order; save it C-ordered`, { field: name })
  const rows = arr.shape[0] ?? 0
  const width = arr.shape.slice(1).reduce((a, b) => a * b, 1)
  const strings = arr.dtype.startsWith('U')
  const wantsVector = field !== undefined && isDenseVectorType(field.dataType)
  if (!wantsVector && width !== 1 && !strings) throw errors.invalid(`NumPy import file ${path}: field ${name} takes one value per row, the array has shape [${arr.shape.join(', ')}]`, { field: name })
  let data = arr.data as unknown as ArrayLike<unknown>
  if (arr.dtype === 'b1') data = Array.from(data as Uint8Array, (b) => b !== 0)
  return { name, field, data, width, rows, strings }
}

/** Rows start..end of a column as the write path takes them. */
function sliceOf(c: NpyColumn, start: number, end: number): unknown {
  const d = c.data
  if (ArrayBuffer.isView(d)) return (d as unknown as Float32Array).subarray(start * c.width, end * c.width)
  const values = (d as unknown[]).slice(start, end)
  if (c.strings && (c.name === META_FIELD || (c.field !== undefined && isJsonText(c.field)))) return values.map((s, i) => jsonText(c.name, s, start + i))
  return values
}

function isJsonText(f: FieldSchema): boolean {
  return f.dataType === DataType.JSON || f.dataType === DataType.Array || f.dataType === DataType.SparseFloatVector
}

function jsonText(name: string, s: unknown, row: number): unknown {
  if (typeof s !== 'string') return s
  try {
    return JSON.parse(s)
  } catch (cause) {
    throw errors.invalid(`NumPy import: ${name} at row ${row} is not valid JSON text: ${(cause as Error).message}`, { field: name, row })
  }
}

function columnarOf(columns: readonly NpyColumn[], start: number, end: number): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const c of columns) out[c.name] = sliceOf(c, start, end)
  return out
}

function rowsOf(columns: readonly NpyColumn[], start: number, end: number): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = Array.from({ length: end - start }, () => ({}))
  for (const c of columns) {
    const values = sliceOf(c, start, end)
    for (let i = 0; i < rows.length; i++) {
      rows[i]![c.name] = c.width === 1 ? (values as ArrayLike<unknown>)[i] : Array.from((values as Float32Array).subarray(i * c.width, (i + 1) * c.width))
    }
  }
  return spreadMeta(rows, start)
}
