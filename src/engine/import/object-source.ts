import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, extname, isAbsolute, join, posix } from 'node:path'
import { errors, MilvusError } from '../../errors/errors.ts'
import type { FileStore } from '../../storage/file-store.ts'
import { checkFileCount, formatOf, type ImportFileGroup, resolveImportFiles } from './import-files.ts'

/**
 * Where import files named by object keys are read from: the object store Milvus reads them from
 * (`minio.*`: a bucket, under its root path). Milvus's bulk import names files by their key in that
 * bucket (what the SDKs' BulkWriter uploads and passes to `bulkInsert`); so does Quiver when one is
 * configured: relative paths are keys there, absolute paths stay local.
 */
export interface ImportObjectSource {
  readonly store: FileStore
  /** `s3://bucket/root` for messages. */
  readonly describe: string
}

/**
 * The request's file groups: with an object source, a group of relative paths is object keys there
 * (`resolveObjectGroup`) and absolute paths are local files; without one, every path is local
 * (`resolveImportFiles`, relative to `rootPath`).
 */
export async function resolveImportGroups(groups: readonly (readonly string[])[], rootPath: string, source: ImportObjectSource | undefined): Promise<ImportFileGroup[]> {
  if (source === undefined) return resolveImportFiles(groups, rootPath)
  checkFileCount(groups)
  const out: ImportFileGroup[] = []
  for (const group of groups) {
    if (group.length === 0) throw errors.invalid('import request has an empty file group')
    const local = group.filter((p) => typeof p === 'string' && isAbsolute(p))
    if (local.length === group.length) out.push(...(await resolveImportFiles([group], rootPath)))
    else if (local.length === 0) out.push(await resolveObjectGroup(group, source))
    else throw errors.invalid(`import file group ${group.join(', ')} mixes local paths and object keys`)
  }
  return out
}

/**
 * A request's group of object keys, checked: each key exists (or, alone, is a "directory" of the
 * `.npy` files of one NumPy batch) and has a known layout. `paths` are the keys; the files are read
 * (downloaded) when the job runs, so their sizes are not known yet (0).
 */
export async function resolveObjectGroup(group: readonly string[], source: ImportObjectSource): Promise<ImportFileGroup> {
  const keys = group.map((k) => normalizeKey(k))
  if (keys.length === 1 && extname(keys[0]!) === '') {
    const dir = keys[0]!
    const names = (await source.store.list(dir)).filter((n) => extname(n).toLowerCase() === '.npy')
    if (names.length === 0) throw errors.invalid(`import file ${group[0]}: no object in ${source.describe}/${dir}, nor .npy files under it`)
    return { format: 'numpy', paths: names.map((n) => posix.join(dir, n)), sizeBytes: 0, remote: true }
  }
  for (const [i, key] of keys.entries()) {
    const format = formatOf(key)
    if (keys.length > 1 && format !== 'numpy') {
      throw errors.invalid(`import file ${group[i]}: a group of several files must be the .npy files of one NumPy batch (one file per field)`)
    }
    if (!(await source.store.exists(key))) throw errors.invalid(`import file ${group[i]} not found in ${source.describe}`)
  }
  return { format: formatOf(keys[0]!), paths: keys, sizeBytes: 0, remote: true }
}

/**
 * Downloads a remote group's objects into a fresh local directory (same base names, so a NumPy batch
 * keeps its field names); the local group to read, and `cleanup` to remove the copies once read.
 */
export async function stageObjectGroup(group: ImportFileGroup, source: ImportObjectSource): Promise<{ group: ImportFileGroup; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'quiver-import-'))
  const cleanup = () => rm(dir, { recursive: true, force: true })
  try {
    const paths: string[] = []
    let sizeBytes = 0
    for (const key of group.paths) {
      let bytes: Uint8Array
      try {
        bytes = await source.store.readFile(key)
      } catch (e) {
        throw e instanceof MilvusError ? errors.invalid(`import file ${key} cannot be read from ${source.describe}: ${e.message}`) : e
      }
      const local = join(dir, basename(key))
      await writeFile(local, bytes)
      paths.push(local)
      sizeBytes += bytes.byteLength
    }
    return { group: { format: group.format, paths, sizeBytes }, cleanup }
  } catch (e) {
    await cleanup()
    throw e
  }
}

/** A key as given, without a leading `/` nor `./`; `..` may not climb out of the bucket's root. */
function normalizeKey(k: string): string {
  if (typeof k !== 'string' || k === '') throw errors.invalid('import file path must be a non-empty string')
  const key = posix.normalize(k.replace(/^\/+/, ''))
  if (key === '.' || key.startsWith('../')) throw errors.invalid(`import file ${k}: an object key may not leave the bucket's root`)
  return key.replace(/\/$/, '')
}
