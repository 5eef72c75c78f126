/**
 * Upsert benchmark driver for LanceDB (`@lancedb/lancedb`, `mergeInsert('id')` update-all /
 * insert-all for every batch, on a table created empty). Generates the same data as
 * bench/upsert.ts (see bench/README.md "Data"), prints one JSON line on stdout; progress on stderr.
 * Run by bench/upsert.ts; by hand: `node bench/peers/lancedb-upsert.mjs --dir /tmp/l --rows 20000`.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import * as arrow from 'apache-arrow'
import * as lancedb from '@lancedb/lancedb'

const dim = 128
const overwriteNOffset = 1_000_000_000_000n
const tableName = 'bench'

/** `count` outputs of mulberry32(seed) starting at output `start` (same as src/vector/seeded-random.ts). */
function vectors(seed, firstRow, rowCount) {
  const out = new Float32Array(rowCount * dim)
  let s = (seed + Math.imul(firstRow * dim, 0x6d2b79f5)) >>> 0
  for (let i = 0; i < out.length; i++) {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1
  }
  return out
}

/** Sum of the float32 bit patterns mod 2^32. */
function fingerprint(vecs) {
  const bits = new Uint32Array(vecs.buffer, vecs.byteOffset, vecs.length)
  let sum = 0
  for (let i = 0; i < bits.length; i++) sum = (sum + bits[i]) >>> 0
  return sum
}

const schema = new arrow.Schema([
  new arrow.Field('id', new arrow.Int64(), false),
  new arrow.Field('n', new arrow.Int64(), false),
  new arrow.Field('title', new arrow.Utf8(), false),
  new arrow.Field('vec', new arrow.FixedSizeList(dim, new arrow.Field('item', new arrow.Float32(), true)), false),
])

/** One Arrow table (LanceDB's input format) for keys/vecs; built outside the timed region. */
function makeBatch(keys, vecs, version) {
  const offset = version === 1 ? overwriteNOffset : 0n
  const n = new BigInt64Array(keys.length)
  const titles = new Array(keys.length)
  for (let i = 0; i < keys.length; i++) {
    n[i] = keys[i] + offset
    titles[i] = `row ${keys[i]} v${version}`
  }
  const vecType = schema.fields[3].type
  const vecData = arrow.makeData({
    type: vecType,
    length: keys.length,
    nullCount: 0,
    child: arrow.makeData({ type: new arrow.Float32(), length: vecs.length, nullCount: 0, data: vecs }),
  })
  const batch = new arrow.RecordBatch(schema, arrow.makeData({
    type: new arrow.Struct(schema.fields),
    length: keys.length,
    nullCount: 0,
    children: [
      arrow.makeData({ type: new arrow.Int64(), length: keys.length, nullCount: 0, data: keys }),
      arrow.makeData({ type: new arrow.Int64(), length: keys.length, nullCount: 0, data: n }),
      arrow.vectorFromArray(titles, new arrow.Utf8()).data[0],
      vecData,
    ],
  }))
  return new arrow.Table(schema, [batch])
}

function loadKeys(start, count) {
  const keys = new BigInt64Array(count)
  for (let i = 0; i < count; i++) keys[i] = BigInt(start + i)
  return keys
}

/** Keys of overwrite rows first..first+count-1: floor(j * rows / overwriteCount). */
function overwriteKeys(rows, overwriteCount, first, count) {
  const keys = new BigInt64Array(count)
  for (let i = 0; i < count; i++) keys[i] = BigInt(Math.floor(((first + i) * rows) / overwriteCount))
  return keys
}

async function runPhase(table, total, batchRows, makeNext) {
  let ms = 0
  for (let start = 0; start < total; start += batchRows) {
    const data = makeNext(start, Math.min(batchRows, total - start))
    const t0 = performance.now()
    const result = await table.mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(data)
    ms += performance.now() - t0
    const written = Number(result.numInsertedRows) + Number(result.numUpdatedRows)
    if (written !== data.numRows) throw new Error(`mergeInsert wrote ${written} of ${data.numRows}`)
    if ((start / batchRows) % 10 === 9) process.stderr.write(`lancedb ${start + data.numRows}/${total}\n`)
  }
  return ms
}

async function verify(table, rows, overwriteCount) {
  const count = await table.countRows()
  if (count !== rows) throw new Error(`countRows ${count} != ${rows}`)
  if (overwriteCount === 0) return
  const probes = overwriteKeys(rows, overwriteCount, 0, overwriteCount)
  const keys = [probes[0], probes[overwriteCount >> 1], probes[overwriteCount - 1]]
  const list = keys.join(', ')
  const got = await table.query().where(`id IN (${list})`).select(['id', 'n', 'title']).toArray()
  if (got.length !== keys.length) throw new Error(`got ${got.length} rows for ids ${list}`)
  for (const row of got) {
    const k = BigInt(row.id)
    if (BigInt(row.n) !== k + overwriteNOffset || row.title !== `row ${k} v1`) {
      throw new Error(`key ${k}: got n=${row.n} title=${row.title}`)
    }
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string' },
      rows: { type: 'string', default: '1000000' },
      batch: { type: 'string', default: '10000' },
      overwrite: { type: 'string', default: '0.1' },
      seed: { type: 'string', default: '42' },
    },
  })
  if (values.dir === undefined) throw new Error('--dir is required')
  const rows = Number(values.rows)
  const batchRows = Number(values.batch)
  const seed = Number(values.seed)
  const overwriteCount = Math.round(rows * Number(values.overwrite))
  let fp = 0
  const loadNext = (start, count) => {
    const vecs = vectors(seed, start, count)
    fp = (fp + fingerprint(vecs)) >>> 0
    return makeBatch(loadKeys(start, count), vecs, 0)
  }
  const overwriteNext = (start, count) => {
    const vecs = vectors(seed + 1, start, count)
    fp = (fp + fingerprint(vecs)) >>> 0
    return makeBatch(overwriteKeys(rows, overwriteCount, start, count), vecs, 1)
  }

  let db = await lancedb.connect(values.dir)
  let table = await db.createEmptyTable(tableName, schema)
  const loadMs = await runPhase(table, rows, batchRows, loadNext)
  const overwriteMs = await runPhase(table, overwriteCount, batchRows, overwriteNext)
  await verify(table, rows, overwriteCount)
  const versionCount = await table.version()
  table.close()
  db.close()

  const t0 = performance.now()
  db = await lancedb.connect(values.dir)
  table = await db.openTable(tableName)
  const reopenMs = performance.now() - t0
  const reopenedCount = await table.countRows()
  const firstCountMs = performance.now() - t0
  if (reopenedCount !== rows) throw new Error(`after reopen countRows ${reopenedCount} != ${rows}`)
  table.close()
  db.close()

  const packageUrl = new URL('node_modules/@lancedb/lancedb/package.json', import.meta.url)
  const version = JSON.parse(readFileSync(packageUrl, 'utf8')).version
  process.stdout.write(`${JSON.stringify({
    system: 'LanceDB',
    version: `@lancedb/lancedb ${version}`,
    rows,
    overwriteRows: overwriteCount,
    batch: batchRows,
    loadMs,
    overwriteMs,
    flushMs: null,
    reopenMs,
    firstCountMs,
    fingerprint: fp,
    verified: true,
    notes: [`${versionCount} table versions (one commit per mergeInsert)`],
  })}\n`)
}

await main()
