import { assert } from '../common/assert.ts'
import { errors, type MilvusError } from '../errors/errors.ts'
import { corrupt } from './batch-format.ts'
import type { ByteReader } from './byte-reader.ts'
import type { ChunkWriter } from './chunk-writer.ts'

/**
 * The tagged values of json and array columns in a batch (see batch-codec.ts for the format):
 * value = u8 tag | body: null, undefined, false, true (no body) | i32 | f64 | str | i64 (bigint)
 *         | str (bigint beyond int64, decimal) | u32 n, value×n (array) | u32 n, (str, value)×n (object)
 */

/** Deepest nesting of json/array values; a row's own array is level 1. */
export const batchValueDepthMax = 256

const Tag = { null: 0, undefined: 1, false: 2, true: 3, int32: 4, float64: 5, string: 6, int64: 7, bigint: 8, array: 9, object: 10 } as const

export function encodeValues(w: ChunkWriter, values: readonly unknown[], rowCount: number, name: string): void {
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

export function decodeValues(r: ByteReader, rowCount: number, name: string): unknown[] {
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
