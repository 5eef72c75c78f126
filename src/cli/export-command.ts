import { createWriteStream, type WriteStream } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { once } from 'node:events'
import { stringify } from 'csv-stringify/sync'
import { qualify } from '../catalog/catalog.ts'
import { arrow } from '../common/arrow.ts'
import { Quiver } from '../engine/quiver.ts'
import { queryRows, type Row } from '../engine/read-ops.ts'
import { errors } from '../errors/errors.ts'
import { type CollectionSchema, type FieldSchema, META_FIELD } from '../schema/collection-schema.ts'
import { DataType } from '../schema/data-type.ts'
import { createProgress } from './progress.ts'

export type ExportFormat = 'parquet' | 'jsonl' | 'csv'

export interface ExportCommandOptions {
  readonly data: string
  readonly format: string
  readonly out?: string
  readonly filter?: string
  /** Comma-separated output fields (default every field, dynamic keys included). */
  readonly fields?: string
  readonly db?: string
}

/** Rows read per query page. */
const pageRows = 10_000

/**
 * `quiver export <collection>`: every matching row, read page by page in primary-key order from one
 * snapshot (the timestamp at the start), written as JSON lines, CSV (vectors, arrays and JSON as JSON
 * text; dynamic keys in a `$meta` column) or Parquet (BulkWriter's layout: vectors as lists, JSON
 * as text, `$meta` text), so the file imports back with `quiver import`. Parquet is built in memory.
 */
export async function exportCommand(collection: string, opts: ExportCommandOptions): Promise<void> {
  const format = formatOf(opts.format)
  const q = await Quiver.open({ path: resolve(opts.data), log: (m) => process.stderr.write(`${m}\n`) })
  try {
    const key = qualify(opts.db, collection)
    const d = q.database.state.collection(key)
    const loaded = await q.loadCollection({ collection_name: collection, ...(opts.db === undefined ? {} : { db_name: opts.db }) })
    if (loaded.code !== 0) throw errors.invalid(loaded.reason)
    const fields = opts.fields === undefined ? ['*'] : opts.fields.split(',').map((f) => f.trim()).filter((f) => f !== '')
    const out = opts.out ?? `${collection}.${format === 'jsonl' ? 'jsonl' : format}`
    const sink = createSink(format, out, d.schema)
    const progress = createProgress(`export ${collection}`)
    const asOf = q.database.latestTs()
    const pk = d.pkField
    const total = Number(await countOf(q, key, opts.filter, asOf))
    let last: bigint | string | undefined
    let n = 0
    for (;;) {
      const keyFilter = last === undefined ? undefined : `${pk.name} > ${typeof last === 'string' ? JSON.stringify(last) : String(last)}`
      const filter = [opts.filter, keyFilter].filter((f) => f !== undefined && f.trim() !== '').map((f) => `(${f})`).join(' and ')
      const rows = await queryRows(q.database, key, { ...(filter === '' ? {} : { filter }), outputFields: [...new Set([...fields, pk.name])], limit: pageRows, asOf })
      if (rows.length === 0) break
      await sink.write(rows)
      n += rows.length
      progress.update(n, total)
      last = rows.at(-1)![pk.name] as bigint | string
      if (rows.length < pageRows) break
    }
    await sink.close()
    progress.stop()
    process.stdout.write(`exported ${n} rows of ${collection} to ${out}\n`)
  } finally {
    await q.close()
  }
}

async function countOf(q: Quiver, key: string, filter: string | undefined, asOf: bigint): Promise<number> {
  const { countRows } = await import('../engine/read-ops.ts')
  return Number(await countRows(q.database, key, { ...(filter === undefined ? {} : { filter }), asOf }))
}

function formatOf(f: string): ExportFormat {
  if (f === 'parquet' || f === 'jsonl' || f === 'csv') return f
  throw errors.invalid(`export format ${f}: expected parquet, jsonl or csv`)
}

interface Sink {
  write(rows: readonly Row[]): Promise<void>
  close(): Promise<void>
}

function createSink(format: ExportFormat, path: string, schema: CollectionSchema): Sink {
  if (format === 'parquet') return parquetSink(path, schema)
  const stream = createWriteStream(path)
  let header: string[] | undefined
  let headerDone = false
  const put = async (text: string) => {
    if (!stream.write(text)) await once(stream, 'drain')
  }
  return {
    write: async (rows) => {
      if (format === 'jsonl') return put(rows.map((r) => jsonLine(r)).join('\n') + '\n')
      const known = new Set(schema.fields.map((f) => f.name))
      header ??= [...Object.keys(rows[0] ?? {}).filter((k) => known.has(k)), ...(schema.enableDynamicField ? [META_FIELD] : [])]
      const records = rows.map((r) => csvRecord(r, header!, known))
      await put(stringify(records, { header: !headerDone, columns: header }))
      headerDone = true
    },
    close: () => closeStream(stream),
  }
}

async function closeStream(s: WriteStream): Promise<void> {
  s.end()
  await once(s, 'finish')
}

/** JSON text with int64 values as bare integer literals (`quiver import` reads them back exactly). */
function jsonLine(r: Row): string {
  return JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `\u0000i64:${v}` : v)).replace(/"\\u0000i64:(-?\d+)"/g, '$1')
}

function csvRecord(r: Row, header: readonly string[], known: ReadonlySet<string>): string[] {
  const meta: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(r)) if (!known.has(k)) meta[k] = v
  return header.map((h) => (h === META_FIELD ? jsonLine(meta) : cellOf(r[h])))
}

function cellOf(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v)
  return jsonLine(v as Row)
}

/** Rows collected as Arrow record batches, one Parquet file at close (parquet-wasm). */
function parquetSink(path: string, schema: CollectionSchema): Sink {
  const batches: InstanceType<typeof arrow.RecordBatch>[] = []
  return {
    write: async (rows) => {
      const names = Object.keys(rows[0] ?? {})
      const children: Record<string, ReturnType<typeof arrow.makeData>> = {}
      const known = new Map(schema.fields.map((f) => [f.name, f]))
      for (const name of names) {
        const f = known.get(name)
        if (f !== undefined) children[name] = columnData(f, rows.map((r) => r[name]))
      }
      if (schema.enableDynamicField) {
        const metas = rows.map((r) => {
          const m: Record<string, unknown> = {}
          for (const [k, v] of Object.entries(r)) if (!known.has(k)) m[k] = v
          return jsonLine(m)
        })
        children[META_FIELD] = arrow.vectorFromArray(metas, new arrow.Utf8()).data[0]!
      }
      batches.push(new arrow.RecordBatch(children))
    },
    close: async () => {
      const pq = await import('parquet-wasm')
      const table = new arrow.Table(batches)
      await writeFile(path, pq.writeParquet(pq.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'))))
    },
  }
}

function columnData(f: FieldSchema, values: unknown[]): ReturnType<typeof arrow.makeData> {
  const t = f.dataType
  const vec = (type: unknown) => arrow.vectorFromArray(values as never, type as never).data[0]!
  if (t === DataType.Bool) return vec(new arrow.Bool())
  if (t === DataType.Int8) return vec(new arrow.Int8())
  if (t === DataType.Int16) return vec(new arrow.Int16())
  if (t === DataType.Int32) return vec(new arrow.Int32())
  if (t === DataType.Int64) return vec(new arrow.Int64())
  if (t === DataType.Float) return vec(new arrow.Float32())
  if (t === DataType.Double) return vec(new arrow.Float64())
  if (t === DataType.VarChar) return vec(new arrow.Utf8())
  if (t === DataType.FloatVector || t === DataType.Int8Vector || t === DataType.BinaryVector) {
    const el = t === DataType.FloatVector ? new arrow.Float32() : t === DataType.Int8Vector ? new arrow.Int8() : new arrow.Uint8()
    return vec(new arrow.List(new arrow.Field('element', el, true)))
  }
  // JSON, Array, sparse vectors and the rest: JSON text (what the import reads back for them).
  return arrow.vectorFromArray(values.map((v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : jsonLine(v as Row))), new arrow.Utf8()).data[0]!
}
