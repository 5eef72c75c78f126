import { openAsBlob } from 'node:fs'
import { arrow } from '../../common/arrow.ts'
import { errors } from '../../errors/errors.ts'
import type { ImportChunk, ImportReader } from './import-reader.ts'

type ParquetWasm = typeof import('parquet-wasm')
let parquetWasm: Promise<ParquetWasm> | undefined

/** parquet-wasm (the Rust `parquet` crate in WebAssembly), loaded on first use. */
function loadParquetWasm(): Promise<ParquetWasm> {
  parquetWasm ??= import('parquet-wasm')
  return parquetWasm
}

/**
 * Parquet: read in record batches of `batchRows` (parquet-wasm streams them from the file, so memory
 * is bounded by a batch, not the file), each handed over as an Arrow table (`column/read-arrow-table.ts`
 * takes the columns: List/FixedSizeList vectors as flat typed arrays, `$meta` text as dynamic keys).
 */
export async function openParquetReader(path: string, batchRows: number): Promise<ImportReader> {
  const pq = await loadParquetWasm()
  let file: Awaited<ReturnType<ParquetWasm['ParquetFile']['fromFile']>>
  try {
    file = await pq.ParquetFile.fromFile(await openAsBlob(path))
  } catch (cause) {
    throw errors.invalid(`Parquet import file ${path} cannot be read: ${messageOf(cause)}`)
  }
  const meta = file.metadata()
  const totalRows = meta.fileMetadata().numRows()
  return {
    totalRows,
    async *chunks(): AsyncGenerator<ImportChunk> {
      try {
        const stream = await file.stream({ batchSize: batchRows })
        const reader = stream.getReader()
        for (;;) {
          const { done, value } = await reader.read()
          if (done) break
          const batch = value as { intoIPCStream(): Uint8Array; readonly numRows: number }
          const table = arrow.tableFromIPC(batch.intoIPCStream())
          yield { data: table, rowCount: table.numRows }
        }
      } catch (cause) {
        if (cause instanceof Error && 'code' in cause) throw cause
        throw errors.invalid(`Parquet import file ${path} cannot be read: ${messageOf(cause)}`)
      } finally {
        file.free()
      }
    },
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}
