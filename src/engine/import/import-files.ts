import { stat, readdir } from 'node:fs/promises'
import { basename, extname, isAbsolute, join, resolve } from 'node:path'
import { errors } from '../../errors/errors.ts'

/** The file layouts bulk import reads (the ones Milvus reads and the SDKs' `BulkWriter` writes). */
export type ImportFormat = 'json' | 'parquet' | 'csv' | 'numpy'

/** One unit of an import job: a JSON, Parquet or CSV file, or the `.npy` files of one NumPy batch (one per field). */
export interface ImportFileGroup {
  readonly format: ImportFormat
  /** Absolute local paths. */
  readonly paths: readonly string[]
  /** Total size in bytes (0 for a remote group until it is downloaded). */
  readonly sizeBytes: number
  /** `paths` are object keys in the import object store (`object-source.ts`), read when the job runs. */
  readonly remote?: true
}

/** Files of one job, at most (Milvus: `maxFilesPerImportReq` 1024). */
export const importFilesMax = 1024

const objectStoreUrl = /^[a-z][a-z0-9+.-]*:\/\//i

/**
 * The request's file groups, checked: every path local (absolute, or relative to `rootPath`),
 * existing and of a known layout. `groups` is the REST form (`files: [["a.parquet"], ["x.npy", "y.npy"]]`);
 * the gRPC form (`files: [...]`) is one group per file, all `.npy` files together as one NumPy batch
 * (as Milvus's proxy does). A directory stands for the `.npy` files in it.
 */
export async function resolveImportFiles(groups: readonly (readonly string[])[], rootPath: string): Promise<ImportFileGroup[]> {
  checkFileCount(groups)
  const out: ImportFileGroup[] = []
  for (const group of groups) out.push(await resolveGroup(group, rootPath))
  return out
}

/** A request names at least one file and at most `importFilesMax` (1100 otherwise). */
export function checkFileCount(groups: readonly (readonly string[])[]): void {
  const count = groups.reduce((n, g) => n + g.length, 0)
  if (count === 0) throw errors.invalid('import request has no files: give at least one file path')
  if (count > importFilesMax) throw errors.invalid(`import request has ${count} files, the limit is ${importFilesMax}`)
}

/** gRPC `files`: each file its own group, except `.npy` files, which form one NumPy batch. */
export function groupFlatFiles(files: readonly string[]): string[][] {
  const npy = files.filter((f) => extname(f).toLowerCase() === '.npy')
  const others = files.filter((f) => extname(f).toLowerCase() !== '.npy')
  return [...others.map((f) => [f]), ...(npy.length > 0 ? [npy] : [])]
}

async function resolveGroup(group: readonly string[], rootPath: string): Promise<ImportFileGroup> {
  if (group.length === 0) throw errors.invalid('import request has an empty file group')
  const paths = await Promise.all(group.map((p) => localPath(p, rootPath)))
  if (paths.length === 1) {
    const p = paths[0]!
    if (extname(p) !== '') formatOf(p)
    const st = await statOf(p, group[0]!)
    if (st.isDirectory()) return numpyDirectory(p)
    const format = formatOf(p)
    if (format !== 'numpy') return { format, paths: [p], sizeBytes: st.size }
  }
  let sizeBytes = 0
  for (const [i, p] of paths.entries()) {
    if (formatOf(p) !== 'numpy') {
      throw errors.invalid(`import file ${group[i]}: a group of several files must be the .npy files of one NumPy batch (one file per field)`)
    }
    sizeBytes += (await statOf(p, group[i]!)).size
  }
  checkFieldNamesUnique(paths)
  return { format: 'numpy', paths, sizeBytes }
}

async function localPath(p: string, rootPath: string): Promise<string> {
  if (typeof p !== 'string' || p === '') throw errors.invalid('import file path must be a non-empty string')
  if (objectStoreUrl.test(p)) {
    throw errors.invalid(`import file ${p}: object storage is not supported yet; give a local path (absolute, or relative to the import root ${rootPath})`)
  }
  return isAbsolute(p) ? p : resolve(rootPath, p)
}

async function statOf(p: string, asGiven: string) {
  try {
    return await stat(p)
  } catch (cause) {
    throw errors.invalid(`import file ${asGiven} not found (looked at ${p})`)
  }
}

export function formatOf(p: string): ImportFormat {
  const ext = extname(p).toLowerCase()
  if (ext === '.json' || ext === '.jsonl') return 'json'
  if (ext === '.parquet') return 'parquet'
  if (ext === '.csv') return 'csv'
  if (ext === '.npy') return 'numpy'
  throw errors.invalid(`import file ${p}: unsupported file type ${ext === '' ? '(no extension)' : ext}, expected .json, .jsonl, .parquet, .csv or .npy`)
}

async function numpyDirectory(dir: string): Promise<ImportFileGroup> {
  const names = (await readdir(dir)).filter((n) => extname(n).toLowerCase() === '.npy').sort()
  if (names.length === 0) throw errors.invalid(`import directory ${dir} has no .npy files (a NumPy batch is one .npy file per field)`)
  const paths = names.map((n) => join(dir, n))
  let sizeBytes = 0
  for (const p of paths) sizeBytes += (await stat(p)).size
  return { format: 'numpy', paths, sizeBytes }
}

function checkFieldNamesUnique(paths: readonly string[]): void {
  const seen = new Set<string>()
  for (const p of paths) {
    const name = basename(p, extname(p))
    if (seen.has(name)) throw errors.invalid(`import NumPy batch names field ${name} twice`)
    seen.add(name)
  }
}
