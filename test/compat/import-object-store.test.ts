// Bulk import from the object store, as Milvus does it: files the Node SDK's BulkWriter wrote are
// uploaded to a bucket of a real S3 server (versitygw on loopback, started and stopped by pid here), and
// `quiver serve` configured with Milvus's `minio.*` keys (QUIVER_MINIO_* here) imports them by their
// object keys through the SDK's bulkInsert (gRPC Import) and REST jobs/import/create; a missing key
// fails the request naming the bucket; absolute local paths still import from disk.
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { BulkWriter, DataType, MilvusClient } from '@zilliz/milvus2-sdk-node'
import { S3FileStore } from '../../src/storage/s3/s3-file-store.ts'
import { type S3Server, skipUnlessInstalled, startS3 } from '../support/cluster-servers.ts'
import { type ServedChild, serveChild } from '../support/serve-child.ts'

const skip = skipUnlessInstalled('s3')
const BUCKET = 'a-bucket'
const dim = 4
const fields = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: false },
  { name: 'vec', data_type: DataType.FloatVector, dim },
  { name: 'title', data_type: DataType.VarChar, max_length: 32 },
  { name: 'tags', data_type: DataType.Array, element_type: DataType.Int64, max_capacity: 4 },
  // A struct array: BulkWriter's Parquet holds a list of structs per row (split into sub-field columns on import).
  { name: 'parts', data_type: DataType.Array, element_type: DataType.Struct, max_capacity: 3, fields: [{ name: 'score', data_type: DataType.Int32 }, { name: 'label', data_type: DataType.VarChar, max_length: 8 }] },
]
const row = (i: number) => ({ id: i, vec: [i, 1, 0, 0.5], title: `t${i}`, tags: [i, i + 1], parts: [{ score: i, label: 'a' }, { score: i * 2, label: 'b' }], color: i % 2 === 0 ? 'red' : 'blue' })

describe('bulk import from the object store (minio.* configured)', { skip, timeout: 120_000 }, () => {
  let dir: string
  let s3: S3Server
  let bucket: S3FileStore
  let served: ServedChild
  let client: MilvusClient

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-import-s3-'))
    s3 = await startS3(dir, [BUCKET])
    bucket = new S3FileStore({ endpoint: s3.endpoint, bucket: BUCKET, rootPath: '', accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey })
    const port = new URL(s3.endpoint).port
    served = await serveChild(join(dir, 'data'), [], {
      QUIVER_MINIO_ADDRESS: '127.0.0.1',
      QUIVER_MINIO_PORT: port,
      QUIVER_MINIO_ACCESSKEYID: s3.accessKeyId,
      QUIVER_MINIO_SECRETACCESSKEY: s3.secretAccessKey,
      QUIVER_MINIO_BUCKETNAME: BUCKET,
    })
    client = new MilvusClient({ address: served.address })
    const r = await client.createCollection({ collection_name: 'books', fields, enable_dynamic_field: true })
    assert.equal(r.error_code, 'Success', r.reason)
  })
  after(async () => {
    await client?.closeConnection()
    await served?.stop()
    bucket?.close()
    await s3?.server.stop()
    await rm(dir, { recursive: true, force: true })
  })

  /** BulkWriter files of rows [from, from + n) in `format`, uploaded under `prefix/`; their object keys. */
  async function upload(format: 'json' | 'parquet', prefix: string, from: number, n: number): Promise<string[]> {
    const w = new BulkWriter({ schema: { fields, enable_dynamic_field: true } as never, format, localPath: join(dir, prefix) })
    for (let i = from; i < from + n; i++) await w.append(row(i))
    const keys: string[] = []
    for (const local of (await w.close()).flat()) {
      const key = `${prefix}/${basename(dirname(local))}/${basename(local)}`
      await bucket.writeFile(key, await readFile(local))
      keys.push(key)
    }
    return keys
  }

  async function waitCompleted(task: string): Promise<void> {
    for (let i = 0; i < 600; i++) {
      const s = await client.getImportState({ task } as never)
      if (s.state === 'ImportCompleted') return
      assert.notEqual(s.state, 'ImportFailed', JSON.stringify(s.infos))
      await new Promise((r) => setTimeout(r, 50))
    }
    assert.fail(`import ${task} did not finish`)
  }

  it('the startup says where import reads from', () => {
    assert.match(served.stdout(), new RegExp(`bulk import reads object keys from s3://${BUCKET} at ${s3.endpoint.replace(/[.]/g, '\\.')}`))
  })

  it('SDK bulkInsert of object keys (Parquet and JSON files BulkWriter wrote): rows, arrays, struct arrays and dynamic keys read back', async () => {
    const files = [...(await upload('parquet', 'bw/p', 0, 200)), ...(await upload('json', 'bw/j', 200, 100))]
    const r = await client.bulkInsert({ collection_name: 'books', files })
    assert.equal(r.status.error_code, 'Success', r.status.reason)
    await waitCompleted(String(r.tasks[0]))
    const count = await client.query({ collection_name: 'books', filter: '', output_fields: ['count(*)'] })
    assert.equal(Number(count.data[0]!['count(*)']), 300)
    const got = await client.query({ collection_name: 'books', filter: 'id in [7, 250]', output_fields: ['title', 'tags', 'parts', 'color'] })
    const byId = new Map(got.data.map((d) => [String(d.id), d]))
    assert.equal(byId.get('7')?.title, 't7')
    assert.deepEqual(byId.get('7')?.tags.map(Number), [7, 8])
    assert.deepEqual(byId.get('7')?.parts, [{ score: 7, label: 'a' }, { score: 14, label: 'b' }], JSON.stringify(byId.get('7')))
    assert.deepEqual(byId.get('250')?.parts, [{ score: 250, label: 'a' }, { score: 500, label: 'b' }])
    assert.equal(byId.get('250')?.$meta?.color, 'red', JSON.stringify(got.data)) // the SDK keeps a dynamic key under $meta
  })

  it('REST jobs/import/create with object keys; a missing key is refused naming the bucket, nothing imported', async () => {
    const files = await upload('parquet', 'rest', 1000, 50)
    const base = `http://${served.address}/v2/vectordb`
    const post = async (path: string, body: unknown) => (await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<{ code: number; message?: string; data?: { jobId?: string; state?: string } }>
    const created = await post('/jobs/import/create', { collectionName: 'books', files: files.map((f) => [f]) })
    assert.equal(created.code, 0, JSON.stringify(created))
    await waitCompleted(created.data!.jobId!)
    const missing = await client.bulkInsert({ collection_name: 'books', files: ['nowhere/none.parquet'] })
    assert.notEqual(missing.status.error_code, 'Success')
    assert.match(missing.status.reason, /import file nowhere\/none\.parquet not found in s3:\/\/a-bucket/)
    const count = await client.query({ collection_name: 'books', filter: '', output_fields: ['count(*)'] })
    assert.equal(Number(count.data[0]!['count(*)']), 350)
  })
})
