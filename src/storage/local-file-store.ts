import { constants, type Dirent } from 'node:fs'
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { assert } from '../common/assert.ts'
import type { AppendFile, FileStore, StoredFile } from './file-store.ts'
import { fsCall, osErrorCode } from './fs-call.ts'
import { LocalAppendFile, writeAll } from './local-append-file.ts'
import { makeDirs } from './make-dirs.ts'

let tmpCounter = 0
/** Temporary files of `writeFileAtomic` are named `<path>.tmp-<pid>-<n>` (and `.tmp-fault-<n>` by FaultFileStore). */
export const atomicTempInfix = '.tmp-'
/**
 * Modes of what the store creates (before the umask): the data holds the users' password hashes
 * (`rbac.json`) and their rows, so only the server's user may read it, as PostgreSQL keeps its data
 * directory. Existing directories keep their mode; an atomic replace always creates a new file.
 */
export const STORE_DIR_MODE = 0o700
export const STORE_FILE_MODE = 0o600

/** `FileStore` on a local directory, with `node:fs/promises`. */
export class LocalFileStore implements FileStore {
  /** Absolute path of the root directory. */
  readonly root: string

  constructor(root: string) {
    this.root = path.resolve(root)
  }

  /** A store on `root`, creating the directory if it is missing. */
  static async open(root: string): Promise<LocalFileStore> {
    const store = new LocalFileStore(root)
    await fsCall('mkdir', root, () => makeDirs(store.root, STORE_DIR_MODE))
    return store
  }

  async readFile(p: string): Promise<Uint8Array> {
    const b = await fsCall('read', p, () => fs.readFile(this.#abs(p)))
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
  }

  async writeFileAtomic(p: string, data: Uint8Array | readonly Uint8Array[]): Promise<void> {
    const tmp = `${p}${atomicTempInfix}${process.pid}-${++tmpCounter}`
    try {
      await this.writeFile(tmp, data)
      await fsCall('rename', p, () => fs.rename(this.#abs(tmp), this.#abs(p)))
    } catch (e) {
      await fs.rm(this.#abs(tmp), { force: true }).catch(() => undefined)
      throw e
    }
    await this.syncDir(path.posix.dirname(p))
  }

  writeFile(p: string, data: Uint8Array | readonly Uint8Array[]): Promise<void> {
    const chunks = data instanceof Uint8Array ? [data] : data
    return fsCall('write', p, async () => {
      const handle = await fs.open(this.#abs(p), 'w', STORE_FILE_MODE)
      try {
        await writeAll(handle, chunks, 0)
        await handle.sync()
      } finally {
        await handle.close()
      }
    })
  }

  async openAppend(p: string): Promise<AppendFile> {
    const handle = await fsCall('open', p, () => fs.open(this.#abs(p), constants.O_WRONLY | constants.O_CREAT, STORE_FILE_MODE))
    try {
      const { size } = await fsCall('stat', p, () => handle.stat())
      return new LocalAppendFile(handle, p, size)
    } catch (e) {
      await handle.close()
      throw e
    }
  }

  list(dir: string): Promise<string[]> {
    return fsCall('list', dir, async () => {
      try {
        return (await fs.readdir(this.#abs(dir))).sort()
      } catch (e) {
        if (osErrorCode(e) === 'ENOENT') return []
        throw e
      }
    })
  }

  listFiles(dir: string): Promise<StoredFile[]> {
    return fsCall('list', dir, async () => {
      const out: StoredFile[] = []
      const walk = async (rel: string): Promise<void> => {
        let entries: Dirent[]
        try {
          entries = await fs.readdir(this.#abs(rel), { withFileTypes: true })
        } catch (e) {
          if (osErrorCode(e) === 'ENOENT' || osErrorCode(e) === 'ENOTDIR') return
          throw e
        }
        for (const e of entries) {
          const p = rel === '.' ? e.name : `${rel}/${e.name}`
          if (e.isDirectory()) await walk(p)
          else if (e.isFile()) {
            const st = await fs.stat(this.#abs(p)).catch((err: unknown) => (osErrorCode(err) === 'ENOENT' ? undefined : Promise.reject(err)))
            if (st !== undefined) out.push({ path: p, sizeBytes: st.size, modifiedMs: st.mtimeMs })
          }
        }
      }
      await walk(path.posix.normalize(dir === '' ? '.' : dir).replace(/\/$/, ''))
      return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    })
  }

  exists(p: string): Promise<boolean> {
    return fsCall('stat', p, async () => {
      try {
        await fs.stat(this.#abs(p))
        return true
      } catch (e) {
        if (osErrorCode(e) === 'ENOENT' || osErrorCode(e) === 'ENOTDIR') return false
        throw e
      }
    })
  }

  remove(p: string): Promise<void> {
    return fsCall('remove', p, async () => {
      try {
        await fs.unlink(this.#abs(p))
      } catch (e) {
        if (osErrorCode(e) !== 'ENOENT') throw e
      }
    })
  }

  removeDir(p: string): Promise<void> {
    assert.notEqual(this.#abs(p), this.root, 'removeDir may not remove the store root')
    return fsCall('remove dir', p, () => fs.rm(this.#abs(p), { recursive: true, force: true }))
  }

  async mkdirp(dir: string): Promise<void> {
    const target = this.#abs(dir)
    const firstCreated = await fsCall('mkdir', dir, () => makeDirs(target, STORE_DIR_MODE))
    if (firstCreated === undefined) return
    for (const parent of parentsToSync(target, path.resolve(firstCreated))) {
      await fsCall('fsync dir', dir, () => fsyncDirAbs(parent))
    }
  }

  async size(p: string): Promise<number> {
    const stat = await fsCall('stat', p, () => fs.stat(this.#abs(p)))
    return stat.size
  }

  syncDir(dir: string): Promise<void> {
    return fsCall('fsync dir', dir, () => fsyncDirAbs(this.#abs(dir)))
  }

  /** The absolute path of a store-relative POSIX path; leaving the root is a programmer error. */
  #abs(p: string): string {
    const norm = path.posix.normalize(p === '' ? '.' : p)
    assert.ok(!path.posix.isAbsolute(norm), `store path must be relative: ${p}`)
    assert.ok(norm !== '..' && !norm.startsWith('../'), `store path leaves the root: ${p}`)
    return path.join(this.root, ...norm.split('/'))
  }
}

/** The parent directories whose entries changed when `mkdir -p target` created `firstCreated`…`target`. */
function parentsToSync(target: string, firstCreated: string): string[] {
  const parents: string[] = []
  let dir = target
  for (;;) {
    const parent = path.dirname(dir)
    parents.push(parent)
    if (dir === firstCreated || parent === dir) return parents
    dir = parent
  }
}

async function fsyncDirAbs(abs: string): Promise<void> {
  let handle: fs.FileHandle
  try {
    handle = await fs.open(abs, 'r')
  } catch (e) {
    // Windows cannot open a directory for fsync; its rename/create are durable enough there.
    if (process.platform === 'win32' && osErrorCode(e) === 'EISDIR') return
    throw e
  }
  try {
    await handle.sync()
  } catch (e) {
    if (process.platform !== 'win32') throw e
  } finally {
    await handle.close()
  }
}
