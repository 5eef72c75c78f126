import * as fs from 'node:fs/promises'
import * as path from 'node:path'

/**
 * `mkdir -p` that always ends: Node's `mkdir(…, { recursive: true })` spins forever where the parent
 * exists but refuses new entries with ENOENT (`/proc/x`). Walks up to the nearest existing ancestor,
 * then creates each missing level once; any failure (ENOENT, EACCES, EROFS, ENOTDIR, …) is thrown
 * as the OS reported it. A non-directory at `target` fails with ENOTDIR. Resolves with the first
 * directory it created (the top-most), or undefined when `target` already existed.
 */
export async function makeDirs(target: string, mode: number): Promise<string | undefined> {
  const missing: string[] = []
  for (let dir = path.resolve(target); ; ) {
    const stat = await fs.stat(dir).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e
      return undefined
    })
    if (stat !== undefined) {
      if (!stat.isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, '${dir}'`), { code: 'ENOTDIR', path: dir })
      break
    }
    const parent = path.dirname(dir)
    if (parent === dir) break
    missing.push(dir)
    dir = parent
  }
  for (const dir of missing.toReversed()) {
    try {
      await fs.mkdir(dir, { mode })
    } catch (e) {
      // Created meanwhile by someone else: fine if it is a directory.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !(await fs.stat(dir)).isDirectory()) throw e
    }
  }
  return missing.at(-1)
}
