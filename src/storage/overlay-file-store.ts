import { posix } from 'node:path'
import { errors } from '../errors/errors.ts'
import type { AppendFile, FileStore, StoredFile } from './file-store.ts'

/**
 * A `FileStore` that reads another store and never changes it: every write, append, removal and
 * directory creation lands in memory on top (copy on write), and later reads see it. A database
 * opened on it recovers (replays its WAL, cuts a torn tail, writes a checkpoint) as usual while the
 * directory underneath stays exactly as it was: `quiver inspect` reads a data directory this way.
 */
export class OverlayFileStore implements FileStore {
  readonly #base: FileStore
  /** Files written here; a path mapped to undefined was removed here. */
  readonly #files = new Map<string, Uint8Array | undefined>()
  readonly #dirs = new Set<string>()
  readonly #removedDirs = new Set<string>()
  /** When each file of `#files` was written here (ms). */
  readonly #writtenMs = new Map<string, number>()

  constructor(base: FileStore) {
    this.#base = base
  }

  async readFile(path: string): Promise<Uint8Array> {
    const p = norm(path)
    if (this.#files.has(p) || this.#underRemovedDir(p)) {
      const data = this.#files.get(p)
      if (data === undefined) throw errors.io(`read '${path}' failed (ENOENT)`, undefined)
      return data
    }
    return this.#base.readFile(p)
  }

  async writeFileAtomic(path: string, data: Uint8Array | readonly Uint8Array[]): Promise<void> {
    this.#put(norm(path), concat(data))
  }

  async writeFile(path: string, data: Uint8Array | readonly Uint8Array[]): Promise<void> {
    this.#put(norm(path), concat(data))
  }

  #put(p: string, data: Uint8Array): void {
    this.#files.set(p, data)
    this.#writtenMs.set(p, Date.now())
  }

  async openAppend(path: string): Promise<AppendFile> {
    const p = norm(path)
    const start = (await this.exists(p)) ? await this.readFile(p) : new Uint8Array(0)
    this.#files.set(p, start)
    return new OverlayAppendFile((data) => this.#put(p, data), start)
  }

  async list(dir: string): Promise<string[]> {
    const d = norm(dir)
    const names = new Set(this.#underRemovedDir(`${d}/x`) ? [] : await this.#base.list(d))
    for (const [p, data] of this.#files) {
      if (posix.dirname(p) !== d) continue
      if (data === undefined) names.delete(posix.basename(p))
      else names.add(posix.basename(p))
    }
    for (const sub of this.#dirs) if (posix.dirname(sub) === d) names.add(posix.basename(sub))
    return [...names].sort()
  }

  async listFiles(dir: string): Promise<StoredFile[]> {
    const d = norm(dir)
    const under = (p: string) => d === '.' || p.startsWith(`${d}/`)
    const out = new Map<string, StoredFile>()
    for (const f of await this.#base.listFiles(d)) if (!this.#files.has(f.path) && !this.#underRemovedDir(f.path)) out.set(f.path, f)
    for (const [p, data] of this.#files) if (data !== undefined && under(p)) out.set(p, { path: p, sizeBytes: data.byteLength, modifiedMs: this.#writtenMs.get(p) ?? Date.now() })
    return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  }

  async exists(path: string): Promise<boolean> {
    const p = norm(path)
    if (this.#files.has(p)) return this.#files.get(p) !== undefined
    if (this.#dirs.has(p)) return true
    return !this.#underRemovedDir(p) && this.#base.exists(p)
  }

  async remove(path: string): Promise<void> {
    this.#files.set(norm(path), undefined)
  }

  async removeDir(path: string): Promise<void> {
    const d = norm(path)
    this.#removedDirs.add(d)
    for (const p of [...this.#files.keys()]) if (p.startsWith(`${d}/`)) this.#files.delete(p)
    for (const p of [...this.#dirs]) if (p === d || p.startsWith(`${d}/`)) this.#dirs.delete(p)
  }

  async mkdirp(dir: string): Promise<void> {
    const d = norm(dir)
    if (d !== '.') this.#dirs.add(d)
  }

  async size(path: string): Promise<number> {
    const p = norm(path)
    return this.#files.has(p) || this.#underRemovedDir(p) ? (await this.readFile(p)).byteLength : this.#base.size(p)
  }

  async syncDir(): Promise<void> {}

  #underRemovedDir(p: string): boolean {
    for (const d of this.#removedDirs) if (p.startsWith(`${d}/`) && !this.#dirs.has(posix.dirname(p))) return true
    return false
  }
}

class OverlayAppendFile implements AppendFile {
  #data: Uint8Array
  readonly #store: (data: Uint8Array) => void

  constructor(store: (data: Uint8Array) => void, start: Uint8Array) {
    this.#store = store
    this.#data = start
  }

  get size(): number {
    return this.#data.byteLength
  }

  async append(chunks: readonly Uint8Array[]): Promise<void> {
    this.#data = concat([this.#data, ...chunks])
    this.#store(this.#data)
  }

  async sync(): Promise<void> {}

  async truncate(size: number): Promise<void> {
    this.#data = this.#data.slice(0, size)
    this.#store(this.#data)
  }

  async close(): Promise<void> {}
}

function norm(p: string): string {
  return posix.normalize(p === '' ? '.' : p)
}

function concat(data: Uint8Array | readonly Uint8Array[]): Uint8Array {
  if (data instanceof Uint8Array) return data.slice()
  const out = new Uint8Array(data.reduce((n, c) => n + c.byteLength, 0))
  let at = 0
  for (const c of data) {
    out.set(c, at)
    at += c.byteLength
  }
  return out
}
