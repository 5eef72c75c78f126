import type { FileHandle } from 'node:fs/promises'
import type { AppendFile } from './file-store.ts'
import { fsCall } from './fs-call.ts'

/** `AppendFile` on an open `node:fs` handle; writes at explicit positions from `size` on. */
export class LocalAppendFile implements AppendFile {
  readonly #handle: FileHandle
  readonly #path: string
  #size: number

  constructor(handle: FileHandle, path: string, size: number) {
    this.#handle = handle
    this.#path = path
    this.#size = size
  }

  get size(): number {
    return this.#size
  }

  async append(chunks: readonly Uint8Array[]): Promise<void> {
    const written = await fsCall('write', this.#path, () => writeAll(this.#handle, chunks, this.#size))
    this.#size += written
  }

  sync(): Promise<void> {
    return fsCall('fdatasync', this.#path, () => this.#handle.datasync())
  }

  async truncate(size: number): Promise<void> {
    await fsCall('truncate', this.#path, () => this.#handle.truncate(size))
    this.#size = size
  }

  close(): Promise<void> {
    return fsCall('close', this.#path, () => this.#handle.close())
  }
}

/** Writes every chunk at `position` on with writev, continuing after partial writes; returns the byte count. */
export async function writeAll(handle: FileHandle, chunks: readonly Uint8Array[], position: number): Promise<number> {
  let rest: readonly Uint8Array[] = chunks.filter((c) => c.byteLength > 0)
  let total = 0
  while (rest.length > 0) {
    const { bytesWritten } = await handle.writev(rest, position + total)
    if (bytesWritten === 0) throw Object.assign(new Error('writev made no progress'), { code: 'EIO' })
    total += bytesWritten
    rest = dropBytes(rest, bytesWritten)
  }
  return total
}

/** The chunks left after the first `count` bytes were written. */
function dropBytes(chunks: readonly Uint8Array[], count: number): readonly Uint8Array[] {
  let i = 0
  let left = count
  while (i < chunks.length && left >= chunks[i]!.byteLength) left -= chunks[i++]!.byteLength
  if (i === chunks.length) return []
  const first = chunks[i]!.subarray(left)
  return [first, ...chunks.slice(i + 1)]
}
