// float16/bfloat16 conversion: known values and specials (±0, ±Inf, NaN, subnormals, overflow, ties),
// exhaustive 16-bit → 32-bit → 16-bit round trips, and round-to-nearest-even checked by fast-check on
// random float32 bit patterns against a midpoint oracle over the sorted 16-bit values.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import {
  bf16ToF32,
  bf16ToF32Array,
  f16ToF32,
  f16ToF32Array,
  f32ToBf16,
  f32ToBf16Array,
  f32ToF16,
  f32ToF16Array,
} from './half-float.ts'

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)
function fromBits(bits: number): number {
  u32[0] = bits
  return f32[0]!
}

/**
 * The 16-bit pattern nearest to `x` by exact midpoint comparison (ties to the even pattern).
 * `inf` is the positive Infinity pattern; `beyond` the value one step past the largest finite one.
 */
function nearest(x: number, toF32: (h: number) => number, inf: number, beyond: number): number {
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0
  const a = Math.abs(x)
  if (a === Number.POSITIVE_INFINITY) return sign | inf
  let lo = 0
  let hi = inf // invariant: value(lo) <= a < value(hi) (value(inf) is `beyond`)
  const value = (h: number) => (h === inf ? beyond : toF32(h))
  if (a >= beyond) return sign | inf
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1
    if (value(mid) <= a) lo = mid
    else hi = mid
  }
  const midpoint = (value(lo) + value(hi)) / 2
  if (a < midpoint) return sign | lo
  if (a > midpoint) return sign | hi
  return sign | ((lo & 1) === 0 ? lo : hi)
}

const isF16NaN = (h: number) => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0
const isBf16NaN = (h: number) => (h & 0x7f80) === 0x7f80 && (h & 0x7f) !== 0

describe('float16', () => {
  test('known values and specials', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.5, 0x3800],
      [65504, 0x7bff], // largest finite
      [65519, 0x7bff],
      [65520, 0x7c00], // tie between 65504 and 2^16 → even → Infinity
      [1e6, 0x7c00],
      [-1e6, 0xfc00],
      [Number.POSITIVE_INFINITY, 0x7c00],
      [Number.NEGATIVE_INFINITY, 0xfc00],
      [2 ** -14, 0x0400], // smallest normal
      [2 ** -24, 0x0001], // smallest subnormal
      [2 ** -25, 0x0000], // tie → even (0)
      [3 * 2 ** -25, 0x0002], // tie between 1 and 2 → 2
      [1e-10, 0x0000],
      [-1e-10, 0x8000],
      [1 + 2 ** -11, 0x3c00], // tie → even
      [1 + 3 * 2 ** -11, 0x3c02], // tie → even (upwards)
    ]
    for (const [x, h] of cases) assert.equal(f32ToF16(x), h, `f32ToF16(${x})`)
    assert.ok(isF16NaN(f32ToF16(Number.NaN)))
    assert.equal(f16ToF32(0x7c00), Number.POSITIVE_INFINITY)
    assert.equal(f16ToF32(0xfc00), Number.NEGATIVE_INFINITY)
    assert.ok(Number.isNaN(f16ToF32(0x7e00)))
    assert.ok(Object.is(f16ToF32(0x8000), -0))
    assert.equal(f16ToF32(0x0001), 2 ** -24)
    assert.equal(f16ToF32(0x03ff), 1023 * 2 ** -24)
    assert.equal(f16ToF32(0x7bff), 65504)
  })

  test('every pattern survives a round trip through float32 (NaNs stay NaN)', () => {
    for (let h = 0; h < 65536; h++) {
      const back = f32ToF16(f16ToF32(h))
      if (isF16NaN(h)) assert.ok(isF16NaN(back) && (back & 0x8000) === (h & 0x8000), `NaN ${h}`)
      else assert.equal(back, h)
    }
  })

  test('float32 → float16 rounds to nearest, ties to even', () => {
    const check = (bits: number) => {
      const x = fromBits(bits)
      if (Number.isNaN(x)) return
      assert.equal(f32ToF16(x), nearest(x, f16ToF32, 0x7c00, 65536), `x=${x}`)
    }
    fc.assert(fc.property(fc.nat({ max: 0xffffffff }), check), { numRuns: 20000, seed: 1 })
    // Dense around the f16 range, where rounding matters most: exponents 100..143.
    const near = fc.tuple(fc.integer({ min: 100, max: 143 }), fc.nat({ max: 0x7fffff }), fc.boolean())
    fc.assert(fc.property(near, ([e, m, s]) => check(((s ? 1 : 0) << 31) | (e << 23) | m)), { numRuns: 20000, seed: 2 })
  })

  test('bulk conversions equal the scalar ones', () => {
    const values = new Float32Array([0, -0, 1, 65520, -1e-7, Number.NaN, Number.POSITIVE_INFINITY, 3.14159, 1e-5])
    const half = new Uint16Array(values.length)
    f32ToF16Array(values, half)
    assert.deepEqual([...half], [...values].map(f32ToF16))
    const back = new Float32Array(values.length)
    f16ToF32Array(half, back)
    assert.deepEqual([...back], [...half].map((h) => Math.fround(f16ToF32(h))))
    assert.throws(() => f16ToF32Array(half, new Float32Array(2)), RangeError)
  })
})

describe('bfloat16', () => {
  test('known values and specials', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3f80],
      [-2, 0xc000],
      [Number.POSITIVE_INFINITY, 0x7f80],
      [Number.NEGATIVE_INFINITY, 0xff80],
      [fromBits(0x7f7fffff), 0x7f80], // f32 max rounds up to Infinity
      [fromBits(0x3f808000), 0x3f80], // tie → even (down)
      [fromBits(0x3f818000), 0x3f82], // tie → even (up)
      [fromBits(0x3f808001), 0x3f81],
      [fromBits(0x00000001), 0x0000], // f32 subnormal rounds to 0
      [fromBits(0x00400000), 0x0040], // bf16 subnormal kept
    ]
    for (const [x, h] of cases) assert.equal(f32ToBf16(x), h, `f32ToBf16(${x})`)
    assert.ok(isBf16NaN(f32ToBf16(Number.NaN)))
    assert.ok(isBf16NaN(f32ToBf16(fromBits(0x7f800001))), 'a NaN with only low payload bits stays NaN')
    assert.equal(bf16ToF32(0x3f80), 1)
    assert.equal(bf16ToF32(0xff80), Number.NEGATIVE_INFINITY)
    assert.ok(Number.isNaN(bf16ToF32(0x7fc0)))
  })

  test('every pattern survives a round trip through float32 (NaNs stay NaN)', () => {
    for (let h = 0; h < 65536; h++) {
      const back = f32ToBf16(bf16ToF32(h))
      if (isBf16NaN(h)) assert.ok(isBf16NaN(back), `NaN ${h}`)
      else assert.equal(back, h)
    }
  })

  test('float32 → bfloat16 rounds to nearest, ties to even', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), (bits) => {
        const x = fromBits(bits)
        if (Number.isNaN(x)) return
        assert.equal(f32ToBf16(x), nearest(x, bf16ToF32, 0x7f80, 2 ** 128), `x=${x}`)
      }),
      { numRuns: 20000, seed: 3 },
    )
  })

  test('bulk conversions equal the scalar ones', () => {
    const values = new Float32Array([0, -0, 1, 1e38, -1e-40, Number.NaN, Number.NEGATIVE_INFINITY, 3.14159])
    const half = new Uint16Array(values.length)
    f32ToBf16Array(values, half)
    assert.deepEqual([...half], [...values].map(f32ToBf16))
    const back = new Float32Array(values.length)
    bf16ToF32Array(half, back)
    assert.deepEqual([...back], [...half].map(bf16ToF32))
  })
})
