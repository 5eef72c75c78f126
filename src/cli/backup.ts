import { copyFile, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { errors } from '../errors/errors.ts'
import { LOCK_FILE } from '../storage/dir-lock.ts'

/** Copies of the whole directory tried before giving up (each retried when a checkpoint or compaction ran meanwhile). */
const backupAttemptsMax = 5
const manifestFile = 'manifest.json'
const walDir = 'wal'

export interface BackupReport {
  readonly files: number
  readonly bytes: number
  readonly attempts: number
}

/**
 * A consistent copy of a data directory, also while a server writes to it. Files are copied in this
 * order: the manifest, then every other file but the WAL (segment and index files are immutable once
 * a manifest names them), then the WAL; then the manifest is read again. If it changed, a checkpoint
 * (or compaction) ran meanwhile and may have removed WAL or segment files the copied manifest needs:
 * the copy is thrown away and made again. When it did not change, the copy holds that manifest, every
 * file it names (none can be removed while it is the current one) and every WAL record after its
 * checkpoint up to the moment the WAL was copied — so every write acknowledged before the backup
 * started (fsynced to the WAL by then) is in it. A torn last WAL record is cut at restore, as after a crash.
 */
export async function backupDataDir(source: string, dest: string): Promise<BackupReport> {
  const src = resolve(source)
  const out = resolve(dest)
  if (!(await isDataDir(src))) throw errors.invalid(`${src} is not a Quiver data directory (no ${manifestFile} or ${walDir}/)`)
  await assertEmptyOrMissing(out)
  for (let attempt = 1; attempt <= backupAttemptsMax; attempt++) {
    await rm(out, { recursive: true, force: true })
    await mkdir(out, { recursive: true })
    try {
      const before = await readIfExists(join(src, manifestFile))
      let files = 0
      let bytes = 0
      const copy = async (rel: string) => {
        await mkdir(join(out, rel, '..'), { recursive: true })
        await copyFile(join(src, rel), join(out, rel))
        files++
        bytes += (await stat(join(out, rel))).size
      }
      if (before !== undefined) await copy(manifestFile)
      const all = await listFiles(src)
      for (const rel of all) if (rel !== manifestFile && rel !== LOCK_FILE && !rel.startsWith(`${walDir}/`) && !rel.endsWith('.tmp')) await copy(rel)
      for (const rel of all.filter((r) => r.startsWith(`${walDir}/`))) await copy(rel)
      const after = await readIfExists(join(src, manifestFile))
      if (sameBytes(before, after)) return { files, bytes, attempts: attempt }
    } catch (e) {
      // A file removed under us (a checkpoint dropped a WAL file, a compaction a segment): copy again.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    }
  }
  throw errors.invalid(`backup of ${src}: the data directory changed under every one of ${backupAttemptsMax} copies; try again when it is less busy`)
}

/** `quiver restore <backup> <dir>`: the backup copied into a new (missing or empty) data directory. */
export async function restoreDataDir(backup: string, dest: string): Promise<BackupReport> {
  const src = resolve(backup)
  const out = resolve(dest)
  if (!(await isDataDir(src))) throw errors.invalid(`${src} is not a Quiver backup (no ${manifestFile} or ${walDir}/)`)
  await assertEmptyOrMissing(out)
  await mkdir(out, { recursive: true })
  let files = 0
  let bytes = 0
  for (const rel of await listFiles(src)) {
    if (rel === LOCK_FILE) continue
    await mkdir(join(out, rel, '..'), { recursive: true })
    await copyFile(join(src, rel), join(out, rel))
    files++
    bytes += (await stat(join(out, rel))).size
  }
  return { files, bytes, attempts: 1 }
}

async function isDataDir(dir: string): Promise<boolean> {
  const names = await readdir(dir).catch(() => [] as string[])
  return names.includes(manifestFile) || names.includes(walDir)
}

async function assertEmptyOrMissing(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[])
  if (names.length > 0) throw errors.invalid(`${dir} exists and is not empty: give a new directory`)
}

async function readIfExists(p: string): Promise<Buffer | undefined> {
  try {
    return await readFile(p)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw e
  }
}

function sameBytes(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return a === undefined ? b === undefined : b !== undefined && a.equals(b)
}

/** Every file under `root`, relative paths with `/`, sorted. */
async function listFiles(root: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.push(relative(root, join(e.parentPath, e.name)).split('\\').join('/'))
  }
  return out.sort()
}
