import { readFile, stat } from 'node:fs/promises'
import { errors } from '../../errors/errors.ts'
import type { CollectionSchema } from '../../schema/collection-schema.ts'
import type { ImportChunk, ImportReader } from './import-reader.ts'
import { spreadMeta } from './import-reader.ts'

/** A JSON import file is parsed whole: at most this many bytes (a JS string's practical limit). */
export const jsonFileBytesMax = 512 * 1024 * 1024

/**
 * JSON rows: `{"rows": [{...}, ...]}` (BulkWriter's layout) or a top-level array of row objects;
 * `.jsonl`: one row object per line.
 * Integer literals beyond ±2^53 are read as decimal strings, so Int64 values keep every digit
 * (the SDK's JsonFormatter writes them bare).
 */
export async function openJsonReader(path: string, _schema: CollectionSchema, batchRows: number): Promise<ImportReader> {
  const size = (await stat(path)).size
  if (size > jsonFileBytesMax) {
    throw errors.invalid(`JSON import file ${path} has ${size} bytes, the limit is ${jsonFileBytesMax}; split it, or use Parquet`)
  }
  const text = keepBigIntegers(await readFile(path, 'utf8'))
  let doc: unknown
  try {
    // JSON lines (pymilvus's BulkFileType.JSONL): one row object per line.
    doc = path.toLowerCase().endsWith('.jsonl') ? text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l)) : JSON.parse(text)
  } catch (cause) {
    throw errors.invalid(`JSON import file ${path} is not valid JSON: ${(cause as Error).message}`)
  }
  const rows = rowsOf(doc, path)
  return {
    totalRows: rows.length,
    async *chunks(): AsyncGenerator<ImportChunk> {
      for (let start = 0; start < rows.length; start += batchRows) {
        const slice = rows.slice(start, start + batchRows)
        yield { data: spreadMeta(slice, start), rowCount: slice.length }
      }
    },
  }
}

function rowsOf(doc: unknown, path: string): Record<string, unknown>[] {
  const rows = Array.isArray(doc) ? doc : (doc as { rows?: unknown } | null)?.rows
  if (!Array.isArray(rows)) throw errors.invalid(`JSON import file ${path}: expected {"rows": [...]} or an array of rows`)
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]
    if (r === null || typeof r !== 'object' || Array.isArray(r)) throw errors.invalid(`JSON import file ${path}: row ${i} is not an object`, { row: i })
  }
  return rows as Record<string, unknown>[]
}

/** Integer literals outside strings whose value is not a safe double, quoted; every other byte as is. */
const bigIntegerLiteral = /"(?:[^"\\]|\\.)*"|(?<![\d.eE+-])-?\d{16,}(?![.eE\d])/g

function keepBigIntegers(text: string): string {
  if (!/\d{16}/.test(text)) return text
  return text.replace(bigIntegerLiteral, (m) => (m.charCodeAt(0) === 34 || Number.isSafeInteger(Number(m)) ? m : `"${m}"`))
}
