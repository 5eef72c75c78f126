import { errors } from '../../errors/errors.ts'
import type { CollectionSchema } from '../../schema/collection-schema.ts'
import type { ImportFileGroup } from './import-files.ts'
import { openCsvReader } from './read-csv.ts'
import { openJsonReader } from './read-json.ts'
import { openNumpyReader } from './read-numpy.ts'
import { openParquetReader } from './read-parquet.ts'

/** A slice of a file's rows, as write `data` the normal write path takes (rows, columns or an Arrow table). */
export interface ImportChunk {
  readonly data: unknown
  readonly rowCount: number
}

/** Reads one file group in bounded chunks. */
export interface ImportReader {
  /** Rows in the group, known once it is opened. */
  readonly totalRows: number
  /** The rows, `batchRows` at most per chunk, in file order. */
  chunks(): AsyncGenerator<ImportChunk>
}

/** Opens a file group of any layout. */
export function openImportReader(group: ImportFileGroup, schema: CollectionSchema, batchRows: number, options: Readonly<Record<string, string>> = {}): Promise<ImportReader> {
  switch (group.format) {
    case 'json':
      return openJsonReader(group.paths[0]!, schema, batchRows)
    case 'parquet':
      return openParquetReader(group.paths[0]!, batchRows)
    case 'csv':
      return openCsvReader(group.paths[0]!, schema, batchRows, {
        ...(options.sep === undefined ? {} : { sep: options.sep }),
        ...(options.nullkey === undefined ? {} : { nullKey: options.nullkey }),
      })
    case 'numpy':
      return openNumpyReader(group.paths, schema, batchRows)
  }
}

/** Rows whose `$meta` object (BulkWriter's dynamic keys) is spread into the row, as the write path takes them. */
export function spreadMeta(rows: readonly Record<string, unknown>[], row0: number): Record<string, unknown>[] {
  const out = new Array<Record<string, unknown>>(rows.length)
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!
    if (r === null || typeof r !== 'object' || Array.isArray(r)) {
      out[i] = r
      continue
    }
    const meta = r.$meta
    if (meta === undefined) {
      out[i] = r
      continue
    }
    const { $meta: _, ...rest } = r
    if (meta !== null && typeof meta === 'object' && !Array.isArray(meta)) {
      for (const [k, v] of Object.entries(meta)) {
        if (Object.hasOwn(rest, k)) throw metaClash(k, row0 + i)
        rest[k] = v
      }
    } else if (meta !== null) {
      throw metaNotObject(row0 + i)
    }
    out[i] = rest
  }
  return out
}

function metaClash(key: string, row: number) {
  return errors.invalid(`$meta of row ${row} has key ${key}, which the row also has`, { row, field: key })
}

function metaNotObject(row: number) {
  return errors.invalid(`$meta of row ${row} must be an object of dynamic keys`, { row })
}
