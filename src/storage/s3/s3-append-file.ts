import { errors } from '../../errors/errors.ts'
import type { AppendFile } from '../file-store.ts'

/**
 * The largest object an `S3AppendFile` rewrites at each `sync` (64 MiB): past it appending on object
 * storage costs too much per sync, and the caller should write immutable parts instead.
 */
export const S3_APPEND_BYTES_MAX = 64 * 1024 * 1024

/**
 * `AppendFile` on an object: the content is kept in memory and PUT whole by `sync` (and by `close` when
 * it changed since). S3 has no append; a PUT replaces the object atomically, so a crash leaves the last
 * synced content, as a local file keeps its last fdatasync'ed bytes. Unsynced appends are readable only
 * after `sync` or `close` (a local file shows them at once).
 */
export class S3AppendFile implements AppendFile {
  readonly #path: string
  readonly #put: (bytes: Uint8Array) => Promise<void>
  #bytes: Uint8Array
  #size: number
  #dirty = false

  constructor(path: string, existing: Uint8Array, put: (bytes: Uint8Array) => Promise<void>) {
    this.#path = path
    this.#put = put
    this.#bytes = existing
    this.#size = existing.byteLength
  }

  get size(): number {
    return this.#size
  }

  async append(chunks: readonly Uint8Array[]): Promise<void> {
    let added = 0
    for (const c of chunks) added += c.byteLength
    if (this.#size + added > S3_APPEND_BYTES_MAX) {
      throw errors.io(`append '${this.#path}' failed (EFBIG): an appended object may hold at most ${S3_APPEND_BYTES_MAX} bytes, it would hold ${this.#size + added}`, undefined)
    }
    this.#reserve(this.#size + added)
    for (const c of chunks) {
      this.#bytes.set(c, this.#size)
      this.#size += c.byteLength
    }
    if (added > 0) this.#dirty = true
  }

  async sync(): Promise<void> {
    if (!this.#dirty) return
    await this.#put(this.#bytes.subarray(0, this.#size))
    this.#dirty = false
  }

  async truncate(size: number): Promise<void> {
    if (size === this.#size) return
    this.#size = Math.min(size, this.#size)
    this.#dirty = true
  }

  close(): Promise<void> {
    return this.sync()
  }

  #reserve(bytes: number): void {
    if (bytes <= this.#bytes.byteLength) return
    const grown = new Uint8Array(Math.max(bytes, this.#bytes.byteLength * 2, 4096))
    grown.set(this.#bytes.subarray(0, this.#size))
    this.#bytes = grown
  }
}
