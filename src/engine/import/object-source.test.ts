// Import files named by object keys (object-source.ts), over a FileStore standing in for the bucket
// (a LocalFileStore: the S3 store itself is tested against a real S3 server in
// test/compat/import-object-store.test.ts): which paths are keys, NumPy batches by prefix, refusals,
// and staging (the objects downloaded under their base names, removed by cleanup).
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { MilvusError } from '../../errors/milvus-error.ts'
import { LocalFileStore } from '../../storage/local-file-store.ts'
import { type ImportObjectSource, resolveImportGroups, stageObjectGroup } from './object-source.ts'

let dir: string
const assertMilvusError = (p: Promise<unknown>, code: number, fragment: string) =>
  assert.rejects(p, (e: unknown) => e instanceof MilvusError && e.code === code && e.message.includes(fragment))
let source: ImportObjectSource
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quiver-objsrc-'))
  const store = new LocalFileStore(join(dir, 'bucket'))
  await store.mkdirp('batch/1')
  await store.writeFile('batch/1/id.npy', new Uint8Array([1, 2, 3]))
  await store.writeFile('batch/1/vec.npy', new Uint8Array([4, 5]))
  await store.writeFile('rows.parquet', new Uint8Array([9]))
  source = { store, describe: 's3://bucket' }
  await writeFile(join(dir, 'local.json'), '{"rows":[]}')
})
after(() => rm(dir, { recursive: true, force: true }))

test('relative paths are object keys; a prefix is a NumPy batch; absolute paths stay local', async () => {
  const groups = await resolveImportGroups([['rows.parquet'], ['batch/1'], [join(dir, 'local.json')]], dir, source)
  assert.deepEqual(groups.map((g) => [g.format, g.remote === true, g.paths]), [
    ['parquet', true, ['rows.parquet']],
    ['numpy', true, ['batch/1/id.npy', 'batch/1/vec.npy']],
    ['json', false, [join(dir, 'local.json')]],
  ])
})

test('missing keys, keys leaving the bucket, mixed groups and unknown layouts are refused with 1100', async () => {
  await assertMilvusError(resolveImportGroups([['nope.parquet']], dir, source), 1100, 'import file nope.parquet not found in s3://bucket')
  await assertMilvusError(resolveImportGroups([['../x.parquet']], dir, source), 1100, "may not leave the bucket's root")
  await assertMilvusError(resolveImportGroups([['batch/1/id.npy', join(dir, 'local.json')]], dir, source), 1100, 'mixes local paths and object keys')
  await assertMilvusError(resolveImportGroups([['rows.parquet', 'batch/1/id.npy']], dir, source), 1100, 'NumPy batch')
  await assertMilvusError(resolveImportGroups([['empty']], dir, source), 1100, 'no object in s3://bucket/empty')
})

test('staging downloads a group under its base names; cleanup removes the copies', async () => {
  const [group] = await resolveImportGroups([['batch/1']], dir, source)
  const staged = await stageObjectGroup(group!, source)
  assert.equal(staged.group.remote, undefined)
  assert.equal(staged.group.sizeBytes, 5)
  assert.deepEqual(staged.group.paths.map((p) => p.split('/').at(-1)), ['id.npy', 'vec.npy'])
  assert.deepEqual([...(await readFile(staged.group.paths[0]!))], [1, 2, 3])
  await staged.cleanup()
  assert.equal(existsSync(staged.group.paths[0]!), false)
})
