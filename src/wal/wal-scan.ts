import { crc32c } from '@node-rs/crc32'
import { errors } from '../errors/errors.ts'
import { decodeWalFileHeader, getU64, type WalRecord, walFileHeaderBytes, walFrameHeaderBytes } from './wal-format.ts'

/** What one WAL file holds: its intact records, where they end, and what is wrong after them. */
export interface WalFileScan {
  /** Intact records, consecutive from the file's first LSN; payloads are views of the file bytes. */
  readonly records: WalRecord[]
  /** The LSN after the last intact record. */
  readonly nextLsn: number
  /** Bytes from the file start to the end of the last intact record (0 if the header is bad). */
  readonly goodBytes: number
  /** Why the bytes after `goodBytes` are not records; undefined if the file is intact. */
  readonly problem: string | undefined
}

/**
 * Reads the records of one WAL file named for `firstLsn`. Stops at the first frame that is short,
 * fails its checksum, or carries an unexpected LSN. An intact header of another format version is
 * an error (a newer build wrote it: nothing may be cut).
 */
export function scanWalFile(bytes: Uint8Array, firstLsn: number, path: string): WalFileScan {
  const header = decodeWalFileHeader(bytes)
  if (header.kind === 'unsupported') {
    throw errors.io(`wal file '${path}' has format version ${header.version}; this build reads 1`, undefined)
  }
  if (header.kind === 'bad') return { records: [], nextLsn: firstLsn, goodBytes: 0, problem: header.why }
  if (header.firstLsn !== firstLsn) {
    return { records: [], nextLsn: firstLsn, goodBytes: 0, problem: `header names lsn ${header.firstLsn}` }
  }
  return scanRecords(bytes, firstLsn)
}

function scanRecords(bytes: Uint8Array, firstLsn: number): WalFileScan {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const records: WalRecord[] = []
  let pos = walFileHeaderBytes
  let lsn = firstLsn
  let problem: string | undefined
  while (pos < bytes.length) {
    problem = frameProblem(bytes, view, pos, lsn)
    if (problem !== undefined) break
    const payloadBytes = view.getUint32(pos, true)
    const start = pos + walFrameHeaderBytes
    records.push({ lsn, payload: bytes.subarray(start, start + payloadBytes) })
    pos = start + payloadBytes
    lsn++
  }
  return { records, nextLsn: lsn, goodBytes: pos, problem }
}

/** Why the frame at `pos` is not the intact record `lsn`, or undefined if it is. */
function frameProblem(bytes: Uint8Array, view: DataView, pos: number, lsn: number): string | undefined {
  const left = bytes.length - pos
  if (left < walFrameHeaderBytes) return `torn frame header at lsn ${lsn} (${left} bytes)`
  const payloadBytes = view.getUint32(pos, true)
  if (payloadBytes > left - walFrameHeaderBytes) {
    return `torn record at lsn ${lsn} (${payloadBytes} payload bytes announced, ${left - walFrameHeaderBytes} present)`
  }
  const crc = crc32c(bytes.subarray(pos + 8, pos + walFrameHeaderBytes + payloadBytes))
  if (crc !== view.getUint32(pos + 4, true)) return `checksum mismatch at lsn ${lsn}`
  const found = getU64(view, pos + 8)
  if (found !== lsn) return `lsn ${found} where ${lsn} was expected`
  return undefined
}
