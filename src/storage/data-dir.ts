import { constants } from 'node:fs'
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { errors, type MilvusError } from '../errors/errors.ts'
import { osErrorCode } from './fs-call.ts'
import { makeDirs } from './make-dirs.ts'
import { STORE_DIR_MODE } from './local-file-store.ts'

/** What to tell a user whose data directory cannot be used, by OS error code. */
const WHY: Readonly<Record<string, string>> = {
  ENOENT: 'cannot be created there (the parent does not accept new directories)',
  ENOTDIR: 'is not a directory (a file is in the way)',
  EEXIST: 'is not a directory (a file is in the way)',
  EACCES: 'is not writable by this user (permission denied)',
  EPERM: 'is not writable by this user (operation not permitted)',
  EROFS: 'is on a read-only file system',
  ENOSPC: 'cannot be created: no space left on the device',
}

/**
 * Makes sure the local data directory `dir` exists (created with its parents, mode 0700) and is
 * writable, or fails with one io error (2100) naming its absolute path, what is wrong and what to do.
 * Ends whatever the path is (`/proc/x`, a file, a read-only mount): see `makeDirs`.
 */
export async function prepareDataDir(dir: string): Promise<string> {
  const abs = path.resolve(dir)
  try {
    await makeDirs(abs, STORE_DIR_MODE)
    await fs.access(abs, constants.W_OK | constants.X_OK)
  } catch (e) {
    throw dataDirError(abs, e)
  }
  return abs
}

function dataDirError(abs: string, cause: unknown): MilvusError {
  const code = osErrorCode(cause) ?? 'unknown'
  const why = WHY[code] ?? `cannot be used (${(cause as Error).message})`
  return errors.io(`data directory '${abs}' ${why} [${code}]: choose another path (--data, localStorage.path) or fix it`, cause)
}
