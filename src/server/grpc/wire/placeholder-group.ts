import { SEARCH_NQ_MAX } from '../../../engine/search-spec.ts'
import { errors } from '../../../errors/errors.ts'
import { decodeEmbedded } from '../milvus-proto.ts'
import { decodeSparseRow } from './sparse-bytes.ts'

/** Query vectors as the engine's search takes them, one per query. */
export type QueryVectors = Float32Array[] | Uint8Array[] | Uint16Array[] | Int8Array[] | { indices: number[]; values: number[] }[] | string[]

/**
 * `placeholder_group` bytes (a serialised `common.PlaceholderGroup`, tag `$0`) → the query vectors:
 * FloatVector rows are float32 LE, BinaryVector rows bytes, Float16/BFloat16 rows 16-bit patterns,
 * Int8Vector rows signed bytes, SparseFloatVector rows Milvus's (uint32, float32) pairs, VarChar
 * values UTF-8 query texts (a search on a BM25 function's output). Other kinds are not supported (3000).
 */
export function decodePlaceholderGroup(bytes: Uint8Array): QueryVectors {
  const nq = placeholderValueCount(bytes)
  if (nq > SEARCH_NQ_MAX) throw errors.invalid(`nq (${nq}) should be in range [1, ${SEARCH_NQ_MAX}]`)
  const group = decodeEmbedded('milvus.proto.common.PlaceholderGroup', bytes)
  const holders = (group.placeholders ?? []) as { tag?: string; type?: string; values?: Uint8Array[] }[]
  if (holders.length !== 1) throw errors.invalid(`the placeholder group should hold one placeholder, got ${holders.length}`)
  const h = holders[0]!
  const values = h.values ?? []
  switch (h.type) {
    // EmbList*: one embedding list per value, its vectors flat (struct vector sub-fields, MAX_SIM).
    case 'FloatVector':
    case 'EmbListFloatVector':
      return values.map((b, i) => typedRows(b, 4, i, (buf) => new Float32Array(buf)))
    case 'BinaryVector':
    case 'EmbListBinaryVector':
      return values.map((b) => Uint8Array.from(b))
    case 'Int8Vector':
    case 'EmbListInt8Vector':
      return values.map((b) => new Int8Array(Uint8Array.from(b).buffer))
    case 'Float16Vector':
    case 'BFloat16Vector':
    case 'EmbListFloat16Vector':
    case 'EmbListBFloat16Vector':
      return values.map((b, i) => typedRows(b, 2, i, (buf) => new Uint16Array(buf)))
    case 'SparseFloatVector':
      return values.map((b, i) => {
        const row = decodeSparseRow(b, i)
        return { indices: Array.from(row.indices), values: Array.from(row.values) }
      })
    case 'VarChar':
      return values.map((b) => utf8.decode(b))
    default:
      throw errors.notSupported(`search with ${h.type ?? 'unknown'} placeholders is not supported by Quiver`)
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false })

/** Copies one query's bytes into an aligned buffer and views it as `width`-byte elements (LE). */
function typedRows<T>(b: Uint8Array, width: number, i: number, view: (buf: ArrayBuffer) => T): T {
  if (b.length % width !== 0) throw errors.invalid(`query vector ${i} has ${b.length} bytes, not a multiple of ${width}`)
  const copy = new Uint8Array(b.length)
  copy.set(b)
  return view(copy.buffer)
}

/**
 * How many query vectors the group's bytes hold (`values` records of every placeholder), read from
 * the wire without decoding: a group of a million tiny vectors is refused in milliseconds instead
 * of seconds of protobuf decoding on the event loop. Malformed bytes count what is readable (the
 * decoder reports them).
 */
export function placeholderValueCount(bytes: Uint8Array): number {
  let count = 0
  forEachRecord(bytes, 0, bytes.length, (field, start, end) => {
    if (field === 1) forEachRecord(bytes, start, end, (inner) => void (inner === 3 && count++))
  })
  return count
}

/** Calls `visit` for each length-delimited record in bytes[from, to) (other wire types are skipped); stops at the first malformed one. */
function forEachRecord(bytes: Uint8Array, from: number, to: number, visit: (field: number, start: number, end: number) => void): void {
  let at = from
  while (at < to) {
    const tag = readVarint(bytes, at, to)
    if (tag === undefined) return
    at = tag.next
    const wireType = tag.value % 8
    if (wireType === 0) {
      const v = readVarint(bytes, at, to)
      if (v === undefined) return
      at = v.next
    } else if (wireType === 1 || wireType === 5) {
      at += wireType === 1 ? 8 : 4
    } else if (wireType === 2) {
      const len = readVarint(bytes, at, to)
      if (len === undefined || len.next + len.value > to) return
      visit(Math.floor(tag.value / 8), len.next, len.next + len.value)
      at = len.next + len.value
    } else {
      return
    }
  }
}

/** A varint of up to 7 bytes (lengths and tags; larger is malformed here). */
function readVarint(bytes: Uint8Array, at: number, to: number): { value: number; next: number } | undefined {
  let value = 0
  for (let i = 0; i < 7 && at + i < to; i++) {
    const b = bytes[at + i]!
    value += (b & 0x7f) * 2 ** (7 * i)
    if (b < 0x80) return { value, next: at + i + 1 }
  }
  return undefined
}
