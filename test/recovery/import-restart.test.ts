// A bulk import survives a crash: `quiver serve` is killed (SIGKILL) while a job imports a Parquet
// file; after the restart the job's partial rows are rolled back and the job runs again, ending
// Completed with every row exactly once (a leftover row would make the re-run's insert fail).
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, it } from 'node:test'
import { MilvusClient } from '@zilliz/milvus2-sdk-node'
import { Table as WasmTable, writeParquet } from 'parquet-wasm'
import { arrow } from '../../src/common/arrow.ts'
import { serveChild } from '../support/serve-child.ts'

const dim = 32
const rows = 60_000
const pollMs = 20
const waitMsMax = 120_000

function parquetBytes(): Uint8Array {
  const ids = BigInt64Array.from({ length: rows }, (_, i) => BigInt(i))
  const flat = Float32Array.from({ length: rows * dim }, (_, k) => (k % 97) / 97)
  const offsets = Int32Array.from({ length: rows + 1 }, (_, i) => i * dim)
  const vec = arrow.makeData({ type: new arrow.List(new arrow.Field('element', new arrow.Float32(), true)), length: rows, valueOffsets: offsets, child: arrow.makeData({ type: new arrow.Float32(), length: rows * dim, data: flat }) })
  const batch = new arrow.RecordBatch({ id: arrow.makeData({ type: new arrow.Int64(), length: rows, data: ids }), vec })
  const bytes = writeParquet(WasmTable.fromIPCStream(arrow.tableToIPC(new arrow.Table([batch]), 'stream')))
  return bytes
}

let dir = ''
after(async () => {
  if (dir !== '') await rm(dir, { recursive: true, force: true })
})

async function until<T>(what: string, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + waitMsMax
  while (Date.now() < deadline) {
    const v = await fn()
    if (v !== undefined) return v
    await new Promise((r) => setTimeout(r, pollMs))
  }
  throw new Error(`timed out waiting for ${what}`)
}

it('a job cut by SIGKILL is rolled back and run again after the restart: every row exactly once', { timeout: 240_000 }, async () => {
  dir = await mkdtemp(join(tmpdir(), 'quiver-import-restart-'))
  const file = join(dir, 'rows.parquet')
  await writeFile(file, parquetBytes())
  const data = join(dir, 'data')
  const first = await serveChild(data)
  let client = new MilvusClient({ address: first.address, logLevel: 'error' })
  try {
    const c = await client.createCollection({ collection_name: 'big', fields: [{ name: 'id', data_type: 'Int64', is_primary_key: true }, { name: 'vec', data_type: 'FloatVector', dim }] })
    assert.equal(c.error_code, 'Success', c.reason)
    const r = await client.bulkInsert({ collection_name: 'big', files: [file] })
    assert.equal(r.status.error_code, 'Success', r.status.reason)
    const task = String(r.tasks[0])
    const mid = await until('rows imported mid-job', async () => {
      const s = await client.getImportState({ task } as never)
      return s.state === 'ImportStarted' && Number(s.row_count) > 0 ? s : undefined
    })
    process.kill(first.child.pid!, 'SIGKILL')
    await first.stop()
    assert.ok(Number(mid.row_count) < rows, `killed mid-job at ${mid.row_count} rows`)
    await client.closeConnection()

    const second = await serveChild(data)
    client = new MilvusClient({ address: second.address, logLevel: 'error' })
    try {
      const done = await until('the job to finish after the restart', async () => {
        const s = await client.getImportState({ task } as never)
        return s.state === 'ImportCompleted' || s.state === 'ImportFailed' ? s : undefined
      })
      assert.equal(done.state, 'ImportCompleted', JSON.stringify(done.infos))
      assert.equal(String(done.row_count), String(rows))
      await client.loadCollection({ collection_name: 'big' })
      const count = await client.query({ collection_name: 'big', filter: '', output_fields: ['count(*)'] })
      assert.equal(Number(count.data[0]!['count(*)']), rows)
      assert.match(second.stderr(), /cut short by a restart: \d+ rows rolled back/)
    } finally {
      await client.closeConnection()
      assert.equal(await second.stop(), 0)
    }
  } finally {
    await first.stop()
  }
})
