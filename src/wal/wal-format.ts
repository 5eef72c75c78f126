import { crc32c } from '@node-rs/crc32'

/**
 * The on-disk format of the write-ahead log (see README.md and docs/design/0001-wal-format.md).
 * All integers little-endian.
 *
 * File `<firstLsn, 20 digits>.log` = header, then records back to back:
 * - header (24 bytes): `QWAL` | u32 formatVersion | u64 firstLsn | u32 0 (reserved) | u32 crc32c(bytes 0..20)
 * - record: u32 payloadBytes | u32 crc32c(lsn bytes + payload) | u64 lsn | payload
 */
export const walFormatVersion = 1
export const walFileHeaderBytes = 24
export const walFrameHeaderBytes = 16
/** Largest payload of one record. */
export const walRecordBytesMax = 1024 * 1024 * 1024
/** Default size after which appends go to a new file. */
export const walFileBytesMaxDefault = 64 * 1024 * 1024

/** One record as written: its log sequence number and its payload bytes. */
export interface WalRecord {
  readonly lsn: number
  readonly payload: Uint8Array
}

const magic = [0x51, 0x57, 0x41, 0x4c] // 'QWAL'
const fileNamePattern = /^([0-9]{20})\.log$/

export function walFileName(firstLsn: number): string {
  return `${String(firstLsn).padStart(20, '0')}.log`
}

/** The first LSN named by a WAL file name, or undefined if `name` is not a WAL file. */
export function parseWalFileName(name: string): number | undefined {
  const m = fileNamePattern.exec(name)
  if (m === null) return undefined
  const lsn = Number(m[1])
  return Number.isSafeInteger(lsn) && lsn >= 1 ? lsn : undefined
}

export function encodeWalFileHeader(firstLsn: number, version = walFormatVersion): Uint8Array {
  const header = new Uint8Array(walFileHeaderBytes)
  const view = new DataView(header.buffer)
  header.set(magic, 0)
  view.setUint32(4, version, true)
  setU64(view, 8, firstLsn)
  view.setUint32(20, crc32c(header.subarray(0, 20)), true)
  return header
}

export type WalFileHeader =
  | { readonly kind: 'ok'; readonly firstLsn: number }
  | { readonly kind: 'unsupported'; readonly version: number }
  | { readonly kind: 'bad'; readonly why: string }

/** Checks a file's header; `unsupported` is an intact header of another format version. */
export function decodeWalFileHeader(bytes: Uint8Array): WalFileHeader {
  if (bytes.length < walFileHeaderBytes) return { kind: 'bad', why: `torn header (${bytes.length} bytes)` }
  const view = new DataView(bytes.buffer, bytes.byteOffset, walFileHeaderBytes)
  for (let i = 0; i < magic.length; i++) {
    if (bytes[i] !== magic[i]) return { kind: 'bad', why: 'header lacks the QWAL magic' }
  }
  if (view.getUint32(20, true) !== crc32c(bytes.subarray(0, 20))) return { kind: 'bad', why: 'header checksum mismatch' }
  const version = view.getUint32(4, true)
  if (version !== walFormatVersion) return { kind: 'unsupported', version }
  return { kind: 'ok', firstLsn: getU64(view, 8) }
}

/** The 16-byte frame header of a record whose payload is `payload` (of `payloadBytes` in all). */
export function encodeWalFrameHeader(lsn: number, payload: readonly Uint8Array[], payloadBytes: number): Uint8Array {
  const header = new Uint8Array(walFrameHeaderBytes)
  const view = new DataView(header.buffer)
  view.setUint32(0, payloadBytes, true)
  setU64(view, 8, lsn)
  let crc = crc32c(header.subarray(8, 16))
  for (const chunk of payload) crc = crc32c(chunk, crc)
  view.setUint32(4, crc, true)
  return header
}

export function setU64(view: DataView, offset: number, value: number): void {
  view.setUint32(offset, value % 0x1_0000_0000, true)
  view.setUint32(offset + 4, Math.floor(value / 0x1_0000_0000), true)
}

/** A u64 as a number; -1 if it is above 2^53 (never a valid LSN). */
export function getU64(view: DataView, offset: number): number {
  const high = view.getUint32(offset + 4, true)
  if (high > 0x1f_ffff) return -1
  return high * 0x1_0000_0000 + view.getUint32(offset, true)
}
