// Bulk import through the embedded API: files written by the Node SDK's BulkWriter (JSON rows,
// Parquet), CSV by csv-stringify and NumPy batches by npyjs are imported as jobs and read back;
// a bad file fails its job with nothing of it visible; jobs are kept across a reopen.
import assert from 'node:assert/strict'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { BulkWriter, DataType as SdkDataType } from '@zilliz/milvus2-sdk-node'
import { stringify } from 'csv-stringify/sync'
import { dump } from 'npyjs'
import { Quiver } from '../quiver.ts'
import { importJobsOf } from './import-jobs.ts'

const dim = 4
const sdkSchema = {
  enable_dynamic_field: true,
  fields: [
    { name: 'id', data_type: SdkDataType.Int64, is_primary_key: true },
    { name: 'vec', data_type: SdkDataType.FloatVector, dim },
    { name: 'title', data_type: SdkDataType.VarChar, max_length: 64 },
    { name: 'meta', data_type: SdkDataType.JSON },
    { name: 'tags', data_type: SdkDataType.Array, element_type: SdkDataType.VarChar, max_capacity: 4, max_length: 16 },
  ],
}

function row(i: number) {
  return { id: 9007199254740993n + BigInt(i), vec: [i, 1, 2, 3], title: `t${i}`, meta: { a: i }, tags: ['x'], extra: i }
}

async function bulkWrite(dir: string, format: 'json' | 'parquet', from: number, n: number): Promise<string[]> {
  const w = new BulkWriter({ schema: sdkSchema as never, format, localPath: dir })
  for (let i = from; i < from + n; i++) await w.append(row(i))
  return (await w.close()).flat()
}

async function createBook(q: Quiver, name: string): Promise<void> {
  const r = await q.createCollection({ collection_name: name, fields: sdkSchema.fields, enable_dynamic_field: true })
  assert.equal(r.error_code, 'Success', r.reason)
}

async function importAndWait(q: Quiver, name: string, files: string[]) {
  const r = await q.bulkInsert({ collection_name: name, files })
  assert.equal(r.status.error_code, 'Success', r.status.reason)
  await importJobsOf(q.database).whenDone(r.tasks[0]!)
  return q.getImportState({ task: r.tasks[0] })
}

describe('bulk import (embedded)', () => {
  let dir: string
  let q: Quiver
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-import-'))
    q = await Quiver.open({ path: join(dir, 'data'), importRootPath: dir })
  })
  after(async () => {
    await q.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('imports BulkWriter JSON and Parquet files: every field, Int64 beyond 2^53 exact, $meta as dynamic keys', async () => {
    await createBook(q, 'book')
    const json = await bulkWrite(join(dir, 'json'), 'json', 0, 30)
    const parquet = await bulkWrite(join(dir, 'parquet'), 'parquet', 30, 30)
    for (const files of [json, parquet]) {
      const s = await importAndWait(q, 'book', files)
      assert.equal(s.state, 'ImportCompleted', JSON.stringify(s.infos))
      assert.equal(s.row_count, '30')
      assert.equal(s.infos.find((i) => i.key === 'progress_percent')?.value, '100')
    }
    const res = await q.query({ collection_name: 'book', filter: 'extra in [0, 45]', output_fields: ['*'] })
    assert.equal(res.status.error_code, 'Success', res.status.reason)
    const byId = new Map(res.data.map((r) => [String(r.id), r]))
    const r45 = byId.get(String(9007199254740993n + 45n))
    assert.ok(r45, 'row 45 from the Parquet file, its key exact')
    assert.deepEqual(r45.vec, [45, 1, 2, 3])
    assert.equal(r45.title, 't45')
    assert.deepEqual(r45.meta, { a: 45 })
    assert.deepEqual(r45.tags, ['x'])
    assert.equal(r45.extra, 45)
    assert.ok(byId.has(String(9007199254740993n)), 'row 0 from the JSON file')
    const count = await q.count({ collection_name: 'book' })
    assert.equal(Number(count.data), 60)
  })

  it('imports CSV (vectors and JSON as text, $meta column) and a NumPy batch (one .npy per field)', async () => {
    await createBook(q, 'book2')
    const rows = Array.from({ length: 20 }, (_, i) => row(i))
    const csv = stringify(
      rows.map((r) => ({ id: String(r.id), vec: JSON.stringify(r.vec), title: r.title, meta: JSON.stringify(r.meta), tags: JSON.stringify(r.tags), $meta: JSON.stringify({ extra: r.extra }) })),
      { header: true },
    )
    await writeFile(join(dir, 'rows.csv'), csv)
    let s = await importAndWait(q, 'book2', ['rows.csv'])
    assert.equal(s.state, 'ImportCompleted', JSON.stringify(s.infos))
    assert.equal(s.row_count, '20')

    const npyDir = join(dir, 'npy')
    await mkdir(npyDir)
    const n = 10
    await writeFile(join(npyDir, 'id.npy'), new Uint8Array(dump(BigInt64Array.from({ length: n }, (_, i) => 100n + BigInt(i)), [n])))
    await writeFile(join(npyDir, 'vec.npy'), new Uint8Array(dump(Float32Array.from({ length: n * dim }, (_, k) => k), [n, dim])))
    await writeFile(join(npyDir, 'title.npy'), new Uint8Array(dump(Array.from({ length: n }, (_, i) => `n${i}`), [n])))
    await writeFile(join(npyDir, 'meta.npy'), new Uint8Array(dump(Array.from({ length: n }, (_, i) => JSON.stringify({ b: i })), [n])))
    await writeFile(join(npyDir, 'tags.npy'), new Uint8Array(dump(Array.from({ length: n }, () => '["y"]'), [n])))
    s = await importAndWait(q, 'book2', [join(npyDir, 'id.npy'), join(npyDir, 'vec.npy'), join(npyDir, 'title.npy'), join(npyDir, 'meta.npy'), join(npyDir, 'tags.npy')])
    assert.equal(s.state, 'ImportCompleted', JSON.stringify(s.infos))
    assert.equal(s.row_count, '10')
    const got = await q.query({ collection_name: 'book2', filter: 'id == 103 or extra == 7', output_fields: ['*'] })
    const byId = new Map(got.data.map((r) => [String(r.id), r]))
    assert.deepEqual(byId.get('103')?.vec, [12, 13, 14, 15])
    assert.deepEqual(byId.get('103')?.meta, { b: 3 })
    assert.deepEqual(byId.get('103')?.tags, ['y'])
    assert.equal(byId.get(String(9007199254740993n + 7n))?.title, 't7')
    assert.equal(Number((await q.count({ collection_name: 'book2' })).data), 30)
  })

  it('imports JSON lines (.jsonl, pymilvus BulkFileType.JSONL): one row per line, $meta spread', async () => {
    await createBook(q, 'book4')
    const lines = [0, 1, 2].map((i) => JSON.stringify({ id: i, vec: [i, 0, 0, 0], title: `l${i}`, meta: {}, tags: [], $meta: { extra: i } }))
    await writeFile(join(dir, 'rows.jsonl'), `${lines.join('\n')}\n`)
    const s = await importAndWait(q, 'book4', ['rows.jsonl'])
    assert.equal(s.state, 'ImportCompleted', JSON.stringify(s.infos))
    const got = await q.query({ collection_name: 'book4', filter: 'extra == 2', output_fields: ['title'] })
    assert.deepEqual(got.data.map((r) => r.title), ['l2'])
  })

  it('a file with a bad row fails its job and leaves nothing of it visible; the reason names the field and the row', async () => {
    await createBook(q, 'book3')
    const good = Array.from({ length: 40_000 }, (_, i) => ({ id: i, vec: [i, 0, 0, 0], title: 'ok', meta: {}, tags: [] }))
    const bad = { ...good[0]!, id: 50_000, vec: [1, 2, 3] }
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ rows: [...good, bad] }))
    const s = await importAndWait(q, 'book3', ['bad.json'])
    assert.equal(s.state, 'ImportFailed')
    const reason = s.infos.find((i) => i.key === 'failed_reason')?.value ?? ''
    assert.match(reason, /vec/)
    assert.match(reason, /rolled back/)
    assert.equal(s.row_count, '0')
    assert.equal(Number((await q.count({ collection_name: 'book3' })).data), 0)
  })

  it('refuses at once: a missing file, an unknown type, an object-store URL, an unknown collection', async () => {
    const cases: [string, string[], RegExp][] = [
      ['book', ['nope.json'], /not found/],
      ['book', ['x.txt'], /unsupported file type/],
      ['book', ['s3://bucket/a.parquet'], /object storage is not supported/],
      ['nobook', ['rows.csv'], /collection not found/],
    ]
    for (const [name, files, re] of cases) {
      const r = await q.bulkInsert({ collection_name: name, files })
      assert.notEqual(r.status.error_code, 'Success')
      assert.match(r.status.reason, re)
      assert.deepEqual(r.tasks, [])
    }
  })

  it('lists jobs per collection and keeps them across a reopen', async () => {
    const listed = await q.listImportTasks({ collection_name: 'book' })
    assert.equal(listed.tasks.length, 2)
    assert.ok(listed.tasks.every((t) => t.state === 'ImportCompleted'))
    await q.close()
    q = await Quiver.open({ path: join(dir, 'data'), importRootPath: dir })
    const again = await q.listImportTasks({ collection_name: 'book' })
    assert.deepEqual(again.tasks.map((t) => t.id), listed.tasks.map((t) => t.id))
    assert.equal(Number((await q.count({ collection_name: 'book' })).data), 60)
  })
})
