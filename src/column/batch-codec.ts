import { assert, assertNever } from '../common/assert.ts'
import { Bitset } from '../common/bitset.ts'
import { errors, type MilvusError } from '../errors/errors.ts'
import type { Column, ColumnBatch, ColumnKind, SparseRow } from './column.ts'

/**
 * The binary form of a `ColumnBatch` (the data payload of WAL records). Little-endian; offsets of
 * typed-array sections are padded to 8 bytes from the batch start, so a batch that starts 8-aligned
 * decodes without copying.
 *
 * ```
 * batch   = u8 version(1) | 3 zero bytes | u32 rowCount | u32 columnCount | column*
 * column  = str name | u8 kind (= DataType number) | u8 flags (1 = has validBits)
 *           | [validBits: u32 capacity | u32 wordCount | pad8 | u32 words…]  | values
 * values  = fixed-width & vectors: [u32 dim, vectors only] | u32 count | pad8 | raw elements
 *           varchar: u32 utf8Bytes | pad8 | u32 byteLength[rowCount] | utf8 bytes
 *           json, array: u32 sectionBytes | value[rowCount]
 *           sparse: u32 nnz | pad8 | u32 rowNnz[rowCount] | u32 indices[nnz] | f32 values[nnz]
 * str     = u32 byteLength | utf8
 * value   = u8 tag | body: null, undefined, false, true (no body) | i32 | f64 | str | i64 (bigint)
 *           | str (bigint beyond int64, decimal) | u32 n, value×n (array) | u32 n, (str, value)×n (object)
 * ```
 * Strings are UTF-8 (a lone surrogate becomes U+FFFD). Decoded typed arrays are views of the input
 * when aligned (copies otherwise): do not reuse the input buffer while the batch is alive.
 */
export const batchFormatVersion = 1
/** Deepest nesting of json/array values; a row's own array is level 1. */
export const batchValueDepthMax = 256

const kindCode: Readonly<Record<ColumnKind, number>> = {
  bool: 1,
  int8: 2,
  int16: 3,
  int32: 4,
  int64: 5,
  float: 10,
  double: 11,
  varchar: 21,
  array: 22,
  json: 23,
  binaryVector: 100,
  floatVector: 101,
  float16Vector: 102,
  bfloat16Vector: 103,
  sparseVector: 104,
}
const kindByCode = new Map(Object.entries(kindCode).map(([k, v]) => [v, k as ColumnKind]))

const Tag = { null: 0, undefined: 1, false: 2, true: 3, int32: 4, float64: 5, string: 6, int64: 7, bigint: 8, array: 9, object: 10 } as const

type FixedArray = Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array | BigInt64Array
interface TypedArrayClass<T> {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T
  readonly BYTES_PER_ELEMENT: number
}

assert.equal(new Uint8Array(new Uint16Array([1]).buffer)[0], 1, 'batch-codec writes typed arrays raw: little-endian only')

const textEncoder = new TextEncoder()
/** Arrays smaller than this are copied into the header chunk rather than sent as their own chunk. */
const rawChunkBytesMin = 256

// ───────────────────────────── encode ─────────────────────────────

/**
 * The batch as chunks to write in order (e.g. with writev). Typed-array columns are returned as
 * views of their own memory, not copied: do not change them until the chunks are written.
 */
export function encodeBatch(batch: ColumnBatch): Uint8Array[] {
  const w = new ChunkWriter()
  w.u8(batchFormatVersion)
  w.zeros(3)
  w.u32(batch.rowCount)
  w.u32(batch.columns.size)
  for (const [name, column] of batch.columns) encodeColumn(w, name, column, batch.rowCount)
  return w.finish()
}

function encodeColumn(w: ChunkWriter, name: string, column: Column, rowCount: number): void {
  w.str(name)
  w.u8(kindCode[column.kind])
  const validBits = 'validBits' in column ? column.validBits : null
  w.u8(validBits === null ? 0 : 1)
  if (validBits !== null) encodeBits(w, validBits)
  const kind = column.kind
  switch (kind) {
    case 'bool':
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
    case 'float':
    case 'double':
      return encodeFixed(w, column.values, rowCount, name)
    case 'floatVector':
    case 'float16Vector':
    case 'bfloat16Vector':
      w.u32(column.dim)
      return encodeFixed(w, column.values, rowCount * column.dim, name)
    case 'binaryVector':
      assert.equal(column.dim % 8, 0, `binary vector column ${name}: dim ${column.dim} is not a multiple of 8`)
      w.u32(column.dim)
      return encodeFixed(w, column.values, (rowCount * column.dim) / 8, name)
    case 'varchar':
      return encodeVarchar(w, column.values, rowCount, name)
    case 'json':
    case 'array':
      return encodeValues(w, column.values, rowCount, name)
    case 'sparseVector':
      return encodeSparse(w, column.values, rowCount, name)
    default:
      return assertNever(kind, 'column kind')
  }
}

function encodeBits(w: ChunkWriter, bits: Bitset): void {
  w.u32(bits.capacity)
  w.u32(bits.words.length)
  w.align8()
  w.raw(bytesOf(bits.words))
}

function encodeFixed(w: ChunkWriter, values: FixedArray, count: number, name: string): void {
  assert.equal(values.length, count, `column ${name}: ${values.length} values where ${count} belong`)
  w.u32(count)
  w.align8()
  w.raw(bytesOf(values))
}

function encodeVarchar(w: ChunkWriter, values: readonly string[], rowCount: number, name: string): void {
  assert.equal(values.length, rowCount, `column ${name}: ${values.length} values for ${rowCount} rows`)
  const lengths = new Uint32Array(rowCount)
  let total = 0
  for (let i = 0; i < rowCount; i++) {
    lengths[i] = Buffer.byteLength(values[i]!, 'utf8')
    total += lengths[i]!
  }
  const text = Buffer.allocUnsafeSlow(total)
  let offset = 0
  for (let i = 0; i < rowCount; i++) offset += text.write(values[i]!, offset, 'utf8')
  w.u32(total)
  w.align8()
  w.raw(bytesOf(lengths))
  w.raw(bytesOf(text))
}

function encodeSparse(w: ChunkWriter, rows: readonly SparseRow[], rowCount: number, name: string): void {
  assert.equal(rows.length, rowCount, `column ${name}: ${rows.length} values for ${rowCount} rows`)
  const rowNnz = new Uint32Array(rowCount)
  let nnz = 0
  for (let i = 0; i < rowCount; i++) {
    const row = rows[i]!
    assert.equal(row.indices.length, row.values.length, `sparse column ${name} row ${i}: indices and values differ in length`)
    rowNnz[i] = row.indices.length
    nnz += row.indices.length
  }
  const indices = new Uint32Array(nnz)
  const values = new Float32Array(nnz)
  for (let i = 0, at = 0; i < rowCount; at += rowNnz[i]!, i++) {
    indices.set(rows[i]!.indices, at)
    values.set(rows[i]!.values, at)
  }
  w.u32(nnz)
  w.align8()
  w.raw(bytesOf(rowNnz))
  w.raw(bytesOf(indices))
  w.raw(bytesOf(values))
}

function encodeValues(w: ChunkWriter, values: readonly unknown[], rowCount: number, name: string): void {
  assert.equal(values.length, rowCount, `column ${name}: ${values.length} values for ${rowCount} rows`)
  const sizeAt = w.reserveU32()
  const start = w.offset
  for (let i = 0; i < rowCount; i++) writeValue(w, values[i], 1, name, i)
  w.patchU32(sizeAt, w.offset - start)
}

function writeValue(w: ChunkWriter, v: unknown, depth: number, name: string, row: number): void {
  switch (typeof v) {
    case 'number':
      if ((v | 0) === v && !Object.is(v, -0)) w.u8(Tag.int32).i32(v)
      else w.u8(Tag.float64).f64(v)
      return
    case 'string':
      w.u8(Tag.string).str(v)
      return
    case 'boolean':
      w.u8(v ? Tag.true : Tag.false)
      return
    case 'bigint':
      if (BigInt.asIntN(64, v) === v) w.u8(Tag.int64).i64(v)
      else w.u8(Tag.bigint).str(v.toString())
      return
    case 'undefined':
      w.u8(Tag.undefined)
      return
    case 'object':
      if (v === null) w.u8(Tag.null)
      else writeComposite(w, v, depth, name, row)
      return
    default:
      throw unstorable(name, row, typeof v)
  }
}

function writeComposite(w: ChunkWriter, v: object, depth: number, name: string, row: number): void {
  if (depth >= batchValueDepthMax) throw errors.invalid(`value nested deeper than ${batchValueDepthMax} levels`, { field: name, row })
  if (Array.isArray(v)) {
    w.u8(Tag.array).u32(v.length)
    for (let i = 0; i < v.length; i++) writeValue(w, v[i], depth + 1, name, row)
    return
  }
  const proto = Object.getPrototypeOf(v)
  if (proto !== Object.prototype && proto !== null) throw unstorable(name, row, v.constructor?.name ?? 'object')
  const keys = Object.keys(v)
  w.u8(Tag.object).u32(keys.length)
  for (const key of keys) {
    w.str(key)
    writeValue(w, (v as Record<string, unknown>)[key], depth + 1, name, row)
  }
}

function unstorable(name: string, row: number, type: string): MilvusError {
  return errors.invalid(`a value of type ${type} cannot be stored`, { field: name, row })
}

function bytesOf(a: FixedArray | Buffer): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
}

/** Builds the chunk list: small fields go into a scratch chunk, big typed arrays become chunks of their own. */
class ChunkWriter {
  readonly #chunks: Uint8Array[] = []
  #buf = new Uint8Array(256)
  #view = new DataView(this.#buf.buffer)
  #pos = 0
  #flushedBytes = 0

  /** Bytes written so far, from the batch start. */
  get offset(): number {
    return this.#flushedBytes + this.#pos
  }

  u8(v: number): this {
    this.#ensure(1)
    this.#buf[this.#pos++] = v
    return this
  }

  u32(v: number): this {
    this.#ensure(4)
    this.#view.setUint32(this.#pos, v, true)
    this.#pos += 4
    return this
  }

  i32(v: number): this {
    this.#ensure(4)
    this.#view.setInt32(this.#pos, v, true)
    this.#pos += 4
    return this
  }

  f64(v: number): this {
    this.#ensure(8)
    this.#view.setFloat64(this.#pos, v, true)
    this.#pos += 8
    return this
  }

  i64(v: bigint): this {
    this.#ensure(8)
    this.#view.setBigInt64(this.#pos, v, true)
    this.#pos += 8
    return this
  }

  zeros(n: number): this {
    this.#ensure(n)
    this.#buf.fill(0, this.#pos, this.#pos + n)
    this.#pos += n
    return this
  }

  align8(): this {
    return this.zeros((8 - (this.offset & 7)) & 7)
  }

  /** u32 UTF-8 byte length, then the UTF-8 bytes (ASCII copied directly, the rest via TextEncoder). */
  str(s: string): this {
    this.#ensure(4 + s.length * 3)
    const buf = this.#buf
    const start = this.#pos + 4
    let n = 0
    while (n < s.length) {
      const c = s.charCodeAt(n)
      if (c >= 0x80) break
      buf[start + n++] = c
    }
    if (n < s.length) n = textEncoder.encodeInto(s, buf.subarray(start)).written
    this.#view.setUint32(this.#pos, n, true)
    this.#pos = start + n
    return this
  }

  /** A u32 placeholder; returns its position for `patchU32` (valid until the next `raw`). */
  reserveU32(): number {
    this.u32(0)
    return this.#pos - 4
  }

  patchU32(at: number, v: number): void {
    this.#view.setUint32(at, v, true)
  }

  /** Appends `bytes` as they are (their own chunk when big: zero-copy). */
  raw(bytes: Uint8Array): void {
    if (bytes.byteLength < rawChunkBytesMin) {
      this.#ensure(bytes.byteLength)
      this.#buf.set(bytes, this.#pos)
      this.#pos += bytes.byteLength
      return
    }
    this.#flush()
    this.#chunks.push(bytes)
    this.#flushedBytes += bytes.byteLength
  }

  finish(): Uint8Array[] {
    this.#flush()
    return this.#chunks
  }

  #flush(): void {
    if (this.#pos === 0) return
    this.#chunks.push(this.#buf.subarray(0, this.#pos))
    this.#flushedBytes += this.#pos
    this.#buf = new Uint8Array(256)
    this.#view = new DataView(this.#buf.buffer)
    this.#pos = 0
  }

  #ensure(n: number): void {
    if (this.#pos + n <= this.#buf.length) return
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#pos + n))
    next.set(this.#buf.subarray(0, this.#pos))
    this.#buf = next
    this.#view = new DataView(next.buffer)
  }
}

// ───────────────────────────── decode ─────────────────────────────

/**
 * The batch encoded in `bytes` (which may be a view anywhere in a bigger buffer). Truncated or
 * damaged input throws an io error (code 2100) saying what could not be read.
 */
export function decodeBatch(bytes: Uint8Array): ColumnBatch {
  const r = new ByteReader(bytes)
  const version = r.u8('format version')
  if (version !== batchFormatVersion) throw corrupt(`format version ${version}, this build reads ${batchFormatVersion}`)
  r.zeros(3)
  const rowCount = r.u32('row count')
  const columnCount = r.u32('column count')
  const columns = new Map<string, Column>()
  for (let i = 0; i < columnCount; i++) {
    const name = r.str('column name')
    if (columns.has(name)) throw corrupt(`column ${name} appears twice`)
    columns.set(name, decodeColumn(r, name, rowCount))
  }
  if (r.remaining !== 0) throw corrupt(`${r.remaining} bytes after the last column`)
  return { rowCount, columns }
}

function decodeColumn(r: ByteReader, name: string, rowCount: number): Column {
  const code = r.u8('column kind')
  const kind = kindByCode.get(code)
  if (kind === undefined) throw corrupt(`column ${name} has unknown kind ${code}`)
  const flags = r.u8('column flags')
  if (flags > 1) throw corrupt(`column ${name} has unknown flags ${flags}`)
  const validBits = flags === 1 ? decodeBits(r, name) : null
  switch (kind) {
    case 'bool':
      return { kind, values: decodeFixed(r, Uint8Array, rowCount, name), validBits }
    case 'int8':
      return { kind, values: decodeFixed(r, Int8Array, rowCount, name), validBits }
    case 'int16':
      return { kind, values: decodeFixed(r, Int16Array, rowCount, name), validBits }
    case 'int32':
      return { kind, values: decodeFixed(r, Int32Array, rowCount, name), validBits }
    case 'int64':
      return { kind, values: decodeFixed(r, BigInt64Array, rowCount, name), validBits }
    case 'float':
      return { kind, values: decodeFixed(r, Float32Array, rowCount, name), validBits }
    case 'double':
      return { kind, values: decodeFixed(r, Float64Array, rowCount, name), validBits }
    case 'varchar':
      return { kind, values: decodeVarchar(r, rowCount, name), validBits }
    case 'json':
      return { kind, values: decodeValues(r, rowCount, name), validBits }
    case 'array':
      return { kind, values: decodeValues(r, rowCount, name) as unknown[][], validBits }
    default:
      if (validBits !== null) throw corrupt(`vector column ${name} has validBits`)
      return decodeVectorColumn(r, kind, rowCount, name)
  }
}

function decodeVectorColumn(
  r: ByteReader,
  kind: 'floatVector' | 'binaryVector' | 'float16Vector' | 'bfloat16Vector' | 'sparseVector',
  rowCount: number,
  name: string,
): Column {
  if (kind === 'sparseVector') return { kind, values: decodeSparse(r, rowCount, name) }
  const dim = r.u32('vector dim')
  switch (kind) {
    case 'floatVector':
      return { kind, dim, values: decodeFixed(r, Float32Array, rowCount * dim, name) }
    case 'float16Vector':
      return { kind, dim, values: decodeFixed(r, Uint16Array, rowCount * dim, name) }
    case 'bfloat16Vector':
      return { kind, dim, values: decodeFixed(r, Uint16Array, rowCount * dim, name) }
    case 'binaryVector':
      if (dim % 8 !== 0) throw corrupt(`binary vector column ${name} has dim ${dim}`)
      return { kind, dim, values: decodeFixed(r, Uint8Array, (rowCount * dim) / 8, name) }
    default:
      return assertNever(kind, 'column kind')
  }
}

function decodeBits(r: ByteReader, name: string): Bitset {
  const capacity = r.u32('validBits capacity')
  const wordCount = r.u32('validBits word count')
  r.align8()
  return new Bitset(capacity, r.typed(Uint32Array, wordCount, `validBits of ${name}`))
}

function decodeFixed<T>(r: ByteReader, type: TypedArrayClass<T>, expected: number, name: string): T {
  const count = r.u32(`value count of ${name}`)
  if (count !== expected) throw corrupt(`column ${name} has ${count} values where ${expected} belong`)
  r.align8()
  return r.typed(type, count, `values of ${name}`)
}

function decodeVarchar(r: ByteReader, rowCount: number, name: string): string[] {
  const total = r.u32(`text bytes of ${name}`)
  r.align8()
  const lengths = r.typed(Uint32Array, rowCount, `string lengths of ${name}`)
  r.need(total, `text of ${name}`)
  const values = new Array<string>(rowCount)
  let sum = 0
  for (let i = 0; i < rowCount; i++) {
    sum += lengths[i]!
    if (sum > total) throw corrupt(`strings of ${name} overrun their ${total} bytes`)
    values[i] = r.text(lengths[i]!)
  }
  if (sum !== total) throw corrupt(`strings of ${name} fill ${sum} of ${total} bytes`)
  return values
}

function decodeSparse(r: ByteReader, rowCount: number, name: string): SparseRow[] {
  const nnz = r.u32(`nnz of ${name}`)
  r.align8()
  const rowNnz = r.typed(Uint32Array, rowCount, `row sizes of ${name}`)
  const indices = r.typed(Uint32Array, nnz, `indices of ${name}`)
  const values = r.typed(Float32Array, nnz, `values of ${name}`)
  const rows = new Array<SparseRow>(rowCount)
  let at = 0
  for (let i = 0; i < rowCount; i++) {
    const end = at + rowNnz[i]!
    if (end > nnz) throw corrupt(`sparse rows of ${name} overrun their ${nnz} entries`)
    rows[i] = { indices: indices.subarray(at, end), values: values.subarray(at, end) }
    at = end
  }
  if (at !== nnz) throw corrupt(`sparse rows of ${name} use ${at} of ${nnz} entries`)
  return rows
}

function decodeValues(r: ByteReader, rowCount: number, name: string): unknown[] {
  const sectionBytes = r.u32(`value bytes of ${name}`)
  r.need(sectionBytes, `values of ${name}`)
  if (rowCount > sectionBytes) throw corrupt(`${sectionBytes} bytes cannot hold ${rowCount} values of ${name}`)
  const end = r.offset + sectionBytes
  const values = new Array<unknown>(rowCount)
  for (let i = 0; i < rowCount; i++) values[i] = readValue(r, 1)
  if (r.offset !== end) throw corrupt(`values of ${name} end at byte ${r.offset}, expected ${end}`)
  return values
}

function readValue(r: ByteReader, depth: number): unknown {
  const tag = r.u8('value tag')
  switch (tag) {
    case Tag.null:
      return null
    case Tag.undefined:
      return undefined
    case Tag.false:
      return false
    case Tag.true:
      return true
    case Tag.int32:
      return r.i32()
    case Tag.float64:
      return r.f64()
    case Tag.string:
      return r.str('string value')
    case Tag.int64:
      return r.i64()
    case Tag.bigint:
      return readBigint(r)
    case Tag.array:
      return readArray(r, depth)
    case Tag.object:
      return readObject(r, depth)
    default:
      throw corrupt(`unknown value tag ${tag} at byte ${r.offset - 1}`)
  }
}

function readBigint(r: ByteReader): bigint {
  const digits = r.str('bigint value')
  if (!/^-?[0-9]+$/.test(digits)) throw corrupt(`bad bigint digits '${digits.slice(0, 40)}'`)
  return BigInt(digits)
}

function readArray(r: ByteReader, depth: number): unknown[] {
  if (depth >= batchValueDepthMax) throw corrupt(`values nested deeper than ${batchValueDepthMax} levels`)
  const count = r.u32('array length')
  if (count > r.remaining) throw corrupt(`array of ${count} elements in ${r.remaining} bytes`)
  const out = new Array<unknown>(count)
  for (let i = 0; i < count; i++) out[i] = readValue(r, depth + 1)
  return out
}

function readObject(r: ByteReader, depth: number): Record<string, unknown> {
  if (depth >= batchValueDepthMax) throw corrupt(`values nested deeper than ${batchValueDepthMax} levels`)
  const count = r.u32('object size')
  if (count * 5 > r.remaining) throw corrupt(`object of ${count} keys in ${r.remaining} bytes`)
  const out: Record<string, unknown> = {}
  for (let i = 0; i < count; i++) {
    const key = r.str('object key')
    const value = readValue(r, depth + 1)
    if (key === '__proto__') Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true })
    else out[key] = value
  }
  return out
}

function corrupt(detail: string): MilvusError {
  return errors.io(`cannot decode column batch: ${detail}`, undefined)
}

/** Reads the encoded batch with bounds checks: any read past the end is a `corrupt` error. */
class ByteReader {
  readonly #bytes: Uint8Array
  readonly #view: DataView
  readonly #text: Buffer
  #pos = 0

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    this.#text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  get offset(): number {
    return this.#pos
  }

  get remaining(): number {
    return this.#bytes.byteLength - this.#pos
  }

  need(n: number, what: string): void {
    if (n > this.remaining) throw corrupt(`truncated: ${what} needs ${n} bytes at byte ${this.#pos}, ${this.remaining} left`)
  }

  u8(what: string): number {
    this.need(1, what)
    return this.#bytes[this.#pos++]!
  }

  u32(what: string): number {
    this.need(4, what)
    const v = this.#view.getUint32(this.#pos, true)
    this.#pos += 4
    return v
  }

  i32(): number {
    this.need(4, 'int32 value')
    const v = this.#view.getInt32(this.#pos, true)
    this.#pos += 4
    return v
  }

  f64(): number {
    this.need(8, 'float64 value')
    const v = this.#view.getFloat64(this.#pos, true)
    this.#pos += 8
    return v
  }

  i64(): bigint {
    this.need(8, 'int64 value')
    const v = this.#view.getBigInt64(this.#pos, true)
    this.#pos += 8
    return v
  }

  /** `n` bytes that must be zero (padding). */
  zeros(n: number): void {
    this.need(n, 'padding')
    for (let i = 0; i < n; i++) if (this.#bytes[this.#pos + i] !== 0) throw corrupt(`non-zero padding at byte ${this.#pos + i}`)
    this.#pos += n
  }

  align8(): void {
    this.zeros((8 - (this.#pos & 7)) & 7)
  }

  str(what: string): string {
    return this.text(this.u32(what))
  }

  text(byteLength: number): string {
    this.need(byteLength, 'string')
    const s = this.#text.toString('utf8', this.#pos, this.#pos + byteLength)
    this.#pos += byteLength
    return s
  }

  /** `count` elements as a view of the input when aligned, else as a copy. */
  typed<T>(type: TypedArrayClass<T>, count: number, what: string): T {
    const byteLength = count * type.BYTES_PER_ELEMENT
    this.need(byteLength, what)
    const at = this.#bytes.byteOffset + this.#pos
    const out =
      at % type.BYTES_PER_ELEMENT === 0
        ? new type(this.#bytes.buffer, at, count)
        : new type(this.#bytes.slice(this.#pos, this.#pos + byteLength).buffer, 0, count)
    this.#pos += byteLength
    return out
  }
}
