// `quiver import`, `export`, `backup` and `restore` as a user runs them (child processes): files
// imported into a data directory, exported in the three formats and imported back identical, the
// directory refused while another process holds it, and a backup taken while a server writes
// restores with every write acknowledged before it started.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { MilvusClient } from '@zilliz/milvus2-sdk-node'
import { Quiver } from '../index.ts'
import { serveChild } from '../../test/support/serve-child.ts'

const main = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './main.ts' : './main.js', import.meta.url))
// tsx by absolute URL: the commands run in a temporary working directory.
const execArgv = main.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : []
const exec = promisify(execFile)

async function run(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, [...execArgv, main, ...args], { cwd, encoding: 'utf8', timeout: 60_000 })
    return { code: 0, stdout: r.stdout, stderr: r.stderr }
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string }
    return { code: x.code, stdout: x.stdout, stderr: x.stderr }
  }
}

const fields = [
  { name: 'id', data_type: 'Int64', is_primary_key: true },
  { name: 'vec', data_type: 'FloatVector', dim: 3 },
  { name: 'title', data_type: 'VarChar', max_length: 32 },
  { name: 'tags', data_type: 'Array', element_type: 'VarChar', max_capacity: 3, max_length: 8 },
]

describe('quiver import / export / backup / restore', () => {
  let dir: string
  let data: string
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'quiver-cli-io-'))
    data = join(dir, 'data')
    const q = await Quiver.open(data)
    for (const name of ['book', 'fromJsonl', 'fromCsv', 'fromParquet']) {
      const r = await q.createCollection({ collection_name: name, fields, enable_dynamic_field: true })
      assert.equal(r.error_code, 'Success', r.reason)
    }
    await q.close()
    const rows = Array.from({ length: 50 }, (_, i) => ({ id: i === 0 ? '9007199254740993' : i, vec: [i, 0.5, -1], title: `t${i}`, tags: ['a', `b${i}`], color: i % 2 ? 'red' : 'blue' }))
    writeFileSync(join(dir, 'rows.json'), JSON.stringify(rows).replace('"9007199254740993"', '9007199254740993'))
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('imports a file (relative path), then exports jsonl, csv and parquet that import back to the same rows', async () => {
    const imp = await run(dir, 'import', 'book', 'rows.json', '--data', data)
    assert.equal(imp.code, 0, imp.stderr)
    assert.match(imp.stdout, /imported 50 rows into book/)
    for (const [format, target] of [['jsonl', 'fromJsonl'], ['csv', 'fromCsv'], ['parquet', 'fromParquet']] as const) {
      const out = join(dir, `book.${format}`)
      const ex = await run(dir, 'export', 'book', '--data', data, '--format', format, '--out', out, '--filter', 'id != 7')
      assert.equal(ex.code, 0, ex.stderr)
      assert.match(ex.stdout, /exported 49 rows/)
      const file = format === 'jsonl' ? join(dir, 'book-lines.json') : out
      if (format === 'jsonl') writeFileSync(file, `[${readFileSync(out, 'utf8').trim().split('\n').join(',')}]`)
      const back = await run(dir, 'import', target, file, '--data', data)
      assert.equal(back.code, 0, `${format}: ${back.stderr}`)
    }
    const q = await Quiver.open(data)
    try {
      const want = await q.query({ collection_name: 'book', filter: 'id != 7', output_fields: ['*'] })
      for (const target of ['fromJsonl', 'fromCsv', 'fromParquet']) {
        const got = await q.query({ collection_name: target, filter: '', output_fields: ['*'] })
        assert.equal(got.data.length, 49, target)
        assert.deepEqual(got.data, want.data, target)
      }
      assert.equal(want.data.find((r) => r.id === '9007199254740993')?.color, 'blue')
    } finally {
      await q.close()
    }
  })

  it('exits 1 with the reason when the job fails, and 2 when the directory is held by another process', async () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify([{ id: 1000, vec: [1, 2], title: 'x', tags: [] }]))
    const bad = await run(dir, 'import', 'book', 'bad.json', '--data', data)
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /import failed: .*vec/)
    const q = await Quiver.open(data)
    try {
      const held = await run(dir, 'import', 'book', 'rows.json', '--data', data)
      assert.equal(held.code, 2)
      assert.match(held.stderr, /in use by process \d+/)
      const ex = await run(dir, 'export', 'book', '--data', data, '--format', 'csv')
      assert.equal(ex.code, 2)
    } finally {
      await q.close()
    }
  })

  it('a backup taken while a server writes restores with every write acknowledged before it started', { timeout: 120_000 }, async () => {
    const served = await serveChild(data)
    const client = new MilvusClient({ address: served.address, logLevel: 'error' })
    let acked = 0
    let writing = true
    const writer = (async () => {
      for (let b = 0; writing && b < 400; b++) {
        const rows = Array.from({ length: 50 }, (_, i) => ({ id: 10_000 + b * 50 + i, vec: [b, i, 1], title: 'w', tags: [] }))
        const r = await client.insert({ collection_name: 'book', data: rows })
        assert.equal(r.status.error_code, 'Success', r.status.reason)
        acked = 10_000 + (b + 1) * 50
      }
    })()
    try {
      while (acked < 12_000) await new Promise((r) => setTimeout(r, 20))
      const ackedBefore = acked
      const b = await run(dir, 'backup', data, join(dir, 'backup'))
      assert.equal(b.code, 0, b.stderr)
      writing = false
      await writer
      const r = await run(dir, 'restore', join(dir, 'backup'), join(dir, 'restored'))
      assert.equal(r.code, 0, r.stderr)
      const q = await Quiver.open(join(dir, 'restored'))
      try {
        const got = await q.query({ collection_name: 'book', filter: `id >= 10000 and id < ${ackedBefore}`, output_fields: ['count(*)'] })
        assert.equal(Number(got.data[0]!['count(*)']), ackedBefore - 10_000)
      } finally {
        await q.close()
      }
    } finally {
      writing = false
      await writer.catch(() => undefined)
      await client.closeConnection()
      await served.stop()
    }
  })
})
