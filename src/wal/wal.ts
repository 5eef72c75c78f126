import { posix } from 'node:path'
import { assert } from '../common/assert.ts'
import { errors, MilvusError } from '../errors/errors.ts'
import type { AppendFile, FileStore } from '../storage/file-store.ts'
import {
  encodeWalFileHeader,
  encodeWalFrameHeader,
  walFileBytesMaxDefault,
  walFileHeaderBytes,
  walFileName,
  type WalRecord,
  walRecordBytesMax,
} from './wal-format.ts'
import { recoverWal, type WalFile } from './wal-recovery.ts'

export interface WalOptions {
  /** Size after which appends go to a new file (default 64 MiB). */
  readonly fileBytesMax?: number
  /** fdatasync every group before acknowledging it (default true; false only for tests). */
  readonly sync?: boolean
  /** Where recovery reports what it cut (default `console.warn`). */
  readonly log?: (msg: string) => void
  /** Only records with a greater LSN are returned by `open` (all are still checked). Default 0. */
  readonly fromLsn?: number
}

export interface WalStats {
  readonly appendCount: number
  /** Writes, each carrying every record queued while the previous one was in flight. */
  readonly groupCount: number
  /** fdatasync calls on record data (0 with `sync: false`). */
  readonly syncCount: number
  readonly bytesWritten: number
}

interface PendingRecord {
  readonly lsn: number
  readonly chunks: readonly Uint8Array[]
  readonly apply: (lsn: number) => unknown
  readonly resolve: (result: unknown) => void
  readonly reject: (error: unknown) => void
}

/**
 * The write-ahead log: numbered, checksummed records in files under `dir`, made durable in groups
 * (one write + fdatasync for everything queued while the previous group was in flight).
 *
 * Invariants: LSNs are given out in call order and are consecutive; a record's `apply` runs only
 * after the record is durable, in LSN order. After a failed write or fdatasync the tail of the
 * current file is in an unknown state: the failed group and everything queued behind it are
 * rejected and never applied, their LSNs are given out again, and the next group first *rolls* to
 * a new file named for the first of those LSNs (created and fsynced with its directory before any
 * record goes in). Recovery treats records of an older file at or past a newer file's first LSN as
 * superseded, so a failed record never comes back once a later write was acknowledged.
 */
export class Wal {
  readonly #store: FileStore
  readonly #dir: string
  readonly #fileBytesMax: number
  readonly #sync: boolean
  readonly #log: (msg: string) => void
  readonly #files: WalFile[]
  #current: AppendFile
  #nextLsn: number
  #durableLsn: number
  #queue: PendingRecord[] = []
  #draining: Promise<void> | undefined
  #checkpointing: Promise<void> = Promise.resolve()
  /** Set after a failed write: the next group goes to a new file starting at this LSN. */
  #rollFrom: number | undefined
  #closed = false
  #stats = { appendCount: 0, groupCount: 0, syncCount: 0, bytesWritten: 0 }

  private constructor(store: FileStore, dir: string, options: WalOptions, files: WalFile[], current: AppendFile, nextLsn: number) {
    this.#store = store
    this.#dir = dir
    this.#fileBytesMax = options.fileBytesMax ?? walFileBytesMaxDefault
    this.#sync = options.sync ?? true
    this.#log = options.log ?? console.warn
    this.#files = files
    this.#current = current
    this.#nextLsn = nextLsn
    this.#durableLsn = nextLsn - 1
  }

  /** Recovers the log in `dir` (cutting a torn or corrupt tail) and returns it with its intact records. */
  static async open(store: FileStore, dir: string, options: WalOptions = {}): Promise<{ wal: Wal; records: WalRecord[]; bytesRead: number }> {
    const fileBytesMax = options.fileBytesMax ?? walFileBytesMaxDefault
    assert.ok(Number.isSafeInteger(fileBytesMax) && fileBytesMax > 0, `fileBytesMax must be a positive integer: ${fileBytesMax}`)
    const recovery = await recoverWal(store, dir, options.fromLsn ?? 0, options.log ?? console.warn)
    const files = recovery.files
    const last = files.at(-1)
    let current: AppendFile
    if (last === undefined) {
      const file = { firstLsn: recovery.nextLsn, path: posix.join(dir, walFileName(recovery.nextLsn)) }
      current = await createWalFile(store, dir, file, options.sync ?? true)
      files.push(file)
    } else {
      current = await store.openAppend(last.path)
      if (options.sync ?? true) {
        // Bytes a killed process wrote but never synced must be durable before new writes are acknowledged after them.
        try {
          await current.sync()
          await store.syncDir(dir)
        } catch (e) {
          await current.close()
          throw e
        }
      }
    }
    return { wal: new Wal(store, dir, options, files, current, recovery.nextLsn), records: recovery.records, bytesRead: recovery.bytesRead }
  }

  /** The last LSN given out (its record may still be in flight). 0 if none ever was. */
  get lastLsn(): number {
    return this.#nextLsn - 1
  }

  /** The last LSN whose record is durable. */
  get durableLsn(): number {
    return this.#durableLsn
  }

  get stats(): WalStats {
    return { ...this.#stats }
  }

  /** How many WAL files the log spans now. */
  get fileCount(): number {
    return this.#files.length
  }

  /**
   * Appends one record. Its LSN is taken now (so LSN order is call order); once the record is
   * durable, `apply(lsn)` runs (in LSN order, synchronously) and the promise resolves with its
   * result, or rejects with what it threw (the record stays in the log). If the write fails, the
   * promise rejects with an io error, nothing of that group (or queued behind it) is applied, and the
   * next append rolls to a new file (failing again, changing nothing, while the cause persists).
   * The payload chunks are written later, as they are: do not change them until the promise settles.
   */
  append<R>(payload: readonly Uint8Array[], apply: (lsn: number) => R): Promise<R> {
    if (this.#closed) return Promise.reject(errors.closed())
    let payloadBytes = 0
    for (const chunk of payload) payloadBytes += chunk.byteLength
    if (payloadBytes > walRecordBytesMax) {
      return Promise.reject(errors.tooLarge(`wal record of ${payloadBytes} bytes exceeds walRecordBytesMax ${walRecordBytesMax}`))
    }
    const lsn = this.#nextLsn++
    const chunks = [encodeWalFrameHeader(lsn, payload, payloadBytes), ...payload]
    this.#stats.appendCount++
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ lsn, chunks, apply, resolve: resolve as (result: unknown) => void, reject })
      this.#draining ??= this.#drain()
    })
  }

  /** Removes the files whose records all have LSN ≤ `lsn` (never the file being appended to). */
  checkpoint(lsn: number): Promise<void> {
    if (this.#closed) return Promise.reject(errors.closed())
    const run = this.#checkpointing.then(() => this.#removeFilesUpTo(lsn))
    this.#checkpointing = run.catch(() => undefined)
    return run
  }

  /** Waits for queued records and checkpoints, then closes the current file. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#draining
    await this.#checkpointing
    await this.#current.close()
  }

  /** Writes queued records group by group until the queue is empty or a write fails. */
  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const group = this.#queue
      this.#queue = []
      try {
        await this.#writeGroup(group)
      } catch (e) {
        this.#failGroup(group, e)
        break
      }
      this.#durableLsn = group.at(-1)!.lsn
      applyGroup(group)
    }
    this.#draining = undefined
  }

  async #writeGroup(group: readonly PendingRecord[]): Promise<void> {
    const chunks: Uint8Array[] = []
    let bytes = 0
    for (const record of group) {
      for (const chunk of record.chunks) {
        chunks.push(chunk)
        bytes += chunk.byteLength
      }
    }
    if (this.#rollFrom !== undefined) await this.#roll(group[0]!.lsn)
    else await this.#rotateIfFull(group[0]!.lsn)
    const sizeBefore = this.#current.size
    try {
      await this.#current.append(chunks)
      if (this.#sync) {
        await this.#current.sync()
        this.#stats.syncCount++
      }
    } catch (e) {
      await this.#current.truncate(sizeBefore).catch(() => undefined)
      throw e
    }
    this.#stats.groupCount++
    this.#stats.bytesWritten += bytes
  }

  /** Starts a new file at `firstLsn` when the current one has passed `fileBytesMax`. */
  async #rotateIfFull(firstLsn: number): Promise<void> {
    const size = this.#current.size
    if (size < this.#fileBytesMax || size <= walFileHeaderBytes) return
    const file = { firstLsn, path: posix.join(this.#dir, walFileName(firstLsn)) }
    const next = await createWalFile(this.#store, this.#dir, file, this.#sync)
    const previous = this.#current
    this.#current = next
    this.#files.push(file)
    await previous.close()
  }

  /**
   * A failed group: it and every record queued behind it are rejected (none was applied), their
   * LSNs are given out again, and the next group rolls to a new file first.
   */
  #failGroup(group: readonly PendingRecord[], cause: unknown): void {
    const firstLsn = group[0]!.lsn
    const groupError = cause instanceof MilvusError ? cause : errors.io('wal write failed', cause)
    const queued = this.#queue
    this.#queue = []
    this.#nextLsn = firstLsn
    this.#rollFrom = firstLsn
    this.#log(`wal: write of lsn ${firstLsn}..${(queued.at(-1) ?? group.at(-1)!).lsn} failed (${(cause as Error).message}); the next write starts a new wal file`)
    for (const record of group) record.reject(groupError)
    const notWritten = errors.io(`wal write failed before this record was written; nothing was changed`, cause)
    for (const record of queued) record.reject(notWritten)
  }

  /**
   * Starts a new file at `firstLsn` after a failed write: the old file's tail (the failed group,
   * cut back or not, synced or not) is never appended to again, and recovery ignores it because
   * this file starts at the same LSN. The file and its directory entry are durable before use.
   */
  async #roll(firstLsn: number): Promise<void> {
    assert.equal(firstLsn, this.#rollFrom, 'a roll starts at the first LSN of the failed group')
    const file = { firstLsn, path: posix.join(this.#dir, walFileName(firstLsn)) }
    const next = await createWalFile(this.#store, this.#dir, file, this.#sync)
    const previous = this.#current
    this.#current = next
    // The failed group may have been the first of the current file (same name): that entry is replaced.
    if (this.#files.at(-1)!.firstLsn === firstLsn) this.#files[this.#files.length - 1] = file
    else this.#files.push(file)
    this.#rollFrom = undefined
    this.#log(`wal: rolled to ${file.path} after a failed write`)
    await previous.close().catch(() => undefined)
  }

  async #removeFilesUpTo(lsn: number): Promise<void> {
    while (this.#files.length > 1 && this.#files[1]!.firstLsn - 1 <= lsn) {
      await this.#store.remove(this.#files[0]!.path)
      // One file at a time, durably: the log on disk must always be a contiguous run of files.
      if (this.#sync) await this.#store.syncDir(this.#dir)
      this.#files.shift()
    }
  }
}

/** Runs each record's `apply` in LSN order and settles its promise; one failing apply affects only its caller. */
function applyGroup(group: readonly PendingRecord[]): void {
  for (const record of group) {
    let result: unknown
    try {
      result = record.apply(record.lsn)
    } catch (e) {
      record.reject(e)
      continue
    }
    record.resolve(result)
  }
}

/** Creates an empty WAL file (header only) and makes it and its directory entry durable. */
async function createWalFile(store: FileStore, dir: string, file: WalFile, sync: boolean): Promise<AppendFile> {
  const handle = await store.openAppend(file.path)
  try {
    if (handle.size !== 0) await handle.truncate(0)
    await handle.append([encodeWalFileHeader(file.firstLsn)])
    if (sync) {
      await handle.sync()
      await store.syncDir(dir)
    }
    return handle
  } catch (e) {
    await handle.close().catch(() => undefined)
    throw e
  }
}
