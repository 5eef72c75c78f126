import { decodeColumn } from './batch-decode.ts'
import { encodeColumn } from './batch-encode.ts'
import { batchFormatVersion, corrupt } from './batch-format.ts'
import { ByteReader } from './byte-reader.ts'
import { ChunkWriter } from './chunk-writer.ts'
import type { Column, ColumnBatch } from './column.ts'

/**
 * The binary form of a `ColumnBatch` (the data payload of WAL records). Little-endian; offsets of
 * typed-array sections are padded to 8 bytes from the batch start, so a batch that starts 8-aligned
 * decodes without copying.
 *
 * ```
 * batch   = u8 version(1) | 3 zero bytes | u32 rowCount | u32 columnCount | column*
 * column  = str name | u8 kind (= DataType number) | u8 flags (1 = has validBits)
 *           | [validBits: u32 capacity | u32 wordCount | pad8 | u32 words…]  | values
 * values  = fixed-width & vectors: [u32 dim, vectors only] | u32 count | pad8 | raw elements
 *           varchar: u32 utf8Bytes | pad8 | u32 byteLength[rowCount] | utf8 bytes
 *           json, array: u32 sectionBytes | value[rowCount]
 *           sparse: u32 nnz | pad8 | u32 rowNnz[rowCount] | u32 indices[nnz] | f32 values[nnz]
 *           vectorArray: u32 dim | u8 element kind | 3 zero | u32 totalBytes | pad8 | u32 rowBytes[rowCount] | raw
 * str     = u32 byteLength | utf8
 * value   = u8 tag | body: null, undefined, false, true (no body) | i32 | f64 | str | i64 (bigint)
 *           | str (bigint beyond int64, decimal) | u32 n, value×n (array) | u32 n, (str, value)×n (object)
 * ```
 * Strings are UTF-8 (a lone surrogate becomes U+FFFD). Decoded typed arrays are views of the input
 * when aligned (copies otherwise): do not reuse the input buffer while the batch is alive.
 */
export { batchFormatVersion } from './batch-format.ts'
export { batchValueDepthMax } from './batch-values.ts'

/**
 * The batch as chunks to write in order (e.g. with writev). Typed-array columns are returned as
 * views of their own memory, not copied: do not change them until the chunks are written.
 */
export function encodeBatch(batch: ColumnBatch): Uint8Array[] {
  const w = new ChunkWriter()
  w.u8(batchFormatVersion)
  w.zeros(3)
  w.u32(batch.rowCount)
  w.u32(batch.columns.size)
  for (const [name, column] of batch.columns) encodeColumn(w, name, column, batch.rowCount)
  return w.finish()
}

/**
 * The batch encoded in `bytes` (which may be a view anywhere in a bigger buffer). Truncated or
 * damaged input throws an io error (code 2100) saying what could not be read.
 */
export function decodeBatch(bytes: Uint8Array): ColumnBatch {
  const r = new ByteReader(bytes)
  const version = r.u8('format version')
  if (version !== batchFormatVersion) throw corrupt(`format version ${version}, this build reads ${batchFormatVersion}`)
  r.zeros(3)
  const rowCount = r.u32('row count')
  const columnCount = r.u32('column count')
  const columns = new Map<string, Column>()
  for (let i = 0; i < columnCount; i++) {
    const name = r.str('column name')
    if (columns.has(name)) throw corrupt(`column ${name} appears twice`)
    columns.set(name, decodeColumn(r, name, rowCount))
  }
  if (r.remaining !== 0) throw corrupt(`${r.remaining} bytes after the last column`)
  return { rowCount, columns }
}
