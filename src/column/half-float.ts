/**
 * 16-bit float encodings used by Float16Vector (IEEE 754 binary16) and BFloat16Vector (bfloat16),
 * as raw bit patterns in a `Uint16Array`. Encoding rounds to nearest, ties to even; a finite input
 * too large for the format becomes ±Infinity (callers reject that), NaN stays NaN.
 * One shared scratch word, so nothing allocates per value.
 */
const scratchF32 = new Float32Array(1)
const scratchU32 = new Uint32Array(scratchF32.buffer)

/** float32 bits of `x` (after rounding `x` to float32). */
function f32Bits(x: number): number {
  scratchF32[0] = x
  return scratchU32[0]!
}

/** IEEE binary16 bits of `x`, round to nearest even. */
export function f32ToF16Bits(x: number): number {
  const b = f32Bits(x)
  const sign = (b >>> 16) & 0x8000
  const exp = (b >>> 23) & 0xff
  const mant = b & 0x7fffff
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0)
  const e = exp - 112 // rebias 127 → 15
  if (e >= 0x1f) return sign | 0x7c00
  if (e <= 0) return sign | f16Subnormal(mant | 0x800000, 126 - exp)
  let h = (e << 10) | (mant >>> 13)
  const rest = mant & 0x1fff
  if (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1)) h++ // a carry may reach Infinity: correct
  return sign | h
}

/** `m` (24-bit significand with the hidden bit) shifted right by `shift` ≥ 14, rounded to even. */
function f16Subnormal(m: number, shift: number): number {
  if (shift > 24) return 0
  let h = m >>> shift
  const rest = m & ((1 << shift) - 1)
  const half = 1 << (shift - 1)
  if (rest > half || (rest === half && (h & 1) === 1)) h++
  return h
}

/** The number an IEEE binary16 bit pattern stands for. */
export function f16BitsToF32(h: number): number {
  const sign = (h & 0x8000) !== 0 ? -1 : 1
  const exp = (h >>> 10) & 0x1f
  const mant = h & 0x3ff
  if (exp === 0) return sign * mant * 2 ** -24
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : Number.NaN
  return sign * (1024 + mant) * 2 ** (exp - 25)
}

/** bfloat16 bits of `x` (the top half of float32), round to nearest even. */
export function f32ToBf16Bits(x: number): number {
  const b = f32Bits(x)
  if ((b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0) return (b >>> 16) | 0x40 // quiet NaN
  return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff
}

/** The number a bfloat16 bit pattern stands for. */
export function bf16BitsToF32(h: number): number {
  scratchU32[0] = (h & 0xffff) << 16
  return scratchF32[0]!
}

/** True if a 16-bit pattern of either format is ±Infinity or NaN. */
export function isF16NonFinite(h: number): boolean {
  return (h & 0x7c00) === 0x7c00
}

export function isBf16NonFinite(h: number): boolean {
  return (h & 0x7f80) === 0x7f80
}
