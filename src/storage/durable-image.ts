import { posix } from 'node:path'
import type { FileStore } from './file-store.ts'

/** What `DurableImage.rollback` did to the files, for logs and assertions. */
export interface RollbackReport {
  /** Files whose directory entry was never made durable, removed. */
  readonly removed: readonly string[]
  /** Files removed or replaced without a durable directory entry change, put back as they were. */
  readonly restored: readonly string[]
  /** Files cut back to their durable length (plus the kept part of the unsynced tail). */
  readonly truncated: readonly { readonly path: string; readonly fromBytes: number; readonly toBytes: number }[]
}

/**
 * What of a directory tree would survive a power cut, tracked from the operations done on it.
 * The model (docs/durability.md):
 * - file contents: an appended byte is durable once a `sync` of its file returned; `writeFile` and
 *   `writeFileAtomic` that returned are durable; a failed or torn write is not; `truncate` is
 *   durable at once (it only ever cuts unsynced or garbage bytes in Quiver).
 * - directory entries: creating, removing or renaming over a file is durable once `syncDir` of
 *   its directory returned (`writeFileAtomic` and `mkdirp` do that themselves); until then the
 *   old entry — absent, or the durable bytes of the removed/replaced file — is what survives.
 * - `removeDir` is durable at once (only ever used on trees no manifest references).
 * Files never touched are durable as they are.
 */
export class DurableImage {
  /** Path → durable length of a file with unsynced bytes after that length. */
  readonly #syncedBytes = new Map<string, number>()
  /** Path → its content as of the last durable directory entry (null: no entry). */
  readonly #entries = new Map<string, Uint8Array | null>()

  /** Bytes were appended to `path` at `sizeBefore` (not durable yet). */
  appended(path: string, sizeBefore: number): void {
    if (!this.#syncedBytes.has(path)) this.#syncedBytes.set(path, sizeBefore)
  }

  /** A sync of `path` returned: its first `sizeBytes` bytes are durable. */
  synced(path: string, sizeBytes: number): void {
    const known = this.#syncedBytes.get(path)
    if (known !== undefined) this.#syncedBytes.set(path, Math.max(known, sizeBytes))
  }

  truncated(path: string, sizeBytes: number): void {
    const known = this.#syncedBytes.get(path)
    if (known !== undefined) this.#syncedBytes.set(path, Math.min(known, sizeBytes))
  }

  /** `path` was (re)written and that write is durable. */
  wroteDurably(path: string): void {
    this.#syncedBytes.delete(path)
  }

  /** `path` was (re)written but none of its bytes are durable. */
  wroteVolatile(path: string): void {
    this.#syncedBytes.set(path, 0)
  }

  /** A new directory entry `path` appeared (the file did not exist). */
  created(path: string): void {
    if (!this.#entries.has(path)) this.#entries.set(path, null)
  }

  /** The entry `path`, whose durable content was `before`, was removed or renamed over. */
  entryChanged(path: string, before: Uint8Array | null): void {
    if (!this.#entries.has(path)) this.#entries.set(path, before)
    this.#syncedBytes.delete(path)
  }

  /** The durable part of `content`, the current bytes of `path`. */
  durablePart(path: string, content: Uint8Array): Uint8Array {
    return content.subarray(0, this.#syncedBytes.get(path) ?? content.byteLength)
  }

  /** `syncDir(dir)` returned: every entry change in `dir` is durable. */
  dirSynced(dir: string): void {
    for (const path of this.#entries.keys()) if (posix.dirname(path) === posix.normalize(dir)) this.#entries.delete(path)
  }

  dirRemoved(dir: string): void {
    const prefix = `${posix.normalize(dir)}/`
    for (const path of [...this.#entries.keys()]) if (path.startsWith(prefix)) this.#entries.delete(path)
    for (const path of [...this.#syncedBytes.keys()]) if (path.startsWith(prefix)) this.#syncedBytes.delete(path)
  }

  /**
   * Makes `store` look as it would after a power cut: entries back to their durable state, files
   * cut to their durable length plus `keepTail(unsyncedBytes)` bytes of their unsynced tail.
   * The image is empty afterwards (everything on disk is durable).
   */
  async rollback(store: FileStore, keepTail: (unsyncedBytes: number) => number): Promise<RollbackReport> {
    const removed: string[] = []
    const restored: string[] = []
    const truncated: { path: string; fromBytes: number; toBytes: number }[] = []
    for (const [path, before] of this.#entries) {
      if (before === null) {
        await store.remove(path)
        removed.push(path)
      } else {
        await store.writeFile(path, before)
        restored.push(path)
      }
      this.#syncedBytes.delete(path)
    }
    for (const [path, durable] of this.#syncedBytes) {
      if (!(await store.exists(path))) continue
      const fromBytes = await store.size(path)
      if (fromBytes <= durable) continue
      const toBytes = durable + Math.min(fromBytes - durable, Math.max(0, keepTail(fromBytes - durable)))
      if (toBytes === fromBytes) continue
      const file = await store.openAppend(path)
      try {
        await file.truncate(toBytes)
      } finally {
        await file.close()
      }
      truncated.push({ path, fromBytes, toBytes })
    }
    this.#entries.clear()
    this.#syncedBytes.clear()
    return { removed, restored, truncated }
  }
}
