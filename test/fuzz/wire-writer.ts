import protobuf from 'protobufjs'
import { EmbeddedMessage, EXTRAS, type ExtraRecord, isTree, RawField, RepeatedRun, UnpackedList, type WireTree } from './wire-tree.ts'

/** A fuzz case larger than this is not sent (the generator falls back to a smaller mutation). */
export const ENCODED_BYTES_MAX = 8 * 1024 * 1024

/** The tree encodes to more than the budget. */
export class EncodeBudgetExceeded extends Error {}

/** Wire types by scalar type (proto3). */
const WIRE_TYPE: Readonly<Record<string, 0 | 1 | 2 | 5>> = {
  double: 1, float: 5, int32: 0, int64: 0, uint32: 0, uint64: 0, sint32: 0, sint64: 0,
  fixed32: 5, sfixed32: 5, fixed64: 1, sfixed64: 1, bool: 0, string: 2, bytes: 2,
}

/** A growable byte buffer with protobuf's primitive writes. */
class ByteSink {
  private buf = new Uint8Array(256)
  private readonly bytesMax: number
  length = 0
  constructor(bytesMax: number) {
    this.bytesMax = bytesMax
  }

  private room(n: number): void {
    if (this.length + n > this.bytesMax) throw new EncodeBudgetExceeded(`more than ${this.bytesMax} bytes`)
    if (this.length + n <= this.buf.length) return
    const next = new Uint8Array(Math.min(Math.max(this.buf.length * 2, this.length + n), this.bytesMax))
    next.set(this.buf.subarray(0, this.length))
    this.buf = next
  }

  /** Throws now if `n` more bytes would pass the budget (and grows the buffer for them). */
  reserve(n: number): void {
    this.room(n)
  }

  byte(b: number): void {
    this.room(1)
    this.buf[this.length++] = b
  }

  varint(v: bigint): void {
    let x = BigInt.asUintN(64, v)
    while (x >= 0x80n) {
      this.byte(Number(x & 0x7fn) | 0x80)
      x >>= 7n
    }
    this.byte(Number(x))
  }

  tag(fieldNumber: number, wireType: number): void {
    this.varint((BigInt(fieldNumber >>> 0) << 3n) | BigInt(wireType))
  }

  raw(bytes: Uint8Array): void {
    this.room(bytes.length)
    this.buf.set(bytes, this.length)
    this.length += bytes.length
  }

  delimited(bytes: Uint8Array): void {
    this.varint(BigInt(bytes.length))
    this.raw(bytes)
  }

  fixed32(v: number): void {
    const b = new Uint8Array(4)
    new DataView(b.buffer).setUint32(0, v >>> 0, true)
    this.raw(b)
  }

  fixed64(v: bigint): void {
    const b = new Uint8Array(8)
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true)
    this.raw(b)
  }

  float(v: number): void {
    const b = new Uint8Array(4)
    new DataView(b.buffer).setFloat32(0, v, true)
    this.raw(b)
  }

  double(v: number): void {
    const b = new Uint8Array(8)
    new DataView(b.buffer).setFloat64(0, v, true)
    this.raw(b)
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.length)
  }
}

/**
 * Encodes a tree as a `type` message, field by field in declaration order, then its extra records.
 * Scalars take numbers, bigints, decimal strings or booleans (anything out of range is written as
 * its 64-bit pattern); enums take names or any number; repeated numbers are packed unless wrapped
 * in `UnpackedList`. Throws `EncodeBudgetExceeded` past `bytesMax`.
 */
export function encodeTree(type: protobuf.Type, tree: WireTree, bytesMax = ENCODED_BYTES_MAX): Uint8Array {
  const sink = new ByteSink(bytesMax)
  writeMessage(sink, type, tree, bytesMax)
  return sink.bytes()
}

function writeMessage(sink: ByteSink, type: protobuf.Type, tree: WireTree, bytesMax: number): void {
  for (const field of type.fieldsArray) {
    const v = tree[field.name]
    if (v === undefined || v === null) continue
    if (field.map) writeMap(sink, field as unknown as protobuf.MapField, v, bytesMax)
    else if (field.repeated) writeRepeated(sink, field, v, bytesMax)
    else writeOne(sink, field, v, bytesMax)
  }
  const extras = tree[EXTRAS]
  if (Array.isArray(extras)) for (const e of extras as ExtraRecord[]) writeExtra(sink, e)
}

function writeExtra(sink: ByteSink, e: ExtraRecord): void {
  sink.tag(e.fieldNumber, e.wireType)
  const p = e.payload
  if (e.wireType === 0) sink.varint(typeof p === 'bigint' ? p : 0n)
  else if (e.wireType === 1) sink.fixed64(typeof p === 'bigint' ? p : 0n)
  else if (e.wireType === 5) sink.fixed32(typeof p === 'bigint' ? Number(BigInt.asUintN(32, p)) : 0)
  else sink.delimited(p instanceof Uint8Array ? p : new Uint8Array(0))
}

function writeRepeated(sink: ByteSink, field: protobuf.Field, v: unknown, bytesMax: number): void {
  const unpacked = v instanceof UnpackedList
  const items = unpacked ? v.items : Array.isArray(v) ? v : [v]
  const wt = WIRE_TYPE[field.type]
  const packable = !unpacked && (field.resolvedType instanceof protobuf.Enum || (wt !== undefined && wt !== 2))
  if (!packable) {
    for (const item of items) {
      if (!(item instanceof RepeatedRun)) writeOne(sink, field, item, bytesMax)
      else repeatBytes(sink, recordBytes((s) => writeOne(s, field, item.item, bytesMax), bytesMax), item.count)
    }
    return
  }
  if (items.length === 0) return
  const inner = new ByteSink(bytesMax)
  for (const item of items) {
    if (!(item instanceof RepeatedRun)) writeScalar(inner, field, item)
    else repeatBytes(inner, recordBytes((s) => writeScalar(s, field, item.item), bytesMax), item.count)
  }
  sink.tag(field.id, 2)
  sink.delimited(inner.bytes())
}

/** What `write` puts in a sink of its own. */
function recordBytes(write: (s: ByteSink) => void, bytesMax: number): Uint8Array {
  const s = new ByteSink(bytesMax)
  write(s)
  return s.bytes()
}

/** `bytes` `count` times: one size check first, so a run over the budget fails before any copying. */
function repeatBytes(sink: ByteSink, bytes: Uint8Array, count: number): void {
  sink.reserve(bytes.length * count)
  for (let i = 0; i < count; i++) sink.raw(bytes)
}

function writeMap(sink: ByteSink, field: protobuf.MapField, v: unknown, bytesMax: number): void {
  if (!isTree(v)) return
  for (const [key, value] of Object.entries(v)) {
    if (key === EXTRAS) continue
    const entry = new ByteSink(bytesMax)
    writeScalarTagged(entry, 1, field.keyType, undefined, key)
    if (field.resolvedType instanceof protobuf.Type) {
      entry.tag(2, 2)
      entry.delimited(messageBytes(field.resolvedType, value, bytesMax))
    } else {
      writeScalarTagged(entry, 2, field.type, field.resolvedType ?? undefined, value)
    }
    sink.tag(field.id, 2)
    sink.delimited(entry.bytes())
  }
}

function writeOne(sink: ByteSink, field: protobuf.Field, v: unknown, bytesMax: number): void {
  if (v instanceof RawField) {
    sink.tag(field.id, 2)
    sink.delimited(v.bytes)
    return
  }
  if (field.resolvedType instanceof protobuf.Type) {
    sink.tag(field.id, 2)
    sink.delimited(messageBytes(field.resolvedType, v, bytesMax))
    return
  }
  if (field.type === 'bytes' && v instanceof EmbeddedMessage) {
    const type = field.root.lookupType(v.typeName)
    sink.tag(field.id, 2)
    sink.delimited(encodeTree(type, v.tree, bytesMax))
    return
  }
  writeScalarTagged(sink, field.id, field.type, field.resolvedType ?? undefined, v)
}

function messageBytes(type: protobuf.Type, v: unknown, bytesMax: number): Uint8Array {
  if (v instanceof RawField) return v.bytes
  return encodeTree(type, isTree(v) ? v : {}, bytesMax)
}

function writeScalarTagged(sink: ByteSink, fieldNumber: number, typeName: string, resolved: protobuf.ReflectionObject | undefined, v: unknown): void {
  const wt = resolved instanceof protobuf.Enum ? 0 : (WIRE_TYPE[typeName] ?? 2)
  sink.tag(fieldNumber, wt)
  writeScalarValue(sink, typeName, resolved, v)
}

function writeScalar(sink: ByteSink, field: protobuf.Field, v: unknown): void {
  writeScalarValue(sink, field.type, field.resolvedType ?? undefined, v)
}

function writeScalarValue(sink: ByteSink, typeName: string, resolved: protobuf.ReflectionObject | undefined, v: unknown): void {
  if (resolved instanceof protobuf.Enum) {
    const n = typeof v === 'string' && Object.hasOwn(resolved.values, v) ? resolved.values[v]! : v
    sink.varint(toBigInt(n))
    return
  }
  switch (typeName) {
    case 'double':
      return sink.double(Number(v))
    case 'float':
      return sink.float(Number(v))
    case 'fixed32':
    case 'sfixed32':
      return sink.fixed32(Number(BigInt.asUintN(32, toBigInt(v))))
    case 'fixed64':
    case 'sfixed64':
      return sink.fixed64(toBigInt(v))
    case 'sint32':
    case 'sint64': {
      const n = toBigInt(v)
      return sink.varint(n >= 0n ? n << 1n : (-n << 1n) - 1n)
    }
    case 'string':
      return sink.delimited(v instanceof Uint8Array ? v : Buffer.from(String(v), 'utf8'))
    case 'bytes':
      return sink.delimited(v instanceof Uint8Array ? v : Buffer.from(String(v), 'utf8'))
    default:
      return sink.varint(toBigInt(v))
  }
}

/** Any scalar as the integer protobuf would carry: booleans 0/1, numbers truncated, decimal strings parsed, others 0. */
export function toBigInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v
  if (typeof v === 'boolean') return v ? 1n : 0n
  if (typeof v === 'number') return Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n
  if (typeof v === 'string') {
    try {
      return BigInt(v)
    } catch {
      return 0n
    }
  }
  return 0n
}
