import { crc32c } from '@node-rs/crc32'
import { errors, type MilvusError } from '../../errors/errors.ts'

/** The typed arrays a scalar index file holds. */
export type ScalarIndexSection = Uint8Array | Uint32Array | Float64Array | BigInt64Array

/** A scalar index file: a JSON header (index type, value kind, counts) and typed-array sections. */
export interface ScalarIndexPayload {
  readonly header: Readonly<Record<string, string | number | boolean>>
  readonly sections: readonly ScalarIndexSection[]
}

export const scalarIndexFormatVersion = 1
const magic = 0x58495351 // 'QSIX' little-endian
const alignBytes = 8
const typeCodes = { Uint8Array: 1, Uint32Array: 2, Float64Array: 3, BigInt64Array: 4 } as const
const elementBytes: Readonly<Record<number, number>> = { 1: 1, 2: 4, 3: 8, 4: 8 }

/**
 * Layout (little-endian): `QSIX` | u32 formatVersion | u32 headerJsonBytes | u32 sectionCount |
 * header JSON | pad to 8 | sectionCount × (u32 typeCode, u32 elementCount) | pad to 8 |
 * each section's bytes padded to 8 | u32 crc32c of everything before it.
 */
export function encodeScalarIndexPayload(p: ScalarIndexPayload): Uint8Array[] {
  const json = new TextEncoder().encode(JSON.stringify(p.header))
  const tableAt = padded(16 + json.length)
  const head = new Uint8Array(tableAt + padded(p.sections.length * 8))
  const view = new DataView(head.buffer)
  view.setUint32(0, magic, true)
  view.setUint32(4, scalarIndexFormatVersion, true)
  view.setUint32(8, json.length, true)
  view.setUint32(12, p.sections.length, true)
  head.set(json, 16)
  p.sections.forEach((s, i) => {
    view.setUint32(tableAt + i * 8, typeCodeOf(s), true)
    view.setUint32(tableAt + i * 8 + 4, s.length, true)
  })
  const chunks: Uint8Array[] = [head]
  for (const s of p.sections) {
    chunks.push(new Uint8Array(s.buffer, s.byteOffset, s.byteLength))
    const pad = padded(s.byteLength) - s.byteLength
    if (pad > 0) chunks.push(new Uint8Array(pad))
  }
  let crc = 0
  for (const c of chunks) crc = crc32c(c, crc)
  const tail = new Uint8Array(4)
  new DataView(tail.buffer).setUint32(0, crc, true)
  chunks.push(tail)
  return chunks
}

/** The inverse of `encodeScalarIndexPayload`; corruption (or another format version) is a 2100 error. */
export function decodeScalarIndexPayload(bytes: Uint8Array): ScalarIndexPayload {
  if (bytes.length < 20) throw corrupt('too short')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view.getUint32(0, true) !== magic) throw corrupt('bad magic')
  const version = view.getUint32(4, true)
  if (version !== scalarIndexFormatVersion) throw corrupt(`format version ${version}, expected ${scalarIndexFormatVersion}`)
  const body = bytes.length - 4
  if (view.getUint32(body, true) !== crc32c(bytes.subarray(0, body))) throw corrupt('checksum mismatch')
  const jsonBytes = view.getUint32(8, true)
  const count = view.getUint32(12, true)
  if (16 + jsonBytes > body) throw corrupt('header past the end')
  const header = parseHeader(bytes.subarray(16, 16 + jsonBytes))
  const tableAt = padded(16 + jsonBytes)
  let at = tableAt + padded(count * 8)
  const sections: ScalarIndexSection[] = []
  for (let i = 0; i < count; i++) {
    const s = section(bytes, at, view.getUint32(tableAt + i * 8, true), view.getUint32(tableAt + i * 8 + 4, true), body)
    sections.push(s)
    at += padded(s.byteLength)
  }
  if (at !== body) throw corrupt('section sizes do not add up')
  return { header, sections }
}

function parseHeader(json: Uint8Array): Record<string, string | number | boolean> {
  try {
    const h = JSON.parse(new TextDecoder().decode(json)) as unknown
    if (h === null || typeof h !== 'object' || Array.isArray(h)) throw new Error('not an object')
    return h as Record<string, string | number | boolean>
  } catch (cause) {
    throw errors.io('scalar index data is corrupt: bad header', cause)
  }
}

/** A view of the section when aligned, else a copy. */
function section(bytes: Uint8Array, at: number, code: number, length: number, end: number): ScalarIndexSection {
  const size = elementBytes[code]
  if (size === undefined) throw corrupt(`unknown section type ${code}`)
  const byteLength = length * size
  if (at + byteLength > end) throw corrupt('section past the end')
  const offset = bytes.byteOffset + at
  const aligned = offset % size === 0
  const buffer = aligned ? bytes.buffer : bytes.slice(at, at + byteLength).buffer
  const start = aligned ? offset : 0
  switch (code) {
    case typeCodes.Uint8Array:
      return new Uint8Array(buffer, start, length)
    case typeCodes.Uint32Array:
      return new Uint32Array(buffer, start, length)
    case typeCodes.Float64Array:
      return new Float64Array(buffer, start, length)
    default:
      return new BigInt64Array(buffer, start, length)
  }
}

function typeCodeOf(s: ScalarIndexSection): number {
  if (s instanceof Uint8Array) return typeCodes.Uint8Array
  if (s instanceof Uint32Array) return typeCodes.Uint32Array
  if (s instanceof Float64Array) return typeCodes.Float64Array
  return typeCodes.BigInt64Array
}

function padded(n: number): number {
  return Math.ceil(n / alignBytes) * alignBytes
}

export function corrupt(what: string): MilvusError {
  return errors.io(`scalar index data is corrupt: ${what}`, undefined)
}

/**
 * Strings as UTF-8 bytes (as the segment file stores them, so a lone surrogate reads back as U+FFFD
 * in both) and the UTF-16 offset of each (which that replacement does not change). One native
 * encode of the joined text when that is safe (well-formed, so no surrogate pairs up across two
 * strings), else one encode per string.
 */
export function encodeStrings(values: readonly string[]): { bytes: Uint8Array; offsets: Uint32Array } {
  const n = values.length
  const offsets = new Uint32Array(n + 1)
  let edgeSurrogate = false
  for (let i = 0; i < n; i++) {
    const s = values[i]!
    offsets[i + 1] = offsets[i]! + s.length
    if (s.length > 0 && (isSurrogate(s.charCodeAt(0)) || isSurrogate(s.charCodeAt(s.length - 1)))) edgeSurrogate = true
  }
  const joined = values.join('')
  if (!edgeSurrogate && isWellFormed(joined)) {
    const b = Buffer.from(joined, 'utf8')
    return { bytes: new Uint8Array(b.buffer, b.byteOffset, b.byteLength), offsets }
  }
  const bytes = new Uint8Array(Buffer.byteLength(joined, 'utf8') + 3 * n)
  const encoder = new TextEncoder()
  let at = 0
  for (let i = 0; i < n; i++) at += encoder.encodeInto(values[i]!, bytes.subarray(at)).written
  return { bytes: bytes.subarray(0, at), offsets }
}

function isSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdfff
}

function isWellFormed(s: string): boolean {
  const native = (s as unknown as { isWellFormed?: () => boolean }).isWellFormed
  return native !== undefined ? native.call(s) : Buffer.from(s, 'utf8').toString('utf8') === s
}

export function decodeStrings(bytes: Uint8Array, offsets: Uint32Array): string[] {
  const all = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)
  const n = offsets.length - 1
  if (n < 0 || offsets[n] !== all.length) throw corrupt('string offsets do not match the text')
  const out = new Array<string>(n)
  for (let i = 0; i < n; i++) out[i] = all.slice(offsets[i]!, offsets[i + 1]!)
  return out
}
