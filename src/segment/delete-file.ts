import { crc32c } from '@node-rs/crc32'
import type { Timestamp } from '../common/hybrid-ts.ts'
import { errors } from '../errors/errors.ts'
import type { DeleteLog } from './delete-log.ts'

/**
 * A segment's delete log on disk: `QDEL`, u32 version, u32 count, count × i32 row,
 * count × i64 ts, u32 crc32c of everything before it. Rewritten whole at a checkpoint.
 */
const MAGIC = 0x4c454451 // 'QDEL' little-endian
export const DELETE_FORMAT_VERSION = 1

export function encodeDeletes(log: DeleteLog, count: number): Uint8Array {
  const { rows, stamps } = log.entries(0)
  const body = 12 + count * 12
  const out = new Uint8Array(body + 4)
  const dv = new DataView(out.buffer)
  dv.setUint32(0, MAGIC, true)
  dv.setUint32(4, DELETE_FORMAT_VERSION, true)
  dv.setUint32(8, count, true)
  out.set(new Uint8Array(rows.buffer, rows.byteOffset, count * 4), 12)
  out.set(new Uint8Array(stamps.buffer, stamps.byteOffset, count * 8), 12 + count * 4)
  dv.setUint32(body, crc32c(out.subarray(0, body)), true)
  return out
}

export function decodeDeletes(bytes: Uint8Array, path: string): { rows: Int32Array; stamps: BigInt64Array } {
  const bad = (why: string) => errors.io(`delete file ${path} is corrupt: ${why}`, undefined)
  if (bytes.length < 16) throw bad('too short')
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (dv.getUint32(0, true) !== MAGIC) throw bad('bad magic')
  if (dv.getUint32(4, true) !== DELETE_FORMAT_VERSION) throw bad(`unknown version ${dv.getUint32(4, true)}`)
  const count = dv.getUint32(8, true)
  const body = 12 + count * 12
  if (bytes.length !== body + 4) throw bad('length does not match count')
  if (dv.getUint32(body, true) !== crc32c(bytes.subarray(0, body))) throw bad('checksum mismatch')
  const copy = bytes.slice(12, body)
  return {
    rows: new Int32Array(copy.buffer, 0, count),
    stamps: new BigInt64Array(copy.buffer.slice(count * 4, count * 12)),
  }
}

/** Replays decoded entries into a segment's delete log. */
export function restoreDeletes(log: DeleteLog, entries: { rows: Int32Array; stamps: BigInt64Array }): void {
  for (let i = 0; i < entries.rows.length; i++) log.add(entries.rows[i]!, entries.stamps[i]! as Timestamp)
}
