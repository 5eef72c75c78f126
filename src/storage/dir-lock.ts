import { readFile, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ErrorCode, MilvusError } from '../errors/errors.ts'

/** The lock file of a data directory: holds the pid of the process that has it open. */
export const LOCK_FILE = 'LOCK'

/** A data directory held by this process; `release()` removes the lock file (idempotent). */
export interface DirLock {
  readonly path: string
  release(): Promise<void>
}

/**
 * Takes the data directory `dir` for this process, so two processes (a server and `quiver inspect`,
 * or two servers) never write one directory at once. The lock file holds the owner's pid: a lock
 * whose process no longer runs (killed, crashed) is taken over; one held by another live process is
 * refused with a MilvusError naming the pid. The same process may open a directory again (crash
 * simulations in tests reopen without closing). Advisory: it protects Quiver from Quiver only.
 */
export async function acquireDirLock(dir: string): Promise<DirLock> {
  const path = join(dir, LOCK_FILE)
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, `${process.pid}\n`, { flag: 'wx', mode: 0o600 })
      return lockAt(path)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
    const owner = await ownerOf(path)
    if (owner === process.pid) return lockAt(path)
    if (owner !== undefined && isRunning(owner)) {
      throw new MilvusError(
        ErrorCode.NotReady,
        `data directory ${dir} is in use by process ${owner} (lock file ${path}); stop that process, or remove the lock file if no Quiver runs there`,
      )
    }
    await unlink(path).catch(() => {})
  }
  throw new MilvusError(ErrorCode.NotReady, `data directory ${dir}: another process took the lock file ${path} at the same time`)
}

/**
 * Refuses (like `acquireDirLock`) when another live process holds `dir`, without taking it: for
 * read-only looks (`quiver inspect`) that must not write even a lock file.
 */
export async function assertDirUnlocked(dir: string): Promise<void> {
  const path = join(dir, LOCK_FILE)
  const owner = await ownerOf(path)
  if (owner !== undefined && owner !== process.pid && isRunning(owner)) {
    throw new MilvusError(ErrorCode.NotReady, `data directory ${dir} is in use by process ${owner} (lock file ${path}); stop that process first`)
  }
}

function lockAt(path: string): DirLock {
  let released = false
  return {
    path,
    release: async () => {
      if (released) return
      released = true
      if ((await ownerOf(path)) === process.pid) await unlink(path).catch(() => {})
    },
  }
}

async function ownerOf(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '')
  const pid = Number.parseInt(text.trim(), 10)
  return Number.isInteger(pid) && pid > 0 ? pid : undefined
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}
