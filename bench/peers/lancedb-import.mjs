/**
 * Parquet ingest for LanceDB (`createTable` from the whole file, read with parquet-wasm into
 * apache-arrow): the peer of bench/import.ts. Prints one JSON line { system, rows, seconds, note }.
 * By hand: `node bench/peers/lancedb-import.mjs --file rows.parquet --dir /tmp/lance`.
 */
import { readFileSync, rmSync } from 'node:fs'
import { parseArgs } from 'node:util'
import * as arrow from 'apache-arrow'
import * as lancedb from '@lancedb/lancedb'
import { readParquet } from 'parquet-wasm'

const { values } = parseArgs({ options: { file: { type: 'string' }, dir: { type: 'string' } } })
rmSync(values.dir, { recursive: true, force: true })
const start = performance.now()
const table = arrow.tableFromIPC(readParquet(readFileSync(values.file)).intoIPCStream())
const db = await lancedb.connect(values.dir)
const t = await db.createTable('bench', table)
const seconds = (performance.now() - start) / 1000
const rows = await t.countRows()
console.log(JSON.stringify({ system: 'LanceDB createTable from the Parquet file', rows, seconds, note: '@lancedb/lancedb 0.37.1; no fsync' }))
