// Bulk import through a real `quiver serve` (in-process): the official Node SDK's bulkInsert /
// getImportState / listImportTasks and REST v2 jobs/import/* over files the SDK's BulkWriter wrote
// (local paths: the SDK suite's Import.spec.ts uploads to MinIO, which is not here).
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { BulkWriter, DataType, type MilvusClient } from '@zilliz/milvus2-sdk-node'
import { startTestServer, type TestServer, vectors } from './server-fixture.ts'

const dim = 8
const fields = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: false },
  { name: 'vec', data_type: DataType.FloatVector, dim },
  { name: 'title', data_type: DataType.VarChar, max_length: 32 },
]
/** Polls of a job's state, at most. */
const pollsMax = 600

async function writeFiles(dir: string, format: 'json' | 'parquet', from: number, n: number): Promise<string[]> {
  const w = new BulkWriter({ schema: { fields, enable_dynamic_field: true } as never, format, localPath: dir })
  const vs = vectors(from + 1, n, dim)
  for (let i = 0; i < n; i++) await w.append({ id: from + i, vec: vs[i], title: `t${from + i}`, color: i % 2 === 0 ? 'red' : 'blue' })
  return (await w.close()).flat()
}

describe('bulk import through quiver serve', () => {
  let t: TestServer
  let client: MilvusClient
  let dir: string
  let base: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-bulk-'))
    t = await startTestServer()
    client = t.connect()
    base = `http://127.0.0.1:${t.server.port}/v2/vectordb`
    const r = await client.createCollection({ collection_name: 'books', fields, enable_dynamic_field: true })
    assert.equal(r.error_code, 'Success', r.reason)
  })
  after(async () => {
    await t.stop()
    await rm(dir, { recursive: true, force: true })
  })

  async function waitState(task: string): Promise<Awaited<ReturnType<MilvusClient['getImportState']>>> {
    for (let i = 0; i < pollsMax; i++) {
      const s = await client.getImportState({ task } as never)
      if (s.state === 'ImportCompleted' || s.state === 'ImportFailed') return s
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error(`import ${task} did not finish`)
  }

  it('SDK bulkInsert of a BulkWriter Parquet and a JSON file: jobs complete, rows searchable, dynamic keys kept', async () => {
    const files = [...(await writeFiles(join(dir, 'p'), 'parquet', 0, 500)), ...(await writeFiles(join(dir, 'j'), 'json', 500, 500))]
    const r = await client.bulkInsert({ collection_name: 'books', files })
    assert.equal(r.status.error_code, 'Success', r.status.reason)
    assert.equal(r.tasks.length, 1)
    const s = await waitState(String(r.tasks[0]))
    assert.equal(s.state, 'ImportCompleted', JSON.stringify(s.infos))
    assert.equal(String(s.row_count), '1000')
    assert.equal(s.infos.find((i) => i.key === 'progress_percent')?.value, '100')
    await client.loadCollection({ collection_name: 'books' })
    const count = await client.query({ collection_name: 'books', filter: 'color == "red"', output_fields: ['count(*)'] })
    assert.equal(Number(count.data[0]!['count(*)']), 500)
    const hit = await client.search({ collection_name: 'books', data: [vectors(501, 1, dim)[0]!], limit: 1, output_fields: ['title'] })
    assert.equal(hit.results[0]!.title, 't500')
  })

  it('a bad file fails its job with the reason, nothing of it visible; listImportTasks shows both jobs', async () => {
    const bad = join(dir, 'bad.json')
    await writeFile(bad, JSON.stringify({ rows: [{ id: 5000, vec: vectors(9, 1, dim)[0], title: 'ok' }, { id: 5001, vec: [1, 2], title: 'short' }] }))
    const r = await client.bulkInsert({ collection_name: 'books', files: [bad] })
    const s = await waitState(String(r.tasks[0]))
    assert.equal(s.state, 'ImportFailed')
    assert.match(String(s.infos.find((i) => i.key === 'failed_reason')?.value ?? ''), /vec/)
    const got = await client.get({ collection_name: 'books', ids: [5000] })
    assert.equal(got.data.length, 0)
    const list = await client.listImportTasks({ collection_name: 'books' })
    assert.equal(list.status.error_code, 'Success')
    assert.deepEqual(list.tasks.map((x) => x.state), ['ImportCompleted', 'ImportFailed'])
  })

  it('refuses a missing file and an object-store path with the reason, creating no job', async () => {
    for (const files of [[join(dir, 'none.parquet')], ['s3://bucket/x.parquet']]) {
      const r = await client.bulkInsert({ collection_name: 'books', files })
      assert.equal(r.status.error_code, 'IllegalArgument', r.status.reason)
      assert.match(r.status.reason, /not found|object storage/)
    }
    assert.equal((await client.listImportTasks({ collection_name: 'books' })).tasks.length, 2)
  })

  it('REST v2 jobs/import/create, get_progress, describe and list', async () => {
    const post = async (path: string, body: unknown) => (await fetch(`${base}/${path}`, { method: 'POST', body: JSON.stringify(body) })).json() as Promise<Record<string, any>>
    const files = (await writeFiles(join(dir, 'r'), 'parquet', 2000, 100)).map((f) => [f])
    const created = await post('jobs/import/create', { collectionName: 'books', files })
    assert.equal(created.code, 0, JSON.stringify(created))
    const jobId = created.data.jobId as string
    let p: Record<string, any> = {}
    for (let i = 0; i < pollsMax; i++) {
      p = await post('jobs/import/get_progress', { jobId })
      assert.equal(p.code, 0, JSON.stringify(p))
      if (p.data.state === 'Completed' || p.data.state === 'Failed') break
      await new Promise((r) => setTimeout(r, 50))
    }
    assert.equal(p.data.state, 'Completed', JSON.stringify(p))
    assert.equal(p.data.progress, 100)
    assert.equal(p.data.importedRows, 100)
    assert.equal(p.data.totalRows, 100)
    assert.equal(p.data.details.length, 1)
    const d = await post('jobs/import/describe', { jobId })
    assert.equal(d.data.jobId, jobId)
    const list = await post('jobs/import/list', { collectionName: 'books' })
    assert.equal(list.code, 0)
    assert.deepEqual(list.data.records.at(-1), { collectionName: 'books', jobId, progress: 100, state: 'Completed' })
    const unknown = await post('jobs/import/get_progress', { jobId: '42' })
    assert.notEqual(unknown.code, 0)
  })
})
