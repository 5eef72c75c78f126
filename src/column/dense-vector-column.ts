import { assert } from '../common/assert.ts'
import { Bitset } from '../common/bitset.ts'
import type { FieldSchema } from '../schema/collection-schema.ts'
import { DataType, dataTypeName } from '../schema/data-type.ts'
import type { Column } from './column.ts'
import { f32ToBf16, f32ToF16, isBf16NonFinite, isF16NonFinite } from '../common/half-float.ts'
import { resolveMissing } from './missing-value.ts'
import { isOwnedVectors } from './owned-vectors.ts'
import type { BuildContext, RawColumn } from './raw-column.ts'
import { fieldRowError, typeProblem } from './value-problem.ts'
import { dimMismatchError, impliedDim, rowWidth } from './vector-shape.ts'

/**
 * Dense vector columns (Float, Binary, Float16, BFloat16, Int8): one flat typed array, stride = dim
 * (binary: dim/8 bytes). Each row, or the whole flat input at once, is copied with one loop that
 * also checks the values (finite floats, bytes 0..255, int8 -128..127, no 16-bit overflow). A null
 * row of a nullable field is left zero and cleared in `validBits` (vectors have no default_value).
 */
export function buildDenseVectorColumn(field: FieldSchema, raw: RawColumn, ctx: BuildContext): Column {
  const dim = field.dim ?? 0
  const n = ctx.rowCount
  const t = field.dataType
  const width = t === DataType.BinaryVector ? dim / 8 : dim
  const bytesPerElement = t === DataType.FloatVector ? 4 : t === DataType.BinaryVector || t === DataType.Int8Vector ? 1 : 2
  ctx.size.add(n * width * bytesPerElement, field.name) // before allocating
  const validBits = field.nullable ? Bitset.full(n) : null
  switch (t) {
    case DataType.FloatVector: {
      // A decoder's own array (a gRPC request's vectors) is checked where it is and taken, not copied (51 MB for 100k × 128).
      if (raw.form === 'flat' && validBits === null && isOwnedVectors(raw.data) && raw.data.length === n * width) {
        checkFinite(field, raw.data, 0)
        return { kind: 'floatVector', dim, values: raw.data, validBits }
      }
      const values = new Float32Array(n * width)
      fillRows(field, raw, n, validBits, (src, start) => copyFloats(field, src, values, start))
      return { kind: 'floatVector', dim, values, validBits }
    }
    case DataType.BinaryVector: {
      const values = new Uint8Array(n * width)
      fillRows(field, raw, n, validBits, (src, start) => copyBytes(field, src, values, start))
      return { kind: 'binaryVector', dim, values, validBits }
    }
    case DataType.Int8Vector: {
      const values = new Int8Array(n * width)
      fillRows(field, raw, n, validBits, (src, start) => copyInt8s(field, src, values, start))
      return { kind: 'int8Vector', dim, values, validBits }
    }
    case DataType.Float16Vector:
    case DataType.BFloat16Vector: {
      const brain = t === DataType.BFloat16Vector
      const values = new Uint16Array(n * width)
      fillRows(field, raw, n, validBits, (src, start) => copyHalves(field, src, values, start, brain))
      return brain ? { kind: 'bfloat16Vector', dim, values, validBits } : { kind: 'float16Vector', dim, values, validBits }
    }
    default:
      return assert.fail(`not a dense vector field: ${field.name}`)
  }
}

type Copy = (src: ArrayLike<unknown>, start: number) => void

/** Calls `copy` once for flat input, else once per row (a closure per column, not per row). */
function fillRows(field: FieldSchema, raw: RawColumn, n: number, validBits: Bitset | null, copy: Copy): void {
  if (raw.form === 'flat') {
    copy(raw.data, 0)
    return
  }
  const values = raw.values
  const dim = field.dim ?? 0
  const outWidth = field.dataType === DataType.BinaryVector ? dim / 8 : dim
  for (let i = 0; i < n; i++) {
    const v = values[i]
    if (v === undefined || v === null) {
      resolveMissing(field, i, validBits)
      continue
    }
    const width = rowWidth(field, v)
    if (width === undefined) throw fieldRowError(field.name, i, typeProblem(rowForms(field), v))
    const len = (v as ArrayLike<unknown>).length
    if (len !== width) throw dimMismatchError(field, i, impliedDim(field, v, len))
    copy(v as ArrayLike<unknown>, i * outWidth)
  }
}

function rowForms(field: FieldSchema): string {
  const name = dataTypeName(field.dataType)
  switch (field.dataType) {
    case DataType.FloatVector:
      return `${name} (number[] or Float32Array)`
    case DataType.BinaryVector:
      return `${name} (number[] of bytes or Uint8Array)`
    case DataType.Int8Vector:
      return `${name} (number[] of integers -128..127 or Int8Array)`
    default:
      return `${name} (number[] or Float32Array of floats, Uint16Array of raw values or Uint8Array of raw bytes)`
  }
}

function copyFloats(field: FieldSchema, src: ArrayLike<unknown>, out: Float32Array, start: number): void {
  const len = src.length
  if (src instanceof Float32Array || src instanceof Float64Array) out.set(src, start)
  else {
    for (let k = 0; k < len; k++) {
      const x = src[k]
      if (typeof x !== 'number') throw elementError(field, start + k, field.dim ?? 1, typeProblem('number', x))
      out[start + k] = x
    }
  }
  checkFinite(field, out.subarray(start, start + len), start, src)
}

/**
 * Non-finite float32 ⇔ exponent bits all ones: one integer test per value on the bits (`start`: index
 * of `values[0]` in the column; `shown`: the values as the caller gave them, for the message).
 */
function checkFinite(field: FieldSchema, values: Float32Array, start: number, shown: ArrayLike<unknown> = values): void {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length)
  for (let k = 0; k < bits.length; k++) {
    if ((bits[k]! & 0x7f800000) === 0x7f800000) {
      throw elementError(field, start + k, field.dim ?? 1, `${String(shown[k])} is not a finite float32 value`)
    }
  }
}

function copyBytes(field: FieldSchema, src: ArrayLike<unknown>, out: Uint8Array, start: number): void {
  if (src instanceof Uint8Array) {
    out.set(src, start)
    return
  }
  const len = src.length
  for (let k = 0; k < len; k++) {
    const x = src[k]
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > 255) {
      throw elementError(field, start + k, (field.dim ?? 8) / 8, typeProblem('a byte (integer 0..255)', x))
    }
    out[start + k] = x
  }
}

function copyInt8s(field: FieldSchema, src: ArrayLike<unknown>, out: Int8Array, start: number): void {
  if (src instanceof Int8Array) {
    out.set(src, start)
    return
  }
  const len = src.length
  for (let k = 0; k < len; k++) {
    const x = src[k]
    if (typeof x !== 'number' || !Number.isInteger(x) || x < -128 || x > 127) {
      throw elementError(field, start + k, field.dim ?? 1, typeProblem('an int8 (integer -128..127)', x))
    }
    out[start + k] = x
  }
}

function copyHalves(
  field: FieldSchema,
  src: ArrayLike<unknown>,
  out: Uint16Array,
  start: number,
  brain: boolean,
): void {
  const dim = field.dim ?? 1
  if (src instanceof Uint16Array) out.set(src, start)
  else if (src instanceof Uint8Array) {
    const count = src.length >>> 1
    for (let k = 0; k < count; k++) out[start + k] = src[2 * k]! | (src[2 * k + 1]! << 8)
  } else {
    for (let k = 0; k < src.length; k++) {
      const x = src[k]
      if (typeof x !== 'number') throw elementError(field, start + k, dim, typeProblem('number', x))
      out[start + k] = brain ? f32ToBf16(x) : f32ToF16(x)
    }
  }
  const end = start + (src instanceof Uint8Array ? src.length >>> 1 : src.length)
  for (let k = start; k < end; k++) {
    const h = out[k]!
    if (brain ? isBf16NonFinite(h) : isF16NonFinite(h)) {
      const what = src instanceof Uint8Array || src instanceof Uint16Array ? 'raw value' : String(src[k - start])
      throw elementError(field, k, dim, `${what} is not a finite ${brain ? 'bfloat16' : 'float16'} value`)
    }
  }
}

/** Error at flat position `k` of a column with `width` elements per row. */
function elementError(field: FieldSchema, k: number, width: number, problem: string) {
  return fieldRowError(field.name, Math.floor(k / width), `element ${k % width}: ${problem}`)
}
