/**
 * A protobuf writer for the few large, flat fields of a search answer (scores, ids, an int64 or
 * float column): typed arrays and numbers go straight to bytes, with no per-value objects. The
 * general codec (protobufjs `fromObject` + `encode`) makes a `Long` per int64 and spent seconds,
 * all on the event loop, on an answer of a million hits. Everything else is still encoded by the
 * codec: this writes plain wire format (tags, varints, length-delimited fields) and nothing more.
 */
export class ProtoWriter {
  private buf: Uint8Array
  private at = 0

  /** `capacityBytes`: the size expected, so a large message is not copied as its buffer doubles. */
  constructor(capacityBytes = 1024) {
    this.buf = new Uint8Array(Math.max(16, capacityBytes))
  }

  get length(): number {
    return this.at
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.at)
  }

  /** Field tag: number and wire type (0 varint, 2 length-delimited, 5 fixed32). */
  tag(field: number, wireType: 0 | 2 | 5): this {
    return this.uint32((field << 3) | wireType)
  }

  uint32(v: number): this {
    this.ensure(5)
    let n = v >>> 0
    while (n > 127) {
      this.buf[this.at++] = (n & 127) | 128
      n >>>= 7
    }
    this.buf[this.at++] = n
    return this
  }

  /** An int64 varint (negative values as ten bytes of two's complement, as protobuf does). */
  int64(v: number | bigint): this {
    // A bigint within the safe range takes the number path (BigInt arithmetic per value was most of
    // the time of a 262,144-hit answer's ids).
    if (typeof v === 'bigint' && v >= 0n && v <= 9007199254740991n) v = Number(v)
    if (typeof v === 'number' && v >= 0 && v <= 0x7fffffff) return this.uint32(v)
    let lo: number
    let hi: number
    if (typeof v === 'number' && v >= 0 && Number.isSafeInteger(v)) {
      lo = v >>> 0
      hi = Math.floor(v / 4294967296) >>> 0
    } else {
      const b = BigInt.asUintN(64, BigInt(v))
      lo = Number(b & 0xffffffffn)
      hi = Number(b >> 32n)
    }
    return this.int64Words(lo, hi)
  }

  /** An int64 varint from its two's-complement 32-bit words (low, high; each read as unsigned). */
  int64Words(low: number, high: number): this {
    let lo = low >>> 0
    let hi = high >>> 0
    if (hi === 0 && lo <= 0x7fffffff) return this.uint32(lo)
    this.ensure(10)
    while (hi !== 0) {
      this.buf[this.at++] = (lo & 127) | 128
      lo = ((lo >>> 7) | (hi << 25)) >>> 0
      hi >>>= 7
    }
    while (lo > 127) {
      this.buf[this.at++] = (lo & 127) | 128
      lo >>>= 7
    }
    this.buf[this.at++] = lo
    return this
  }

  /** Bytes already in wire format (whole fields), appended as they are. */
  raw(b: Uint8Array): this {
    this.ensure(b.length)
    this.buf.set(b, this.at)
    this.at += b.length
    return this
  }

  /** Length-delimited bytes (the caller wrote the tag). */
  bytes(b: Uint8Array): this {
    this.uint32(b.length)
    this.ensure(b.length)
    this.buf.set(b, this.at)
    this.at += b.length
    return this
  }

  string(s: string): this {
    return this.bytes(Buffer.from(s, 'utf8'))
  }

  /** A packed `repeated float` field from float32 values (little-endian, as the wire wants). */
  packedFloats(field: number, values: Float32Array): this {
    if (values.length === 0) return this
    this.tag(field, 2)
    return this.bytes(new Uint8Array(values.buffer, values.byteOffset, values.byteLength))
  }

  /** A packed `repeated int64` field. */
  packedInt64(field: number, values: ArrayLike<number | bigint>): this {
    if (values.length === 0) return this
    const inner = new ProtoWriter()
    for (let i = 0; i < values.length; i++) inner.int64(values[i]!)
    this.tag(field, 2)
    return this.bytes(inner.finish())
  }

  /** A `repeated string` field. */
  strings(field: number, values: readonly string[]): this {
    for (const s of values) this.tag(field, 2).string(s)
    return this
  }

  /** An embedded message field, from its encoded bytes. */
  message(field: number, encoded: Uint8Array): this {
    this.tag(field, 2)
    return this.bytes(encoded)
  }

  private ensure(n: number): void {
    if (this.at + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.at + n) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.at))
    this.buf = next
  }
}

/** Values per block between two looks at the slice in `packedInt64Sliced`. */
const INT64_BLOCK = 8192

/**
 * A packed `repeated int64` field of `count` values read by `at(i)`, written a block at a time; between
 * blocks the work lets others run once `slice` is used up (262,144 ids are ~20 ms of writing).
 * Returns the field's bytes (tag, length, varints).
 */
export async function packedInt64Sliced(field: number, count: number, at: (i: number) => number | bigint, slice: { due(): boolean; pause(): Promise<void> }): Promise<Uint8Array> {
  if (count === 0) return new Uint8Array(0)
  const inner = new ProtoWriter(count * 3 + 16)
  for (let from = 0; from < count; from += INT64_BLOCK) {
    if (slice.due()) await slice.pause()
    const to = Math.min(count, from + INT64_BLOCK)
    for (let i = from; i < to; i++) inner.int64(at(i))
  }
  const body = inner.finish()
  return new ProtoWriter(body.length + 16).tag(field, 2).bytes(body).finish()
}

/**
 * A response field already encoded (the bytes of its message, or of each element of a repeated
 * message field): the service's response serialiser encodes the rest of the response and appends
 * this field (protobuf fields may come in any order, and a message field is its tag, length and
 * bytes; a repeated one is that once per element).
 */
export interface PreEncodedField {
  readonly [PRE_ENCODED]: readonly Uint8Array[]
  readonly fieldNumber: number
}

export const PRE_ENCODED = Symbol('pre-encoded field')

export function preEncodedField(fieldNumber: number, encoded: Uint8Array | readonly Uint8Array[]): PreEncodedField {
  return { [PRE_ENCODED]: encoded instanceof Uint8Array ? [encoded] : encoded, fieldNumber }
}

export function isPreEncoded(v: unknown): v is PreEncodedField {
  return typeof v === 'object' && v !== null && PRE_ENCODED in v
}
