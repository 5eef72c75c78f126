import { posix } from 'node:path'
import type { FileStore } from '../storage/file-store.ts'
import { parseWalFileName, type WalRecord } from './wal-format.ts'
import { scanWalFile, type WalFileScan } from './wal-scan.ts'

/** One WAL file: the LSN of its first record (also its name) and its store path. */
export interface WalFile {
  readonly firstLsn: number
  readonly path: string
}

export interface WalRecovery {
  /** The files kept, oldest first, each consecutive with the previous one. */
  readonly files: WalFile[]
  /** Intact records with lsn > fromLsn, in LSN order. */
  readonly records: WalRecord[]
  /** The LSN the next append gets. */
  readonly nextLsn: number
  /** Bytes of the WAL files read. */
  readonly bytesRead: number
}

/**
 * Reads every WAL file of `dir` and repairs the log so it ends at its last intact record: the file
 * holding the first bad frame is truncated there (removed if its header is bad), every later file is
 * removed, and both are logged. Files are also cut where their first LSN does not continue the
 * previous file. Records never acknowledged are the only ones that can be cut this way, unless the
 * storage itself corrupted acknowledged data (then the damage and everything after it is lost, loudly).
 *
 * A file that starts at an LSN its predecessor's intact records already reach (or that its
 * predecessor's first bad frame carries) *supersedes* that tail: the WAL rolled to it after a failed
 * write, whose records were never acknowledged. The predecessor is cut before the superseded records.
 */
export async function recoverWal(store: FileStore, dir: string, fromLsn: number, log: (msg: string) => void): Promise<WalRecovery> {
  await store.mkdirp(dir)
  const found = await listWalFiles(store, dir, log)
  const files: WalFile[] = []
  const records: WalRecord[] = []
  let nextLsn: number | undefined
  let bytesRead = 0
  for (let i = 0; i < found.length; i++) {
    const file = found[i]!
    if (nextLsn !== undefined && file.firstLsn !== nextLsn) {
      log(`wal: ${file.path} starts at lsn ${file.firstLsn} but the log ends at lsn ${nextLsn - 1}`)
      await removeFiles(store, dir, found.slice(i), log)
      break
    }
    const bytes = await store.readFile(file.path)
    bytesRead += bytes.byteLength
    let scan = scanWalFile(bytes, file.firstLsn, file.path)
    const successor = found[i + 1]
    if (successor !== undefined && supersedes(successor, file, scan)) {
      scan = await cutSuperseded(store, file, bytes, scan, successor, log)
    }
    for (const r of scan.records) if (r.lsn > fromLsn) records.push(r)
    nextLsn = scan.nextLsn
    if (scan.problem === undefined) {
      files.push(file)
      continue
    }
    if (await cutFile(store, file, scan, log)) files.push(file)
    await removeFiles(store, dir, found.slice(i + 1), log)
    await store.syncDir(dir)
    break
  }
  return { files, records, nextLsn: nextLsn ?? 1, bytesRead }
}

/** True if `successor` starts inside the tail of `file`: at or before the end of its intact records. */
function supersedes(successor: WalFile, file: WalFile, scan: WalFileScan): boolean {
  if (successor.firstLsn <= file.firstLsn || successor.firstLsn > scan.nextLsn) return false
  return successor.firstLsn < scan.nextLsn || scan.problem !== undefined
}

/** Cuts `file` after the record before `successor`'s first LSN (synced) and returns the scan of what is kept. */
async function cutSuperseded(
  store: FileStore,
  file: WalFile,
  bytes: Uint8Array,
  scan: WalFileScan,
  successor: WalFile,
  log: (msg: string) => void,
): Promise<WalFileScan> {
  const records = scan.records.filter((r) => r.lsn < successor.firstLsn)
  const last = records.at(-1)!
  const goodBytes = last.payload.byteOffset - bytes.byteOffset + last.payload.byteLength
  log(`wal: cut ${bytes.length - goodBytes} bytes from ${file.path} after lsn ${last.lsn}: superseded by ${successor.path} (written after a failed write)`)
  const handle = await store.openAppend(file.path)
  try {
    await handle.truncate(goodBytes)
    await handle.sync()
  } finally {
    await handle.close()
  }
  return { records, nextLsn: successor.firstLsn, goodBytes, problem: undefined }
}

async function listWalFiles(store: FileStore, dir: string, log: (msg: string) => void): Promise<WalFile[]> {
  const files: WalFile[] = []
  for (const name of await store.list(dir)) {
    const firstLsn = parseWalFileName(name)
    if (firstLsn === undefined) log(`wal: ignoring ${posix.join(dir, name)}: not a wal file`)
    else files.push({ firstLsn, path: posix.join(dir, name) })
  }
  return files
}

/** Cuts `file` after its last intact record; returns false if nothing of it was kept (file removed). */
async function cutFile(store: FileStore, file: WalFile, scan: WalFileScan, log: (msg: string) => void): Promise<boolean> {
  const sizeBytes = await store.size(file.path)
  const cutBytes = sizeBytes - scan.goodBytes
  if (scan.goodBytes === 0) {
    log(`wal: removed ${file.path} (${sizeBytes} bytes): ${scan.problem}`)
    await store.remove(file.path)
    return false
  }
  log(`wal: cut ${cutBytes} bytes from ${file.path} at byte ${scan.goodBytes}, after lsn ${scan.nextLsn - 1}: ${scan.problem}`)
  const handle = await store.openAppend(file.path)
  try {
    await handle.truncate(scan.goodBytes)
    await handle.sync()
  } finally {
    await handle.close()
  }
  return true
}

/** Removes files newest first, so a crash part-way leaves a log that still ends in one piece. */
async function removeFiles(store: FileStore, dir: string, files: readonly WalFile[], log: (msg: string) => void): Promise<void> {
  for (let i = files.length - 1; i >= 0; i--) {
    const file = files[i]!
    log(`wal: removed ${file.path} (${await store.size(file.path)} bytes) after the cut`)
    await store.remove(file.path)
  }
  if (files.length > 0) await store.syncDir(dir)
}
