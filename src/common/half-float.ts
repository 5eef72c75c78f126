/**
 * IEEE 754 binary16 (float16) and bfloat16 ⇄ float32, as raw 16-bit patterns in numbers / Uint16Arrays.
 * float32 → 16-bit rounds to nearest, ties to even; overflow gives ±Infinity; NaN stays NaN (quiet,
 * top payload bits kept); float16 subnormals are produced and read exactly.
 */

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

/** The float16 bit pattern nearest to `x` (ties to even). */
export function f32ToF16(x: number): number {
  f32[0] = x
  return f32BitsToF16(u32[0]!)
}

/** The value of the float16 bit pattern `h` (exact). */
export function f16ToF32(h: number): number {
  return f16Table()[h & 0xffff]!
}

/** The bfloat16 bit pattern nearest to `x` (ties to even). */
export function f32ToBf16(x: number): number {
  f32[0] = x
  return f32BitsToBf16(u32[0]!)
}

/** The value of the bfloat16 bit pattern `h` (exact). */
export function bf16ToF32(h: number): number {
  u32[0] = (h & 0xffff) << 16
  return f32[0]!
}

/** Converts `src` into `dst[0..src.length)`. */
export function f32ToF16Array(src: Float32Array, dst: Uint16Array): void {
  const n = checkLengths(src.length, dst.length)
  const bits = new Uint32Array(src.buffer, src.byteOffset, n)
  for (let i = 0; i < n; i++) dst[i] = f32BitsToF16(bits[i]!)
}

/** Converts `src` into `dst[0..src.length)`. */
export function f16ToF32Array(src: Uint16Array, dst: Float32Array): void {
  const n = checkLengths(src.length, dst.length)
  const table = f16Table()
  for (let i = 0; i < n; i++) dst[i] = table[src[i]!]!
}

/** Converts `src` into `dst[0..src.length)`. */
export function f32ToBf16Array(src: Float32Array, dst: Uint16Array): void {
  const n = checkLengths(src.length, dst.length)
  const bits = new Uint32Array(src.buffer, src.byteOffset, n)
  for (let i = 0; i < n; i++) dst[i] = f32BitsToBf16(bits[i]!)
}

/** Converts `src` into `dst[0..src.length)`. */
export function bf16ToF32Array(src: Uint16Array, dst: Float32Array): void {
  const n = checkLengths(src.length, dst.length)
  const bits = new Uint32Array(dst.buffer, dst.byteOffset, n)
  for (let i = 0; i < n; i++) bits[i] = src[i]! << 16
}

function checkLengths(srcLength: number, dstLength: number): number {
  if (dstLength < srcLength) throw new RangeError(`destination holds ${dstLength} values, need ${srcLength}`)
  return srcLength
}

function f32BitsToF16(x: number): number {
  const sign = (x >>> 16) & 0x8000
  const exp = (x >>> 23) & 0xff
  const mant = x & 0x7fffff
  if (exp === 0xff) return mant === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mant >>> 13)
  const e = exp - 112 // rebias 127 → 15
  if (e >= 31) return sign | 0x7c00
  if (e > 0) {
    // Normal: round the 13 dropped bits; a carry may ripple into the exponent (up to Infinity).
    const h = (e << 10) | (mant >>> 13)
    const rest = mant & 0x1fff
    return sign | (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1) ? h + 1 : h)
  }
  if (e < -10) return sign // below half the smallest subnormal (f32 subnormals included)
  // Subnormal: shift the full 24-bit significand right by 14..24 and round.
  const shift = 14 - e
  const full = mant | 0x800000
  const h = full >>> shift
  const rest = full & ((1 << shift) - 1)
  const half = 1 << (shift - 1)
  return sign | (rest > half || (rest === half && (h & 1) === 1) ? h + 1 : h)
}

function f32BitsToBf16(x: number): number {
  if ((x & 0x7fffffff) > 0x7f800000) return ((x >>> 16) | 0x0040) & 0xffff // quiet NaN
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff
}

let table: Float32Array | undefined

/** All 65536 float16 values as float32 (256 KiB, built on first use). */
function f16Table(): Float32Array {
  if (table !== undefined) return table
  const t = new Float32Array(65536)
  const bits = new Uint32Array(t.buffer)
  for (let h = 0; h < 65536; h++) bits[h] = f16BitsToF32Bits(h)
  table = t
  return t
}

function f16BitsToF32Bits(h: number): number {
  const sign = (h & 0x8000) << 16
  const exp = (h >>> 10) & 0x1f
  const mant = h & 0x3ff
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0
  if (exp !== 0) return (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0
  if (mant === 0) return sign >>> 0
  // Subnormal m·2^-24: normalise so the leading 1 becomes implicit.
  let e = 113
  let m = mant
  while ((m & 0x400) === 0) {
    m <<= 1
    e--
  }
  return (sign | (e << 23) | ((m & 0x3ff) << 13)) >>> 0
}

/** True for float16 patterns of ±Infinity and NaN (exponent all ones). */
export function isF16NonFinite(h: number): boolean {
  return (h & 0x7c00) === 0x7c00
}

/** True for bfloat16 patterns of ±Infinity and NaN (exponent all ones). */
export function isBf16NonFinite(h: number): boolean {
  return (h & 0x7f80) === 0x7f80
}
