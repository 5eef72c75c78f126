import { createReadStream } from 'node:fs'
import { parse } from 'csv-parse'
import { errors } from '../../errors/errors.ts'
import { type CollectionSchema, type FieldSchema, META_FIELD } from '../../schema/collection-schema.ts'
import { DataType } from '../../schema/data-type.ts'
import type { ImportChunk, ImportReader } from './import-reader.ts'
import { spreadMeta } from './import-reader.ts'

/** Options of a CSV import (Milvus's `sep` and `nullkey` import options). */
export interface CsvOptions {
  /** Field separator, one character (default `,`). */
  readonly sep?: string
  /** A cell equal to this is null (default the empty string). */
  readonly nullKey?: string
}

/**
 * CSV: a header row of field names, then one row per entity, as pymilvus's BulkWriter writes it:
 * vectors, arrays, JSON, sparse vectors and `$meta` as JSON text; numbers and booleans as text; a
 * cell equal to `nullKey` is null. Streamed: the file is parsed as it is read, `batchRows` rows at a time.
 * The rows are counted with a first pass over the file (cheap next to parsing the values).
 */
export async function openCsvReader(path: string, schema: CollectionSchema, batchRows: number, opts: CsvOptions = {}): Promise<ImportReader> {
  const sep = opts.sep ?? ','
  if (sep.length !== 1) throw errors.invalid(`CSV import option sep must be one character, got ${JSON.stringify(sep)}`)
  const nullKey = opts.nullKey ?? ''
  const fields = new Map(schema.fields.map((f) => [f.name, f]))
  const totalRows = await countRecords(path, sep)
  return {
    totalRows,
    async *chunks(): AsyncGenerator<ImportChunk> {
      let rows: Record<string, unknown>[] = []
      let rowIndex = 0
      for await (const record of csvRecords(path, sep)) {
        rows.push(convertRecord(record as Record<string, string>, fields, nullKey, rowIndex++))
        if (rows.length === batchRows) {
          yield { data: spreadMeta(rows, rowIndex - rows.length), rowCount: rows.length }
          rows = []
        }
      }
      if (rows.length > 0) yield { data: spreadMeta(rows, rowIndex - rows.length), rowCount: rows.length }
    },
  }
}

function csvRecords(path: string, sep: string) {
  return createReadStream(path).pipe(parse({ columns: true, delimiter: sep, bom: true, relax_column_count: false }))
}

async function countRecords(path: string, sep: string): Promise<number> {
  let n = 0
  try {
    for await (const _ of createReadStream(path).pipe(parse({ columns: true, delimiter: sep, bom: true }))) n++
  } catch (cause) {
    throw errors.invalid(`CSV import file ${path} cannot be parsed: ${(cause as Error).message}`)
  }
  return n
}

function convertRecord(record: Record<string, string>, fields: ReadonlyMap<string, FieldSchema>, nullKey: string, row: number): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, cell] of Object.entries(record)) {
    const field = fields.get(name)
    if (cell === nullKey) {
      if (field !== undefined) out[name] = null
      continue
    }
    if (name === META_FIELD) {
      out[name] = jsonCell(name, cell, row)
      continue
    }
    out[name] = field === undefined ? dynamicCell(cell) : fieldCell(field, cell, row)
  }
  return out
}

/** One cell as the value the write path checks for the field (a wrong value is refused there, with the row). */
function fieldCell(field: FieldSchema, cell: string, row: number): unknown {
  switch (field.dataType) {
    case DataType.Bool:
      return cell === 'true' || cell === 'True' ? true : cell === 'false' || cell === 'False' ? false : cell
    case DataType.Int8:
    case DataType.Int16:
    case DataType.Int32:
    case DataType.Float:
    case DataType.Double:
      return numberCell(cell)
    case DataType.Int64:
      return cell
    case DataType.VarChar:
    case DataType.String:
    case DataType.Geometry:
    case DataType.Timestamptz:
      return cell
    default:
      return jsonCell(field.name, cell, row)
  }
}

function numberCell(cell: string): unknown {
  const n = Number(cell)
  return cell.trim() === '' || Number.isNaN(n) ? cell : n
}

function jsonCell(name: string, cell: string, row: number): unknown {
  try {
    return JSON.parse(cell)
  } catch (cause) {
    throw errors.invalid(`CSV cell of field ${name} at row ${row} is not valid JSON: ${(cause as Error).message}`, { field: name, row })
  }
}

/** A column that is not a field: JSON text if it parses, else the string. */
function dynamicCell(cell: string): unknown {
  try {
    return JSON.parse(cell)
  } catch {
    return cell
  }
}
