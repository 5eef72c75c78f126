import { endianness } from 'node:os'
import protobuf from 'protobufjs'
import { loaderOptions, milvusDescriptorJson } from './milvus-proto.ts'

/** The types whose decoding is specialised: `repeated float` of FloatArray read as one Float32Array. */
const FLOAT_ARRAY = 'milvus.proto.schema.FloatArray'
const FLOAT_BYTES = 4

let root: protobuf.Root | undefined

/**
 * Insert/Upsert requests decoded like the service decodes them (same options), except that every
 * `FloatArray` — the float vectors of `fields_data` and float scalars — comes out as one Float32Array
 * copied from the packed bytes, instead of a JS array built one float at a time (about 10× faster
 * for a 5k × 128 batch). Results equal the service decoder's, with Float32Array in place of number[].
 */
export function writeRequestDeserializer(typeName: 'milvus.proto.milvus.InsertRequest' | 'milvus.proto.milvus.UpsertRequest'): (buf: Buffer) => object {
  const options = { ...loaderOptions }
  // Its root (~0.1 s to build) is made on the first write, not while the server starts.
  let type: protobuf.Type | undefined
  return (buf) => {
    type ??= specialisedRoot().lookupType(typeName)
    return type.toObject(type.decode(buf), options)
  }
}

/** The specialised decoder reads floats in host order: little-endian hosts only (others use the plain one). */
export function fastFloatDecodingAvailable(): boolean {
  return endianness() === 'LE'
}

function specialisedRoot(): protobuf.Root {
  if (root !== undefined) return root
  // A root of its own, so the service's decoder keeps plain FloatArrays. Types resolve on first use;
  // the containing types call `FloatArray.decode` / `toObject` through the type object, so the patch holds.
  const r = protobuf.Root.fromJSON(milvusDescriptorJson())
  const floats = r.lookupType(FLOAT_ARRAY)
  floats.setup()
  floats.decode = decodeFloatArray as unknown as typeof floats.decode
  floats.toObject = ((m: { data: Float32Array }) => ({ data: m.data })) as unknown as typeof floats.toObject
  root = r
  return r
}

/** `FloatArray { repeated float data = 1; }`, packed (wire type 2) or not (wire type 5). */
function decodeFloatArray(reader: protobuf.Reader | Uint8Array, length?: number): { data: Float32Array } {
  const r = reader instanceof protobuf.Reader ? reader : protobuf.Reader.create(reader)
  const end = length === undefined ? r.len : r.pos + length
  if (end > r.len) throw new RangeError('index out of range')
  const parts: Float32Array[] = []
  let loose: number[] = []
  while (r.pos < end) {
    const tag = r.uint32()
    if (tag >>> 3 !== 1) {
      r.skipType(tag & 7)
      continue
    }
    if ((tag & 7) !== 2) {
      loose.push(r.float())
      continue
    }
    const n = r.uint32()
    const start = r.pos
    if (start + n > end || n % FLOAT_BYTES !== 0) throw new RangeError('index out of range')
    if (loose.length > 0) {
      parts.push(Float32Array.from(loose))
      loose = []
    }
    const out = new Float32Array(n / FLOAT_BYTES)
    new Uint8Array(out.buffer).set(r.buf.subarray(start, start + n))
    parts.push(out)
    r.pos = start + n
  }
  if (loose.length > 0) parts.push(Float32Array.from(loose))
  return { data: parts.length === 1 ? parts[0]! : concat(parts) }
}

function concat(parts: readonly Float32Array[]): Float32Array {
  let n = 0
  for (const p of parts) n += p.length
  const out = new Float32Array(n)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}
