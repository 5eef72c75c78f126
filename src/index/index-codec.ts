import { crc32c } from '@node-rs/crc32'
import { errors, type MilvusError } from '../errors/errors.ts'
import type { IndexSpec } from './index-spec.ts'

/** The typed arrays an index persists. */
export type IndexSection = Int32Array | Float32Array | Uint8Array | Uint16Array | Uint32Array

/** Everything an index file holds: its spec, row count, a few scalars and its arrays, in order. */
export interface IndexPayload {
  readonly spec: IndexSpec
  readonly rowCount: number
  readonly meta: Readonly<Record<string, number>>
  readonly sections: readonly IndexSection[]
  /**
   * Set by `decodeIndexPayload`: the whole encoded bytes the sections view. An index that never
   * changes after it is built can hand them back from `encode()` instead of encoding (and the
   * checkpoint copying) its arrays again.
   */
  readonly source?: Uint8Array
}

export const indexFormatVersion = 1
const magic = 0x58444951 // 'QIDX' little-endian
/** Sections start on 8-byte boundaries so decoding can view them in place. */
const alignBytes = 8

const typeCodes = { Int32Array: 1, Float32Array: 2, Uint8Array: 3, Uint16Array: 4, Uint32Array: 5 } as const
type TypeCode = (typeof typeCodes)[keyof typeof typeCodes]

/**
 * Index file layout (little-endian):
 * `QIDX` | u32 formatVersion | u32 rowCount | u32 headerJsonBytes | header JSON (spec + meta) | pad to 8 |
 * u32 sectionCount | u32 0 | sectionCount × (u32 typeCode, u32 elementCount) | pad to 8 |
 * each section's bytes, padded to 8 | u32 crc32c of everything before it.
 */
export function encodeIndexPayload(payload: IndexPayload): Uint8Array[] {
  const json = new TextEncoder().encode(JSON.stringify({ spec: payload.spec, meta: payload.meta }))
  const tableBytes = 8 + payload.sections.length * 8
  const head = new Uint8Array(padded(16 + json.length) + padded(tableBytes))
  const view = new DataView(head.buffer)
  view.setUint32(0, magic, true)
  view.setUint32(4, indexFormatVersion, true)
  view.setUint32(8, payload.rowCount, true)
  view.setUint32(12, json.length, true)
  head.set(json, 16)
  let at = padded(16 + json.length)
  view.setUint32(at, payload.sections.length, true)
  at += 8
  for (const s of payload.sections) {
    view.setUint32(at, typeCodeOf(s), true)
    view.setUint32(at + 4, s.length, true)
    at += 8
  }
  const chunks: Uint8Array[] = [head]
  for (const s of payload.sections) {
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

/** One buffer holding `chunks` end to end. */
export function concatChunks(chunks: readonly Uint8Array[]): Uint8Array {
  let total = 0
  for (const c of chunks) total += c.length
  const out = new Uint8Array(total)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.length
  }
  return out
}

/** The inverse of `encodeIndexPayload`. Sections are views of `bytes` when aligned, else copies. Corruption is a 2100 error. */
export function decodeIndexPayload(bytes: Uint8Array): IndexPayload {
  if (bytes.length < 24) throw corrupt('too short')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view.getUint32(0, true) !== magic) throw corrupt('bad magic')
  const version = view.getUint32(4, true)
  if (version !== indexFormatVersion) throw corrupt(`format version ${version}, expected ${indexFormatVersion}`)
  const body = bytes.length - 4
  if (view.getUint32(body, true) !== crc32c(bytes.subarray(0, body))) throw corrupt('checksum mismatch')
  const rowCount = view.getUint32(8, true)
  const jsonBytes = view.getUint32(12, true)
  const header = parseHeader(bytes.subarray(16, 16 + jsonBytes))
  let at = padded(16 + jsonBytes)
  const sectionCount = view.getUint32(at, true)
  const table: Array<{ code: number; length: number }> = []
  for (let i = 0, t = at + 8; i < sectionCount; i++, t += 8) table.push({ code: view.getUint32(t, true), length: view.getUint32(t + 4, true) })
  at += padded(8 + sectionCount * 8)
  const sections: IndexSection[] = []
  for (const { code, length } of table) {
    const section = sliceSection(bytes, at, code as TypeCode, length, body)
    sections.push(section)
    at += padded(section.byteLength)
  }
  if (at !== body) throw corrupt('section sizes do not add up')
  return { spec: header.spec, meta: header.meta, rowCount, sections, source: bytes }
}

function parseHeader(json: Uint8Array): { spec: IndexSpec; meta: Record<string, number> } {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(json.slice())) as { spec: IndexSpec; meta: Record<string, number> }
    if (typeof parsed.spec?.indexType !== 'string' || typeof parsed.spec.dim !== 'number') throw new Error('no spec')
    return parsed
  } catch (cause) {
    throw errors.io('index data is corrupt: bad header', cause)
  }
}

function sliceSection(bytes: Uint8Array, at: number, code: TypeCode, length: number, end: number): IndexSection {
  const elementBytes = code === typeCodes.Uint8Array ? 1 : code === typeCodes.Uint16Array ? 2 : 4
  const byteLength = length * elementBytes
  if (at + byteLength > end) throw corrupt('section past the end')
  const offset = bytes.byteOffset + at
  const buffer = offset % elementBytes === 0 ? bytes.buffer : bytes.slice(at, at + byteLength).buffer
  const start = offset % elementBytes === 0 ? offset : 0
  switch (code) {
    case typeCodes.Int32Array:
      return new Int32Array(buffer, start, length)
    case typeCodes.Float32Array:
      return new Float32Array(buffer, start, length)
    case typeCodes.Uint8Array:
      return new Uint8Array(buffer, start, length)
    case typeCodes.Uint16Array:
      return new Uint16Array(buffer, start, length)
    case typeCodes.Uint32Array:
      return new Uint32Array(buffer, start, length)
    default:
      throw corrupt(`unknown section type ${String(code)}`)
  }
}

function typeCodeOf(s: IndexSection): TypeCode {
  if (s instanceof Int32Array) return typeCodes.Int32Array
  if (s instanceof Float32Array) return typeCodes.Float32Array
  if (s instanceof Uint8Array) return typeCodes.Uint8Array
  if (s instanceof Uint16Array) return typeCodes.Uint16Array
  return typeCodes.Uint32Array
}

function padded(n: number): number {
  return Math.ceil(n / alignBytes) * alignBytes
}

export function corrupt(why: string): MilvusError {
  return errors.io(`index data is corrupt: ${why}`, undefined)
}

/** Reads a payload's sections in order, checking each one's type and length (-1: any); a mismatch is corruption. */
export class SectionReader {
  private next = 0
  private readonly sections: readonly IndexSection[]

  constructor(payload: IndexPayload) {
    this.sections = payload.sections
  }

  int32(length: number): Int32Array {
    return this.take(Int32Array, length)
  }

  float32(length: number): Float32Array {
    return this.take(Float32Array, length)
  }

  uint8(length: number): Uint8Array {
    return this.take(Uint8Array, length)
  }

  uint16(length: number): Uint16Array {
    return this.take(Uint16Array, length)
  }

  /** Asserts every section was read. */
  done(): void {
    if (this.next !== this.sections.length) throw corrupt(`${this.sections.length - this.next} unread sections`)
  }

  private take<T extends IndexSection>(type: new (n: number) => T, length: number): T {
    const s = this.sections[this.next++]
    if (!(s instanceof type)) throw corrupt(`section ${this.next - 1} is not a ${type.name}`)
    if (length >= 0 && s.length !== length) throw corrupt(`section ${this.next - 1} has ${s.length} elements, expected ${length}`)
    return s
  }
}
